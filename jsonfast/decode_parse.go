package jsonfast

import (
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// Dialect selects whose rules the parser follows.
type Dialect int

const (
	// Stdlib: the json module's grammar (NaN, Infinity, -Infinity accepted;
	// lone surrogate escapes kept; big ints exact). Errors only need to be
	// detected: the Python face re-runs the standard library on failure to
	// raise its exact exception.
	Stdlib Dialect = iota
	// Orjson: orjson's rules (no NaN, lone surrogates rejected, integers in
	// [-2**63, 2**64), larger ones as float) and orjson's error messages.
	Orjson
)

// Options configure one parse.
type Options struct {
	Dialect Dialect
	// AllowControl accepts raw control characters in strings (stdlib
	// strict=False).
	AllowControl bool
	// MaxDepth is the deepest nesting accepted; deeper input fails with
	// TooDeep set.
	MaxDepth int
	// ValidUTF8 says the caller guarantees the input is valid UTF-8 (it came
	// from a Python str), so the parser skips validation.
	ValidUTF8 bool
}

// OrjsonMaxDepth is orjson's nesting limit.
const OrjsonMaxDepth = 1024

// SyntaxError is a parse failure at byte offset Pos.
type SyntaxError struct {
	Msg     string
	Pos     int
	TooDeep bool
}

func (e *SyntaxError) Error() string { return e.Msg + " at byte " + strconv.Itoa(e.Pos) }

type frame struct {
	at     int // tape index of the container's word
	count  uint64
	object bool
}

type parser struct {
	data    []byte
	words   []uint64 // the tape being written (Tape.Words, kept here so
	scratch []byte   // appends do not go through a pointer)
	opt     Options
	stack   []frame
}

func fail(msg string, pos int) error { return &SyntaxError{Msg: msg, Pos: pos} }

const (
	msgEOF      = "unexpected end of data"
	msgValue    = "unexpected character, expected a JSON value"
	msgControl  = "unexpected control character in string"
	msgEscape   = "invalid escaped sequence in string"
	msgInfinity = "number is infinity when parsed as double"
	msgUTF8     = "str is not valid UTF-8: surrogates not allowed"
)

// Parse parses one JSON document from data onto t (which it resets). It
// never touches Python, so the caller may release the GIL around it, as
// long as data cannot change meanwhile.
func Parse(data []byte, opt Options, t *Tape) error {
	t.Reset()
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = OrjsonMaxDepth
	}
	p := parser{data: data, words: t.Words[:0], scratch: t.Scratch[:0], opt: opt, stack: t.stack[:0]}
	err := p.parse()
	t.Words, t.Scratch, t.stack = p.words, p.scratch, p.stack
	return err
}

func (p *parser) parse() error {
	data, opt := p.data, p.opt
	if len(data) == 0 {
		return fail("Input is a zero-length, empty document", 0)
	}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return fail("UTF-8 byte order mark (BOM) is not supported", 0)
	}
	i := skipWS(data, 0)
	if i == len(data) {
		return fail("input data is empty", 0)
	}
	i, err := p.document(i)
	if err == nil {
		if i = skipWS(data, i); i != len(data) {
			err = fail("unexpected content after document", i)
		}
	}
	// Invalid UTF-8 anywhere is reported first, as orjson (which validates
	// before parsing) does. A successful parse validated every string, and
	// bytes outside strings can only be ASCII.
	if err != nil && !opt.ValidUTF8 && !utf8.Valid(data) {
		return fail(msgUTF8, 0)
	}
	return err
}

func skipWS(data []byte, i int) int {
	if i < len(data) && data[i] > ' ' {
		return i
	}
	return skipWSSlow(data, i)
}

// skipWSSlow skips whitespace. Pretty-printed documents are up to two
// thirds newlines and indentation, nearly always "\n" followed by spaces:
// eight bytes at a time, the first byte that is not a space is found with
// one XOR and a trailing-zero count; a newline, tab or CR there just
// continues the scan. (The previous per-byte-class SWAR took ~11
// instructions per whitespace byte on twitter.json; this takes ~2.)
func skipWSSlow(data []byte, i int) int {
	n := len(data)
	// One space (", " and ": " in compact-but-spaced output).
	if i+1 < n && data[i] == ' ' && data[i+1] > ' ' {
		return i + 1
	}
	for i+8 <= n {
		s := load64(data, i) ^ (' ' * lsb)
		if s == 0 { // eight spaces
			i += 8
			continue
		}
		i += bits.TrailingZeros64(s) >> 3
		switch data[i] {
		case '\n', '\r', '\t':
			i++
			continue
		}
		return i
	}
	for i < n {
		switch data[i] {
		case ' ', '\n', '\r', '\t':
			i++
		default:
			return i
		}
	}
	return i
}

