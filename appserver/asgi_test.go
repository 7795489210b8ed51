package appserver

import (
	"bufio"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"goaccel/python"
)

// These tests drive the ASGI bridge's Go side without an interpreter: the
// wake-up protocol, response framing and backpressure (headers are nil
// Objects, so no Python call is made).

func newBridge(t *testing.T) (*Server, *AsgiBridge, int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	// Fd() makes a file blocking: take the numbers once, then set modes.
	rfd, wfd := int(r.Fd()), int(w.Fd())
	syscall.SetNonblock(rfd, true)
	srv := NewServer(ln, DefaultConfig())
	return srv, EnableASGI(srv, wfd), rfd
}

func pipeBytes(fd int) int {
	buf := make([]byte, 64)
	n, _ := syscall.Read(fd, buf)
	if n < 0 {
		return 0
	}
	return n
}

func TestWakeUpOncePerBatch(t *testing.T) {
	_, b, rfd := newBridge(t)
	b.push(EvDrain, nil)
	b.push(EvDrain, nil)
	b.push(EvDrain, nil)
	if n := pipeBytes(rfd); n != 1 {
		t.Fatalf("3 events wrote %d wake-up bytes, want 1", n)
	}
	if ev := b.Take(); len(ev) != 3 {
		t.Fatalf("took %d events", len(ev))
	}
	// After a non-empty Take the loop polls again by itself: no byte.
	b.push(EvDrain, nil)
	if n := pipeBytes(rfd); n != 0 {
		t.Fatalf("wake-up byte while the loop promised to poll: %d", n)
	}
	if ev := b.Take(); len(ev) != 1 {
		t.Fatalf("took %d events", len(ev))
	}
	if ev := b.Take(); len(ev) != 0 {
		t.Fatalf("took %d events", len(ev))
	}
	// An empty Take re-arms the wake-up.
	b.push(EvDrain, nil)
	if n := pipeBytes(rfd); n != 1 {
		t.Fatalf("no wake-up byte after an empty poll: %d", n)
	}
}

// request returns an in-flight request on a real loopback connection and
// the client's end.
func inflight(t *testing.T, srv *Server, minor int, method string) (*AsgiReq, net.Conn) {
	t.Helper()
	client, err := net.Dial("tcp", srv.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	nc, err := srv.ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); nc.Close() })
	c := &conn{srv: srv, nc: nc, br: bufio.NewReader(nc)}
	r := &AsgiReq{ID: asgiSeq.Add(1), c: c, Method: []byte(method), Minor: minor, cl: -1,
		head: method == "HEAD", wake: make(chan struct{}, 1)}
	return r, client
}

func readResponse(t *testing.T, client net.Conn, until string) string {
	t.Helper()
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	var got []byte
	buf := make([]byte, 4096)
	for !strings.HasSuffix(string(got), until) {
		n, err := client.Read(buf)
		if err != nil {
			t.Fatalf("read: %v (got %q)", err, got)
		}
		got = append(got, buf[:n]...)
	}
	return string(got)
}

func TestSendWholeResponse(t *testing.T) {
	srv, b, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	if rc, err := r.Send(200, python.Object{}, []byte("hello"), false); err != nil || rc != SendFlush {
		t.Fatalf("rc=%d err=%v", rc, err)
	}
	b.FlushHTTP(true)
	got := readResponse(t, client, "hello")
	if !strings.HasPrefix(got, "HTTP/1.1 200 OK\r\n") || !strings.Contains(got, "\r\nContent-Length: 5\r\n") ||
		!strings.Contains(got, "\r\nDate: ") || strings.Contains(got, "Connection: close") {
		t.Fatalf("response: %q", got)
	}
	if rc, _ := r.Send(0, python.Object{}, []byte("more"), false); rc != SendFinal {
		t.Fatalf("send after the end: rc=%d", rc)
	}
}

func TestSendStreamedChunked(t *testing.T) {
	srv, b, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	r.Send(201, python.Object{}, []byte("ab"), true)
	r.Send(0, python.Object{}, []byte("cde"), true)
	r.Send(0, python.Object{}, nil, false)
	b.FlushHTTP(true)
	got := readResponse(t, client, "0\r\n\r\n")
	if !strings.Contains(got, "Transfer-Encoding: chunked\r\n") ||
		!strings.HasSuffix(got, "\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n") {
		t.Fatalf("response: %q", got)
	}
}

func TestSendHTTP10StreamClosesAndHeadHasNoBody(t *testing.T) {
	srv, b, _ := newBridge(t)
	r, client := inflight(t, srv, 0, "GET")
	r.Send(200, python.Object{}, []byte("x"), true)
	r.Send(0, python.Object{}, []byte("y"), false)
	b.FlushHTTP(true)
	got := readResponse(t, client, "xy")
	if strings.Contains(got, "chunked") || !r.close {
		t.Fatalf("HTTP/1.0 stream: %q close=%v", got, r.close)
	}
	r2, client2 := inflight(t, srv, 1, "HEAD")
	r2.Send(200, python.Object{}, []byte("body"), false)
	b.FlushHTTP(true)
	got = readResponse(t, client2, "\r\n\r\n")
	if strings.Contains(got, "body") {
		t.Fatalf("HEAD with a body: %q", got)
	}
}

