package appserver

import (
	"strconv"

	"goaccel/python"
)

// Results of Send, as the Python side sees them (and SendFlush, 2: queued
// for the loop's flush, schedule asgi_flush; asgi_cork.go).
const (
	SendOK    = 0  // queued; the app may go on
	SendWait  = 1  // queued, but above the high-water mark: await a drain event
	SendGone  = -1 // the client is gone (send() raises ClientDisconnected)
	SendFinal = -2 // the response was already complete
)

var chunkedCRLF = []byte("\r\n")

// Send queues one http.response.body message; the first one also carries
// the http.response.start status and headers (kept by the Python side until
// the first body so a whole small response is one call). GIL held, on the
// loop thread; never blocks.
func (r *AsgiReq) Send(status int, headers python.Object, body []byte, more bool) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if code, closed := r.closedLocked(); closed {
		return code, nil
	}
	out := r.out
	if out == nil {
		// One allocation for a whole small response (head + body), not a
		// growslice at each step of the head (8, 16, 32 ... bytes).
		out = make([]byte, 0, 384+len(body))
	}
	if !r.started {
		var err error
		out, err = r.appendHead(out, status, headers, int64(len(body)), more)
		if err != nil {
			return 0, err
		}
		r.started = true
		r.status = status
	}
	if !r.head && len(body) > 0 {
		if r.cl >= 0 {
			left := r.cl - r.sent
			if int64(len(body)) > left {
				// Longer than its Content-Length: truncate and close, so
				// the client never reads the excess as a next response.
				body = body[:left]
				r.close = true
			}
		}
		if r.chunked {
			out = strconv.AppendInt(out, int64(len(body)), 16)
			out = append(out, chunkedCRLF...)
			out = append(out, body...)
			out = append(out, chunkedCRLF...)
		} else {
			out = append(out, body...)
		}
	}
	r.sent += int64(len(body))
	if !more {
		out = r.endLocked(out, nil)
	}
	r.pending += len(out) - len(r.out)
	r.wire += int64(len(out) - len(r.out))
	r.out = out
	if !more && !r.H2 && !r.gone && !r.flushing && r.pending <= asgiHighWater {
		// A whole response: written with the others of this loop
		// iteration, back to back (asgi_cork.go). Not while a flush
		// goroutine writes earlier chunks: it takes these bytes too, and
		// a second flush would end the response twice.
		if r.corkLocked() {
			return SendFlush, nil
		}
		return SendOK, nil
	}
	r.flushLocked()
	if r.pending > asgiHighWater && more && !r.gone {
		r.wantDrain = true
		return SendWait, nil
	}
	return SendOK, nil
}

// endLocked completes the response: the last chunk (with the trailer
// fields, when there are some and the client accepts them), or the checks
// of a Content-Length body. r.mu held.
func (r *AsgiReq) endLocked(out, trailers []byte) []byte {
	r.final = true
	if r.chunked {
		out = append(out, "0\r\n"...)
		out = append(out, trailers...)
		out = append(out, "\r\n"...)
	}
	if r.cl >= 0 && r.sent < r.cl && !r.head {
		r.close = true // short body: the client sees an incomplete response
	}
	if r.c.srv.draining.Load() {
		r.close = true
	}
	return out
}