// document parses values iteratively (an explicit stack, so nesting depth
// never grows the Go stack).
func (p *parser) document(i int) (int, error) {
	data := p.data
	n := len(data)
	var err error
	for {
		// A value starts at i (whitespace already skipped).
		if i >= n {
			return i, fail(msgEOF, n)
		}
		switch c := data[i]; c {
		case '[', '{':
			if len(p.stack) >= p.opt.MaxDepth {
				return i, &SyntaxError{Msg: "depth limit exceeded", Pos: i + 1, TooDeep: true}
			}
			obj := c == '{'
			tag := TagArray
			closer := byte(']')
			if obj {
				tag, closer = TagObject, '}'
			}
			p.stack = append(p.stack, frame{at: len(p.words), object: obj})
			p.words = append(p.words, word(tag, 0))
			if i = skipWS(data, i+1); i >= n {
				return i, fail(msgEOF, n)
			}
			if data[i] == closer {
				p.stack = p.stack[:len(p.stack)-1]
				i++
				break
			}
			if obj {
				if i, err = p.key(i); err != nil {
					return i, err
				}
			}
			continue
		case '"':
			if i, err = p.str(i, TagStr); err != nil {
				return i, err
			}
		// true, false and null by one 32-bit compare (twitter.json has
		// ~4,700 of them); the general path reports errors.
		case 't':
			if i+4 <= n && load32(data, i) == litTrue {
				p.words = append(p.words, word(TagTrue, 0))
				i += 4
			} else if i, err = p.literal(i, "true", TagTrue); err != nil {
				return i, err
			}
		case 'f':
			if i+5 <= n && load32(data, i+1) == litAlse {
				p.words = append(p.words, word(TagFalse, 0))
				i += 5
			} else if i, err = p.literal(i, "false", TagFalse); err != nil {
				return i, err
			}
		case 'n':
			if i+4 <= n && load32(data, i) == litNull {
				p.words = append(p.words, word(TagNull, 0))
				i += 4
			} else if i, err = p.literal(i, "null", TagNull); err != nil {
				return i, err
			}
		case 'N':
			if p.opt.Dialect != Stdlib || !hasPrefix(data[i:], "NaN") {
				return i, fail(msgValue, i)
			}
			p.float(math.NaN())
			i += 3
		case 'I':
			if p.opt.Dialect != Stdlib || !hasPrefix(data[i:], "Infinity") {
				return i, fail(msgValue, i)
			}
			p.float(math.Inf(1))
			i += 8
		default:
			if c == '-' || c-'0' < 10 {
				if i, err = p.number(i); err != nil {
					return i, err
				}
				break
			}
			if c == '+' || c == '.' {
				return i, fail("no digit after sign", i)
			}
			return i, fail(msgValue, i)
		}
		// A value ended at i: close containers and find the next value.
		for {
			depth := len(p.stack)
			if depth == 0 {
				return i, nil
			}
			if i = skipWS(data, i); i >= n {
				return i, fail(msgEOF, n)
			}
			top := &p.stack[depth-1]
			top.count++
			c := data[i]
			closer := byte(']')
			if top.object {
				closer = '}'
			}
			if c == closer {
				p.words[top.at] |= top.count
				p.stack = p.stack[:depth-1]
				i++
				continue
			}
			if c != ',' {
				if top.object {
					return i, fail("unexpected character, expected ',' or '}'", i)
				}
				return i, fail("unexpected character, expected ',' or ']'", i)
			}
			comma := i
			if i = skipWS(data, i+1); i >= n {
				return i, fail(msgEOF, n)
			}
			if data[i] == closer {
				// orjson reports the comma's position, whatever whitespace follows.
				return i, fail("trailing comma is not allowed", comma)
			}
			if top.object {
				if i, err = p.key(i); err != nil {
					return i, err
				}
			}
			break
		}
	}
}

