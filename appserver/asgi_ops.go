package appserver

// ASGI requests through the same metrics and access log as WSGI requests
// (ops.go): intercept() has set c.ops (start time, proxy fields, the head's
// bytes) for every parsed request; these hooks add what the ASGI path knows
// (body bytes, the response's status and size) and end in ops.done(), so
// requests_total, the duration histogram, bytes in/out, in-flight, the
// access log and --max-requests count ASGI requests exactly like WSGI ones.

// statusClientGone is recorded for a request whose client left before the
// app started a response (nginx's convention).
const statusClientGone = 499

// asgiBegin: the request is handed to the app.
func (c *conn) asgiBegin() {
	c.ops.inApp = true
	c.srv.ops.m.inFlight.Add(1)
}

// asgiBytesIn counts request body bytes (intercept counted the head).
func (c *conn) asgiBytesIn(n int) {
	if n > 0 {
		c.srv.ops.m.bytesIn.Add(int64(n))
	}
}

// asgiDone: the response is on the wire (or abandoned). Connection
// goroutine, before the next request is read (c.req is still this one's).
func (c *conn) asgiDone(status int, sent int64) {
	c.ops.handled = true // status and size are ours, not parsed from c.out
	c.ops.status = status
	c.ops.bytesOut = sent
	c.srv.ops.done(c)
}

// result is the status and response size of a finished request.
func (r *AsgiReq) result() (int, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.status
	if st == 0 {
		st = statusClientGone
	}
	return st, r.wire
}

// wsAnswered records a WebSocket handshake once it is answered (101, 403 or
// the app's denial response): one request in the metrics and one access
// log line, at the handshake as Granian logs it; the session's message
// bytes are added to bytes in/out as they flow (wsBytes).
func (c *conn) wsAnswered(status int, sent int) {
	c.asgiDone(status, int64(sent))
}

// wsBytes counts WebSocket message payload bytes.
func (c *conn) wsBytes(in, out int) {
	m := &c.srv.ops.m
	if in > 0 {
		m.bytesIn.Add(int64(in))
	}
	if out > 0 {
		m.bytesOut.Add(int64(out))
	}
}
