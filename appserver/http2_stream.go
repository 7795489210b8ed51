package appserver

import (
	"bytes"
	"net"
	"strconv"
	"time"
	"unsafe"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// h2Stream is one HTTP/2 request. Its conn runs the same request path as
// an HTTP/1.1 connection (health, static, thread slots, WSGI, metrics,
// access log), and the stream itself is that conn's net.Conn: the HTTP/1.1
// response written to it is turned into HEADERS and DATA frames.
//
// Fields marked (mu) are guarded by the connection's mutex; the request is
// filled by the frame reader before dispatch and read by the stream's
// goroutine after (the go statement orders them).
type h2Stream struct {
	hc *h2Conn
	id uint32
	c  conn

	sendWin    int64         // (mu)
	receiving  bool          // (mu) DATA still expected
	dispatched bool          // (mu)
	reset      bool          // (mu) RST_STREAM either way
	ended      bool          // (mu) END_STREAM sent
	left       chan struct{} // (mu) ASGI: closed when the client leaves (asgi_h2.go)

	discard  bool // headers over the limit: 431
	tooLarge bool // body over the limit: 413
	hadBody  bool
	got      int64 // DATA payload received (reader goroutine)

	// The HTTP/1.1 response being translated (mu).
	head      []byte
	started   bool
	chunked   bool
	noBody    bool
	remaining int64 // Content-Length still to send (-1: not given)
	chunkBuf  []byte
}

// newH2Stream makes the stream for a new id (mu held), reusing a finished
// one of this connection when there is one: its response buffer and header
// slice keep their capacity, as an HTTP/1.1 keep-alive conn's do (a fresh
// stream grew c.out from nil on every response: 6 % of the server's Go CPU
// in malloc and GC under h2load).
func newH2Stream(hc *h2Conn, id uint32) *h2Stream {
	var s *h2Stream
	if n := len(hc.free); n > 0 {
		s = hc.free[n-1]
		hc.free[n-1] = nil
		hc.free = hc.free[:n-1]
		out, hdrs := s.c.out[:0], s.c.req.headers[:0]
		*s = h2Stream{}
		s.c.out, s.c.req.headers = out, hdrs
	} else {
		s = &h2Stream{}
	}
	s.hc, s.id, s.sendWin, s.remaining = hc, id, hc.initWin, -1
	c := &s.c
	c.srv = hc.o.srv
	c.nc = s
	c.remoteAddr, c.remotePort = hc.c.remoteAddr, hc.c.remotePort
	return s
}

// bytesOf aliases an HPACK-decoded string: the decoder makes new strings
// (or shares its table's, which are immutable), never rewritten.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func stringOf(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

var (
	h2Proto   = []byte("HTTP/2.0")
	hostName  = []byte("Host")
	methodGet = []byte("GET")
)

// request fills the conn's request from the header block; false: malformed.
func (s *h2Stream) request(f *h2Block) bool {
	req := &s.c.req
	req.contentLength = -1
	req.proto = h2Proto
	req.minor = 1
	req.keepAlive, req.host = true, true
	var authority string
	hasHost, hasScheme := false, false
	if cap(req.headers) < len(f.fields) {
		req.headers = make([]header, 0, len(f.fields))
	}
	for _, hf := range f.fields {
		if hf.IsPseudo() {
			switch hf.Name {
			case ":method":
				req.method = bytesOf(hf.Value)
			case ":path":
				req.target = bytesOf(hf.Value)
			case ":authority":
				authority = hf.Value
			case ":scheme":
				hasScheme = true
			}
			continue
		}
		switch hf.Name {
		case "host":
			hasHost = true
		case "content-length":
			n, err := strconv.ParseInt(hf.Value, 10, 64)
			if err != nil || n < 0 {
				return false
			}
			req.contentLength = n
		case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
			return false // connection-specific: malformed in HTTP/2 (RFC 9113 8.2.2)
		case "te":
			if hf.Value != "trailers" {
				return false // the only TE value HTTP/2 allows (RFC 9113 8.2.2)
			}
		}
		req.headers = append(req.headers, header{bytesOf(hf.Name), bytesOf(hf.Value)})
	}
	if len(req.method) == 0 || len(req.target) == 0 || !hasScheme {
		// :method, :scheme and a non-empty :path are required (RFC 9113
		// 8.3.1); CONNECT (no :path) is not served.
		return false
	}
	if !hasHost && authority != "" {
		req.headers = append(req.headers, header{hostName, bytesOf(authority)})
	}
	path, query := req.target, []byte(nil)
	if i := bytes.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i+1:]
	}
	req.path, req.query = path, query
	if req.contentLength > s.hc.o.srv.cfg.MaxBodySize {
		s.tooLarge = true
	}
	return true
}