// Whole responses wait for the loop's flush and go out together: the first
// of an iteration asks for the flush, the next ones do not; a streamed
// chunk is written at once; the flush after the scheduled one re-arms.
func TestWholeResponsesCorkedUntilFlush(t *testing.T) {
	srv, b, _ := newBridge(t)
	r1, c1 := inflight(t, srv, 1, "GET")
	r2, c2 := inflight(t, srv, 1, "GET")
	r3, c3 := inflight(t, srv, 1, "GET")
	if rc, _ := r1.Send(200, python.Object{}, []byte("one"), false); rc != SendFlush {
		t.Fatalf("first whole response: rc=%d", rc)
	}
	if rc, _ := r2.Send(200, python.Object{}, []byte("two"), false); rc != SendOK {
		t.Fatalf("second whole response in the iteration: rc=%d", rc)
	}
	if rc, _ := r3.Send(200, python.Object{}, []byte("chunk"), true); rc != SendOK {
		t.Fatalf("streamed chunk: rc=%d", rc)
	}
	readResponse(t, c3, "chunk\r\n") // not corked
	c1.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := c1.Read(make([]byte, 64)); err == nil {
		t.Fatalf("a corked response was written before the flush (%d bytes)", n)
	}
	if r1.Finished() != true || len(b.httpCorked) != 2 {
		t.Fatalf("final=%v corked=%d", r1.Finished(), len(b.httpCorked))
	}
	b.FlushHTTP(false) // asgi_poll's flush: writes, the scheduled flush stays due
	readResponse(t, c1, "one")
	readResponse(t, c2, "two")
	if rc, _ := r3.Send(0, python.Object{}, nil, false); rc != SendOK {
		t.Fatalf("cork while a flush is scheduled: rc=%d", rc)
	}
	b.FlushHTTP(true)
	readResponse(t, c3, "0\r\n\r\n")
	r4, c4 := inflight(t, srv, 1, "GET")
	if rc, _ := r4.Send(200, python.Object{}, []byte("four"), false); rc != SendFlush {
		t.Fatalf("after the scheduled flush ran: rc=%d", rc)
	}
	b.FlushHTTP(true)
	readResponse(t, c4, "four")
	if len(b.httpCorked) != 0 {
		t.Fatalf("corked list not emptied: %d", len(b.httpCorked))
	}
}

// A response whose earlier chunks a flush goroutine is writing is not
// corked: the goroutine takes the last bytes too, and ends it once.
func TestNoCorkWhileFlushing(t *testing.T) {
	srv, b, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	r.Send(200, python.Object{}, []byte("a"), true)
	r.mu.Lock()
	r.flushing = true // as if the socket had not taken everything
	r.mu.Unlock()
	if rc, _ := r.Send(0, python.Object{}, []byte("b"), false); rc != SendOK || r.corked || len(b.httpCorked) != 0 {
		t.Fatalf("corked while flushing: rc=%d corked=%v list=%d", rc, r.corked, len(b.httpCorked))
	}
	r.mu.Lock()
	r.flushing = false
	r.flushLocked()
	r.mu.Unlock()
	readResponse(t, client, "0\r\n\r\n")
}

func TestSendInvalidStatus(t *testing.T) {
	srv, _, _ := newBridge(t)
	r, _ := inflight(t, srv, 1, "GET")
	for _, st := range []int{99, 101, 1000} {
		if _, err := r.Send(st, python.Object{}, nil, false); err == nil {
			t.Fatalf("status %d accepted", st)
		}
	}
}

func TestBackpressureAndDrain(t *testing.T) {
	srv, b, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	chunk := make([]byte, 1<<20)
	waited := false
	sent := 0
	for i := 0; i < 64 && !waited; i++ {
		rc, err := r.Send(200, python.Object{}, chunk, true)
		if err != nil {
			t.Fatal(err)
		}
		sent++
		waited = rc == SendWait
	}
	if !waited {
		t.Fatal("64 MiB accepted from a client that does not read: no backpressure")
	}
	if sent > 32 {
		t.Fatalf("backpressure only after %d MiB", sent)
	}
	// The client reads: a drain event follows.
	go io.Copy(io.Discard, client)
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, ev := range b.Take() {
			if ev.Kind == EvDrain && ev.Req == r {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("no drain event")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFinishWithoutResponseIs500(t *testing.T) {
	srv, _, _ := newBridge(t)
	r, client := inflight(t, srv, 1, "GET")
	r.Finish(true)
	got := readResponse(t, client, "Internal Server Error\n")
	if !strings.HasPrefix(got, "HTTP/1.1 500 ") || !strings.Contains(got, "Connection: close") {
		t.Fatalf("response: %q", got)
	}
}

func TestDenialResponseAndHeaderChecks(t *testing.T) {
	resp, err := DenialResponse(401, [][2][]byte{{[]byte("x-a"), []byte("b")}, {[]byte("content-length"), []byte("99")}}, []byte("no"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(resp)
	if !strings.HasPrefix(s, "HTTP/1.1 401 Unauthorized\r\nx-a: b\r\n") || !strings.Contains(s, "Content-Length: 2\r\n") ||
		strings.Contains(s, "99") || !strings.HasSuffix(s, "\r\n\r\nno") {
		t.Fatalf("denial: %q", s)
	}
	if _, err := DenialResponse(200, [][2][]byte{{[]byte("x"), []byte("a\r\nb")}}, nil); err == nil {
		t.Fatal("CRLF in a header value accepted")
	}
	var req request
	if err := parseHead([]byte("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n"), &req); err != nil {
		t.Fatal(err)
	}
	if !isWebSocket(&req) {
		t.Fatal("Upgrade: WebSocket not detected")
	}
}
