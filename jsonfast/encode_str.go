package jsonfast

import (
	"slices"
	"unsafe"

	"goaccel/python"
)

const hexDigits = "0123456789abcdef"

// Escape tables for bytes below 0x80: 0 means copy as is; otherwise the
// byte is escaped. asciiOnly also escapes DEL (0x7f), as json's
// ensure_ascii does (it escapes everything outside ' '..'~').
var (
	escUTF8  [128]bool // ensure_ascii=False and orjson: controls, '"', '\\'
	escASCII [128]bool // ensure_ascii=True: the above and DEL
)

func init() {
	for c := 0; c < 0x20; c++ {
		escUTF8[c] = true
		escASCII[c] = true
	}
	escUTF8['"'], escUTF8['\\'] = true, true
	escASCII['"'], escASCII['\\'], escASCII[0x7f] = true, true, true
}

// appendEscape writes the JSON escape of an ASCII character c that the
// table marked.
func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"':
		return append(b, '\\', '"')
	case '\\':
		return append(b, '\\', '\\')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	}
	return appendU(b, rune(c))
}

func appendU(b []byte, c rune) []byte {
	return append(b, '\\', 'u', hexDigits[c>>12&15], hexDigits[c>>8&15], hexDigits[c>>4&15], hexDigits[c&15])
}

// appendRune writes a code point >= 0x80: as \uXXXX (a surrogate pair
// beyond the BMP) when ascii, else as UTF-8. Lone surrogates become their
// 3-byte form (WTF-8), which the caller turns into a str with
// "surrogatepass" or rejects (orjson).
func appendRune(b []byte, c rune, ascii bool) []byte {
	if ascii {
		if c >= 0x10000 {
			c -= 0x10000
			b = appendU(b, 0xd800|(c>>10))
			return appendU(b, 0xdc00|(c&0x3ff))
		}
		return appendU(b, c)
	}
	switch {
	case c < 0x800:
		return append(b, byte(0xc0|c>>6), byte(0x80|c&0x3f))
	case c < 0x10000:
		return append(b, byte(0xe0|c>>12), byte(0x80|(c>>6)&0x3f), byte(0x80|c&0x3f))
	}
	return append(b, byte(0xf0|c>>18), byte(0x80|(c>>12)&0x3f), byte(0x80|(c>>6)&0x3f), byte(0x80|c&0x3f))
}

// appendASCIIData writes ASCII bytes as a JSON string body. Most strings
// need no escape at all: a check-only pass tests sixteen bytes per step
// (SWAR, no stores, no bounds checks) and, finding nothing, the string is
// copied with one append (memmove).
func appendASCIIData(b []byte, s []byte, tbl *[128]bool) []byte {
	if escapeFree(s, tbl == &escASCII) {
		return append(b, s...)
	}
	return appendASCIIEscaped(b, s, tbl)
}

// escapeFree reports whether no byte of s (ASCII, or UTF-8 when !del)
// needs a JSON escape: a control character, '"', '\\' (or DEL when del).
// Bytes >= 0x80 never match.
func escapeFree(s []byte, del bool) bool {
	n := len(s)
	p := unsafe.Pointer(unsafe.SliceData(s))
	if n < 8 {
		for i := 0; i < n; i++ {
			c := *(*byte)(unsafe.Add(p, i))
			if c < 0x20 || c == '"' || c == '\\' || (del && c == 0x7f) {
				return false
			}
		}
		return true
	}
	if n < 16 { // two overlapping words
		return (escapeBits(*(*uint64)(p), del)|escapeBits(*(*uint64)(unsafe.Add(p, n-8)), del))&highs == 0
	}
	return escIndex((*byte)(p), n, del) == n
}

// appendQuoted writes the characters s of an ASCII str as a quoted JSON
// string, followed by tail unless tail is 0 (':' after a key).
func appendQuoted(b []byte, s []byte, tbl *[128]bool, tail byte) []byte {
	b = append(b, '"')
	b = appendASCIIData(b, s, tbl)
	if tail != 0 {
		return append(b, '"', tail)
	}
	return append(b, '"')
}