// badLength: the DATA received contradicts the request's content-length,
// so far or (ended) in total — a malformed request (RFC 9113 8.1.1).
func (s *h2Stream) badLength(ended bool) bool {
	cl := s.c.req.contentLength
	return cl >= 0 && (s.got > cl || ended && s.got != cl)
}

// serve runs the request on this goroutine, as conn.serveOne does.
func (s *h2Stream) serve() {
	hc := s.hc
	o := hc.o
	srv := o.srv
	c := &s.c
	hc.mu.Lock()
	s.dispatched = true
	reset := s.reset
	hc.mu.Unlock()
	reuse := false
	defer func() { s.finishAndRecycle(reuse) }()
	if reset {
		return
	}
	if s.discard {
		c.writeError(431, "request header fields too large")
		return
	}
	if s.tooLarge {
		c.writeError(413, "request body too large")
		return
	}
	if s.hadBody || c.req.contentLength >= 0 {
		if c.req.body == nil {
			c.req.body = []byte{}
		}
		c.req.contentLength = int64(len(c.req.body))
	}
	c.out = c.out[:0]
	if o.intercept(c, time.Now()) { // health, static files (ops.go): answered here
		reuse = true
		return
	}
	if srv.asgi != nil {
		s.serveASGI() // asgi_h2.go
		return
	}
	var w *worker
	select {
	case w = <-srv.slots:
	default:
		if srv.waiting.Add(1) > int64(srv.cfg.Backpressure) {
			srv.waiting.Add(-1)
			srv.stats.shed.Add(1)
			c.writeRaw(srv.busyResponse(true))
			return
		}
		start := time.Now()
		w = <-srv.slots
		srv.waiting.Add(-1)
		srv.stats.queueWaitNs.Add(int64(time.Since(start)))
		// The client reset the stream while it waited: not run (the
		// HTTP/1.1 path's peerGone).
		hc.mu.Lock()
		gone := s.reset || hc.dead
		hc.mu.Unlock()
		if gone {
			srv.putSlot(w)
			srv.stats.canceled.Add(1)
			return
		}
	}
	w.run(c)
	srv.putSlot(w)
	if !c.streamed && len(c.out) > 0 {
		s.Write(c.out) // HEADERS + DATA, one write(2)
	}
	s.finish()
	o.done(c) // metrics, access log, max-requests (ops.go)
	// Only a stream the app finished normally is reused: one the
	// request-timeout watchdog answered may still be in its hands.
	reuse = c.ops.state.Load() == 1
}

// finishAndRecycle finishes the stream and, when reuse is set, keeps it
// for the connection's next stream (newH2Stream). Nothing else refers to
// it by then: it left hc.streams in finish, and serve is returning.
func (s *h2Stream) finishAndRecycle(reuse bool) {
	s.finish()
	if !reuse {
		return
	}
	hc := s.hc
	hc.mu.Lock()
	if hc.streams[s.id] != s && len(hc.free) < h2FreeStreams && cap(s.c.out) <= 1<<20 {
		s.c.req.body = nil // the app may keep what it read; never reused
		hc.free = append(hc.free, s)
	}
	hc.mu.Unlock()
}

// h2FreeStreams bounds the finished streams a connection keeps for reuse.
const h2FreeStreams = 8

