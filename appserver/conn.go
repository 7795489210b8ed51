package appserver

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"time"
)

// conn is one client connection. Its goroutine reads a request, queues it
// for a Python thread, waits, writes the response and goes on (keep-alive).
// While a request is queued or running the goroutine only waits, so the
// worker may use the connection's buffers without locks.
type conn struct {
	srv        *Server
	nc         net.Conn
	br         *bufio.Reader
	req        request
	headBuf    []byte
	out        []byte    // the response, built by the worker
	close      bool      // the worker decided to close after this response
	streamed   bool      // the worker wrote the response itself
	rdl        time.Time // the keep-alive read deadline last set (zero: another deadline replaced it)
	idleFrom   time.Time // when the last response was written (zero: not recorded)
	remoteAddr []byte
	remotePort []byte
	body       *bodyStream // a chunked body the app reads as it runs (body.go), or nil
	idle       atomic.Bool // waiting for the next request (a stop closes it)
	requests   int
	ops        opsConn // metrics, access log, timeouts (ops.go)
}

var crlfcrlf, lflf = []byte("\r\n\r\n"), []byte("\n\n")

func (s *Server) serveConn(nc net.Conn) {
	defer s.conns.Done()
	defer s.bal.add(-1)
	// Counted in s.fresh (queue.go) until its first response, or for 100 ms
	// at most: a client that connects and sends nothing (a browser's spare
	// connection) must not slow the accept loop for long.
	var freshDone atomic.Bool
	notFresh := func() {
		if freshDone.CompareAndSwap(false, true) {
			s.fresh.Add(-1)
		}
	}
	freshTimer := time.AfterFunc(100*time.Millisecond, notFresh)
	defer func() {
		freshTimer.Stop()
		notFresh()
	}()
	c := &conn{srv: s, nc: nc}
	c.br = bufio.NewReaderSize(nc, s.cfg.MaxHeaderSize)
	if ta, ok := nc.RemoteAddr().(*net.TCPAddr); ok {
		c.remoteAddr = []byte(ta.IP.String())
		c.remotePort = []byte(itoa(ta.Port))
	} else {
		c.remoteAddr = []byte("127.0.0.1")
		c.remotePort = []byte("0")
	}
	s.track(c, true)
	defer s.track(c, false)
	defer nc.Close()
	if s.ops.takeOver(c) { // HTTP/2 (http2.go)
		return
	}
	serveOne := c.serveOne
	if s.asgi != nil {
		serveOne = c.serveOneASGI // ASGI bridge: asgi_conn.go
	}
	for {
		ok := serveOne()
		notFresh()
		if !ok {
			return
		}
	}
}

// keepAliveDeadline sets the idle timeout before the next head: the read
// deadline is the end of the last response + --keepalive-timeout. Setting
// one costs two clock reads and a runtime timer update (a few % of a
// hello-world request), so a deadline set earlier is kept while it is
// within a sixteenth of the timeout of the exact one: the idle timeout is
// then between 15/16 of the option and the option.
func (c *conn) keepAliveDeadline() {
	ka := c.srv.cfg.KeepAliveTimeout
	from := c.idleFrom
	c.idleFrom = time.Time{} // a request that ends another way leaves no record
	if !from.IsZero() && !c.rdl.IsZero() && from.Add(ka).Sub(c.rdl) <= ka/16 {
		return
	}
	if from.IsZero() {
		from = time.Now()
	}
	c.rdl = from.Add(ka)
	c.nc.SetReadDeadline(c.rdl)
}

