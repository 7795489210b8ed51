package appserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// RFC 9113 error handling, one class per test, as h2spec checks it
// (tests/appserver_ops/test_h2spec.py runs h2spec itself): what a client
// sends, and the connection error (GOAWAY) or stream error (RST_STREAM)
// the server must answer with. Requests go to the liveness path, which Go
// answers (no Python).

// h2Answer is how the server reacted: a GOAWAY or RST_STREAM and its code,
// or the connection closed without either.
type h2Answer struct {
	frame  string // "GOAWAY", "RST_STREAM" or "closed"
	stream uint32
	code   http2.ErrCode
}

// h2Client is a client connection to a test server (h2TestConn).
type h2Client struct {
	t    *testing.T
	cs   net.Conn
	fr   *http2.Framer
	bw   *bufio.Writer
	hb   bytes.Buffer
	enc  *hpack.Encoder
	stop func()
}

func newH2Client(t *testing.T) *h2Client {
	cs, fr, bw, stop := h2TestConn(t)
	c := &h2Client{t: t, cs: cs, fr: fr, bw: bw, stop: stop}
	c.enc = hpack.NewEncoder(&c.hb)
	t.Cleanup(stop)
	return c
}

// block encodes header fields given as name, value pairs.
func (c *h2Client) block(nv ...string) []byte {
	c.hb.Reset()
	for i := 0; i < len(nv); i += 2 {
		c.enc.WriteField(hpack.HeaderField{Name: nv[i], Value: nv[i+1]})
	}
	return append([]byte(nil), c.hb.Bytes()...)
}

// get is a valid request for the liveness path, plus extra fields.
func (c *h2Client) get(extra ...string) []byte {
	return c.block(append([]string{":method", "GET", ":scheme", "http", ":path", "/live",
		":authority", "127.0.0.1"}, extra...)...)
}

func (c *h2Client) headers(id uint32, end bool, block []byte) {
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndStream: end, EndHeaders: true})
	c.flush()
}

func (c *h2Client) flush() {
	if err := c.bw.Flush(); err != nil {
		c.t.Fatal(err)
	}
}

// answer reads until the server resets a stream, sends GOAWAY or closes;
// it answers SETTINGS on the way and fails the test after 10 s of silence.
func (c *h2Client) answer() h2Answer {
	c.t.Helper()
	c.cs.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.t.Fatal("no GOAWAY, RST_STREAM or close within 10 s")
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) {
				return h2Answer{frame: "closed"}
			}
			c.t.Fatalf("reading frames: %v", err)
		}
		switch f := f.(type) {
		case *http2.GoAwayFrame:
			return h2Answer{frame: "GOAWAY", code: f.ErrCode}
		case *http2.RSTStreamFrame:
			return h2Answer{frame: "RST_STREAM", stream: f.StreamID, code: f.ErrCode}
		case *http2.SettingsFrame:
			if !f.IsAck() {
				c.fr.WriteSettingsAck()
				c.bw.Flush() // the server may have closed already
			}
		}
	}
}

func (c *h2Client) want(kind string, code http2.ErrCode) {
	c.t.Helper()
	if got := c.answer(); got.frame != kind || got.code != code {
		c.t.Fatalf("want %s %v, got %+v", kind, code, got)
	}
}

// The server still answers requests after a stream error.
func (c *h2Client) stillServes(id uint32) {
	c.t.Helper()
	h2RoundTrip(c.t, c.fr, c.bw, id, c.get())
}

func TestH2ConformIdleStreams(t *testing.T) {
	// RST_STREAM or WINDOW_UPDATE on a stream never opened: PROTOCOL_ERROR
	// of the connection (RFC 9113 5.1).
	c := newH2Client(t)
	c.fr.WriteRSTStream(1, http2.ErrCodeCancel)
	c.flush()
	c.want("GOAWAY", http2.ErrCodeProtocol)

	c = newH2Client(t)
	c.fr.WriteWindowUpdate(5, 100)
	c.flush()
	c.want("GOAWAY", http2.ErrCodeProtocol)

	// On a closed stream both are fine.
	c = newH2Client(t)
	c.stillServes(1)
	c.fr.WriteWindowUpdate(1, 100)
	c.fr.WriteRSTStream(1, http2.ErrCodeCancel)
	c.stillServes(3)
}

func TestH2ConformEvenStreamID(t *testing.T) {
	c := newH2Client(t)
	c.headers(2, true, c.get())
	c.want("GOAWAY", http2.ErrCodeProtocol) // RFC 9113 5.1.1
}