// key parses `"name" :` and leaves i at the value (whitespace skipped).
func (p *parser) key(i int) (int, error) {
	if p.data[i] != '"' {
		return i, fail("unexpected character, expected a string key", i)
	}
	i, err := p.str(i, TagKey)
	if err != nil {
		return i, err
	}
	if i = skipWS(p.data, i); i >= len(p.data) {
		return i, fail(msgEOF, len(p.data))
	}
	if p.data[i] != ':' {
		return i, fail("unexpected character, expected ':' after key", i)
	}
	// `": "` (pretty-printed output) without the call to skipWSSlow.
	if i+2 < len(p.data) && p.data[i+1] == ' ' && p.data[i+2] > ' ' {
		return i + 2, nil
	}
	if i = skipWS(p.data, i+1); i >= len(p.data) {
		return i, fail(msgEOF, len(p.data))
	}
	return i, nil
}

// The literals as little-endian 32-bit words (load32 reads that way on
// every architecture: decode_load_be.go swaps).
const (
	litTrue = 't' | 'r'<<8 | 'u'<<16 | 'e'<<24
	litAlse = 'a' | 'l'<<8 | 's'<<16 | 'e'<<24
	litNull = 'n' | 'u'<<8 | 'l'<<16 | 'l'<<24
)

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

func (p *parser) literal(i int, lit string, tag int) (int, error) {
	if !hasPrefix(p.data[i:], lit) {
		if rest := p.data[i:]; len(rest) < len(lit) && string(rest) == lit[:len(rest)] {
			return i, fail(msgEOF, len(p.data))
		}
		return i, fail("invalid literal, expected '"+lit+"'", i)
	}
	p.words = append(p.words, word(tag, 0))
	return i + len(lit), nil
}

func (p *parser) float(f float64) {
	p.words = append(p.words, word(TagFloat, 0), math.Float64bits(f))
}

// ---- strings ----

// special marks the bytes that end the fast scan of a string.
var special = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80
	}
	return
}()

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// plainRunSWAR returns how many bytes from data[i:] need no attention: 8
// at a time while no byte is a quote, a backslash, a control or non-ASCII
// byte. (plainRun, per architecture, uses it for short tails.)
func plainRunSWAR(data []byte, i int) int {
	j := i
	for n := len(data); j+8 <= n; j += 8 {
		x := load64(data, j)
		q := x ^ ('"' * lsb)
		b := x ^ ('\\' * lsb)
		if m := (((q - lsb) &^ q) | ((b - lsb) &^ b) | (x - 0x20*lsb) | x) & msb; m != 0 {
			// The lowest flagged byte is exact (borrows only propagate
			// upwards from a flagged byte), so it is the first special one.
			return j + bits.TrailingZeros64(m)>>3
		}
	}
	for j < len(data) && !special[data[j]] {
		j++
	}
	return j
}

// Character-width classes of a string, as StrLatin1 / StrUCS2 / UCS4.
const (
	widthASCII = iota
	widthLatin1
	widthUCS2
	widthUCS4
)

// str parses the string starting at the quote at i and emits it with tag.
func (p *parser) str(i int, tag int) (int, error) {
	data := p.data
	start := i + 1
	j := plainRun(data, start)
	if j < len(data) && data[j] == '"' {
		if n := j - start; n < 1<<16 && start < 1<<32 {
			p.words = append(p.words, word(tag+shortDelta, uint64(n)<<32|uint64(start)))
		} else {
			p.words = append(p.words, word(tag, StrASCII<<48|uint64(n)), uint64(start))
		}
		return j + 1, nil
	}
	return p.strSlow(start, j, tag)
}

