package xmlfast

import (
	"unicode/utf8"
	"unsafe"

	"goaccel/python"
)

// Text escaping shared by the writers: '&', '<' and '>' become entities
// (xml.sax.saxutils.escape), and C0 control characters other than tab, LF
// and CR are reported, because Django's SimplerXMLGenerator refuses them
// ("Control characters are not supported in XML 1.0").

// escClass: 0 = copy, 1 = entity, 2 = forbidden control character.
// escLoose is the same without the control-character check (xmltodict's
// plain XMLGenerator writes them through).
var escClass, escLoose [256]uint8

func init() {
	for c := 0; c < 0x20; c++ {
		if c != '\t' && c != '\n' && c != '\r' {
			escClass[c] = 2
		}
	}
	escClass['&'], escClass['<'], escClass['>'] = 1, 1, 1
	escLoose['&'], escLoose['<'], escLoose['>'] = 1, 1, 1
}

// errControl reports a forbidden control character; errSurrogate a lone
// surrogate code point, which has no UTF-8 form (the caller falls back to
// the Python implementation, which can carry it in a str).
type textError int

const (
	errControl textError = iota + 1
	errSurrogate
)

func (e textError) Error() string {
	if e == errControl {
		return "Control characters are not supported in XML 1.0"
	}
	return "lone surrogate in text"
}

func appendEntity(buf []byte, c byte) []byte {
	switch c {
	case '&':
		return append(buf, "&amp;"...)
	case '<':
		return append(buf, "&lt;"...)
	}
	return append(buf, "&gt;"...)
}

// appendEscapedBytes escapes UTF-8 (or ASCII) bytes. quote also escapes '"'
// (attribute values are written by callers that need it).
func appendEscapedBytes(buf, s []byte) ([]byte, error) { return escapeBytes(buf, s, &escClass) }

func escapeBytes(buf, s []byte, cls *[256]uint8) ([]byte, error) {
	start := 0
	for i := 0; i < len(s); i++ {
		switch cls[s[i]] {
		case 0:
			continue
		case 1:
			buf = append(buf, s[start:i]...)
			buf = appendEntity(buf, s[i])
			start = i + 1
		case 2:
			return buf, errControl
		}
	}
	return append(buf, s[start:]...), nil
}

// appendEscapedStr writes a str object's text escaped, encoding UTF-8 from
// the str's own storage (no cached UTF-8 copy is created in the object).
func appendEscapedStr(buf []byte, s python.Object) ([]byte, error) {
	return escapeStr(buf, s, &escClass)
}

func escapeStr(buf []byte, s python.Object, cls *[256]uint8) ([]byte, error) {
	data, n, kind, ascii, ok := python.StrData(s)
	if !ok {
		b, err := python.StrUTF8(s)
		if err != nil {
			return buf, err
		}
		return escapeBytes(buf, b, cls)
	}
	if n == 0 {
		return buf, nil
	}
	switch kind {
	case python.Kind1Byte:
		b := unsafe.Slice((*byte)(data), n)
		if ascii {
			return escapeBytes(buf, b, cls)
		}
		for _, c := range b {
			if c < 0x80 {
				switch cls[c] {
				case 0:
					buf = append(buf, c)
				case 1:
					buf = appendEntity(buf, c)
				default:
					return buf, errControl
				}
				continue
			}
			buf = append(buf, 0xC0|c>>6, 0x80|c&0x3F)
		}
		return buf, nil
	case python.Kind2Byte:
		u := unsafe.Slice((*uint16)(data), n)
		for _, c := range u {
			if c < 0x80 {
				switch cls[c] {
				case 0:
					buf = append(buf, byte(c))
				case 1:
					buf = appendEntity(buf, byte(c))
				default:
					return buf, errControl
				}
				continue
			}
			if c >= 0xD800 && c <= 0xDFFF {
				return buf, errSurrogate
			}
			buf = utf8.AppendRune(buf, rune(c))
		}
		return buf, nil
	default:
		u := unsafe.Slice((*uint32)(data), n)
		for _, c := range u {
			if c < 0x80 {
				switch cls[c] {
				case 0:
					buf = append(buf, byte(c))
				case 1:
					buf = appendEntity(buf, byte(c))
				default:
					return buf, errControl
				}
				continue
			}
			if c >= 0xD800 && c <= 0xDFFF {
				return buf, errSurrogate
			}
			buf = utf8.AppendRune(buf, rune(c))
		}
		return buf, nil
	}
}

// appendRawStr writes a str's text unescaped (tag names, as the reference
// writes them). Surrogates are reported like in text.
func appendRawStr(buf []byte, s python.Object) ([]byte, error) {
	if b, ok := python.StrASCII(s); ok {
		return append(buf, b...), nil
	}
	data, n, kind, _, ok := python.StrData(s)
	if !ok {
		b, err := python.StrUTF8(s)
		if err != nil {
			return buf, err
		}
		return append(buf, b...), nil
	}
	for i := 0; i < n; i++ {
		var c rune
		switch kind {
		case python.Kind1Byte:
			c = rune(*(*byte)(unsafe.Add(data, i)))
		case python.Kind2Byte:
			c = rune(*(*uint16)(unsafe.Add(data, 2*i)))
		default:
			c = rune(*(*uint32)(unsafe.Add(data, 4*i)))
		}
		if c >= 0xD800 && c <= 0xDFFF {
			return buf, errSurrogate
		}
		buf = utf8.AppendRune(buf, c)
	}
	return buf, nil
}

// strRune reads code point i of a str's storage.
func strRune(data unsafe.Pointer, kind, i int) rune {
	switch kind {
	case python.Kind1Byte:
		return rune(*(*byte)(unsafe.Add(data, i)))
	case python.Kind2Byte:
		return rune(*(*uint16)(unsafe.Add(data, 2*i)))
	}
	return rune(*(*uint32)(unsafe.Add(data, 4*i)))
}
