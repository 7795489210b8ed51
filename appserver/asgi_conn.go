package appserver

import (
	"errors"
	"io"
	"time"
)

// asgiBodyChunk is the size of http.request messages for streamed bodies;
// bodies up to this size arrive whole in the first message.
const asgiBodyChunk = 64 << 10

// serveOneASGI handles one request on an ASGI server; false closes the
// connection. The goroutine queues the request for the loop, then writes
// what the app sends while a second goroutine reads the rest of the body
// (flow-controlled by receive()) and then waits for the client to go away
// (http.disconnect) or send its next request.
func (c *conn) serveOneASGI() bool {
	s := c.srv
	b := s.asgi
	if c.requests > 0 && s.draining.Load() && c.br.Buffered() == 0 {
		return false
	}
	if c.requests == 0 || c.br.Buffered() == 0 {
		c.nc.SetReadDeadline(time.Now().Add(s.cfg.KeepAliveTimeout))
	}
	c.idle.Store(c.requests > 0)
	head, err := c.readHead()
	c.idle.Store(false)
	c.requests++
	if err != nil {
		var he *httpError
		if errors.As(err, &he) {
			s.stats.rejectedBad.Add(1)
			c.writeError(he.status, he.msg)
		}
		return false
	}
	if err := parseHead(head, &c.req); err != nil {
		he := err.(*httpError)
		s.stats.rejectedBad.Add(1)
		c.writeError(he.status, he.msg)
		return false
	}
	c.close = !c.req.keepAlive || s.draining.Load()
	if s.ops.intercept(c, time.Now()) { // health, static files (ops.go), answered without the loop
		return !c.close
	}
	if isWebSocket(&c.req) {
		return c.serveWebSocket() // websocket.go
	}
	r := &AsgiReq{
		ID: asgiSeq.Add(1), c: c, Method: c.req.method, Path: c.req.path, Query: c.req.query,
		Minor: c.req.minor, RemoteAddr: c.remoteAddr, cl: -1,
		wake: make(chan struct{}, 1),
	}
	r.RemotePort, _ = atoiBytes(c.remotePort)
	r.head = string(c.req.method) == "HEAD"
	rest := int64(0) // body bytes still to read after the first message
	if c.req.chunked || c.req.contentLength > 0 {
		if c.req.contentLength > s.cfg.MaxBodySize {
			s.stats.rejectedBad.Add(1)
			c.writeError(413, "request body too large")
			return false
		}
		if !c.req.chunked && c.req.contentLength > asgiBodyChunk {
			// Large Content-Length bodies stream to the app.
			if c.req.expect100 {
				if _, err := c.nc.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
					return false
				}
			}
			c.nc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout))
			r.Body = make([]byte, asgiBodyChunk)
			if _, err := io.ReadFull(c.br, r.Body); err != nil {
				return false
			}
			rest = c.req.contentLength - asgiBodyChunk
			r.MoreBody = true
			r.bodyWant = make(chan struct{}, 1)
		} else {
			if err := c.readBody(); err != nil {
				var he *httpError
				if errors.As(err, &he) {
					s.stats.rejectedBad.Add(1)
					c.writeError(he.status, he.msg)
				}
				return false
			}
			r.Body = c.req.body
		}
	}
	c.asgiBytesIn(len(r.Body))
	c.close = !c.req.keepAlive || s.draining.Load()
	r.close = c.close
	r.began = time.Now() // before the watchdog can see it
	asgiMu.Lock()
	asgiReqs[r.ID] = r
	asgiMu.Unlock()
	s.stats.served.Add(1)
	c.asgiBegin()
	// From here the loop thread may set the read deadline (when the
	// response completes): set ours before it can run.
	c.nc.SetReadDeadline(time.Time{})
	b.push(EvRequest, r)

	// This goroutine now only reads: the rest of the body, then a
	// one-byte peek that returns when the client sends its next request
	// or goes away (http.disconnect). Responses are written by the loop
	// thread itself (asgi_write.go), so a request costs no goroutine
	// hand-off on the way out.
	err = nil
	if rest > 0 {
		err = r.streamBody(rest)
	}
	if err == nil {
		_, err = c.br.Peek(1)
	}
	if err != nil {
		r.mu.Lock()
		r.goneLocked()
		if r.flushing {
			// A flush blocked on a client that is gone: unblock it.
			c.nc.SetWriteDeadline(time.Now())
		}
		r.mu.Unlock()
	}
	// Wait until the response is complete and on the wire before the
	// next request (responses go out in order).
	for {
		r.mu.Lock()
		done := r.final && !r.flushing && (len(r.out) == 0 || r.gone)
		closeAfter := r.close
		r.mu.Unlock()
		if done {
			if closeAfter {
				err = errClose
			}
			break
		}
		<-r.wake
	}
	asgiMu.Lock()
	delete(asgiReqs, r.ID)
	asgiMu.Unlock()
	c.idle.Store(false)
	c.asgiDone(r.result()) // metrics, access log (asgi_ops.go)
	if err != nil || r.MoreBody && !r.bodyFullyRead() {
		// An unread body (the app answered first) would be taken for
		// the next request: close instead.
		return false
	}
	return true
}

var errClose = errors.New("close after the response")

func (r *AsgiReq) bodyFullyRead() bool {
	r.mu.Lock()
	d := r.bodyDone
	r.mu.Unlock()
	return d
}

// streamBody reads the rest of a Content-Length body in chunks, one chunk
// ahead of the app: it waits until the loop has taken the previous one
// (bodyWant), so a slow app does not make the server buffer the body.
func (r *AsgiReq) streamBody(rest int64) error {
	c := r.c
	b := c.srv.asgi
	for rest > 0 {
		// Wait until the app asks for more (or the response is done).
		for want := false; !want; {
			select {
			case <-r.bodyWant:
				want = true
			case <-r.wake:
				if r.Finished() {
					return errors.New("response finished before the body was read")
				}
			}
		}
		n := int64(asgiBodyChunk)
		if rest < n {
			n = rest
		}
		chunk := make([]byte, n)
		r.readDeadline(time.Now().Add(c.srv.cfg.BodyTimeout))
		if _, err := io.ReadFull(c.br, chunk); err != nil {
			return err
		}
		rest -= n
		c.asgiBytesIn(int(n))
		r.mu.Lock()
		r.bodyChunks = append(r.bodyChunks, chunk)
		if rest == 0 {
			r.bodyDone = true
		}
		r.mu.Unlock()
		b.push(EvBody, r)
	}
	r.readDeadline(time.Time{})
	return nil
}

// readDeadline sets the reader's deadline unless the response is complete
// (then afterFinalLocked owns it).
func (r *AsgiReq) readDeadline(t time.Time) {
	r.mu.Lock()
	if !r.final {
		r.c.nc.SetReadDeadline(t)
	}
	r.mu.Unlock()
}

// WantBody lets the reader fetch the next body chunk.
func (r *AsgiReq) WantBody() {
	if r.bodyWant == nil {
		return
	}
	select {
	case r.bodyWant <- struct{}{}:
	default:
	}
}

// TakeBody returns the body chunks read since the last call and whether
// the body is complete.
func (r *AsgiReq) TakeBody() ([][]byte, bool) {
	r.mu.Lock()
	ch := r.bodyChunks
	r.bodyChunks = nil
	d := r.bodyDone
	r.mu.Unlock()
	return ch, d
}

func atoiBytes(b []byte) (int, bool) {
	n := 0
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int(ch-'0')
	}
	return n, true
}
