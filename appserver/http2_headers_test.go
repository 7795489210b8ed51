package appserver

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// headerFrames returns a Framer that reads the given HEADERS (+CONTINUATION)
// frames for stream 1, the block split into parts.
func headerFrames(t *testing.T, parts ...[]byte) (*http2.Framer, *http2.HeadersFrame) {
	t.Helper()
	var buf bytes.Buffer
	w := http2.NewFramer(&buf, nil)
	w.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: parts[0], EndStream: true,
		EndHeaders: len(parts) == 1})
	for i, p := range parts[1:] {
		w.WriteContinuation(1, i == len(parts)-2, p)
	}
	fr := http2.NewFramer(nil, &buf)
	f, err := fr.ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	return fr, f.(*http2.HeadersFrame)
}

func encodeFields(enc *hpack.Encoder, buf *bytes.Buffer, kv ...string) []byte {
	buf.Reset()
	for i := 0; i < len(kv); i += 2 {
		enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	return append([]byte(nil), buf.Bytes()...)
}

func fieldMap(b *h2Block) map[string]string {
	m := map[string]string{}
	for _, f := range b.fields {
		m[f.Name] = f.Value
	}
	return m
}

func TestH2HeaderDecoderRepeatedBlockAndTableChanges(t *testing.T) {
	d := newH2HeaderDecoder(16 << 10)
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	read := func(block []byte) *h2Block {
		t.Helper()
		fr, f := headerFrames(t, block)
		b, err := d.read(fr, f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	req := []string{":method", "GET", ":path", "/x", ":scheme", "http", ":authority", "a.test", "x-n", "1"}
	first := encodeFields(enc, &hb, req...)
	if b := read(first); fieldMap(b)["x-n"] != "1" || !b.ended || d.cached {
		t.Fatalf("first block: %+v cached=%v", b.fields, d.cached)
	}
	again := encodeFields(enc, &hb, req...) // now all indexed
	if !allIndexed(again) {
		t.Fatalf("expected index bytes only, got %x", again)
	}
	for i := 0; i < 2; i++ {
		if b := read(again); fieldMap(b)["x-n"] != "1" || fieldMap(b)[":authority"] != "a.test" {
			t.Fatalf("repeat %d: %+v", i, b.fields)
		}
		if !d.cached {
			t.Fatal("an all-indexed block was not remembered")
		}
	}
	// A block that inserts into the table shifts the dynamic indexes: the
	// same index bytes now mean other fields and must be decoded again.
	read(encodeFields(enc, &hb, ":method", "GET", ":path", "/y", "x-n", "2"))
	if d.cached {
		t.Fatal("a table-changing block left the cache valid")
	}
	// (Decoded afresh, these bytes now put a regular field before pseudo
	// ones: a stream error, where the stale fields would have passed.)
	fr, f := headerFrames(t, again)
	if b, err := d.read(fr, f); err == nil {
		if m := fieldMap(b); m[":path"] == "/x" && m["x-n"] == "1" && m[":authority"] == "a.test" {
			t.Fatalf("stale fields reused after the table changed: %+v", b.fields)
		}
	}
}

func TestH2HeaderDecoderContinuationAndErrors(t *testing.T) {
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	block := encodeFields(enc, &hb, ":method", "GET", ":path", "/c", "x-a", "1", "x-b", "2")
	fr, f := headerFrames(t, block[:3], block[3:7], block[7:])
	b, err := newH2HeaderDecoder(16<<10).read(fr, f)
	if err != nil || fieldMap(b)["x-b"] != "2" || fieldMap(b)[":path"] != "/c" {
		t.Fatalf("continuation: %v %+v", err, b)
	}
	bad := map[string][]string{
		"upper-case name":      {":method", "GET", "X-Up", "1"},
		"pseudo after regular": {"x-a", "1", ":method", "GET"},
		"unknown pseudo":       {":method", "GET", ":bogus", "1"},
		"repeated pseudo":      {":method", "GET", ":method", "GET"},
		"mixed pseudo":         {":method", "GET", ":status", "200"},
		"bad value":            {":method", "GET", "x-a", "a\x00b"},
	}
	for name, kv := range bad {
		var hb bytes.Buffer
		fr, f := headerFrames(t, encodeFields(hpack.NewEncoder(&hb), &hb, kv...))
		_, err := newH2HeaderDecoder(16<<10).read(fr, f)
		var se http2.StreamError
		if !errors.As(err, &se) || se.Code != http2.ErrCodeProtocol || se.StreamID != 1 {
			t.Errorf("%s: got %v, want a PROTOCOL_ERROR stream error", name, err)
		}
	}
	// Garbage HPACK is a COMPRESSION_ERROR on the connection.
	fr, f = headerFrames(t, []byte{0x80})
	var ce http2.ConnectionError
	if _, err := newH2HeaderDecoder(16<<10).read(fr, f); !errors.As(err, &ce) ||
		http2.ErrCode(ce) != http2.ErrCodeCompression {
		t.Errorf("index 0: got %v", err)
	}
	// Over the header list size: truncated (431), not an error.
	fr, f = headerFrames(t, encodeFields(hpack.NewEncoder(&hb), &hb, ":method", "GET", "x-big", strings.Repeat("a", 64)))
	if b, err := newH2HeaderDecoder(100).read(fr, f); err != nil || !b.truncated {
		t.Errorf("over the limit: %v %+v", err, b)
	}
}

func TestH2HeaderDecoderLiteralPathBlockReused(t *testing.T) {
	// nghttp2's request for a path outside the static table: indexed
	// fields and a literal :path without indexing (name index 4).
	block := []byte{0x82, 0x86, 0x04, 0x05, '/', 'j', 's', 'o', 'n', 0x41, 0x06, 'a', '.', 't', 'e', 's', 't'}
	if tableNeutral(block) {
		t.Fatal("a literal with incremental indexing (0x41 :authority) counted as neutral")
	}
	d := newH2HeaderDecoder(16 << 10)
	read := func(block []byte) *h2Block {
		t.Helper()
		fr, f := headerFrames(t, block)
		b, err := d.read(fr, f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	read(block) // :authority a.test is now dynamic index 62 (0xbe)
	again := []byte{0x82, 0x86, 0x04, 0x05, '/', 'j', 's', 'o', 'n', 0xbe}
	if !tableNeutral(again) {
		t.Fatal("indexed fields + a literal without indexing not counted as neutral")
	}
	for i := 0; i < 3; i++ {
		m := fieldMap(read(again))
		if m[":path"] != "/json" || m[":authority"] != "a.test" || m[":method"] != "GET" || !d.cached {
			t.Fatalf("round %d: %v cached=%v", i, m, d.cached)
		}
	}
	// Never indexed with a literal name (0x10), Huffman-coded value.
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	enc.WriteField(hpack.HeaderField{Name: "x-secret", Value: "abc", Sensitive: true})
	if !tableNeutral(append([]byte{0x82}, hb.Bytes()...)) {
		t.Fatalf("never-indexed literal not neutral: % x", hb.Bytes())
	}
	for _, bad := range [][]byte{{0x20}, {0x3f, 0xe1, 0x1f}, {0x04}, {0x04, 0x05, '/'}, {0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, {0x80}} {
		if tableNeutral(bad) {
			t.Errorf("% x counted as neutral", bad)
		}
	}
}

// An invalid header block is answered with RST_STREAM at once (it used to
// wait in the write buffer for the next response), and the connection
// goes on serving.
func TestH2InvalidHeaderBlockResetAtOnce(t *testing.T) {
	cs, fr, bw, stop := h2TestConn(t)
	defer stop()
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	block := encodeFields(enc, &hb, ":method", "GET", ":path", "/live", ":scheme", "http", "X-Up", "1")
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: block, EndStream: true, EndHeaders: true})
	bw.Flush()
	cs.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("no RST_STREAM: %v", err)
		}
		if rst, ok := f.(*http2.RSTStreamFrame); ok {
			if rst.StreamID != 1 || rst.ErrCode != http2.ErrCodeProtocol {
				t.Fatalf("reset: %v", rst)
			}
			break
		}
	}
	cs.SetReadDeadline(time.Time{})
	var hb2 bytes.Buffer
	h2RoundTrip(t, fr, bw, 3, h2loadRequest(hpack.NewEncoder(&hb2), &hb2, "/live"))
}