func TestH2ConformFrameSize(t *testing.T) {
	// We never raise SETTINGS_MAX_FRAME_SIZE: a larger frame is a
	// FRAME_SIZE_ERROR (RFC 9113 4.2).
	// The server closes with the rest of the frame unread, so the client
	// may see the connection reset before the GOAWAY: either will do, a
	// response will not.
	frameSizeError := func(c *h2Client) {
		c.bw.Flush() // may fail: the server closed early
		if a := c.answer(); a.frame != "closed" && (a.frame != "GOAWAY" || a.code != http2.ErrCodeFrameSize) {
			t.Fatalf("want GOAWAY FRAME_SIZE_ERROR, got %+v", a)
		}
	}
	c := newH2Client(t)
	c.headers(1, false, c.get("content-length", "16385"))
	c.fr.WriteData(1, true, make([]byte, 16385))
	frameSizeError(c)

	c = newH2Client(t)
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: c.get("x-big",
		string(bytes.Repeat([]byte("a"), 40000)) /* Huffman: ~25 KB */), EndStream: true, EndHeaders: true})
	frameSizeError(c)

	c = newH2Client(t) // 2^14 is fine
	c.headers(1, false, c.get("content-length", "16384"))
	h2RoundTripData(t, c, 1, make([]byte, 16384))
}

func TestH2ConformSettingsValues(t *testing.T) {
	for _, tc := range []struct {
		s    http2.Setting
		code http2.ErrCode
	}{
		{http2.Setting{ID: http2.SettingEnablePush, Val: 2}, http2.ErrCodeProtocol},
		{http2.Setting{ID: http2.SettingMaxFrameSize, Val: 16383}, http2.ErrCodeProtocol},
		{http2.Setting{ID: http2.SettingMaxFrameSize, Val: 1 << 24}, http2.ErrCodeProtocol},
		{http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 31}, http2.ErrCodeFlowControl},
	} {
		c := newH2Client(t)
		c.fr.WriteSettings(tc.s)
		c.flush()
		c.want("GOAWAY", tc.code) // RFC 9113 6.5.2
	}
}

func TestH2ConformWindowOverflow(t *testing.T) {
	// Past 2^31-1: FLOW_CONTROL_ERROR of the connection, or of the stream
	// (RFC 9113 6.9.1). The connection window starts at 65535.
	c := newH2Client(t)
	c.fr.WriteWindowUpdate(0, 1<<31-1)
	c.flush()
	c.want("GOAWAY", http2.ErrCodeFlowControl)

	c = newH2Client(t)
	c.headers(1, false, c.get()) // open: the body is still to come
	c.fr.WriteWindowUpdate(1, 1<<31-1)
	c.flush()
	if a := c.answer(); a.frame != "RST_STREAM" || a.stream != 1 || a.code != http2.ErrCodeFlowControl {
		t.Fatalf("stream window overflow: %+v", a)
	}
	c.stillServes(3)
}

func TestH2ConformSelfDependency(t *testing.T) {
	// A stream depending on itself: stream error PROTOCOL_ERROR (RFC 9113 5.3.1).
	c := newH2Client(t)
	c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: c.get(), EndStream: true,
		EndHeaders: true, Priority: http2.PriorityParam{StreamDep: 1, Weight: 15}})
	c.flush()
	c.want("RST_STREAM", http2.ErrCodeProtocol)
	c.stillServes(3)

	c = newH2Client(t)
	c.fr.WritePriority(1, http2.PriorityParam{StreamDep: 1, Weight: 15})
	c.flush()
	c.want("RST_STREAM", http2.ErrCodeProtocol)
}

func TestH2ConformRequestFields(t *testing.T) {
	// Malformed requests: stream error PROTOCOL_ERROR (RFC 9113 8.2.2, 8.3.1).
	for name, fields := range map[string][]string{
		"connection-specific": {":method", "GET", ":scheme", "http", ":path", "/live", "connection", "keep-alive"},
		"te not trailers":     {":method", "GET", ":scheme", "http", ":path", "/live", "te", "gzip"},
		"no :scheme":          {":method", "GET", ":path", "/live"},
		"empty :path":         {":method", "GET", ":scheme", "http", ":path", ""},
		"no :method":          {":scheme", "http", ":path", "/live"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newH2Client(t)
			c.headers(1, true, c.block(fields...))
			c.want("RST_STREAM", http2.ErrCodeProtocol)
			c.stillServes(3)
		})
	}
	// te: trailers is allowed.
	c := newH2Client(t)
	h2RoundTrip(t, c.fr, c.bw, 1, c.get("te", "trailers"))
}