// serveOne handles one request; false closes the connection.
func (c *conn) serveOne() bool {
	s := c.srv
	// A connection accepted before the stop gets its first request
	// served; an idle keep-alive connection is closed (clients retry
	// those: HTTP allows closing an idle connection).
	if c.requests > 0 && s.draining.Load() && c.br.Buffered() == 0 {
		return false
	}
	c.keepAliveDeadline()
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
	t0 := time.Now() // handling starts once the head is in (idle time excluded)
	if err := parseHead(head, &c.req); err != nil {
		he := err.(*httpError)
		s.stats.rejectedBad.Add(1)
		c.writeError(he.status, he.msg)
		return false
	}
	if err := c.readBodyWSGI(); err != nil {
		var he *httpError
		if errors.As(err, &he) {
			s.stats.rejectedBad.Add(1)
			c.writeError(he.status, he.msg)
		}
		return false
	}
	if c.body != nil {
		// Whatever path the request takes, its wsgi.input reads EOF
		// afterwards; an unread body closes the connection unless drained.
		defer c.endBody()
	}
	c.out = c.out[:0]
	c.close = !c.req.keepAlive || s.draining.Load()
	c.streamed = false
	if s.ops.intercept(c, t0) { // health, static files (ops.go)
		return !c.close && c.body == nil
	}
	if !s.flight.enter() { // limit.go: adaptive in-flight limit (--queue-timeout auto)
		return c.shed()
	}
	var w *worker
	var wait time.Duration
	select {
	case w = <-s.slots:
	default:
		// All threads busy: wait in the FIFO (goroutines blocked on a
		// channel are served in arrival order) unless the wait would be
		// too long (queue.go).
		if !s.admit() {
			return c.shed()
		}
		start := time.Now()
		w = <-s.slots
		s.waiting.Add(-1)
		wait = time.Since(start)
		s.stats.queueWaitNs.Add(int64(wait))
		if int64(wait) > s.stats.queueMaxNs.Load() {
			s.stats.queueMaxNs.Store(int64(wait))
		}
		if c.br.Buffered() == 0 && peerGone(c.nc) {
			s.putSlot(w)
			s.flight.leave(0, 0)
			s.stats.canceled.Add(1)
			return false
		}
		if s.tooLate(wait) {
			s.putSlot(w)
			s.flight.leave(0, 0)
			s.stats.shedLate.Add(1)
			return c.shed()
		}
	}
	w.run(c)
	tRun := c.ops.runStart // slot taken (ops.beginApp)
	s.stats.preNs.Add(int64(tRun.Sub(t0)))
	held := time.Since(tRun)
	s.release(w, wait, held) // limit.go
	s.stats.runNs.Add(int64(held))
	s.recordSlotTime(held)
	if c.body != nil {
		if status, msg := bodyErrorStatus(c.body.failure()); status != 0 && !c.streamed {
			// The body was malformed or too large: that is the answer,
			// whatever the app made of the failed read.
			s.stats.rejectedBad.Add(1)
			c.out = appendError(c.out[:0], status, msg)
			c.close = true
		} else if c.body.failure() != nil {
			c.close = true
		}
	}
	s.ops.done(c) // metrics, access log, max-requests (ops.go)
	// Monotonic readings only from here (one clock read each, clock.go).
	if !c.streamed && len(c.out) > 0 {
		tw := mono()
		_, err := c.nc.Write(c.out)
		s.stats.writeNs.Add(mono() - tw)
		if err != nil {
			return false
		}
	}
	if c.body != nil && !c.close && !c.body.finish() {
		return false // the rest of the body could not be drained
	}
	end := time.Now()
	s.stats.handleNs.Add(int64(end.Sub(t0)))
	c.idleFrom = end
	if cap(c.out) > 1<<20 {
		c.out = nil // do not keep a huge buffer for an idle connection
	}
	return !c.close
}

