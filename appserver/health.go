package appserver

import "time"

// health answers the liveness and readiness endpoints in Go, without
// Python: liveness is 200 while the process serves; readiness is 503 once
// the worker drains (stop, reload, recycle), so a load balancer stops
// sending it new requests.
func (o *opsState) health(c *conn, live bool) {
	status, body := "200 OK", "ok\n"
	if !live && o.srv.draining.Load() {
		status, body = "503 Service Unavailable", "draining\n"
		c.ops.status = 503
	} else {
		c.ops.status = 200
	}
	c.close = c.close || !c.req.keepAlive || o.srv.draining.Load()
	b := make([]byte, 0, 192)
	b = append(b, "HTTP/1.1 "+status+"\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: "...)
	b = appendInt(b, int64(len(body)))
	b = append(b, "\r\n"...)
	b = append(b, currentDate()...)
	if c.close {
		b = append(b, "Connection: close\r\n"...)
	}
	b = append(b, "\r\n"...)
	if !c.isHead() {
		b = append(b, body...)
	}
	c.ops.bytesOut = int64(len(b))
	c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.nc.Write(b)
	c.nc.SetWriteDeadline(time.Time{})
}