func TestH2ConformContentLength(t *testing.T) {
	// DATA contradicting content-length: stream error PROTOCOL_ERROR
	// (RFC 9113 8.1.1), in one frame, over several, or with none at all.
	c := newH2Client(t)
	c.headers(1, false, c.get("content-length", "1"))
	c.fr.WriteData(1, true, []byte("test"))
	c.flush()
	c.want("RST_STREAM", http2.ErrCodeProtocol)
	c.stillServes(3)

	c = newH2Client(t)
	c.headers(1, false, c.get("content-length", "1"))
	c.fr.WriteData(1, false, []byte("te"))
	c.fr.WriteData(1, true, []byte("st"))
	c.flush()
	c.want("RST_STREAM", http2.ErrCodeProtocol)

	c = newH2Client(t)
	c.headers(1, false, c.get("content-length", "8"))
	c.fr.WriteData(1, true, []byte("test"))
	c.flush()
	c.want("RST_STREAM", http2.ErrCodeProtocol)

	c = newH2Client(t)
	c.headers(1, true, c.get("content-length", "3"))
	c.want("RST_STREAM", http2.ErrCodeProtocol)

	c = newH2Client(t) // a matching body is served
	c.headers(1, false, c.get("content-length", "4"))
	c.fr.WriteData(1, false, []byte("te"))
	c.flush()
	h2RoundTripData(t, c, 1, []byte("st"))
}

// h2RoundTripData ends stream id with a last DATA frame and waits for its
// response to end.

func h2RoundTripData(t *testing.T, c *h2Client, id uint32, p []byte) {
	t.Helper()
	c.fr.WriteData(id, true, p)
	c.flush()
	c.cs.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			if f.StreamID == id && f.StreamEnded() {
				return
			}
		case *http2.HeadersFrame:
			if f.StreamID == id && f.StreamEnded() {
				return
			}
		case *http2.RSTStreamFrame, *http2.GoAwayFrame:
			t.Fatalf("want a response, got %v", f)
		}
	}
}

func TestH2ConformPrefaceHTTP2Only(t *testing.T) {
	// --http 2: a cleartext connection that does not open with the preface
	// is closed unanswered (RFC 9113 3.4); under auto HTTP/1.1 answers it.
	for _, mode := range []string{"2", "auto"} {
		cfg := DefaultConfig()
		srv := &Server{cfg: cfg, live: map[*conn]struct{}{}, stopped: make(chan struct{})}
		srv.slots = make(chan *worker, 1)
		o := &opsState{srv: srv, cfg: defaultOpsConfig(), running: map[*conn]struct{}{}, quit: make(chan struct{})}
		o.cfg.HTTP = mode
		o.startHTTP2()
		srv.ops = o
		cs, ss := h2TCPPair(t)
		c := &conn{srv: srv, nc: ss, br: bufio.NewReaderSize(ss, cfg.MaxHeaderSize)}
		cs.Write([]byte("INVALID CONNECTION PREFACE\r\n\r\n"))
		if took := o.takeOver(c); took != (mode == "2") {
			t.Fatalf("--http %s: takeOver = %v", mode, took)
		}
		cs.Close()
		ss.Close()
	}
}

func TestH2ConformCloseWithoutReset(t *testing.T) {
	// A connection error with more frames already on the way: the server
	// must not close with them unread (that sends RST, and the client may
	// then see "connection reset" instead of the GOAWAY and a clean close).
	c := newH2Client(t)
	c.fr.WriteRSTStream(1, http2.ErrCodeCancel) // idle stream: PROTOCOL_ERROR
	for i := 0; i < 12000; i++ {                // 200 KB the server never reads as frames
		c.fr.WritePing(false, [8]byte{})
	}
	if err := c.bw.Flush(); err != nil {
		t.Fatalf("the server reset the connection: %v", err)
	}
	c.want("GOAWAY", http2.ErrCodeProtocol)
	time.Sleep(100 * time.Millisecond) // the server has closed by now
	if _, err := c.fr.ReadFrame(); !errors.Is(err, io.EOF) {
		t.Fatalf("want a clean close (EOF), got %v", err)
	}
}

func TestH2ConformHeadersOnHalfClosedStream(t *testing.T) {
	// A second HEADERS on a stream whose request is complete: stream error
	// STREAM_CLOSED while its response is still being made (RFC 9113 5.1).
	// Once the stream is gone it is a connection error; which one a round
	// sees depends on the response's pace, so some of 20 must be resets.
	resets := 0
	for i := 0; i < 20; i++ {
		c := newH2Client(t)
		c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: c.get(), EndStream: true, EndHeaders: true})
		c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: c.get(), EndStream: true, EndHeaders: true})
		c.flush()
		switch a := c.answer(); {
		case a.frame == "RST_STREAM" && a.stream == 1 && a.code == http2.ErrCodeStreamClosed:
			resets++
			c.stillServes(3)
		case a.frame == "GOAWAY":
		default:
			t.Fatalf("second HEADERS: %+v", a)
		}
	}
	if resets == 0 {
		t.Fatal("no STREAM_CLOSED reset in 20 rounds")
	}
}