// appendHead validates and serializes the status line and headers.
func (r *AsgiReq) appendHead(out []byte, status int, headers python.Object, bodyLen int64, more bool) ([]byte, error) {
	if status < 100 || status > 999 {
		return out, python.Errorf(python.ValueError, "invalid HTTP status %d", status)
	}
	if status < 200 {
		return out, python.Errorf(python.ValueError, "informational status %d cannot be a final response", status)
	}
	start := len(out)
	out = append(out, "HTTP/1."...)
	out = append(out, byte('0'+r.Minor))
	out = append(out, ' ')
	out = strconv.AppendInt(out, int64(status), 10)
	out = append(out, ' ')
	out = append(out, reasonPhrase(status)...)
	out = append(out, "\r\n"...)
	hasDate := false
	var items []python.Object
	if !headers.IsNil() && headers != python.None {
		switch headers.Type() {
		case python.ListType:
			items = python.ListItems(headers)
		case python.TupleType:
			items = python.TupleItems(headers)
		default:
			return out[:start], python.Errorf(python.TypeError, "http.response.start headers must be a list of [name, value] pairs, not %s", headers.TypeName())
		}
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
			return out[:start], python.Errorf(python.TypeError, "each header must be a (name, value) pair of bytes")
		}
		name, value := python.BytesData(kv[0]), python.BytesData(kv[1])
		if len(name) == 0 {
			return out[:start], python.Errorf(python.ValueError, "empty header name")
		}
		for _, ch := range name {
			if !isToken[ch] {
				return out[:start], python.Errorf(python.ValueError, "invalid character in header name %s", quote(name))
			}
		}
		for _, ch := range value {
			if !isValueByte[ch] {
				return out[:start], python.Errorf(python.ValueError, "header %s has a control character (CR, LF or other) in its value", quote(name))
			}
		}
		switch len(name) {
		case 4:
			if equalFold(name, "date") {
				hasDate = true
			}
		case 10:
			if equalFold(name, "connection") {
				if hasToken(value, "close") {
					r.close = true
				}
				continue // the server manages the connection
			}
			if equalFold(name, "keep-alive") {
				continue
			}
		case 14:
			if equalFold(name, "content-length") {
				n, ok := parseDecimal(trimOWS(value))
				if !ok || r.cl >= 0 {
					return out[:start], python.Errorf(python.ValueError, "invalid or repeated content-length header")
				}
				r.cl = n
			}
		case 17:
			if equalFold(name, "transfer-encoding") {
				continue // the server frames the body itself
			}
		}
		out = append(out, name...)
		out = append(out, ": "...)
		out = append(out, value...)
		out = append(out, "\r\n"...)
	}
	if !hasDate {
		out = append(out, currentDate()...)
	}
	out = append(out, "Server: goaccel-appserver\r\n"...)
	if status == 204 || status == 304 {
		r.head = true // no body on the wire
	}
	switch {
	case r.cl >= 0:
	case r.head:
		if !more && bodyLen > 0 && status != 204 && status != 304 {
			// HEAD: the length the GET body would have.
			out = append(out, "Content-Length: "...)
			out = strconv.AppendInt(out, bodyLen, 10)
			out = append(out, "\r\n"...)
		}
	case !more:
		r.cl = bodyLen
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, r.cl, 10)
		out = append(out, "\r\n"...)
	case r.Minor == 1:
		r.chunked = true
		out = append(out, "Transfer-Encoding: chunked\r\n"...)
	default:
		r.close = true // HTTP/1.0: the body ends when the connection closes
	}
	if r.close || r.c.srv.draining.Load() {
		r.close = true
		if r.Minor == 1 {
			out = append(out, "Connection: close\r\n"...)
		}
	} else if r.Minor == 0 {
		out = append(out, "Connection: keep-alive\r\n"...)
	}
	out = append(out, "\r\n"...)
	return out, nil
}

// Finish ends a request the app left unanswered or half-answered (it
// returned, raised or was cancelled): 500 when nothing was sent, otherwise
// the connection closes so the client sees an incomplete response.
func (r *AsgiReq) Finish(failed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.final {
		return
	}
	r.final = true
	r.close = true
	if !r.started && !r.gone {
		r.c.srv.stats.appErrors.Add(1)
		msg := "Internal Server Error\n"
		out := append(r.out, "HTTP/1."...)
		out = append(out, byte('0'+r.Minor))
		out = append(out, " 500 Internal Server Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "...)
		out = strconv.AppendInt(out, int64(len(msg)), 10)
		out = append(out, "\r\nConnection: close\r\n"...)
		out = append(out, currentDate()...)
		out = append(out, "\r\n"...)
		out = append(out, msg...)
		r.pending += len(out) - len(r.out)
		r.wire += int64(len(out) - len(r.out))
		r.status = 500
		r.out = out
	} else if failed {
		r.c.srv.stats.appErrors.Add(1)
	}
	r.flushLocked()
}

func reasonPhrase(code int) string {
	if t, ok := reasons[code]; ok {
		return t
	}
	return "Unknown"
}

var reasons = map[int]string{
	200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information",
	204: "No Content", 205: "Reset Content", 206: "Partial Content", 207: "Multi-Status",
	300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other",
	304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
	404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout",
	409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
	413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
	416: "Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a teapot",
	421: "Misdirected Request", 422: "Unprocessable Content", 425: "Too Early",
	426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
	431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
	500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
	503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}

// closedLocked says why the response can take nothing more: SendGone once
// a timeout answered 504 (asgi_timeout.go) or the client left, SendFinal
// once it is complete. r.mu held.
func (r *AsgiReq) closedLocked() (int, bool) {
	switch {
	case r.timedOut:
		return SendGone, true
	case r.final:
		return SendFinal, true
	case r.gone:
		return SendGone, true
	}
	return 0, false
}
