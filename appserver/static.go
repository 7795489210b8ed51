package appserver

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// StaticRoute maps a URL prefix to a directory (--static-path-route and
// --static-path-mount).
type StaticRoute struct {
	Route string // "/static"
	Mount string // "/srv/app/static"
}

// staticMount is a route with its directory opened as an os.Root: every
// open is resolved inside it, so "..", absolute symlinks and symlinks that
// lead out of the directory fail (404) instead of escaping it.
type staticMount struct {
	route string
	root  *os.Root
	cache *staticCache
}

func newStaticMount(r StaticRoute) (staticMount, error) {
	route := "/" + strings.Trim(r.Route, "/")
	root, err := os.OpenRoot(r.Mount)
	if err != nil {
		return staticMount{}, err
	}
	return staticMount{route: route, root: root, cache: &staticCache{}}, nil
}

// Files up to this size are read and sent with the head in one write;
// larger ones go out with sendfile(2).
const staticInline = 64 << 10

// serveStatic answers c's request if its path is under a static route.
func (o *opsState) serveStatic(c *conn) bool {
	p := c.req.path
	var m *staticMount
	var rest []byte
	for i := range o.static {
		r := o.static[i].route
		if r == "/" {
			m, rest = &o.static[i], p[1:]
			break
		}
		if bytes.HasPrefix(p, []byte(r)) && (len(p) == len(r) || p[len(r)] == '/') {
			m, rest = &o.static[i], p[len(r):]
			break
		}
	}
	if m == nil {
		return false
	}
	c.close = c.close || !c.req.keepAlive
	method := string(c.req.method)
	if method != "GET" && method != "HEAD" {
		o.staticError(c, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n")
		return true
	}
	rel, ok := staticRel(rest)
	if !ok {
		o.staticError(c, 404, "Not Found", "")
		return true
	}
	o.sendFile(c, m, rel)
	return true
}

// staticRel percent-decodes the path below the route and checks every
// segment: "..", ".", empty names (a trailing slash: no directory
// listings), NUL and backslashes are refused.
func staticRel(rest []byte) (string, bool) {
	dec := make([]byte, 0, len(rest))
	for i := 0; i < len(rest); i++ {
		ch := rest[i]
		if ch == '%' {
			if i+2 >= len(rest) {
				return "", false
			}
			h, ok1 := unhex(rest[i+1])
			l, ok2 := unhex(rest[i+2])
			if !ok1 || !ok2 {
				return "", false
			}
			ch = h<<4 | l
			i += 2
		}
		if ch == 0 || ch == '\\' {
			return "", false
		}
		dec = append(dec, ch)
	}
	s := strings.TrimPrefix(string(dec), "/")
	if s == "" {
		return "", false
	}
	for rest := s; ; {
		seg, more, found := strings.Cut(rest, "/")
		if seg == "" || seg == "." || seg == ".." {
			return "", false
		}
		if !found {
			break
		}
		rest = more
	}
	return s, true
}

func reqHeader(c *conn, name string) []byte {
	for _, h := range c.req.headers {
		if len(h.name) == len(name) && strings.EqualFold(string(h.name), name) {
			return h.value
		}
	}
	return nil
}

// acceptsEncoding reports whether Accept-Encoding lists coding with q > 0.
func acceptsEncoding(ae []byte, coding string) bool {
	for _, part := range strings.Split(string(ae), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

func openRegular(root *os.Root, name string) (*os.File, fs.FileInfo, bool) {
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, false
	}
	return f, st, true
}

func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (o *opsState) sendFile(c *conn, m *staticMount, rel string) {
	e := m.lookup(rel)
	v := &e.variants[0]
	if !v.ok {
		o.staticError(c, 404, "Not Found", "")
		return
	}
	ctype := contentType(rel)
	rangeHdr := reqHeader(c, "range")
	encoding, vi := "", 0
	// A precompressed sibling (collectstatic --compress, whitenoise,
	// `brotli -k`) is sent when the client accepts it; Range requests get
	// the identity file so that offsets mean what the client thinks.
	if rangeHdr == nil {
		if ae := reqHeader(c, "accept-encoding"); ae != nil {
			for i := 1; i < len(encodings); i++ {
				if e.variants[i].ok && acceptsEncoding(ae, encodings[i][0]) {
					vi, encoding = i, encodings[i][0]
					break
				}
			}
		}
	}
	v = &e.variants[vi]
	size, etag, lastMod := v.size, v.etag, v.lastMod

	// The response is built in c.out, the connection's reused buffer (a
	// new head + copy of the file per request made the GC a third of the
	// static path's CPU).
	h := c.out[:0]
	common := func(h []byte) []byte {
		h = append(h, "ETag: "...)
		h = append(h, etag...)
		h = append(h, "\r\nLast-Modified: "...)
		h = append(h, lastMod...)
		h = append(h, "\r\nAccept-Ranges: bytes\r\nVary: Accept-Encoding\r\n"...)
		if o.cfg.StaticExpires > 0 {
			h = append(h, "Cache-Control: public, max-age="...)
			h = appendInt(h, int64(o.cfg.StaticExpires/time.Second))
			h = append(h, "\r\n"...)
		}
		h = append(h, currentDate()...)
		if c.close {
			h = append(h, "Connection: close\r\n"...)
		}
		return h
	}
	if notModified(c, etag, v.mtime) {
		h = append(h, "HTTP/1.1 304 Not Modified\r\n"...)
		h = common(h)
		h = append(h, "\r\n"...)
		c.ops.status = 304
		o.staticWrite(c, h, nil, 0, 0)
		return
	}
	start, n := int64(0), size
	status := 200
	if rangeHdr != nil && ifRangeOK(c, etag, lastMod) {
		s, l, ok := parseRange(string(rangeHdr), size)
		switch {
		case ok && l >= 0:
			start, n, status = s, l, 206
		case ok: // unsatisfiable
			h = append(h, "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */"...)
			h = appendInt(h, size)
			h = append(h, "\r\nContent-Length: 0\r\n"...)
			h = common(h)
			h = append(h, "\r\n"...)
			c.ops.status = 416
			o.staticWrite(c, h, nil, 0, 0)
			return
		}
	}
	if status == 206 {
		h = append(h, "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes "...)
		h = appendInt(h, start)
		h = append(h, '-')
		h = appendInt(h, start+n-1)
		h = append(h, '/')
		h = appendInt(h, size)
		h = append(h, "\r\n"...)
	} else {
		h = append(h, "HTTP/1.1 200 OK\r\n"...)
	}
	h = append(h, "Content-Type: "...)
	h = append(h, ctype...)
	h = append(h, "\r\n"...)
	if encoding != "" {
		h = append(h, "Content-Encoding: "+encoding+"\r\n"...)
	}
	h = append(h, "Content-Length: "...)
	h = appendInt(h, n)
	h = append(h, "\r\n"...)
	h = common(h)
	h = append(h, "\r\n"...)
	c.ops.status = status
	if c.isHead() {
		n = 0
	}
	if n > 0 && v.data != nil {
		c.ops.bytesOut = int64(len(h)) + n
		c.out = append(h, v.data[start:start+n]...)
		c.nc.SetWriteDeadline(time.Now().Add(o.srv.cfg.KeepAliveTimeout))
		if _, err := c.nc.Write(c.out); err != nil {
			c.close = true
		}
		c.nc.SetWriteDeadline(time.Time{})
		return
	}
	var f *os.File
	if n > 0 {
		var st fs.FileInfo
		var ok bool
		f, st, ok = openRegular(m.root, rel+encodings[vi][1])
		if !ok || st.Size() != size {
			if f != nil {
				f.Close()
			}
			c.close = true // changed under us: the client retries
			o.staticError(c, 404, "Not Found", "")
			return
		}
		defer f.Close()
	}
	o.staticWrite(c, h, f, start, n)
}

// staticWrite sends the head and n bytes of f from start.
func (o *opsState) staticWrite(c *conn, head []byte, f *os.File, start, n int64) {
	c.nc.SetWriteDeadline(time.Now().Add(o.srv.cfg.KeepAliveTimeout))
	defer c.nc.SetWriteDeadline(time.Time{})
	c.ops.bytesOut = int64(len(head)) + n
	if n > 0 && n <= staticInline {
		buf := slices.Grow(head, int(n))[:len(head)+int(n)] // head is c.out
		c.out = buf
		if _, err := f.ReadAt(buf[len(head):], start); err != nil && !errors.Is(err, io.EOF) {
			c.close = true
			return
		}
		if _, err := c.nc.Write(buf); err != nil {
			c.close = true
		}
		return
	}
	if _, err := c.nc.Write(head); err != nil {
		c.close = true
		return
	}
	if n > 0 {
		if _, err := f.Seek(start, io.SeekStart); err != nil {
			c.close = true
			return
		}
		if sent, err := io.Copy(c.nc, &io.LimitedReader{R: f, N: n}); err != nil || sent != n {
			c.close = true
		}
	}
}

func (o *opsState) staticError(c *conn, code int, text, extra string) {
	body := strconv.Itoa(code) + " " + strings.ToLower(text) + "\n"
	b := []byte("HTTP/1.1 " + strconv.Itoa(code) + " " + text + "\r\nContent-Type: text/plain; charset=utf-8\r\n" + extra + "Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	b = append(b, currentDate()...)
	if c.close {
		b = append(b, "Connection: close\r\n"...)
	}
	b = append(b, "\r\n"...)
	if !c.isHead() {
		b = append(b, body...)
	}
	c.ops.status = code
	o.staticWrite(c, b, nil, 0, 0)
}

// notModified: If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
func notModified(c *conn, etag string, mtime time.Time) bool {
	if inm := reqHeader(c, "if-none-match"); inm != nil {
		for _, t := range strings.Split(string(inm), ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	if ims := reqHeader(c, "if-modified-since"); ims != nil {
		t, err := http.ParseTime(string(ims))
		return err == nil && !mtime.Truncate(time.Second).After(t)
	}
	return false
}

// ifRangeOK: a Range applies only when If-Range (if any) still matches.
func ifRangeOK(c *conn, etag, lastMod string) bool {
	ir := reqHeader(c, "if-range")
	if ir == nil {
		return true
	}
	v := strings.TrimSpace(string(ir))
	return v == etag || v == lastMod
}

// parseRange parses one "bytes=" range. ok false: ignore the header (send
// the whole file: multiple ranges, other units, bad syntax). ok with
// n < 0: unsatisfiable (416).
func parseRange(h string, size int64) (start, n int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false
	}
	if a == "" { // suffix: the last b bytes
		l, err := strconv.ParseInt(b, 10, 64)
		if err != nil || l < 0 {
			return 0, 0, false
		}
		if l == 0 || size == 0 {
			return 0, -1, true
		}
		if l > size {
			l = size
		}
		return size - l, l, true
	}
	s, err := strconv.ParseInt(a, 10, 64)
	if err != nil || s < 0 {
		return 0, 0, false
	}
	e := size - 1
	if b != "" {
		if e2, err := strconv.ParseInt(b, 10, 64); err != nil || e2 < s {
			return 0, 0, false
		} else if e2 < e {
			e = e2
		}
	}
	if s >= size {
		return 0, -1, true
	}
	return s, e - s + 1, true
}
