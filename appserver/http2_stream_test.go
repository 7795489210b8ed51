package appserver

import (
	"bufio"
	"bytes"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The stream writer turns HTTP/1.1 response bytes into frames: an
// informational head (ASGI's 103 Early Hints) becomes its own HEADERS frame
// before the final one, and a chunked body's trailer section becomes the
// HEADERS frame that ends the stream.

type h2Frame struct {
	typ    http2.FrameType
	end    bool
	fields map[string]string
	data   string
}

// testStream is a stream on a connection whose frames go to out.
func testStream(out *bytes.Buffer) *h2Stream {
	hc := &h2Conn{o: &opsState{srv: &Server{}}, c: &conn{}, streams: map[uint32]*h2Stream{},
		sendWin: 1 << 20, initWin: 1 << 20, maxFrame: 16384}
	hc.cond = sync.NewCond(&hc.mu)
	hc.bw = bufio.NewWriter(out)
	hc.fr = http2.NewFramer(hc.bw, nil)
	hc.enc = hpack.NewEncoder(&hc.hb)
	s := newH2Stream(hc, 1)
	s.c.req.method = []byte("GET")
	return s
}

func readH2Frames(t *testing.T, b []byte) []h2Frame {
	t.Helper()
	fr := http2.NewFramer(nil, bytes.NewReader(b))
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	var got []h2Frame
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return got
		}
		switch f := f.(type) {
		case *http2.MetaHeadersFrame:
			m := map[string]string{}
			for _, hf := range f.Fields {
				m[hf.Name] = hf.Value
			}
			got = append(got, h2Frame{typ: http2.FrameHeaders, end: f.StreamEnded(), fields: m})
		case *http2.DataFrame:
			got = append(got, h2Frame{typ: http2.FrameData, end: f.StreamEnded(), data: string(f.Data())})
		}
	}
}

func TestH2StreamEarlyHintsAndTrailers(t *testing.T) {
	var out bytes.Buffer
	s := testStream(&out)
	// Split at awkward places, as the ASGI flush goroutine may.
	resp := "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
		"3\r\nhel\r\n2\r\nlo\r\n0\r\nx-checksum: abc\r\nx-status: ok\r\n\r\n"
	for _, part := range []string{resp[:20], resp[20:70], resp[70:150], resp[150:175], resp[175:]} {
		if _, err := s.Write([]byte(part)); err != nil {
			t.Fatal(err)
		}
	}
	got := readH2Frames(t, out.Bytes())
	if len(got) != 5 {
		t.Fatalf("want 5 frames, got %+v", got)
	}
	if f := got[0]; f.typ != http2.FrameHeaders || f.end || f.fields[":status"] != "103" ||
		f.fields["link"] != "</a.css>; rel=preload" {
		t.Fatalf("103 frame: %+v", f)
	}
	if f := got[1]; f.typ != http2.FrameHeaders || f.end || f.fields[":status"] != "200" ||
		f.fields["link"] != "" || f.fields["connection"] != "" || f.fields["transfer-encoding"] != "" {
		t.Fatalf("final head: %+v", f)
	}
	if got[2].data != "hel" || got[3].data != "lo" || got[2].end || got[3].end {
		t.Fatalf("data: %+v %+v", got[2], got[3])
	}
	if f := got[4]; f.typ != http2.FrameHeaders || !f.end || f.fields["x-checksum"] != "abc" ||
		f.fields["x-status"] != "ok" || f.fields[":status"] != "" {
		t.Fatalf("trailers: %+v", f)
	}
	if !s.ended {
		t.Fatal("the stream did not end")
	}
}

func TestH2StreamChunkedWithoutTrailersEndsWithData(t *testing.T) {
	var out bytes.Buffer
	s := testStream(&out)
	s.Write([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n"))
	if s.ended {
		t.Fatal("ended before the end of the trailer section")
	}
	s.Write([]byte("\r\n"))
	got := readH2Frames(t, out.Bytes())
	if len(got) != 3 || got[1].data != "hi" || got[2].typ != http2.FrameData || !got[2].end {
		t.Fatalf("frames: %+v", got)
	}
}

// A repeated response head is sent as the remembered HPACK block once its
// encoding is all table indexes; another head, or the peer's new header
// table size, encodes afresh (the decoder sees the right fields throughout).
func TestH2StreamRepeatedHeadBlock(t *testing.T) {
	var out bytes.Buffer
	s := testStream(&out)
	hc := s.hc
	headA := "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nDate: Thu, 26 Nov 2026 01:00:00 GMT\r\n\r\nok"
	headB := "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nno"
	id := uint32(1)
	send := func(resp string) {
		t.Helper()
		st := newH2Stream(hc, id)
		st.c.req.method = []byte("GET")
		hc.streams[id] = st
		if _, err := st.Write([]byte(resp)); err != nil {
			t.Fatal(err)
		}
		id += 2
	}
	settings := func(ss ...http2.Setting) {
		var b bytes.Buffer
		http2.NewFramer(&b, nil).WriteSettings(ss...)
		f, err := http2.NewFramer(nil, &b).ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		hc.frame(f)
	}
	for _, resp := range []string{headA, headA, headA, headB, headA, headA} {
		send(resp)
	}
	if !hc.heads.valid || string(hc.heads.head) != headA[:strings.Index(headA, "\r\n\r\n")] {
		t.Fatalf("the repeated head was not remembered: %+v", hc.heads)
	}
	settings(http2.Setting{ID: http2.SettingHeaderTableSize, Val: 0})
	if hc.heads.valid {
		t.Fatal("a new header table size left the remembered block in use")
	}
	mark := out.Len()
	send(headA)
	// The block after the change starts with a dynamic table size update.
	rest := out.Bytes()[mark:]
	for len(rest) >= 9 && http2.FrameType(rest[3]) != http2.FrameHeaders {
		rest = rest[9+int(rest[0])<<16|int(rest[1])<<8|int(rest[2]):]
	}
	if len(rest) < 10 || rest[9]&0xe0 != 0x20 {
		t.Fatalf("no table size update at the start of the next block: % x", rest)
	}
	got := readH2Frames(t, out.Bytes())
	var heads []h2Frame
	for _, f := range got {
		if f.typ == http2.FrameHeaders {
			heads = append(heads, f)
		}
	}
	if len(heads) != 7 {
		t.Fatalf("want 7 header blocks, got %d: %+v", len(heads), got)
	}
	for i, f := range heads {
		want := map[string]string{":status": "200", "content-type": "text/plain", "content-length": "2",
			"date": "Thu, 26 Nov 2026 01:00:00 GMT"}
		if i == 3 {
			want = map[string]string{":status": "404", "content-type": "text/html", "content-length": "2"}
		}
		if len(f.fields) != len(want) {
			t.Fatalf("block %d: %+v", i, f.fields)
		}
		for k, v := range want {
			if f.fields[k] != v {
				t.Fatalf("block %d: %s = %q, want %q", i, k, f.fields[k], v)
			}
		}
	}
}