// appendASCIIEscaped is appendASCIIData for strings that need escapes.
func appendASCIIEscaped(b []byte, s []byte, tbl *[128]bool) []byte {
	return appendEscaped(b, s, tbl == &escASCII)
}

// appendEscaped writes s (ASCII, or UTF-8 when !del) escaping what
// escapeBits marks: the clean runs between escapes are found by escIndex
// (sixteen bytes a compare) and copied whole.
func appendEscaped(b []byte, s []byte, del bool) []byte {
	for len(s) >= 16 {
		i := escIndex(unsafe.SliceData(s), len(s), del)
		b = append(b, s[:i]...)
		if i == len(s) {
			return b
		}
		b = appendEscape(b, s[i])
		s = s[i+1:]
	}
	for i, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || (del && c == 0x7f) {
			b = append(b, s[:i]...)
			b = appendEscape(b, c)
			return appendEscaped(b, s[i+1:], del)
		}
	}
	return append(b, s...)
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// needsEscape reports whether any of eight ASCII bytes is a control
// character, '"' or '\\' (or DEL when del): the classic "has zero byte"
// and "has byte less than n" bit tricks, exact for bytes below 0x80.
func needsEscape(w uint64, del bool) bool { return escapeBits(w, del)&highs != 0 }

// escapeBits is needsEscape before the final mask: masked with highs it is
// non-zero exactly when some byte needs an escape (a byte >= 0x80 never
// sets a high bit itself: ^w clears it; borrows start only at a byte that
// needs an escape anyway).
func escapeBits(w uint64, del bool) uint64 {
	q := w ^ (ones * '"')
	bs := w ^ (ones * '\\')
	m := (w-ones*0x20)&^w | (q-ones)&^q | (bs-ones)&^bs
	if del {
		d := w ^ (ones * 0x7f)
		m |= (d - ones) &^ d
	}
	return m
}

type codeUnit interface{ ~uint8 | ~uint16 | ~uint32 }

// appendWide writes the code points of a 1-, 2- or 4-byte-kind str.
// It reports whether a lone surrogate was written. Room for the worst case
// (12 bytes: a surrogate pair of \u escapes) is reserved once, then bytes
// are stored by index.
func appendWide[T codeUnit](b []byte, s []T, ascii bool, tbl *[128]bool) ([]byte, bool) {
	sur := false
	b = slices.Grow(b, 12*len(s))
	p := len(b)
	out := b[:cap(b)]
	for _, u := range s {
		c := rune(u)
		if c < 0x80 {
			if !tbl[c] {
				out[p] = byte(c)
				p++
				continue
			}
			p += len(appendEscape(out[p:p], byte(c)))
			continue
		}
		if c >= 0xd800 && c < 0xe000 {
			sur = true
		}
		switch {
		case ascii && c >= 0x10000:
			c -= 0x10000
			putU(out[p:p+6], 0xd800|(c>>10))
			putU(out[p+6:p+12], 0xdc00|(c&0x3ff))
			p += 12
		case ascii:
			putU(out[p:p+6], c)
			p += 6
		case c < 0x800:
			out[p], out[p+1] = byte(0xc0|c>>6), byte(0x80|c&0x3f)
			p += 2
		case c < 0x10000:
			out[p], out[p+1], out[p+2] = byte(0xe0|c>>12), byte(0x80|(c>>6)&0x3f), byte(0x80|c&0x3f)
			p += 3
		default:
			out[p], out[p+1], out[p+2], out[p+3] = byte(0xf0|c>>18), byte(0x80|(c>>12)&0x3f), byte(0x80|(c>>6)&0x3f), byte(0x80|c&0x3f)
			p += 4
		}
	}
	return out[:p], sur
}

// putU writes \uXXXX (lowercase hex, as json and orjson do) into out[:6].
func putU(out []byte, c rune) {
	_ = out[5]
	out[0], out[1] = '\\', 'u'
	out[2], out[3], out[4], out[5] = hexDigits[c>>12&15], hexDigits[c>>8&15], hexDigits[c>>4&15], hexDigits[c&15]
}