// finish ends the stream (END_STREAM, or RST_STREAM if the response is
// incomplete) and frees its slot in the connection.
func (s *h2Stream) finish() {
	hc := s.hc
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if !s.ended && !s.reset && !hc.dead {
		if s.started && !s.chunked && s.remaining <= 0 {
			hc.fr.WriteData(s.id, true, nil)
		} else {
			hc.fr.WriteRSTStream(s.id, http2.ErrCodeInternal)
		}
		s.ended = true
	}
	hc.closeStreamLocked(s)
	hc.flushLocked()
}

// Write takes the HTTP/1.1 response bytes (any split) and sends them as
// frames, flushed before it returns (streamed responses go out as written).
func (s *h2Stream) Write(b []byte) (int, error) {
	hc := s.hc
	hc.mu.Lock()
	defer hc.mu.Unlock()
	n, err := s.writeLocked(b)
	if s.ended && !s.receiving {
		// Closed both ways: free the slot before the END_STREAM leaves, or a
		// client at the stream limit that opens the next stream at once
		// would be refused (RFC 9113 §5.1.2 counts only open streams).
		hc.closeStreamLocked(s)
	}
	hc.flushLocked()
	return n, err
}

func (s *h2Stream) writeLocked(b []byte) (int, error) {
	n := len(b)
	if s.ended || s.reset || s.hc.dead {
		return 0, errH2Done
	}
	for !s.started {
		var head []byte
		if len(s.head) == 0 {
			i := bytes.Index(b, crlfcrlf)
			if i < 0 {
				s.head = append(s.head, b...)
				return n, nil
			}
			// The usual case: the whole head in one write, parsed in place.
			head, b = b[:i], b[i+4:]
		} else {
			s.head = append(s.head, b...)
			i := bytes.Index(s.head, crlfcrlf)
			if i < 0 {
				return n, nil
			}
			head, b = s.head[:i], s.head[i+4:]
			s.head = nil // b aliases it: a later head gets a new buffer
		}
		if len(head) >= 12 && head[9] == '1' {
			// "HTTP/1.1 1xx" before the final response (ASGI's 103 Early
			// Hints): its own HEADERS frame, the stream stays open.
			s.writeInfoLocked(head)
			continue
		}
		s.started = true
		s.writeHeadLocked(head)
	}
	if len(b) == 0 || s.ended {
		return n, nil
	}
	if !s.chunked {
		if s.remaining >= 0 {
			if int64(len(b)) > s.remaining {
				b = b[:s.remaining]
			}
			s.remaining -= int64(len(b))
			if !s.dataLocked(b, s.remaining == 0) {
				return 0, errH2Done
			}
			return n, nil
		}
		if !s.dataLocked(b, false) {
			return 0, errH2Done
		}
		return n, nil
	}
	s.chunkBuf = append(s.chunkBuf, b...)
	for {
		i := bytes.Index(s.chunkBuf, crlf)
		if i < 0 {
			break
		}
		size, err := strconv.ParseInt(stringOf(s.chunkBuf[:i]), 16, 64)
		if err != nil || size < 0 {
			return 0, errH2Done
		}
		if size == 0 {
			// The last chunk, then the trailer section up to an empty
			// line: trailer fields become a HEADERS frame that ends the
			// stream (ASGI's http.response.trailers), none an empty DATA.
			t := s.chunkBuf[i+2:]
			if len(t) >= 2 && t[0] == '\r' && t[1] == '\n' {
				if !s.dataLocked(nil, true) {
					return 0, errH2Done
				}
				break
			}
			j := bytes.Index(t, crlfcrlf)
			if j < 0 {
				break // the rest of the trailer section is still to come
			}
			if !s.trailersLocked(t[:j]) {
				return 0, errH2Done
			}
			break
		}
		if int64(len(s.chunkBuf)) < int64(i)+2+size+2 {
			break
		}
		if !s.dataLocked(s.chunkBuf[i+2:int64(i)+2+size], false) {
			return 0, errH2Done
		}
		s.chunkBuf = s.chunkBuf[int64(i)+2+size+2:]
	}
	return n, nil
}