// strSlow continues a string whose first bytes data[start:j] were plain
// ASCII: it handles non-ASCII bytes (validating UTF-8 unless the input came
// from a str), escapes and control characters, and counts code points.
func (p *parser) strSlow(start, j int, tag int) (int, error) {
	data := p.data
	n := len(data)
	width := widthASCII
	chars := j - start
	escaped := false
	scratchStart := len(p.scratch)
	seg := start // start of the input bytes not yet copied to scratch
	for {
		if j >= n {
			return j, fail(msgEOF, n)
		}
		c := data[j]
		switch {
		case c == '"':
			goto done
		case c == '\\':
			p.scratch = append(p.scratch, data[seg:j]...)
			escaped = true
			w, k, err := p.escape(j)
			if err != nil {
				return j, err
			}
			if w > width {
				width = w
			}
			chars++
			j = k
			seg = j
		case c < 0x20:
			if !p.opt.AllowControl {
				return j, fail(msgControl, j)
			}
			chars++
			j++
		case c >= 0x80:
			// A run of multi-byte sequences (e.g. CJK text) in one loop.
			// The widest lead byte gives the str's width class.
			k, lead, runChars, ok := p.multiByteRun(j)
			if !ok {
				return j, fail(msgUTF8, 0)
			}
			if w := leadWidth(lead); w > width {
				width = w
			}
			chars += runChars
			j = k
			continue
		}
		k := plainRun(data, j)
		chars += k - j
		j = k
	}
done:
	var length, offset int
	flags := 0
	if escaped {
		p.scratch = append(p.scratch, data[seg:j]...)
		offset = scratchStart
		length = len(p.scratch) - scratchStart
		flags |= StrScratch
	} else {
		offset = start
		length = j - start
	}
	flags |= widthFlags(width)
	p.words = append(p.words, word(tag, uint64(flags)<<48|uint64(length)), uint64(offset))
	if width != widthASCII {
		p.words = append(p.words, uint64(chars))
	}
	return j + 1, nil
}

// multiByteRun consumes consecutive multi-byte UTF-8 sequences from j,
// validating them unless the input came from a str. It returns the index
// after the run, the largest lead byte, and the number of code points.
func (p *parser) multiByteRun(j int) (int, byte, int, bool) {
	data := p.data
	n := len(data)
	valid := p.opt.ValidUTF8
	var lead byte
	chars := 0
	for j < n {
		// Three-byte sequences (CJK text) in a tight loop: one 32-bit
		// load checks both continuation bytes; E0 and ED (overlong and
		// surrogate ranges) and anything else go to the exact step below.
		// ~48 -> ~12 instructions per character on twitter.json.
		for j+4 <= n {
			x := load32(data, j)
			c := byte(x)
			if c < 0xE0 || c >= 0xF0 || !valid && (x&0xC0C000 != 0x808000 || c == 0xE0 || c == 0xED) {
				break
			}
			lead = max(lead, c)
			chars++
			j += 3
		}
		if j >= n {
			break
		}
		c := data[j]
		if c < 0x80 {
			break
		}
		lead = max(lead, c)
		chars++
		switch {
		case c < 0xE0:
			if !valid && (c < 0xC2 || j+1 >= n || data[j+1]&0xC0 != 0x80) {
				return j, 0, 0, false
			}
			j += 2
		case c < 0xF0:
			if !valid && !validSeq(data[j:], c, 3) {
				return j, 0, 0, false
			}
			j += 3
		default:
			if !valid && !validSeq(data[j:], c, 4) {
				return j, 0, 0, false
			}
			j += 4
		}
	}
	return j, lead, chars, true
}

// leadWidth is the width class of text whose largest UTF-8 lead byte is c:
// C2-C3 encode U+0080-U+00FF, C4-EF up to U+FFFF, F0-F4 beyond.
func leadWidth(c byte) int {
	switch {
	case c >= 0xF0:
		return widthUCS4
	case c >= 0xC4:
		return widthUCS2
	}
	return widthLatin1
}

// validSeq checks one UTF-8 sequence of size bytes starting with lead byte
// c: continuation bytes, no overlong forms, no surrogates, <= U+10FFFF.
func validSeq(b []byte, c byte, size int) bool {
	if len(b) < size {
		return false
	}
	switch size {
	case 2:
		return c >= 0xC2 && b[1]&0xC0 == 0x80
	case 3:
		if b[1]&0xC0 != 0x80 || b[2]&0xC0 != 0x80 {
			return false
		}
		switch c {
		case 0xE0:
			return b[1] >= 0xA0
		case 0xED:
			return b[1] < 0xA0
		}
		return true
	}
	if c > 0xF4 || b[1]&0xC0 != 0x80 || b[2]&0xC0 != 0x80 || b[3]&0xC0 != 0x80 {
		return false
	}
	switch c {
	case 0xF0:
		return b[1] >= 0x90
	case 0xF4:
		return b[1] < 0x90
	}
	return true
}

