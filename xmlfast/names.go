package xmlfast

import (
	"unicode"
	"unicode/utf8"
)

// SanitizeName turns any text into a valid XML element name (the opt-in
// beyond the reference, which writes keys unchecked): characters that may
// not appear in a name become '_', a name that cannot start with its first
// character (digit, '-', '.') or that starts with "xml" in any case (a
// reserved prefix) gets a leading '_', and the empty name becomes "_".
// ':' is replaced too, so no namespace prefix is ever implied.
func SanitizeName(dst, name []byte) []byte {
	if len(name) == 0 {
		return append(dst, '_')
	}
	r, _ := utf8.DecodeRune(name)
	if !isNameStart(r) || (len(name) >= 3 && (name[0]|0x20) == 'x' && (name[1]|0x20) == 'm' && (name[2]|0x20) == 'l') {
		dst = append(dst, '_')
	}
	for i := 0; i < len(name); {
		r, n := utf8.DecodeRune(name[i:])
		if isNameChar(r) && r != utf8.RuneError {
			dst = append(dst, name[i:i+n]...)
		} else {
			dst = append(dst, '_')
		}
		i += n
	}
	return dst
}

// isNameStart / isNameChar are expat's name classes (XML 1.0 4th
// edition, which is stricter than the 5th for non-ASCII), without ':'
// for sanitized names; the scanner allows ':' separately.
func isNameStart(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		return true
	case r < 0x80 || r > 0xFFFF:
		return false
	}
	return unicode.Is(expatNameStart, r)
}

func isNameChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
		return true
	case r < 0x80 || r > 0xFFFF:
		return false
	}
	return unicode.Is(expatNameChar, r)
}
