// Package appserver is goaccel's application server: Go owns the sockets
// and HTTP/1.1; a fixed set of OS threads, each with one kept Python thread
// state, runs the WSGI app on requests taken from a bounded FIFO queue.
package appserver

import (
	"bytes"
	"errors"
)

// httpError is a request the server answers itself (never reaching the
// app) and after which it closes the connection.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(msg string) error { return &httpError{400, msg} }

// header is one request header: name and value slices into the request's
// head buffer.
type header struct{ name, value []byte }

// request is one parsed request head. All slices alias head, which the
// connection keeps unchanged until the response is sent.
type request struct {
	head          []byte
	method        []byte
	target        []byte
	path, query   []byte
	proto         []byte
	minor         int // HTTP/1.minor
	headers       []header
	contentLength int64 // -1 when absent
	chunked       bool
	keepAlive     bool
	expect100     bool
	host          bool
	body          []byte
}

var errHeadTooLarge = &httpError{431, "request header fields too large"}

// tchar as in RFC 9110 (token characters).
var isToken = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return
}()

// A field value may hold visible characters, SP, HTAB and obs-text
// (0x80-0xff); never CR, LF, NUL or other controls.
var isValueByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['\t'] = true
	return
}()

// The request-target may hold visible ASCII only.
func validTarget(b []byte) bool {
	for _, c := range b {
		if c <= 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func equalFold(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// parseDecimal parses a Content-Length: digits only, no sign, no spaces,
// bounded.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// hasToken reports whether a comma-separated header value lists tok
// (case-insensitively), e.g. Connection: keep-alive.
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		i := bytes.IndexByte(v, ',')
		var part []byte
		if i < 0 {
			part, v = v, nil
		} else {
			part, v = v[:i], v[i+1:]
		}
		if equalFold(trimOWS(part), tok) {
			return true
		}
	}
	return false
}

// parseHead parses a complete request head (ending in CRLF CRLF) in place.
// It is strict where leniency enables request smuggling: bare LF, obs-fold,
// spaces before the colon, Content-Length with Transfer-Encoding, several
// Content-Lengths, a Transfer-Encoding other than a final "chunked" all
// give 400 (or 501 for an unknown coding).
func parseHead(head []byte, req *request) error {
	*req = request{head: head, headers: req.headers[:0], contentLength: -1}
	line, rest, ok := cutLine(head)
	if !ok {
		return badRequest("malformed request line")
	}
	// method SP request-target SP HTTP-version
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return badRequest("malformed request line")
	}
	req.method = line[:sp1]
	for _, c := range req.method {
		if !isToken[c] {
			return badRequest("invalid method")
		}
	}
	line = line[sp1+1:]
	sp2 := bytes.IndexByte(line, ' ')
	if sp2 <= 0 {
		return badRequest("malformed request line")
	}
	req.target, req.proto = line[:sp2], line[sp2+1:]
	if !validTarget(req.target) {
		return badRequest("invalid request target")
	}
	if len(req.proto) != 8 || string(req.proto[:7]) != "HTTP/1." || (req.proto[7] != '0' && req.proto[7] != '1') {
		p := req.proto
		if len(p) == 8 && string(p[:5]) == "HTTP/" && p[5] >= '0' && p[5] <= '9' && p[6] == '.' && p[7] >= '0' && p[7] <= '9' {
			return &httpError{505, "HTTP version not supported"}
		}
		return badRequest("malformed request line")
	}
	req.minor = int(req.proto[7] - '0')
	req.keepAlive = req.minor == 1
	if err := splitTarget(req); err != nil {
		return err
	}

	var sawTE, sawCL bool
	for {
		line, rest, ok = cutLine(rest)
		if !ok {
			return badRequest("malformed header line")
		}
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			return badRequest("obsolete line folding is not accepted")
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return badRequest("malformed header line")
		}
		name := line[:colon]
		for _, c := range name {
			if !isToken[c] {
				return badRequest("invalid header name")
			}
		}
		value := trimOWS(line[colon+1:])
		for _, c := range value {
			if !isValueByte[c] {
				return badRequest("invalid character in header value")
			}
		}
		switch len(name) {
		case 4:
			if equalFold(name, "host") {
				if req.host {
					return badRequest("duplicate Host header")
				}
				req.host = true
			}
		case 6:
			if equalFold(name, "expect") {
				if equalFold(value, "100-continue") {
					req.expect100 = true
				} else {
					return &httpError{417, "unsupported expectation"}
				}
			}
		case 10:
			if equalFold(name, "connection") {
				if hasToken(value, "close") {
					req.keepAlive = false
				} else if req.minor == 0 && hasToken(value, "keep-alive") {
					req.keepAlive = true
				}
			}
		case 14:
			if equalFold(name, "content-length") {
				if sawCL {
					return badRequest("more than one Content-Length")
				}
				sawCL = true
				n, ok := parseDecimal(value)
				if !ok {
					return badRequest("invalid Content-Length")
				}
				req.contentLength = n
			}
		case 17:
			if equalFold(name, "transfer-encoding") {
				if sawTE {
					return badRequest("more than one Transfer-Encoding")
				}
				sawTE = true
				if !equalFold(value, "chunked") {
					if hasToken(value, "chunked") {
						return badRequest("chunked must be the only transfer coding")
					}
					return &httpError{501, "unsupported transfer coding"}
				}
				req.chunked = true
			}
		}
		req.headers = append(req.headers, header{name, value})
	}
	if sawTE && sawCL {
		return badRequest("both Transfer-Encoding and Content-Length")
	}
	if sawTE && req.minor == 0 {
		return badRequest("Transfer-Encoding in an HTTP/1.0 request")
	}
	if req.minor == 1 && !req.host {
		return badRequest("missing Host header")
	}
	return nil
}

// cutLine splits off one CRLF-terminated line. A bare LF or CR is an error.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 1 || b[i-1] != '\r' {
		return nil, nil, false
	}
	line = b[:i-1]
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, nil, false
	}
	return line, b[i+1:], true
}

// splitTarget finds the path and query of origin-form ("/p?q"),
// absolute-form ("http://h/p?q") and asterisk-form ("*") targets.
func splitTarget(req *request) error {
	t := req.target
	switch {
	case t[0] == '/':
	case len(t) == 1 && t[0] == '*':
		req.path = t
		return nil
	default:
		i := bytes.Index(t, []byte("://"))
		if i <= 0 {
			return badRequest("invalid request target")
		}
		rest := t[i+3:]
		j := bytes.IndexAny(rest, "/?")
		if j < 0 {
			t = []byte("/")
		} else if rest[j] == '?' {
			req.path = []byte("/")
			req.query = rest[j+1:]
			return nil
		} else {
			t = rest[j:]
		}
	}
	if q := bytes.IndexByte(t, '?'); q >= 0 {
		req.path, req.query = t[:q], t[q+1:]
	} else {
		req.path = t
	}
	return nil
}

// unquotePath percent-decodes a path into dst (PATH_INFO is the decoded
// path). A malformed escape is a 400.
func unquotePath(dst, p []byte) ([]byte, error) {
	if bytes.IndexByte(p, '%') < 0 {
		return append(dst, p...), nil
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c != '%' {
			dst = append(dst, c)
			continue
		}
		if i+2 >= len(p) {
			return dst, errBadEscape
		}
		h, ok1 := unhex(p[i+1])
		l, ok2 := unhex(p[i+2])
		if !ok1 || !ok2 {
			return dst, errBadEscape
		}
		dst = append(dst, h<<4|l)
		i += 2
	}
	return dst, nil
}

var errBadEscape = errors.New("bad percent escape")

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
