package appserver

import "bytes"

// h2HeadCache remembers the last response head of a connection whose HPACK
// encoding came out as one-byte indexed fields only, with that encoding.
// Such an encoding did not change the encoder's dynamic table, so the same
// head encodes to the same bytes for as long as no other block changes the
// table: a repeated response (the same app view, within the same second of
// the Date header) skips parsing the HTTP/1.1 head and the HPACK encoder
// (per field: a table search and a copy of the value). Any encoding that
// may have changed the table, and a peer's new SETTINGS_HEADER_TABLE_SIZE
// (the encoder then owes a size update), forget it.
type h2HeadCache struct {
	valid     bool
	head      []byte // the HTTP/1.1 head, status line to the last field
	block     []byte // its HPACK block
	code      int
	remaining int64 // Content-Length, -1 when absent or chunked
	chunked   bool
}

// lookup reports whether head is the remembered one.
func (h *h2HeadCache) lookup(head []byte) bool {
	return h.valid && bytes.Equal(head, h.head)
}

// store keeps head and its block when the block changed nothing in the
// table, and forgets the previous one either way.
func (h *h2HeadCache) store(head, block []byte, code int, remaining int64, chunked bool) {
	h.valid = allIndexed(block) // http2_headers.go
	if !h.valid {
		return
	}
	h.head = append(h.head[:0], head...)
	h.block = append(h.block[:0], block...)
	h.code, h.remaining, h.chunked = code, remaining, chunked
}
