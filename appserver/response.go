package appserver

import (
	"goaccel/python"
)

// respHead is the app's status and headers, checked and serialized.
type respHead struct {
	code          int
	status        []byte // "200 OK"
	headers       []byte // "Name: value\r\n"...
	hasDate       bool
	contentLength int64 // -1 when the app did not set one
}

func (h *respHead) appendHead(out []byte) []byte {
	out = append(out, "HTTP/1.1 "...)
	out = append(out, h.status...)
	out = append(out, "\r\n"...)
	out = append(out, h.headers...)
	if !h.hasDate {
		out = append(out, currentDate()...)
	}
	return out
}

// latin1 returns a str's characters as latin-1 bytes (PEP 3333: headers
// and status are native strings holding latin-1), false when one is beyond
// U+00FF.
func latin1(o python.Object, scratch []byte) ([]byte, bool) {
	if data, n, kind, _, ok := python.StrData(o); ok {
		if kind != python.Kind1Byte {
			return nil, false
		}
		if n == 0 {
			return nil, true
		}
		return unsafeBytes(data, n), true
	}
	s, err := python.Str(o)
	if err != nil {
		python.PrintException()
		return nil, false
	}
	for _, r := range s {
		if r > 0xff {
			return nil, false
		}
		scratch = append(scratch, byte(r))
	}
	return scratch, true
}

// head validates what the app gave start_response and fills h; on invalid
// output it answers 500 (logged) and returns false. GIL held.
func (w *worker) head(c *conn, sr python.Object, h *respHead) bool {
	status, headers, _ := python.StartResponseState(sr)
	if status.IsNil() {
		w.invalid(c, "the application returned without calling start_response")
		return false
	}
	st, ok := latin1(status, nil)
	if !ok || !validStatus(st) {
		w.invalid(c, "invalid status line")
		return false
	}
	h.code = int(st[0]-'0')*100 + int(st[1]-'0')*10 + int(st[2]-'0')
	h.status = st
	h.contentLength = -1
	out := w.hdrBuf[:0]
	for _, item := range python.ListItems(headers) {
		if item.Type() != python.TupleType || len(python.TupleItems(item)) != 2 {
			w.invalid(c, "a header is not a (name, value) tuple")
			return false
		}
		kv := python.TupleItems(item)
		if kv[0].Type() != python.StrType && !kv[0].Type().IsSubtype(python.StrType) ||
			kv[1].Type() != python.StrType && !kv[1].Type().IsSubtype(python.StrType) {
			w.invalid(c, "a header name or value is not a str")
			return false
		}
		name, ok := latin1(kv[0], nil)
		if !ok || len(name) == 0 {
			w.invalid(c, "invalid header name")
			return false
		}
		for _, ch := range name {
			if !isToken[ch] {
				w.invalid(c, "invalid character in header name "+quote(name))
				return false
			}
		}
		value, ok := latin1(kv[1], nil)
		if !ok {
			w.invalid(c, "header "+quote(name)+" has characters beyond latin-1")
			return false
		}
		for _, ch := range value {
			if !isValueByte[ch] {
				w.invalid(c, "header "+quote(name)+" has a control character (CR, LF or other) in its value")
				return false
			}
		}
		switch len(name) {
		case 4:
			if equalFold(name, "date") {
				h.hasDate = true
			}
		case 10:
			if equalFold(name, "connection") {
				if hasToken(value, "close") {
					c.close = true
				}
				continue // the server manages the connection
			}
			if equalFold(name, "keep-alive") {
				continue
			}
		case 14:
			if equalFold(name, "content-length") {
				n, ok := parseDecimal(trimOWS(value))
				if !ok || h.contentLength >= 0 {
					w.invalid(c, "invalid or repeated Content-Length")
					return false
				}
				h.contentLength = n
			}
		case 17:
			if equalFold(name, "transfer-encoding") {
				w.invalid(c, "the application set Transfer-Encoding (a hop-by-hop header)")
				return false
			}
		}
		out = append(out, name...)
		out = append(out, ": "...)
		out = append(out, value...)
		out = append(out, "\r\n"...)
	}
	w.hdrBuf = out
	h.headers = out
	return true
}

// validStatus: three digits (200-999: 1xx are not final responses), then
// nothing or a space and a reason of visible characters, spaces and tabs.
func validStatus(s []byte) bool {
	if len(s) < 3 || s[0] < '2' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' {
		return false
	}
	if len(s) == 3 {
		return true
	}
	if s[3] != ' ' {
		return false
	}
	for _, ch := range s[4:] {
		if !isValueByte[ch] {
			return false
		}
	}
	return true
}

func quote(b []byte) string {
	if len(b) > 40 {
		b = b[:40]
	}
	out := make([]byte, 0, len(b)+2)
	out = append(out, '"')
	for _, ch := range b {
		if ch < 0x20 || ch >= 0x7f {
			out = append(out, '\\', 'x', "0123456789abcdef"[ch>>4], "0123456789abcdef"[ch&15])
		} else {
			out = append(out, ch)
		}
	}
	return string(append(out, '"'))
}