var crlf = []byte("\r\n")

// writeHeadLocked sends the status and headers of an HTTP/1.1 response
// head (without the final blank line) as a HEADERS frame (+CONTINUATION).
func (s *h2Stream) writeHeadLocked(head []byte) {
	hc := s.hc
	if rc := &hc.heads; rc.lookup(head) {
		s.chunked, s.remaining = rc.chunked, rc.remaining
		s.endHeadLocked(rc.code, rc.block)
		return
	}
	line, rest, _ := bytes.Cut(head, crlf)
	status := "500"
	if len(line) >= 12 {
		status = string(line[9:12])
	}
	code, _ := strconv.Atoi(status)
	hc.hb.Reset()
	hc.enc.WriteField(hpack.HeaderField{Name: ":status", Value: status})
	vals := make([]byte, 0, len(rest))
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, crlf)
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		v = bytes.TrimSpace(v)
		name := lowerName(k)
		switch name {
		case "connection", "keep-alive", "proxy-connection", "upgrade":
			continue
		case "transfer-encoding":
			s.chunked = bytes.EqualFold(v, []byte("chunked"))
			continue
		case "content-length":
			if n, err := strconv.ParseInt(stringOf(v), 10, 64); err == nil {
				s.remaining = n
			}
		}
		// Copied (once per response, into vals): the encoder may keep the
		// value in its table, and a streamed response reuses its buffer.
		at := len(vals)
		vals = append(vals, v...)
		hc.enc.WriteField(hpack.HeaderField{Name: name, Value: stringOf(vals[at:len(vals):len(vals)])})
	}
	if s.chunked {
		s.remaining = -1
	}
	hc.heads.store(head, hc.hb.Bytes(), code, s.remaining, s.chunked) // http2_headcache.go
	s.endHeadLocked(code, hc.hb.Bytes())
}

// endHeadLocked sends the final response's header block; the stream ends
// with it when there is no body to follow.
func (s *h2Stream) endHeadLocked(code int, block []byte) {
	s.noBody = code == 204 || code == 304 || code < 200 || string(s.c.req.method) == "HEAD"
	end := s.noBody || s.remaining == 0
	s.blockLocked(block, end)
	if end {
		s.ended = true
	}
}

// blockLocked sends an encoded header block as HEADERS and, past the
// peer's frame size, CONTINUATION frames.
func (s *h2Stream) blockLocked(block []byte, end bool) {
	hc := s.hc
	first := true
	for first || len(block) > 0 {
		n := len(block)
		if n > hc.maxFrame {
			n = hc.maxFrame
		}
		if first {
			hc.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: s.id, BlockFragment: block[:n],
				EndStream: end, EndHeaders: n == len(block)})
			first = false
		} else {
			hc.fr.WriteContinuation(s.id, n == len(block), block[:n])
		}
		block = block[n:]
	}
}

// writeInfoLocked sends an informational (1xx) head as a HEADERS frame
// without END_STREAM, before the final one. 101 has no HTTP/2 form: dropped.
func (s *h2Stream) writeInfoLocked(head []byte) {
	line, rest, _ := bytes.Cut(head, crlf)
	status := string(line[9:12])
	if code, err := strconv.Atoi(status); err != nil || code == 101 {
		return
	}
	s.hc.hb.Reset()
	s.hc.enc.WriteField(hpack.HeaderField{Name: ":status", Value: status})
	s.fieldsLocked(rest)
	s.hc.heads.valid = false // the table may have changed
	s.blockLocked(s.hc.hb.Bytes(), false)
}

// trailersLocked sends the trailer fields of a chunked body as the
// HEADERS frame that ends the stream (RFC 9113 8.1).
func (s *h2Stream) trailersLocked(fields []byte) bool {
	if s.reset || s.hc.dead {
		return false
	}
	s.hc.hb.Reset()
	s.fieldsLocked(fields)
	s.hc.heads.valid = false // the table may have changed
	s.blockLocked(s.hc.hb.Bytes(), true)
	s.ended = true
	return true
}

