package appserver

import (
	"goaccel/python"
)

// envKeys are interned environ key strings shared by all threads: made once
// with the GIL held, read-only after.
type envKeys struct {
	method, script, path, query, protocol python.Object
	remoteAddr, remotePort, contentType   python.Object
	contentLength, requestURI             python.Object
	headers                               map[string]python.Object // lower-case header name -> HTTP_* key
}

// The headers most requests carry get interned keys; others are built per
// request (or cached per thread).
var commonHeaders = []string{
	"host", "user-agent", "accept", "accept-encoding", "accept-language",
	"connection", "cookie", "referer", "origin", "authorization",
	"cache-control", "pragma", "upgrade-insecure-requests", "if-none-match",
	"if-modified-since", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
	"x-real-ip", "x-requested-with", "x-csrftoken", "dnt", "sec-fetch-site",
	"sec-fetch-mode", "sec-fetch-dest", "sec-fetch-user", "sec-ch-ua",
	"sec-ch-ua-mobile", "sec-ch-ua-platform", "te", "range", "if-range",
	"keep-alive", "expect", "x-request-id", "traceparent",
}

func environKey(lname []byte) []byte {
	k := make([]byte, 0, 5+len(lname))
	k = append(k, "HTTP_"...)
	for _, ch := range lname {
		switch {
		case ch == '-':
			ch = '_'
		case 'a' <= ch && ch <= 'z':
			ch -= 'a' - 'A'
		}
		k = append(k, ch)
	}
	return k
}

func newEnvKeys() *envKeys {
	in := python.InternString
	k := &envKeys{
		method: in("REQUEST_METHOD"), script: in("SCRIPT_NAME"), path: in("PATH_INFO"),
		query: in("QUERY_STRING"), protocol: in("SERVER_PROTOCOL"),
		remoteAddr: in("REMOTE_ADDR"), remotePort: in("REMOTE_PORT"),
		contentType: in("CONTENT_TYPE"), contentLength: in("CONTENT_LENGTH"),
		requestURI: in("RAW_URI"),
		headers:    map[string]python.Object{},
	}
	for _, h := range commonHeaders {
		k.headers[h] = in(string(environKey([]byte(h))))
	}
	return k
}

// addValue appends one environ pair whose key is an interned object.
func (w *worker) addValue(key python.Object, val []byte) {
	off := len(w.scratch)
	w.scratch = append(w.scratch, val...)
	w.spec = append(w.spec, int64(key.Ptr()), 0, 0, int64(off), int64(len(val)))
}

// addKeyValue appends a pair whose key is built from bytes.
func (w *worker) addKeyValue(key, val []byte) {
	koff := len(w.scratch)
	w.scratch = append(w.scratch, key...)
	voff := len(w.scratch)
	w.scratch = append(w.scratch, val...)
	w.spec = append(w.spec, 0, int64(koff), int64(len(key)), int64(voff), int64(len(val)))
}

// environ describes the request's environ in w.scratch and w.spec (GIL
// held) for python.WSGICall.Run, which builds the dict: the constant keys
// come from the template. It returns the streamed wsgi.input when the body
// is streamed (to be released after Run), else a nil Ref: Run makes
// io.BytesIO(c.req.body).
func (w *worker) environ(c *conn) (python.Ref, error) {
	r := &c.req
	k := w.app.keys
	w.scratch = w.scratch[:0]
	w.spec = w.spec[:0]
	w.addValue(k.method, r.method)
	// PATH_INFO is the percent-decoded path (as latin-1), QUERY_STRING raw.
	off := len(w.scratch)
	var err error
	w.scratch, err = unquotePath(w.scratch, r.path)
	if err != nil {
		return python.Ref{}, errBadEscape
	}
	w.spec = append(w.spec, int64(k.path.Ptr()), 0, 0, int64(off), int64(len(w.scratch)-off))
	w.addValue(k.query, r.query)
	w.addValue(k.protocol, r.proto)
	w.addValue(k.remoteAddr, c.remoteAddr)
	w.addValue(k.remotePort, c.remotePort)
	w.addValue(k.requestURI, r.target)
	if r.body != nil || r.contentLength >= 0 {
		var n [20]byte
		w.addValue(k.contentLength, appendInt(n[:0], int64(len(r.body))))
	}
	hs := r.headers
	for i := range hs {
		name := hs[i].name
		if hasUnderscore(name) {
			// Dropped like nginx and gunicorn do: "X_User" and "X-User"
			// would both become HTTP_X_USER, a spoofing vector.
			continue
		}
		w.lname = appendLower(w.lname[:0], name)
		switch string(w.lname) {
		case "content-length", "transfer-encoding":
			continue // described by CONTENT_LENGTH (the body is decoded)
		}
		dup := false
		for j := 0; j < i; j++ {
			if len(hs[j].name) == len(name) && equalFoldBytes(hs[j].name, name) {
				dup = true
				break
			}
		}
		if dup {
			continue // joined when its first occurrence was seen
		}
		val := hs[i].value
		for j := i + 1; j < len(hs); j++ {
			if len(hs[j].name) == len(name) && equalFoldBytes(hs[j].name, name) {
				sep := ", "
				if string(w.lname) == "cookie" {
					sep = "; "
				}
				joined := append(append(append([]byte(nil), val...), sep...), hs[j].value...)
				val = joined
			}
		}
		if string(w.lname) == "content-type" {
			w.addValue(k.contentType, val)
			continue
		}
		if key, ok := k.headers[string(w.lname)]; ok {
			w.addValue(key, val)
			continue
		}
		if key, ok := w.extra[string(w.lname)]; ok {
			w.addValue(key, val)
			continue
		}
		ek := environKey(w.lname)
		if len(w.extra) < 256 {
			key := python.InternString(string(ek))
			w.extra[string(w.lname)] = key
			w.addValue(key, val)
			continue
		}
		w.addKeyValue(ek, val)
	}
	w.srv.ops.proxyEnviron(w, c) // forwarded scheme and host (proxyheaders.go)
	if c.body != nil {
		return w.app.streamInput(c.body.id) // body.go
	}
	return python.Ref{}, nil
}

func hasUnderscore(b []byte) bool {
	for _, ch := range b {
		if ch == '_' {
			return true
		}
	}
	return false
}

func appendLower(dst, b []byte) []byte {
	for _, ch := range b {
		if 'A' <= ch && ch <= 'Z' {
			ch += 'a' - 'A'
		}
		dst = append(dst, ch)
	}
	return dst
}

func equalFoldBytes(a, b []byte) bool {
	for i := range a {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func appendInt(dst []byte, n int64) []byte {
	if n == 0 {
		return append(dst, '0')
	}
	var tmp [20]byte
	i := len(tmp)
	for n > 0 {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, tmp[i:]...)
}
