package appserver

import (
	"bytes"
	"errors"
	"strings"

	"golang.org/x/net/http/httpguts"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// Request header blocks (HEADERS + CONTINUATION) are decoded here rather
// than by the Framer's ReadMetaHeaders: its readMetaFrame allocates a
// MetaHeadersFrame, an emit closure and a growing field slice for every
// block (8 of the 21 allocations of a request in BenchmarkH2ConnRequest;
// with its HPACK decode, 7 % of the worker's CPU under h2load). The checks
// are the same as readMetaFrame's (x/net v0.62.0, BSD licence): field
// values and lower-case token names, pseudo fields first, known and not
// repeated, the header list size limit, and the same errors
// (ConnectionError for HPACK failures and oversized blocks, StreamError
// for invalid fields).
//
// A client repeating a request (h2load, a browser polling) sends, once
// every field is in the HPACK dynamic table, the same few index bytes each
// time. A block made only of indexed fields and literals that are not
// indexed does not change the decoder's table, so decoding it again gives
// the same fields: such a block equal to the last one decoded reuses its
// fields without decoding or checking them again. Any other block may
// change the table and clears that memory before it is decoded.

// h2Block is a decoded request header block.
type h2Block struct {
	id        uint32
	ended     bool // END_STREAM on the HEADERS frame
	truncated bool // over the header list size limit: answered 431
	selfDep   bool // its priority names itself as its dependency
	fields    []hpack.HeaderField
}

// h2HeaderDecoder decodes the header blocks of one connection (its reader
// goroutine only).
type h2HeaderDecoder struct {
	dec     *hpack.Decoder
	maxList uint32
	fields  []hpack.HeaderField // the last block's fields, reused

	// Per block, while decoding.
	sawRegular  bool
	invalid     error
	truncated   bool
	remain      uint32 // header list budget left
	trailRemain uint32

	// The last block, when it left the table unchanged (tableNeutral) and
	// decoded without error (its fields are in fields).
	last   []byte
	cached bool
}

func newH2HeaderDecoder(maxList uint32) *h2HeaderDecoder {
	d := &h2HeaderDecoder{maxList: maxList}
	d.dec = hpack.NewDecoder(4096, d.emit)
	d.dec.SetMaxStringLength(int(maxList))
	return d
}

var errPseudoAfterRegular = errors.New("pseudo header field after regular")

func (d *h2HeaderDecoder) emit(hf hpack.HeaderField) {
	if !httpguts.ValidHeaderFieldValue(hf.Value) {
		d.invalid = errors.New("invalid header field value for " + hf.Name)
	}
	if strings.HasPrefix(hf.Name, ":") {
		if d.sawRegular {
			d.invalid = errPseudoAfterRegular
		}
	} else {
		d.sawRegular = true
		if !validWireName(hf.Name) {
			d.invalid = errors.New("invalid header field name")
		}
	}
	if d.invalid != nil {
		d.dec.SetEmitEnabled(false)
		return
	}
	remain, size := &d.remain, hf.Size()
	if hf.Name == "trailer" {
		remain = &d.trailRemain
		n := strings.Count(hf.Value, ",") + 1
		size = uint32(len(hf.Value)-n+1) + uint32(n)*hpack.HeaderField{}.Size()
	}
	if size > *remain {
		d.dec.SetEmitEnabled(false)
		d.truncated = true
		d.remain, d.trailRemain = 0, 0
		return
	}
	*remain -= size
	d.fields = append(d.fields, hf)
}

// validWireName: a token without upper-case letters (RFC 9113 8.2.1).
func validWireName(v string) bool {
	if len(v) == 0 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isToken[c] || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// allIndexed: every byte is a one-byte indexed field representation
// (1xxxxxxx, index 1..126), which leaves the dynamic table as it is.
func allIndexed(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= 0x80 || c == 0xff {
			return false
		}
	}
	return true
}

// tableNeutral: the block has only representations that leave the
// dynamic table as it is (RFC 7541 6.1, 6.2.2, 6.2.3): indexed fields and
// literals without indexing or never indexed — nghttp2 (h2load, curl)
// sends :path that way. Not literals with incremental indexing, nor
// table size updates.
func tableNeutral(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		var ok bool
		switch c := b[0]; {
		case c&0x80 != 0: // indexed
			var idx uint64
			if idx, b, ok = hpackInt(b, 7); !ok || idx == 0 {
				return false
			}
		case c&0xe0 == 0: // 0000xxxx, 0001xxxx: literal, name index or 0
			var idx uint64
			if idx, b, ok = hpackInt(b, 4); !ok {
				return false
			}
			if idx == 0 {
				if b, ok = skipHpackString(b); !ok {
					return false
				}
			}
			if b, ok = skipHpackString(b); !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// hpackInt reads an integer with an n-bit prefix (RFC 7541 5.1), at most
// 4 continuation bytes.
func hpackInt(b []byte, n uint) (uint64, []byte, bool) {
	mask := uint64(1)<<n - 1
	v := uint64(b[0]) & mask
	b = b[1:]
	if v < mask {
		return v, b, true
	}
	for m := uint(0); m < 28; m += 7 {
		if len(b) == 0 {
			return 0, nil, false
		}
		c := b[0]
		b = b[1:]
		v += uint64(c&0x7f) << m
		if c&0x80 == 0 {
			return v, b, true
		}
	}
	return 0, nil, false
}

// skipHpackString skips a string literal (RFC 7541 5.2).
func skipHpackString(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	n, b, ok := hpackInt(b, 7)
	if !ok || n > uint64(len(b)) {
		return nil, false
	}
	return b[n:], true
}

// read decodes the block that f starts, reading its CONTINUATION frames
// (the Framer checks their order). Errors are readMetaFrame's.
func (d *h2HeaderDecoder) read(fr *http2.Framer, f *http2.HeadersFrame) (*h2Block, error) {
	b := &h2Block{id: f.StreamID, ended: f.StreamEnded(), selfDep: f.Priority.StreamDep == f.StreamID}
	frag := f.HeaderBlockFragment()
	if f.HeadersEnded() && d.cached && bytes.Equal(frag, d.last) {
		b.fields = d.fields
		return b, nil
	}
	single := f.HeadersEnded() && tableNeutral(frag)
	if single {
		d.last = append(d.last[:0], frag...) // frag is the Framer's buffer
	}
	d.cached = false
	d.fields = d.fields[:0]
	d.sawRegular, d.invalid, d.truncated = false, nil, false
	d.remain, d.trailRemain = d.maxList, d.maxList
	d.dec.SetEmitEnabled(true)
	for ended := f.HeadersEnded(); ; {
		if int64(len(frag)) > 2*int64(d.remain+d.trailRemain) || d.invalid != nil {
			return nil, http2.ConnectionError(http2.ErrCodeProtocol)
		}
		if _, err := d.dec.Write(frag); err != nil {
			return nil, http2.ConnectionError(http2.ErrCodeCompression)
		}
		if ended {
			break
		}
		cf, err := fr.ReadFrame()
		if err != nil {
			return nil, err
		}
		c := cf.(*http2.ContinuationFrame) // guaranteed by the Framer's order check
		frag, ended = c.HeaderBlockFragment(), c.HeadersEnded()
	}
	if err := d.dec.Close(); err != nil {
		return nil, http2.ConnectionError(http2.ErrCodeCompression)
	}
	if d.invalid != nil {
		return nil, http2.StreamError{StreamID: b.id, Code: http2.ErrCodeProtocol, Cause: d.invalid}
	}
	if err := checkPseudos(d.fields); err != nil {
		return nil, http2.StreamError{StreamID: b.id, Code: http2.ErrCodeProtocol, Cause: err}
	}
	b.fields, b.truncated = d.fields, d.truncated
	d.cached = single && !d.truncated
	return b, nil
}

// checkPseudos: request and response pseudo fields not mixed, none unknown
// or repeated (as MetaHeadersFrame.checkPseudos).
func checkPseudos(fields []hpack.HeaderField) error {
	var isRequest, isResponse bool
	for i, hf := range fields {
		if !hf.IsPseudo() {
			break
		}
		switch hf.Name {
		case ":method", ":path", ":scheme", ":authority", ":protocol":
			isRequest = true
		case ":status":
			isResponse = true
		default:
			return errors.New("invalid pseudo-header " + hf.Name)
		}
		for _, hf2 := range fields[:i] {
			if hf.Name == hf2.Name {
				return errors.New("duplicate pseudo-header " + hf.Name)
			}
		}
	}
	if isRequest && isResponse {
		return errors.New("mix of request and response pseudo headers")
	}
	return nil
}
