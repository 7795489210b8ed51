package schemafast

import (
	"regexp"

	"golang.org/x/text/unicode/norm"
	"strings"
	"unicode/utf8"
)

// duration: RFC 3339 appendix A, ASCII digits only.
var durationRE = regexp.MustCompile(`^P(?:(?:[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?|[0-9]+M(?:[0-9]+D)?|[0-9]+D)(?:T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S))?|T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)|[0-9]+W)$`)

func duration(s string) bool { return durationRE.MatchString(s) }

// email: RFC 5321 Mailbox (dot-string or quoted local part; a hostname or
// an address literal). idn allows UTF-8 in the local part (RFC 6531) and
// an IDN host.
func email(s string, idn bool) bool {
	local, domain, ok := splitMailbox(s, idn)
	if !ok || local == "" || domain == "" {
		return false
	}
	if strings.HasPrefix(domain, "[") {
		if !strings.HasSuffix(domain, "]") {
			return false
		}
		lit := domain[1 : len(domain)-1]
		if rest, ok := strings.CutPrefix(lit, "IPv6:"); ok {
			return ipv6Strict(rest)
		}
		return ipv4Strict(lit)
	}
	if idn {
		return idnHostname(norm.NFC.String(domain))
	}
	return hostnameASCII(domain)
}

func splitMailbox(s string, idn bool) (string, string, bool) {
	if strings.HasPrefix(s, `"`) {
		for i := 1; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\':
				if i+1 >= len(s) || s[i+1] < 32 || s[i+1] > 126 {
					return "", "", false
				}
				i++
			case c == '"':
				if i+1 < len(s) && s[i+1] == '@' {
					return s[:i+1], s[i+2:], true
				}
				return "", "", false
			case c >= utf8.RuneSelf:
				if !idn {
					return "", "", false
				}
			case c < 32 || c == 127:
				return "", "", false
			}
		}
		return "", "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", "", false
	}
	local := s[:at]
	for _, atom := range strings.Split(local, ".") {
		if atom == "" {
			return "", "", false
		}
		for i := 0; i < len(atom); i++ {
			c := atom[i]
			if c >= utf8.RuneSelf {
				if !idn {
					return "", "", false
				}
				continue
			}
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0) {
				return "", "", false
			}
		}
	}
	return local, s[at+1:], true
}

// uriTemplate: RFC 6570 level 4 syntax.
func uriTemplate(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 || !templateExpr(s[i+1:i+end]) {
				return false
			}
			i += end + 1
		case c == '}':
			return false
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return false
			}
			i += 3
		case c < utf8.RuneSelf:
			if c <= 0x20 || c == 0x7f || strings.IndexByte(`"<>\^`+"`|", c) >= 0 {
				return false
			}
			i++
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
	}
	return true
}

func templateExpr(e string) bool {
	if e != "" && strings.IndexByte("+#./;?&", e[0]) >= 0 {
		e = e[1:]
	}
	if e == "" {
		return false
	}
	for _, spec := range strings.Split(e, ",") {
		name := spec
		if strings.HasSuffix(spec, "*") {
			name = spec[:len(spec)-1]
		} else if i := strings.IndexByte(spec, ':'); i >= 0 {
			name = spec[:i]
			n := spec[i+1:]
			if n == "" || len(n) > 4 || n[0] == '0' {
				return false
			}
			for j := 0; j < len(n); j++ {
				if !isDigit(n[j]) {
					return false
				}
			}
		}
		if !varname(name) {
			return false
		}
	}
	return true
}

func varname(n string) bool {
	if n == "" || n[0] == '.' || n[len(n)-1] == '.' || strings.Contains(n, "..") {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', isDigit(c), c == '_', c == '.':
		case c == '%':
			if i+2 >= len(n) || !isHex(n[i+1]) || !isHex(n[i+2]) {
				return false
			}
			i += 2
		default:
			return false
		}
	}
	return true
}

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