// fieldsLocked encodes CRLF-separated "Name: value" lines, without the
// connection-specific ones. Only informational heads and trailers (rare):
// the values are copied.
func (s *h2Stream) fieldsLocked(lines []byte) {
	for len(lines) > 0 {
		var line []byte
		line, lines, _ = bytes.Cut(lines, crlf)
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		name := lowerName(k)
		switch name {
		case "connection", "keep-alive", "proxy-connection", "upgrade", "transfer-encoding":
			continue
		}
		s.hc.enc.WriteField(hpack.HeaderField{Name: name, Value: string(bytes.TrimSpace(v))})
	}
}

// leaveLocked tells the ASGI bridge the client left (the stream was reset
// or the connection is gone); a no-op for other streams.
func (s *h2Stream) leaveLocked() {
	if s.left != nil {
		close(s.left)
		s.left = nil
	}
}

// lowerName is the HTTP/2 (lower-case) form of a header name; the common
// ones without an allocation.
func lowerName(k []byte) string {
	switch string(k) {
	case "Content-Type":
		return "content-type"
	case "Content-Length":
		return "content-length"
	case "Date":
		return "date"
	case "Server":
		return "server"
	case "Connection":
		return "connection"
	case "Keep-Alive":
		return "keep-alive"
	case "Transfer-Encoding":
		return "transfer-encoding"
	case "Cache-Control":
		return "cache-control"
	case "Last-Modified":
		return "last-modified"
	case "ETag":
		return "etag"
	case "Accept-Ranges":
		return "accept-ranges"
	case "Vary":
		return "vary"
	case "Location":
		return "location"
	case "Set-Cookie":
		return "set-cookie"
	}
	return string(bytes.ToLower(k))
}

// dataLocked sends p as DATA frames within the flow-control windows,
// waiting (lock released) for WINDOW_UPDATE when they are used up.
func (s *h2Stream) dataLocked(p []byte, end bool) bool {
	hc := s.hc
	if s.noBody {
		return true
	}
	for {
		if s.reset || hc.dead {
			return false
		}
		if len(p) == 0 {
			if end {
				hc.fr.WriteData(s.id, true, nil)
				s.ended = true
			}
			return true
		}
		win := hc.sendWin
		if s.sendWin < win {
			win = s.sendWin
		}
		if win <= 0 {
			hc.flushLocked()
			hc.cond.Wait()
			continue
		}
		n := len(p)
		if n > hc.maxFrame {
			n = hc.maxFrame
		}
		if int64(n) > win {
			n = int(win)
		}
		last := end && n == len(p)
		if hc.fr.WriteData(s.id, last, p[:n]) != nil {
			hc.dead = true
			return false
		}
		hc.sendWin -= int64(n)
		s.sendWin -= int64(n)
		p = p[n:]
		if last {
			s.ended = true
			return true
		}
	}
}

// CloseWrite ends the stream now (the request-timeout watchdog's 504).
func (s *h2Stream) CloseWrite() error {
	hc := s.hc
	hc.mu.Lock()
	defer hc.mu.Unlock()
	if !s.ended && !s.reset && !hc.dead && s.started {
		hc.fr.WriteData(s.id, true, nil)
		s.ended = true
		hc.flushLocked()
	}
	return nil
}

func (s *h2Stream) Read([]byte) (int, error)         { return 0, errH2Done }
func (s *h2Stream) Close() error                     { return nil }
func (s *h2Stream) LocalAddr() net.Addr              { return s.hc.nc.LocalAddr() }
func (s *h2Stream) RemoteAddr() net.Addr             { return s.hc.nc.RemoteAddr() }
func (s *h2Stream) SetDeadline(time.Time) error      { return nil }
func (s *h2Stream) SetReadDeadline(time.Time) error  { return nil }
func (s *h2Stream) SetWriteDeadline(time.Time) error { return nil }
