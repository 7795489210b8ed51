package appserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HTTP/2 (--http 2|auto) is served by the standard library's HTTP/2 server
// (ALPN "h2" over TLS, and cleartext h2 with prior knowledge). Each stream
// becomes a conn whose request fields are filled from the stream and whose
// "socket" is h2Writer, so the WSGI bridge, the thread slots, metrics, the
// access log, health and static files all run unchanged: the HTTP/1.1
// response they produce is parsed back into the stream's headers and data.

const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

type h2State struct {
	srv  *http.Server
	ln   *chanListener
	mu   sync.Mutex
	done map[net.Conn]chan struct{}
}

// chanListener hands connections detected as HTTP/2 to http.Server.
type chanListener struct {
	ch     chan net.Conn
	closed chan struct{}
	once   sync.Once
	addr   net.Addr
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}
func (l *chanListener) Close() error   { l.once.Do(func() { close(l.closed) }); return nil }
func (l *chanListener) Addr() net.Addr { return l.addr }

// bufConn replays what the HTTP/1 reader already buffered (the preface).
type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (b *bufConn) Read(p []byte) (int, error) { return b.r.Read(p) }

func (o *opsState) startHTTP2() {
	s := o.srv
	h := &h2State{done: map[net.Conn]chan struct{}{}}
	h.ln = &chanListener{ch: make(chan net.Conn), closed: make(chan struct{}), addr: s.ln.Addr()}
	var p http.Protocols
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	h.srv = &http.Server{
		Handler:           http.HandlerFunc(o.serveH2),
		Protocols:         &p,
		MaxHeaderBytes:    s.cfg.MaxHeaderSize,
		ReadHeaderTimeout: s.cfg.HeaderTimeout,
		IdleTimeout:       s.cfg.KeepAliveTimeout,
		HTTP2:             &http.HTTP2Config{MaxConcurrentStreams: o.cfg.H2MaxStreams},
		ErrorLog:          logger,
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateClosed || st == http.StateHijacked {
				h.mu.Lock()
				if ch := h.done[c]; ch != nil {
					close(ch)
					delete(h.done, c)
				}
				h.mu.Unlock()
			}
		},
	}
	o.h2 = h
	go h.srv.Serve(h.ln)
}

// takeOver runs first on every connection: an HTTP/2 one is served here
// until it closes (true); false lets the HTTP/1.1 loop have it.
func (o *opsState) takeOver(c *conn) bool {
	// A server with neither thread slots (WSGI) nor an ASGI bridge
	// cannot run streams; HTTP/2 stays off there.
	if o.h2 == nil || o.srv.slots == nil && o.srv.asgi == nil {
		return false
	}
	nc := c.nc
	if tc, ok := nc.(*tls.Conn); ok {
		ctx, cancel := context.WithTimeout(context.Background(), o.srv.cfg.HeaderTimeout)
		err := tc.HandshakeContext(ctx)
		cancel()
		if err != nil || tc.ConnectionState().NegotiatedProtocol != "h2" {
			return false // HTTP/1.1 (a failed handshake fails its first read)
		}
	} else {
		// Cleartext: HTTP/2 with prior knowledge starts with the preface.
		// Only a first byte 'P' makes us wait for more.
		c.nc.SetReadDeadline(time.Now().Add(o.srv.cfg.KeepAliveTimeout))
		for i := 1; i <= len(h2Preface); i++ {
			b, err := c.br.Peek(i)
			if err != nil || b[i-1] != h2Preface[i-1] {
				return false
			}
		}
		c.nc.SetReadDeadline(time.Time{})
		nc = &bufConn{Conn: c.nc, r: c.br}
	}
	done := make(chan struct{})
	o.h2.mu.Lock()
	o.h2.done[nc] = done
	o.h2.mu.Unlock()
	select {
	case o.h2.ln.ch <- nc:
	case <-o.h2.ln.closed:
		return true
	}
	<-done
	return true
}

// stopHTTP2 sends GOAWAY and waits for the streams in flight.
func (o *opsState) stopHTTP2() {
	if o.h2 == nil {
		return
	}
	o.h2.ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), o.srv.cfg.GraceTimeout)
	defer cancel()
	if o.h2.srv.Shutdown(ctx) != nil {
		o.h2.srv.Close()
	}
}

