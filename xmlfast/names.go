package xmlfast

import (

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

// isNameStart / isNameChar follow XML 1.0 (5th edition) NameStartChar and
// NameChar, without ':'.
func isNameStart(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		return true
	case r < 0xC0:
		return false
	}
	return r <= 0xD6 || (r >= 0xD8 && r <= 0xF6) || (r >= 0xF8 && r <= 0x2FF) ||
		(r >= 0x370 && r <= 0x37D) || (r >= 0x37F && r <= 0x1FFF) ||
		(r >= 0x200C && r <= 0x200D) || (r >= 0x2070 && r <= 0x218F) ||
		(r >= 0x2C00 && r <= 0x2FEF) || (r >= 0x3001 && r <= 0xD7FF) ||
		(r >= 0xF900 && r <= 0xFDCF) || (r >= 0xFDF0 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0xEFFFF)
}

func isNameChar(r rune) bool {
	if isNameStart(r) {
		return true
	}
	return r == '-' || r == '.' || (r >= '0' && r <= '9') || r == 0xB7 ||
		(r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

