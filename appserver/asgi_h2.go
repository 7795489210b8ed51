package appserver

import (
	"crypto/tls"
	"time"

	"goaccel/python"
)

// ASGI over HTTP/2. The frame loop (http2_conn.go) turns every stream into
// a conn whose "socket" is the stream (http2_stream.go: HTTP/1.1 response
// bytes in, HEADERS/DATA frames out); on an ASGI server h2Stream.serve
// hands the stream here once its body is in and intercept (health, static)
// has run. The request goes to the loop like an HTTP/1.1 one (http_version
// "2", the whole body in the first http.request message); the app's
// response bytes reach the stream through the flush goroutine (asgi_write.go:
// the stream is no socket, and its writes may wait for flow-control
// window, which the loop thread must not). A stream reset or a closed
// connection is the client leaving (http.disconnect, cancellation; 499 in
// the metrics and access log if no response had started).
//
// http.response.early_hint queues a "HTTP/1.1 103" head before the
// response; the stream sends an informational head as its own HEADERS
// frame. http.response.trailers end a chunked body with trailer fields
// (asgi_trailers.go), which the stream sends as the HEADERS frame that
// ends it.

// serveASGI runs one HTTP/2 stream through the ASGI bridge, on the
// stream's goroutine, until the response is out or abandoned.
func (s *h2Stream) serveASGI() {
	hc := s.hc
	c := &s.c
	srv := c.srv
	r := &AsgiReq{
		ID: asgiSeq.Add(1), c: c, Method: c.req.method, Path: c.req.path, Query: c.req.query,
		Minor: 1, H2: true, h2TLS: hc.tlsState(), RemoteAddr: c.remoteAddr, cl: -1, Body: c.req.body,
		wake: make(chan struct{}, 1),
	}
	r.RemotePort, _ = atoiBytes(c.remotePort)
	r.head = string(c.req.method) == "HEAD"
	left := make(chan struct{})
	hc.mu.Lock()
	if s.reset || hc.dead {
		close(left) // gone before it started: the app hears at once
	} else {
		s.left = left
	}
	hc.mu.Unlock()
	c.asgiBytesIn(len(r.Body))
	r.began = time.Now() // before the watchdog can see it
	asgiMu.Lock()
	asgiReqs[r.ID] = r
	asgiMu.Unlock()
	srv.stats.served.Add(1)
	c.asgiBegin()
	srv.asgi.push(EvRequest, r)
	for {
		r.mu.Lock()
		done := r.final && !r.flushing && (len(r.out) == 0 || r.gone)
		r.mu.Unlock()
		if done {
			break
		}
		select {
		case <-r.wake:
		case <-left:
			r.mu.Lock()
			r.goneLocked()
			r.mu.Unlock()
			left = nil // reported once; now wait for the app
		}
	}
	asgiMu.Lock()
	delete(asgiReqs, r.ID)
	asgiMu.Unlock()
	s.finish()
	c.asgiDone(r.result()) // metrics, access log (asgi_ops.go)
}

// tlsState is the connection's TLS state for the "tls" scope extension
// (nil: cleartext h2c).
func (hc *h2Conn) tlsState() *tls.ConnectionState {
	tc, ok := hc.nc.(*tls.Conn)
	if !ok {
		return nil
	}
	st := tc.ConnectionState()
	return &st
}

// EarlyHint queues a 103 Early Hints head with the links (HTTP/2 only, and
// only before the response starts; otherwise it is ignored). GIL held.
func (r *AsgiReq) EarlyHint(links python.Object) error {
	var items []python.Object
	switch links.Type() {
	case python.ListType:
		items = python.ListItems(links)
	case python.TupleType:
		items = python.TupleItems(links)
	default:
		return python.Errorf(python.TypeError, "http.response.early_hint links must be a list of bytes, not %s", links.TypeName())
	}
	head := []byte("HTTP/1.1 103 Early Hints\r\n")
	for _, it := range items {
		if it.Type() != python.BytesType {
			return python.Errorf(python.TypeError, "http.response.early_hint links must be bytes")
		}
		v := python.BytesData(it)
		if !validHeader([]byte("link"), v) {
			return python.Errorf(python.ValueError, "http.response.early_hint: a control character in a link")
		}
		head = append(head, "Link: "...)
		head = append(head, v...)
		head = append(head, "\r\n"...)
	}
	head = append(head, "\r\n"...)
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.H2 || r.started || r.final || r.gone || len(items) == 0 {
		return nil
	}
	r.out = append(r.out, head...)
	r.pending += len(head)
	r.flushLocked()
	return nil
}
