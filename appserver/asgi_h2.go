package appserver

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"

	"goaccel/python"
)

// ASGI over HTTP/2 (trailers: see asgi_trailers.go). http2.go turns every stream into a conn whose "socket"
// is an h2Writer (HTTP/1.1 response bytes in, HEADERS/DATA frames out);
// serveH2 hands ASGI streams here (one call). The request goes to the loop
// like an HTTP/1.1 one (http_version "2"); the app's response bytes reach
// the h2Writer through the flush goroutine (asgi_write.go: the non-blocking
// socket write does not apply to a stream). A stream reset or a closed
// connection is the client leaving (http.disconnect, cancellation).
//
// http.response.early_hint: the hints are queued as a "103" head before the
// response; h2Conn sends each informational head as its own HEADERS frame
// (net/http writes 1xx headers at once, RFC 8297), then strips them again,
// so the final response does not repeat them.

// h2Conn wraps the stream's h2Writer to send informational (1xx) heads.
type h2Conn struct {
	*h2Writer
	head  []byte
	final bool // the final response head went through
}

func (h *h2Conn) Write(b []byte) (int, error) {
	n := len(b)
	if h.final {
		return h.h2Writer.Write(b)
	}
	h.head = append(h.head, b...)
	for {
		i := bytes.Index(h.head, crlfcrlf)
		if i < 0 {
			return n, nil
		}
		if len(h.head) >= 12 && h.head[9] == '1' { // "HTTP/1.1 1xx"
			h.informational(h.head[:i])
			h.head = h.head[i+4:]
			continue
		}
		h.final = true
		rest := h.head
		h.head = nil
		if _, err := h.h2Writer.Write(rest); err != nil {
			return 0, err
		}
		return n, nil
	}
}

func (h *h2Conn) informational(head []byte) {
	lines := strings.Split(string(head), "\r\n")
	code, err := strconv.Atoi(lines[0][9:12])
	if err != nil || code < 100 || code > 199 || code == 101 {
		return
	}
	hdr := h.rw.Header()
	var keys []string
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		k = http.CanonicalHeaderKey(strings.TrimSpace(k))
		hdr.Add(k, strings.TrimSpace(v))
		keys = append(keys, k)
	}
	h.rw.WriteHeader(code) // returns once the frame is written
	for _, k := range keys {
		hdr.Del(k)
	}
}

// serveH2ASGI runs one HTTP/2 stream through the ASGI bridge (the request
// fields and body were filled by serveH2; intercept has run).
func (o *opsState) serveH2ASGI(c *conn, hw *h2Writer, hr *http.Request) {
	s := o.srv
	c.nc = &h2Conn{h2Writer: hw}
	r := &AsgiReq{
		ID: asgiSeq.Add(1), c: c, Method: c.req.method, Path: c.req.path, Query: c.req.query,
		Minor: 1, H2: true, h2TLS: hr.TLS, RemoteAddr: c.remoteAddr, cl: -1, Body: c.req.body,
		wake: make(chan struct{}, 1), done: make(chan struct{}),
	}
	r.RemotePort, _ = atoiBytes(c.remotePort)
	r.head = string(c.req.method) == "HEAD"
	c.asgiBytesIn(len(r.Body))
	asgiMu.Lock()
	asgiReqs[r.ID] = r
	asgiMu.Unlock()
	s.stats.served.Add(1)
	c.asgiBegin()
	s.asgi.push(EvRequest, r)
	ctx := hr.Context()
	for {
		r.mu.Lock()
		done := r.final && !r.flushing && (len(r.out) == 0 || r.gone)
		r.mu.Unlock()
		if done {
			break
		}
		select {
		case <-r.wake:
		case <-ctx.Done():
			r.mu.Lock()
			r.goneLocked()
			r.mu.Unlock()
			ctx = context.Background() // reported once; now wait for the app
		}
	}
	asgiMu.Lock()
	delete(asgiReqs, r.ID)
	asgiMu.Unlock()
	close(r.done)
	r.mu.Lock()
	trailers := r.h2Trailers
	r.mu.Unlock()
	if len(trailers) > 0 && !r.Gone() {
		// The body is out and nothing else writes to the stream now:
		// net/http sends these as the trailing HEADERS frame when the
		// handler returns.
		hdr := hw.rw.Header()
		for _, l := range strings.Split(strings.TrimSuffix(string(trailers), "\r\n"), "\r\n") {
			if k, v, ok := strings.Cut(l, ": "); ok {
				hdr.Add(http.TrailerPrefix+k, v)
			}
		}
	}
	c.asgiDone(r.result())
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