// serveH2 runs one stream through the HTTP/1.1 server's request path.
func (o *opsState) serveH2(rw http.ResponseWriter, r *http.Request) {
	s := o.srv
	hw := &h2Writer{rw: rw, flusher: rw.(http.Flusher)}
	c := &conn{srv: s, nc: hw}
	if host, port, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		c.remoteAddr, c.remotePort = []byte(host), []byte(port)
	}
	req := &c.req
	req.method = []byte(r.Method)
	req.target = []byte(r.RequestURI)
	path, query, _ := strings.Cut(r.RequestURI, "?")
	req.path, req.query = []byte(path), []byte(query)
	req.proto = []byte("HTTP/2.0")
	req.minor = 1
	req.keepAlive, req.host = true, true
	req.contentLength = -1
	req.headers = append(req.headers, header{[]byte("Host"), []byte(r.Host)})
	for k, vs := range r.Header {
		for _, v := range vs {
			req.headers = append(req.headers, header{[]byte(k), []byte(v)})
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.cfg.MaxBodySize+1))
	if err != nil {
		return
	}
	if int64(len(body)) > s.cfg.MaxBodySize {
		http.Error(rw, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if len(body) > 0 || r.ContentLength >= 0 {
		req.body, req.contentLength = body, int64(len(body))
	}
	c.out = c.out[:0]
	if o.intercept(c) {
		return
	}
	if s.asgi != nil {
		o.serveH2ASGI(c, hw, r) // asgi_h2.go
		return
	}
	var w *worker
	select {
	case w = <-s.slots:
	default:
		if s.waiting.Add(1) > int64(s.cfg.Backpressure) {
			s.waiting.Add(-1)
			s.stats.shed.Add(1)
			rw.Header().Set("Retry-After", strconv.Itoa(s.cfg.RetryAfter))
			http.Error(rw, "server busy, retry later", http.StatusServiceUnavailable)
			return
		}
		start := time.Now()
		w = <-s.slots
		s.waiting.Add(-1)
		s.stats.queueWaitNs.Add(int64(time.Since(start)))
	}
	w.run(c)
	s.slots <- w
	if !c.streamed && len(c.out) > 0 {
		hw.buffered = true // one response: sent when the handler returns, no flush per part
		hw.Write(c.out)
	}
	o.done(c)
}

// h2Writer turns the HTTP/1.1 response bytes the server writes into the
// stream's status, headers and data.
type h2Writer struct {
	rw       http.ResponseWriter
	flusher  http.Flusher
	head     []byte
	started  bool
	chunked  bool
	chunkBuf []byte
	closed   bool
	buffered bool
}

func (h *h2Writer) flush() {
	if !h.buffered {
		h.flusher.Flush()
	}
}

var errH2Done = errors.New("response finished")

func (h *h2Writer) Write(b []byte) (int, error) {
	n := len(b)
	if h.closed {
		return 0, errH2Done
	}
	if !h.started {
		h.head = append(h.head, b...)
		i := bytes.Index(h.head, crlfcrlf)
		if i < 0 {
			return n, nil
		}
		rest := h.head[i+4:]
		h.writeHead(h.head[:i])
		h.started = true
		b = rest
	}
	if len(b) == 0 {
		return n, nil
	}
	if !h.chunked {
		h.rw.Write(b)
		h.flush()
		return n, nil
	}
	h.chunkBuf = append(h.chunkBuf, b...)
	for {
		i := bytes.Index(h.chunkBuf, []byte("\r\n"))
		if i < 0 {
			break
		}
		size, err := strconv.ParseInt(string(h.chunkBuf[:i]), 16, 64)
		if err != nil {
			h.closed = true
			return 0, err
		}
		if size == 0 {
			h.closed = true
			break
		}
		if int64(len(h.chunkBuf)) < int64(i)+2+size+2 {
			break
		}
		h.rw.Write(h.chunkBuf[i+2 : int64(i)+2+size])
		h.chunkBuf = h.chunkBuf[int64(i)+2+size+2:]
	}
	h.flush()
	return n, nil
}

func (h *h2Writer) writeHead(head []byte) {
	lines := strings.Split(string(head), "\r\n")
	code := 500
	if len(lines[0]) >= 12 {
		if n, err := strconv.Atoi(lines[0][9:12]); err == nil {
			code = n
		}
	}
	hdr := h.rw.Header()
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(k) {
		case "connection", "keep-alive", "proxy-connection", "upgrade":
			continue
		case "transfer-encoding":
			h.chunked = strings.EqualFold(v, "chunked")
			continue
		}
		hdr.Add(k, v)
	}
	h.rw.WriteHeader(code)
}

func (h *h2Writer) Read([]byte) (int, error)         { return 0, io.EOF }
func (h *h2Writer) Close() error                     { return nil }
func (h *h2Writer) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (h *h2Writer) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (h *h2Writer) SetDeadline(time.Time) error      { return nil }
func (h *h2Writer) SetReadDeadline(time.Time) error  { return nil }
func (h *h2Writer) SetWriteDeadline(time.Time) error { return nil }
