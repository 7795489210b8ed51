package appserver

import (
	"goaccel/python"
)

// http.response.trailers: an app that set `trailers: True` in
// http.response.start sends its last body with more_body (the Python side
// keeps the response open), then one or more trailers messages. They go out
// as HTTP/1.1 chunked trailer fields after the last chunk, when the
// request's TE header lists "trailers" (RFC 9110 6.5.1); otherwise, or when
// the body is not chunked (the app's Content-Length, HTTP/1.0, HEAD), they
// are dropped and the response just ends, as uvicorn does. On HTTP/2 they
// become the stream's trailing HEADERS frame (http2_stream.go), after a
// chunked body only (after a Content-Length body they are dropped there too).

// SendTrailers adds trailer fields; !more completes the response. GIL held.
func (r *AsgiReq) SendTrailers(headers python.Object, more bool) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if code, closed := r.closedLocked(); closed {
		return code, nil
	}
	if !r.started {
		return 0, python.Errorf(python.RuntimeError, "ASGI: 'http.response.trailers' before the response body")
	}
	fields, err := trailerFields(r.trailers, headers)
	if err != nil {
		return 0, err
	}
	r.trailers = fields
	if more {
		return SendOK, nil
	}
	// HTTP/2 sends them whatever TE says (RFC 9113 8.1): the stream turns
	// the chunked trailer section into its closing HEADERS frame.
	if !r.chunked || !r.H2 && !r.acceptsTrailers() {
		fields = nil
	}
	out := r.endLocked(r.out, fields)
	r.pending += len(out) - len(r.out)
	r.wire += int64(len(out) - len(r.out))
	r.out = out
	r.trailers = nil
	r.flushLocked()
	return SendOK, nil
}

// acceptsTrailers: the request's TE header lists "trailers".
func (r *AsgiReq) acceptsTrailers() bool {
	for _, h := range r.c.req.headers {
		if len(h.name) == 2 && equalFold(h.name, "te") && hasToken(h.value, "trailers") {
			return true
		}
	}
	return false
}

// trailerFields validates and appends "name: value\r\n" lines. Fields that
// frame or route the message are not allowed in trailers (RFC 9110 6.5.1)
// and are dropped.
func trailerFields(out []byte, headers python.Object) ([]byte, error) {
	var items []python.Object
	switch headers.Type() {
	case python.ListType:
		items = python.ListItems(headers)
	case python.TupleType:
		items = python.TupleItems(headers)
	default:
		return out, python.Errorf(python.TypeError, "http.response.trailers headers must be a list of [name, value] pairs, not %s", headers.TypeName())
	}
	for _, item := range items {
		var kv []python.Object
		switch item.Type() {
		case python.TupleType:
			kv = python.TupleItems(item)
		case python.ListType:
			kv = python.ListItems(item)
		}
		if len(kv) != 2 || kv[0].Type() != python.BytesType || kv[1].Type() != python.BytesType {
			return out, python.Errorf(python.TypeError, "each trailer must be a (name, value) pair of bytes")
		}
		name, value := python.BytesData(kv[0]), python.BytesData(kv[1])
		if !validHeader(name, value) {
			return out, python.Errorf(python.ValueError, "invalid trailer %s (bad name, or a control character in the value)", quote(name))
		}
		switch {
		case equalFold(name, "content-length"), equalFold(name, "transfer-encoding"),
			equalFold(name, "host"), equalFold(name, "connection"), equalFold(name, "trailer"),
			equalFold(name, "te"), equalFold(name, "content-type"), equalFold(name, "keep-alive"):
			continue
		}
		out = append(out, name...)
		out = append(out, ": "...)
		out = append(out, value...)
		out = append(out, "\r\n"...)
	}
	return out, nil
}