// appendStr writes o (a str or str subclass) as a quoted JSON string.
// surrogate reports that a lone surrogate was written unescaped.
func (e *Encoder) appendStr(o python.Object) (surrogate bool, err error) {
	data, n, kind, isASCII, ok := python.StrData(o)
	b := append(e.buf, '"')
	if !ok {
		// Legacy (non-compact) strings: go through UTF-8.
		u, err := python.StrUTF8(o)
		if err != nil {
			return false, err
		}
		b, _ = appendUTF8(b, u, e.ensureASCII, e.tbl)
		e.buf = append(b, '"')
		if !e.ensureASCII {
			// The output may now hold non-ASCII UTF-8: the result must be
			// decoded, never built as an ASCII str.
			e.nonASCII = true
		}
		return false, nil
	}
	if !isASCII && !e.ensureASCII {
		// Non-ASCII text goes out as UTF-8: use CPython's cached UTF-8
		// (made once, as orjson does, for strings long enough that one C
		// call beats encoding here code point by code point).
		u, cached := python.StrCachedUTF8(o)
		if !cached && n >= utf8CacheMin {
			var err error
			if u, err = python.StrUTF8(o); err == nil {
				cached = true
			} else if exc := python.Fetch(); exc != nil {
				exc.Release() // lone surrogates: handled below
			}
		}
		if cached {
			e.buf = append(appendUTF8Data(b, u, e.tbl), '"')
			e.nonASCII = true
			return false, nil
		}
	}
	switch {
	case isASCII:
		b = appendASCIIData(b, unsafe.Slice((*byte)(data), n), e.tbl)
	case kind == python.Kind1Byte:
		b, _ = appendWide(b, unsafe.Slice((*uint8)(data), n), e.ensureASCII, e.tbl)
	case kind == python.Kind2Byte:
		b, surrogate = appendWide(b, unsafe.Slice((*uint16)(data), n), e.ensureASCII, e.tbl)
	default:
		b, surrogate = appendWide(b, unsafe.Slice((*uint32)(data), n), e.ensureASCII, e.tbl)
	}
	e.buf = append(b, '"')
	if !isASCII && !e.ensureASCII {
		e.nonASCII = true
	}
	if surrogate && !e.ensureASCII {
		e.surrogates = true
		return true, nil
	}
	return false, nil
}

// utf8CacheMin is the length from which a non-ASCII str is encoded by
// CPython (and the UTF-8 cached in the str) rather than here.
const utf8CacheMin = 16

// appendUTF8Data writes valid UTF-8 as a JSON string body (escaping only
// ASCII controls, '"' and '\\'), eight bytes at a time like
// appendASCIIData: bytes >= 0x80 never match the escape tests.
func appendUTF8Data(b []byte, s []byte, tbl *[128]bool) []byte {
	if escapeFree(s, false) {
		return append(b, s...)
	}
	return appendUTF8Escaped(b, s, tbl)
}

func appendUTF8Escaped(b []byte, s []byte, tbl *[128]bool) []byte {
	return appendEscaped(b, s, false)
}

// appendUTF8 writes UTF-8 text (valid) as a JSON string body.
func appendUTF8(b []byte, u []byte, ascii bool, tbl *[128]bool) ([]byte, bool) {
	if !ascii {
		start := 0
		for i := 0; i < len(u); i++ {
			c := u[i]
			if c < 0x80 && tbl[c] {
				b = append(b, u[start:i]...)
				b = appendEscape(b, c)
				start = i + 1
			}
		}
		return append(b, u[start:]...), false
	}
	for _, r := range string(u) {
		if r < 0x80 {
			if tbl[r] {
				b = appendEscape(b, byte(r))
			} else {
				b = append(b, byte(r))
			}
			continue
		}
		b = appendRune(b, r, true)
	}
	return b, false
}
