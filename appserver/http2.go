package appserver

import (
	"context"
	"crypto/tls"
	"time"
)

// HTTP/2 (--http 2|auto): ALPN "h2" over TLS, and cleartext h2 with prior
// knowledge. Each stream becomes a conn whose request fields are filled
// from the stream and whose "socket" is the stream (http2_stream.go), so
// the WSGI bridge, the thread slots, metrics, the access log, health and
// static files all run unchanged: the HTTP/1.1 response they produce is
// turned into the stream's HEADERS and DATA. On an ASGI server a stream
// goes to the ASGI bridge instead of a thread slot (asgi_h2.go). The frame
// loop is ours (http2_conn.go); why, with the profile, is written there.

const h2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

func (o *opsState) startHTTP2() {
	o.h2 = &h2State{conns: map[*h2Conn]struct{}{}}
}

// takeOver runs first on every connection: an HTTP/2 one is served here
// until it closes (true); false lets the HTTP/1.1 loop have it.
func (o *opsState) takeOver(c *conn) bool {
	// A server with neither thread slots (WSGI) nor an ASGI bridge
	// cannot run streams; HTTP/2 stays off there.
	if o.h2 == nil || o.srv.slots == nil && o.srv.asgi == nil {
		return false
	}
	// --http 2: HTTP/2 only. A connection that does not open with it is
	// closed unanswered (RFC 9113 3.4: an invalid preface is a connection
	// error); under auto it is HTTP/1.1's to answer.
	only := o.cfg.HTTP == "2"
	if tc, ok := c.nc.(*tls.Conn); ok {
		ctx, cancel := context.WithTimeout(context.Background(), o.srv.cfg.HeaderTimeout)
		err := tc.HandshakeContext(ctx)
		cancel()
		if err != nil || tc.ConnectionState().NegotiatedProtocol != "h2" {
			return only // HTTP/1.1 (a failed handshake fails its first read), unless --http 2
		}
	} else {
		// Cleartext: HTTP/2 with prior knowledge starts with the preface.
		// Only a first byte 'P' makes us wait for more.
		c.nc.SetReadDeadline(time.Now().Add(o.srv.cfg.KeepAliveTimeout))
		for i := 1; i <= len(h2Preface); i++ {
			b, err := c.br.Peek(i)
			if err != nil || b[i-1] != h2Preface[i-1] {
				return only
			}
		}
		c.nc.SetReadDeadline(time.Time{})
	}
	o.serveH2Conn(c, c.nc)
	return true
}

// stopHTTP2 sends GOAWAY on every HTTP/2 connection: the streams in
// flight finish, then the connections close (Stop waits for them).
func (o *opsState) stopHTTP2() {
	if o.h2 == nil {
		return
	}
	o.h2.mu.Lock()
	conns := make([]*h2Conn, 0, len(o.h2.conns))
	for hc := range o.h2.conns {
		conns = append(conns, hc)
	}
	o.h2.mu.Unlock()
	for _, hc := range conns {
		hc.goAway(0)
	}
}