func widthFlags(w int) int {
	switch w {
	case widthASCII:
		return StrASCII
	case widthLatin1:
		return StrLatin1
	case widthUCS2:
		return StrUCS2
	}
	return 0
}

// escape decodes the escape sequence at data[j] (a backslash) into
// Scratch. It returns the width class of the decoded character and the
// index after the sequence.
func (p *parser) escape(j int) (int, int, error) {
	data := p.data
	if j+1 >= len(data) {
		return 0, j, fail(msgEOF, len(data))
	}
	var c byte
	switch data[j+1] {
	case '"':
		c = '"'
	case '\\':
		c = '\\'
	case '/':
		c = '/'
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		return p.unicodeEscape(j)
	default:
		return 0, j, fail(msgEscape, j)
	}
	p.scratch = append(p.scratch, c)
	return widthASCII, j + 2, nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c-'0' < 10:
			r = r<<4 | rune(c-'0')
		case c|0x20-'a' < 6:
			r = r<<4 | rune(c|0x20-'a'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// truncatedHex reports that b is a proper prefix of four hex digits (the
// input ended inside a \u escape).
func truncatedHex(b []byte) bool {
	if len(b) >= 4 {
		return false
	}
	for _, c := range b {
		if !(c-'0' < 10 || c|0x20-'a' < 6) {
			return false
		}
	}
	return true
}

func (p *parser) unicodeEscape(j int) (int, int, error) {
	data := p.data
	r, ok := hex4(data[j+2:])
	if !ok {
		if truncatedHex(data[j+2:]) {
			return 0, j, fail(msgEOF, len(data))
		}
		return 0, j, fail(msgEscape, j)
	}
	k := j + 6
	switch {
	case r >= 0xD800 && r < 0xDC00:
		// A high surrogate: combined with a following \uDC00-\uDFFF.
		if k+1 < len(data) && data[k] == '\\' && data[k+1] == 'u' {
			lo, ok := hex4(data[k+2:])
			if ok && lo >= 0xDC00 && lo < 0xE000 {
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				k += 6
				break
			}
			if p.opt.Dialect == Orjson {
				if !ok {
					if truncatedHex(data[k+2:]) {
						return 0, j, fail(msgEOF, len(data))
					}
					return 0, j, fail("invalid escape in string", j)
				}
				return 0, j, fail("invalid low surrogate in string", j)
			}
		} else if p.opt.Dialect == Orjson {
			if k < len(data) && data[k] == '\\' && k+1 >= len(data) {
				return 0, j, fail(msgEOF, len(data))
			}
			return 0, j, fail("no low surrogate in string", j)
		}
	case r >= 0xDC00 && r < 0xE000:
		if p.opt.Dialect == Orjson {
			return 0, j, fail("invalid high surrogate in string", j)
		}
	}
	p.scratch = appendWTF8(p.scratch, r)
	switch {
	case r < 0x80:
		return widthASCII, k, nil
	case r < 0x100:
		return widthLatin1, k, nil
	case r < 0x10000:
		return widthUCS2, k, nil
	}
	return widthUCS4, k, nil
}

// appendWTF8 is utf8.AppendRune that also encodes surrogate code points
// (the stdlib keeps lone surrogates from \u escapes).
func appendWTF8(b []byte, r rune) []byte {
	if r >= 0xD800 && r < 0xE000 {
		return append(b, 0xED, byte(0x80|(r>>6)&0x3F), byte(0x80|r&0x3F))
	}
	return utf8.AppendRune(b, r)
}

// ---- numbers ----

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

func (p *parser) number(i int) (int, error) {
	data := p.data
	n := len(data)
	start := i
	neg := data[i] == '-'
	if neg {
		i++
		if i >= n {
			return i, fail(msgEOF, n)
		}
		if p.opt.Dialect == Stdlib && hasPrefix(data[i:], "Infinity") {
			p.float(math.Inf(-1))
			return i + 8, nil
		}
	}
	if data[i]-'0' >= 10 {
		return i, fail("no digit after sign", i)
	}
	var mant uint64
	nd := 0 // significant digits accumulated in mant
	if data[i] == '0' {
		i++
		if i < n && data[i]-'0' < 10 {
			return i, fail("number with leading zero is not allowed", i-1)
		}
	} else {
		i, mant, nd = digits8(data, i, mant, nd)
		for i < n && data[i]-'0' < 10 {
			if nd < 19 {
				mant = mant*10 + uint64(data[i]-'0')
			}
			nd++
			i++
		}
	}
	intDigits := nd
	isFloat := false
	exp10 := 0
	if i < n && data[i] == '.' {
		isFloat = true
		i++
		if i >= n {
			return i, fail(msgEOF, n)
		}
		if data[i]-'0' >= 10 {
			return i, fail("no digit after decimal point", i)
		}
		i0 := i
		i, mant, nd = digits8(data, i, mant, nd)
		exp10 -= i - i0
		for i < n && data[i]-'0' < 10 {
			if nd < 19 {
				mant = mant*10 + uint64(data[i]-'0')
				exp10--
			}
			nd++
			i++
		}
	}
	if i < n && data[i]|0x20 == 'e' {
		isFloat = true
		i++
		if i < n && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= n {
			return i, fail(msgEOF, n)
		}
		if data[i]-'0' >= 10 {
			return i, fail("no digit after exponent sign", i)
		}
		e := 0
		eneg := data[i-1] == '-'
		for i < n && data[i]-'0' < 10 {
			if e < 100000 {
				e = e*10 + int(data[i]-'0')
			}
			i++
		}
		if eneg {
			e = -e
		}
		exp10 += e
	}
	text := data[start:i]
	if !isFloat {
		if intDigits <= 18 {
			v := int64(mant)
			if neg {
				v = -v
			}
			p.int(v)
			return i, nil
		}
		if p.opt.Dialect == Stdlib {
			p.words = append(p.words, word(TagBigInt, uint64(len(text))), uint64(start))
			return i, nil
		}
		// orjson: 64-bit integers exactly, larger ones as floats.
		if intDigits <= 20 {
			digits := text
			if neg {
				digits = text[1:]
			}
			if u, err := strconv.ParseUint(bstr(digits), 10, 64); err == nil {
				if !neg {
					p.words = append(p.words, word(TagUint, 0), u)
					return i, nil
				}
				if u <= 1<<63 {
					p.int(-int64(u))
					return i, nil
				}
			}
		}
	}
	// A float: exact fast path when the digits fit and the power of ten is
	// exact (Clinger), else strconv (correctly rounded, like CPython).
	if nd <= 19 && mant < 1<<53 && exp10 >= -22 && exp10 <= 22 {
		f := float64(mant)
		if exp10 < 0 {
			f /= pow10[-exp10]
		} else {
			f *= pow10[exp10]
		}
		if neg {
			f = -f
		}
		p.float(f)
		return i, nil
	}
	if nd <= 19 {
		if f, ok := eiselLemire(mant, exp10, neg); ok {
			p.float(f)
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(bstr(text), 64)
	if err != nil && !math.IsInf(f, 0) && f != 0 {
		return i, fail("invalid number", start)
	}
	if math.IsInf(f, 0) && p.opt.Dialect == Orjson {
		return i, fail(msgInfinity, start)
	}
	p.float(f)
	return i, nil
}

func (p *parser) int(v int64) {
	if v >= smallIntMin && v <= smallIntMax {
		p.words = append(p.words, word(TagSmallInt, uint64(v)))
		return
	}
	p.words = append(p.words, word(TagInt, 0), uint64(v))
}

// bstr views b as a string without copying (strconv does not retain it).
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// digits8 consumes digits eight at a time (SWAR) while they still fit in
// the 19 significant digits mant can hold.
func digits8(data []byte, i int, mant uint64, nd int) (int, uint64, int) {
	for nd <= 11 && i+8 <= len(data) {
		x := load64(data, i)
		if (x&0xF0F0F0F0F0F0F0F0)|(((x+0x0606060606060606)&0xF0F0F0F0F0F0F0F0)>>4) != 0x3333333333333333 {
			break
		}
		x = (x & 0x0F0F0F0F0F0F0F0F) * 2561 >> 8
		x = (x & 0x00FF00FF00FF00FF) * 6553601 >> 16
		x = (x & 0x0000FFFF0000FFFF) * 42949672960001 >> 32
		mant = mant*100000000 + x
		nd += 8
		i += 8
	}
	return i, mant, nd
}
