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
	if isWebSocket(&c.req) {
		return c.serveWebSocket() // websocket.go
	}
	r := &AsgiReq{
		ID: asgiSeq.Add(1), c: c, Method: c.req.method, Path: c.req.path, Query: c.req.query,
		Minor: c.req.minor, RemoteAddr: c.remoteAddr, cl: -1,
		wake: make(chan struct{}, 1), done: make(chan struct{}),
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
	c.close = !c.req.keepAlive || s.draining.Load()
	r.close = c.close
	asgiMu.Lock()
	asgiReqs[r.ID] = r
	asgiMu.Unlock()
	s.stats.served.Add(1)
	b.push(EvRequest, r)

	// The reader: the rest of the body, then a one-byte peek that ends
	// when the client sends again (fine: that waits for us) or goes away.
	c.nc.SetReadDeadline(time.Time{})
	readDone := make(chan error, 1)
	go func() {
		if rest > 0 {
			if err := r.streamBody(rest); err != nil {
				readDone <- err
				return
			}
		}
		_, err := c.br.Peek(1)
		readDone <- err
	}()
	reading := true
	ok := true
	for {
		select {
		case <-r.wake:
		case err := <-readDone:
			reading = false
			if err != nil {
				r.mu.Lock()
				wasFinal := r.final
				r.gone = true
				r.mu.Unlock()
				if !wasFinal {
					b.push(EvDisconnect, r)
				}
				ok = false
			}
			continue
		}
		r.mu.Lock()
		buf := r.out
		r.out = r.spare[:0]
		final := r.final
		gone := r.gone
		r.mu.Unlock()
		if len(buf) > 0 && !gone {
			c.nc.SetWriteDeadline(time.Now().Add(s.cfg.KeepAliveTimeout))
			if _, err := c.nc.Write(buf); err != nil {
				r.mu.Lock()
				was := r.gone || r.final
				r.gone = true
				r.mu.Unlock()
				if !was {
					b.push(EvDisconnect, r)
				}
				ok = false
			}
		}
		r.mu.Lock()
		r.pending -= len(buf)
		if cap(buf) <= 1<<20 {
			r.spare = buf[:0]
		}
		drain := r.wantDrain && (r.pending < asgiLowWater || r.gone)
		if drain {
			r.wantDrain = false
		}
		final = r.final
		more := len(r.out) > 0
		if more {
			// More arrived meanwhile: go round again.
			r.signal()
		}
		closeAfter := r.close
		r.mu.Unlock()
		if drain {
			b.push(EvDrain, r)
		}
		if final && !more {
			if closeAfter {
				ok = false
			}
			break
		}
	}
	asgiMu.Lock()
	delete(asgiReqs, r.ID)
	asgiMu.Unlock()
	close(r.done)
	if !ok || r.MoreBody && !r.bodyFullyRead() {
		// An unread body (the app answered first) would be taken
		// for the next request: close instead.
		return false
	}
	if reading {
		// Wait for the next request (or the client closing) as an
		// idle keep-alive connection.
		c.idle.Store(true)
		c.nc.SetReadDeadline(time.Now().Add(s.cfg.KeepAliveTimeout))
		if s.draining.Load() {
			c.nc.SetReadDeadline(time.Now())
		}
		err := <-readDone
		c.idle.Store(false)
		if err != nil {
			return false
		}
	}
	return true
}

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
		select {
		case <-r.bodyWant:
		case <-r.done:
			return errors.New("stopping")
		}
		if r.Finished() {
			return errors.New("response finished before the body was read")
		}
		n := int64(asgiBodyChunk)
		if rest < n {
			n = rest
		}
		chunk := make([]byte, n)
		c.nc.SetReadDeadline(time.Now().Add(c.srv.cfg.BodyTimeout))
		if _, err := io.ReadFull(c.br, chunk); err != nil {
			c.nc.SetReadDeadline(time.Time{})
			return err
		}
		rest -= n
		r.mu.Lock()
		r.bodyChunks = append(r.bodyChunks, chunk)
		if rest == 0 {
			r.bodyDone = true
		}
		r.mu.Unlock()
		b.push(EvBody, r)
	}
	c.nc.SetReadDeadline(time.Time{})
	return nil
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
