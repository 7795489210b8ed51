package appserver

import (
	"bufio"
	"bytes"
	"net"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The HTTP/2 frame loop's own cost per request, without Python: a client
// sends h2load's request (one stream at a time, its header fields) for the
// liveness path, which Go answers (health.go), over loopback TCP.
//
//	go test -run '^$' -bench H2Conn -benchmem ./appserver
//
// It measures what the HTTP/2 path adds to a request (frames, HPACK,
// streams, goroutines), the part HTTP/1.1 does not pay.

// h2TestConn starts a server-side HTTP/2 connection on a pipe and returns
// the client end, after the preface and the SETTINGS exchange.
func h2TestConn(tb testing.TB) (net.Conn, *http2.Framer, *bufio.Writer, func()) {
	cfg := DefaultConfig()
	srv := &Server{cfg: cfg, live: map[*conn]struct{}{}, stopped: make(chan struct{})}
	srv.slots = make(chan *worker, 1)
	o := &opsState{srv: srv, cfg: defaultOpsConfig(), running: map[*conn]struct{}{}, quit: make(chan struct{})}
	o.cfg.LivePath = "/live"
	o.m.init()
	o.startHTTP2()
	srv.ops = o
	cs, ss := h2TCPPair(tb)
	c := &conn{srv: srv, nc: ss, br: bufio.NewReaderSize(ss, cfg.MaxHeaderSize),
		remoteAddr: []byte("127.0.0.1"), remotePort: []byte("4000")}
	done := make(chan struct{})
	go func() {
		defer close(done)
		o.serveH2Conn(c, ss)
		ss.Close()
	}()
	bw := bufio.NewWriter(cs)
	bw.WriteString(h2Preface)
	fr := http2.NewFramer(bw, bufio.NewReader(cs))
	fr.WriteSettings()
	bw.Flush()
	return cs, fr, bw, func() { cs.Close(); <-done }
}

// h2TCPPair is a connected loopback TCP pair (client, server).
func h2TCPPair(tb testing.TB) (net.Conn, net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	cs, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	ss, err := ln.Accept()
	if err != nil {
		tb.Fatal(err)
	}
	return cs, ss
}

// h2loadRequest is the header block h2load sends for path, encoded by enc
// (its dynamic table makes every block after the first a few index bytes).
func h2loadRequest(enc *hpack.Encoder, buf *bytes.Buffer, path string) []byte {
	buf.Reset()
	for _, f := range [][2]string{{":method", "GET"}, {":path", path}, {":scheme", "http"},
		{":authority", "127.0.0.1:8000"}, {"accept", "*/*"}, {"accept-encoding", "gzip, deflate"},
		{"user-agent", "h2load nghttp2/1.59.0"}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	return buf.Bytes()
}

// h2RoundTrip sends one request on stream id and reads frames up to the
// response's END_STREAM; it returns the response's HEADERS block.
func h2RoundTrip(tb testing.TB, fr *http2.Framer, bw *bufio.Writer, id uint32, block []byte) []byte {
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndStream: true, EndHeaders: true})
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var head []byte
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			tb.Fatal(err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
		case *http2.HeadersFrame:
			if f.StreamID == id {
				head = append(head[:0], f.HeaderBlockFragment()...)
				if f.StreamEnded() {
					return head
				}
			}
		case *http2.DataFrame:
			if f.StreamID == id && f.StreamEnded() {
				return head
			}
		case *http2.RSTStreamFrame:
			tb.Fatalf("stream %d reset: %v", f.StreamID, f.ErrCode)
		}
	}
}

func BenchmarkH2ConnRequest(b *testing.B) {
	_, fr, bw, stop := h2TestConn(b)
	defer stop()
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	id := uint32(1)
	for i := 0; i < 10; i++ { // warm: the SETTINGS exchange, HPACK tables
		h2RoundTrip(b, fr, bw, id, h2loadRequest(enc, &hb, "/live"))
		id += 2
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		h2RoundTrip(b, fr, bw, id, h2loadRequest(enc, &hb, "/live"))
		id += 2
	}
	// CPU time (server and client, user + system) per request: steadier
	// than ns/op on a shared machine, where the round trip waits for cores.
	b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N), "cpu-ns/op")
}
