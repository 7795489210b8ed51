package schemafast

import (
	"strings"
	"unicode/utf8"
)

// RFC 3986 URIs and references; with iri set, RFC 3987 IRIs (ucschar
// allowed where unreserved characters are).

func uri(s string, iri, reference bool) bool {
	rest := s
	frag, query := "", ""
	hasFrag, hasQuery := false, false
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, frag, hasFrag = rest[:i], rest[i+1:], true
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query, hasQuery = rest[:i], rest[i+1:], true
	}
	if hasFrag && !chars(frag, iri, "/?:@") {
		return false
	}
	if hasQuery && !chars(query, iri, "/?:@") {
		return false
	}
	// scheme: present when a ':' comes before any '/'.
	colon := strings.IndexByte(rest, ':')
	slash := strings.IndexByte(rest, '/')
	hasScheme := colon >= 0 && (slash < 0 || colon < slash)
	if hasScheme {
		if !scheme(rest[:colon]) {
			return false
		}
		rest = rest[colon+1:]
	} else if !reference {
		return false
	}
	if strings.HasPrefix(rest, "//") {
		auth := rest[2:]
		path := ""
		if i := strings.IndexByte(auth, '/'); i >= 0 {
			auth, path = auth[:i], auth[i:]
		}
		return authority(auth, iri) && segments(path, iri)
	}
	return segments(rest, iri)
}

func scheme(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func segments(path string, iri bool) bool { return chars(path, iri, "/:@") }

func authority(a string, iri bool) bool {
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		if !chars(a[:i], iri, ":") {
			return false
		}
		a = a[i+1:]
	}
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return false
		}
		host, port = a[1:end], a[end+1:]
		if port != "" {
			if port[0] != ':' {
				return false
			}
			port = port[1:]
		}
		if !ipLiteral(host) {
			return false
		}
	} else {
		if i := strings.LastIndexByte(a, ':'); i >= 0 {
			host, port = a[:i], a[i+1:]
		}
		if !chars(host, iri, "") {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if !isDigit(port[i]) {
			return false
		}
	}
	return true
}

func ipLiteral(h string) bool {
	if len(h) > 0 && (h[0] == 'v' || h[0] == 'V') {
		dot := strings.IndexByte(h, '.')
		if dot < 2 || dot == len(h)-1 {
			return false
		}
		for i := 1; i < dot; i++ {
			if !isHex(h[i]) {
				return false
			}
		}
		for i := dot + 1; i < len(h); i++ {
			c := h[i]
			if !(unreserved(c) || subDelim(c) || c == ':') {
				return false
			}
		}
		return true
	}
	return ipv6Strict(h)
}

func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func subDelim(c byte) bool { return strings.IndexByte("!$&'()*+,;=", c) >= 0 }

// chars checks unreserved / pct-encoded / sub-delims / extra; with iri,
// also non-ASCII characters (ucschar and iprivate).
func chars(s string, iri bool, extra string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case unreserved(c) || subDelim(c) || strings.IndexByte(extra, c) >= 0:
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 2
		case c >= utf8.RuneSelf && iri:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || r < 0xA0 {
				return false
			}
			i += n - 1
		default:
			return false
		}
	}
	return true
}