// readHead reads up to and including the blank line ending the head and
// returns a copy that stays valid while the body is read.
func (c *conn) readHead() ([]byte, error) {
	s := c.srv
	searched := 0
	slow := false
	for {
		n := c.br.Buffered()
		if n > 0 {
			buf, _ := c.br.Peek(n)
			from := searched - 3
			if from < 0 {
				from = 0
			}
			if i := bytes.Index(buf[from:], crlfcrlf); i >= 0 {
				end := from + i + 4
				c.headBuf = append(c.headBuf[:0], buf[:end]...)
				c.br.Discard(end)
				return c.headBuf, nil
			}
			if i := bytes.Index(buf[from:], lflf); i >= 0 {
				// A head ending in bare LFs: parseHead rejects it (400)
				// rather than the connection waiting for a CRLF CRLF.
				end := from + i + 2
				c.headBuf = append(c.headBuf[:0], buf[:end]...)
				c.br.Discard(end)
				return c.headBuf, nil
			}
			searched = n
			if n >= s.cfg.MaxHeaderSize {
				return nil, errHeadTooLarge
			}
			if !slow {
				// The first bytes are in: the rest of the head must come
				// within the header timeout (slow-client protection).
				slow = true
				c.rdl = time.Time{}
				c.nc.SetReadDeadline(time.Now().Add(s.cfg.HeaderTimeout))
			}
		}
		if _, err := c.br.Peek(n + 1); err != nil {
			if n > 0 && isTimeout(err) {
				return nil, &httpError{408, "request header timeout"}
			}
			return nil, err
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// readBody reads a Content-Length or chunked body whole (within the body
// limit) so the app never waits on the network while it holds a thread.
func (c *conn) readBody() error {
	r := &c.req
	max := c.srv.cfg.MaxBodySize
	if r.contentLength <= 0 && !r.chunked {
		return nil
	}
	if r.contentLength > max {
		return &httpError{413, "request body too large"}
	}
	if r.expect100 {
		if _, err := c.nc.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
			return err
		}
	}
	c.rdl = time.Time{}
	c.nc.SetReadDeadline(time.Now().Add(c.srv.cfg.BodyTimeout))
	if !r.chunked {
		r.body = make([]byte, r.contentLength)
		if _, err := io.ReadFull(c.br, r.body); err != nil {
			return err
		}
		return nil
	}
	body, err := readChunked(c.br, max, c.srv.cfg.MaxHeaderSize)
	r.body = body
	return err
}

// readBodyWSGI is readBody except that a chunked body longer than
// bodyPrebuffer is streamed to the app (body.go).
func (c *conn) readBodyWSGI() error {
	r := &c.req
	if !r.chunked {
		return c.readBody()
	}
	if r.expect100 {
		if _, err := c.nc.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n")); err != nil {
			return err
		}
	}
	c.rdl = time.Time{}
	c.nc.SetReadDeadline(time.Now().Add(c.srv.cfg.BodyTimeout))
	bs := &bodyStream{dec: chunkDecoder{br: c.br, max: c.srv.cfg.MaxBodySize, maxLine: c.srv.cfg.MaxHeaderSize}}
	pre, complete, err := prebufferChunked(&bs.dec, bodyPrebuffer)
	if err != nil {
		return err
	}
	if complete {
		r.body = pre
		return nil
	}
	bs.pre = pre
	bs.id = registerStream(bs)
	c.body = bs
	return nil
}

// readChunked decodes a whole chunked body (within max); trailers are read
// and dropped.
func readChunked(br *bufio.Reader, max int64, maxLine int) ([]byte, error) {
	d := &chunkDecoder{br: br, max: max, maxLine: maxLine}
	body, complete, err := prebufferChunked(d, int(max)+1)
	if err != nil {
		return nil, err
	}
	if !complete {
		return nil, errBodyTooLarge
	}
	return body, nil
}

// readLine reads one CRLF line (without it); bare LF is an error.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(line) > max+2 {
		return nil, badRequest("line too long")
	}
	if err != nil {
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, badRequest("bare LF")
	}
	return line[:len(line)-2], nil
}

var statusText = map[int]string{
	400: "Bad Request", 408: "Request Timeout", 413: "Content Too Large",
	417: "Expectation Failed", 431: "Request Header Fields Too Large",
	500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
	505: "HTTP Version Not Supported",
}

// writeError answers a request the app never sees, and the connection
// closes after.
func (c *conn) writeError(status int, msg string) {
	body := msg + "\n"
	b := make([]byte, 0, 160+len(body))
	b = append(b, "HTTP/1.1 "...)
	b = append(b, itoa(status)...)
	b = append(b, ' ')
	b = append(b, statusText[status]...)
	b = append(b, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "...)
	b = append(b, itoa(len(body))...)
	b = append(b, "\r\nConnection: close\r\n\r\n"...)
	b = append(b, body...)
	c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.nc.Write(b)
}

// shed answers 503 + Retry-After without running the app. A request with
// an unread streamed body closes its connection.
func (c *conn) shed() bool {
	c.srv.stats.shed.Add(1)
	ka := c.req.keepAlive && c.body == nil
	c.writeRaw(c.srv.busyResponse(ka))
	return ka
}

func (c *conn) writeRaw(b []byte) {
	c.nc.Write(b)
}

func logf(format string, args ...any) {
	logger.Printf(format, args...)
}
