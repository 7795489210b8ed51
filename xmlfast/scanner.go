package xmlfast

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// A hand-written, non-validating XML 1.0 scanner over a complete UTF-8
// document, safe by construction: it has no DTD support at all (a DOCTYPE
// is refused), expands only the five predefined entities and character
// references, never reads anything but its input, and bounds nesting depth.
// Well-formedness checks follow expat's where they matter for real input
// (tag matching, one root, attribute syntax and uniqueness, names, forbidden
// characters, truncated documents); its messages mimic expat's.

// ErrorKind selects the Python exception type a parse error becomes.
type ErrorKind int

const (
	KindSyntax ErrorKind = iota
	KindDTD
	KindEntities
	KindLimit
)

// SyntaxError is a parse failure at a byte offset of the input.
type SyntaxError struct {
	Kind   ErrorKind
	Msg    string
	Line   int
	Column int
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s: line %d, column %d", e.Msg, e.Line, e.Column)
}

// Attr is one attribute: its raw (qualified) name and decoded value.
type Attr struct {
	Name, Value []byte
}

// Handler receives the document's events. Slices are only valid during the
// call. Text may arrive in several pieces (around CDATA sections, comments
// and processing instructions).
type Handler interface {
	Start(name []byte, attrs []Attr) error
	End(name []byte) error
	Text(data []byte) error
	Comment(data []byte) error
}

// Limits bound the work one document can cause.
type Limits struct {
	MaxDepth int // elements nested deeper fail (0: no limit)
}

type scanner struct {
	src    []byte
	pos    int
	h      Handler
	lim    Limits
	stack  [][]byte // open element names (slices of src)
	attrs  []Attr
	scr    []byte // decoded text scratch
	ascr   []byte // decoded attribute values scratch
	aoffs  []int
	rooted bool // the root element has been seen
}

// Scan parses doc and drives h.
func Scan(doc []byte, h Handler, lim Limits) error {
	s := scanner{src: doc, h: h, lim: lim}
	return s.run()
}

func (s *scanner) errAt(pos int, kind ErrorKind, msg string) error {
	line, col := 1, 0
	if pos > len(s.src) {
		pos = len(s.src)
	}
	last := bytes.LastIndexByte(s.src[:pos], '\n')
	line += bytes.Count(s.src[:pos], []byte{'\n'})
	col = utf8.RuneCount(s.src[last+1 : pos])
	return &SyntaxError{Kind: kind, Msg: msg, Line: line, Column: col}
}

func (s *scanner) syntax(pos int) error { return s.errAt(pos, KindSyntax, "syntax error") }
func (s *scanner) invalid(pos int) error {
	return s.errAt(pos, KindSyntax, "not well-formed (invalid token)")
}
func (s *scanner) unclosed(pos int) error { return s.errAt(pos, KindSyntax, "unclosed token") }

func (s *scanner) run() error {
	src := s.src
	if bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}) {
		s.pos = 3
	}
	if !utf8.Valid(src) {
		// Locate the first bad byte for the message.
		i := s.pos
		for i < len(src) {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return s.invalid(i)
	}
	if bytes.HasPrefix(src[s.pos:], []byte("<?xml")) && s.pos+5 < len(src) && isSpace(src[s.pos+5]) {
		if err := s.xmlDecl(); err != nil {
			return err
		}
	}
	for {
		// Prolog / epilog: whitespace, comments, PIs, (DOCTYPE), the root.
		for s.pos < len(src) && isSpace(src[s.pos]) {
			s.pos++
		}
		if s.pos >= len(src) {
			if !s.rooted {
				return s.errAt(s.pos, KindSyntax, "no element found")
			}
			return nil
		}
		if src[s.pos] != '<' {
			if s.rooted {
				return s.errAt(s.pos, KindSyntax, "junk after document element")
			}
			return s.syntax(s.pos)
		}
		if s.pos+1 >= len(src) {
			return s.unclosed(s.pos)
		}
		switch src[s.pos+1] {
		case '?':
			if err := s.pi(); err != nil {
				return err
			}
		case '!':
			if bytes.HasPrefix(src[s.pos:], []byte("<!--")) {
				if err := s.comment(); err != nil {
					return err
				}
			} else if bytes.HasPrefix(src[s.pos:], []byte("<!DOCTYPE")) {
				return s.errAt(s.pos, KindDTD, "DTD is forbidden (DOCTYPE declaration)")
			} else {
				return s.syntax(s.pos)
			}
		default:
			if s.rooted {
				return s.errAt(s.pos, KindSyntax, "junk after document element")
			}
			s.rooted = true
			if err := s.content(); err != nil {
				return err
			}
		}
	}
}

// handlerErr places a handler's SyntaxError (made without a position) at pos.
func (s *scanner) handlerErr(err error, pos int) error {
	if se, ok := err.(*SyntaxError); ok && se.Line == 0 {
		return s.errAt(pos, se.Kind, se.Msg)
	}
	return err
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

func (s *scanner) xmlDecl() error {
	end := bytes.Index(s.src[s.pos:], []byte("?>"))
	if end < 0 {
		return s.unclosed(s.pos)
	}
	body := s.src[s.pos+5 : s.pos+end]
	if !bytes.Contains(body, []byte("version")) {
		return s.syntax(s.pos)
	}
	for _, c := range body {
		if c == '<' || c == '>' {
			return s.syntax(s.pos)
		}
	}
	s.pos += end + 2
	return nil
}

func (s *scanner) pi() error {
	start := s.pos
	p := s.pos + 2
	n := s.nameEnd(p)
	if n == p {
		return s.invalid(p)
	}
	target := s.src[p:n]
	if len(target) == 3 && (target[0]|0x20) == 'x' && (target[1]|0x20) == 'm' && (target[2]|0x20) == 'l' {
		return s.errAt(start, KindSyntax, "XML or text declaration not at start of entity")
	}
	end := bytes.Index(s.src[n:], []byte("?>"))
	if end < 0 {
		return s.unclosed(start)
	}
	if end > 0 && !isSpace(s.src[n]) {
		return s.invalid(n)
	}
	if err := s.checkChars(n, n+end); err != nil {
		return err
	}
	s.pos = n + end + 2
	return nil
}

func (s *scanner) comment() error {
	start := s.pos
	p := s.pos + 4
	end := bytes.Index(s.src[p:], []byte("--"))
	if end < 0 {
		return s.unclosed(start)
	}
	if p+end+2 >= len(s.src) {
		return s.unclosed(start)
	}
	if s.src[p+end+2] != '>' {
		return s.invalid(p + end)
	}
	if err := s.checkChars(p, p+end); err != nil {
		return err
	}
	s.pos = p + end + 3
	return s.h.Comment(s.normalizeNewlines(s.src[p : p+end]))
}

// checkChars refuses characters XML 1.0 does not allow in [from, to).
func (s *scanner) checkChars(from, to int) error {
	for i := from; i < to; i++ {
		c := s.src[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return s.invalid(i)
		}
		if c == 0xEF && i+2 < to && s.src[i+1] == 0xBF && (s.src[i+2] == 0xBE || s.src[i+2] == 0xBF) {
			return s.invalid(i)
		}
	}
	return nil
}

func (s *scanner) normalizeNewlines(b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := s.scr[:0]
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			out = append(out, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, b[i])
	}
	s.scr = out
	return out
}

// nameEnd returns the end of the XML name starting at p (p if none).
func (s *scanner) nameEnd(p int) int {
	src := s.src
	i := p
	for i < len(src) {
		c := src[i]
		if c < 0x80 {
			if nameASCII[c] == 0 || (i == p && nameASCII[c] != 2) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(src[i:])
		if (i == p && !isNameStart(r)) || (i > p && !isNameChar(r)) {
			break
		}
		i += n
	}
	return i
}

// nameASCII: 2 = may start a name, 1 = may continue one.
var nameASCII [128]uint8

func init() {
	for c := 'a'; c <= 'z'; c++ {
		nameASCII[c] = 2
		nameASCII[c-32] = 2
	}
	nameASCII['_'], nameASCII[':'] = 2, 2
	for c := '0'; c <= '9'; c++ {
		nameASCII[c] = 1
	}
	nameASCII['-'], nameASCII['.'] = 1, 1
}

// content scans from the root's '<' until the root is closed.
func (s *scanner) content() error {
	src := s.src
	for {
		if s.pos >= len(src) {
			return s.errAt(len(src), KindSyntax, "no element found")
		}
		c := src[s.pos]
		if c != '<' {
			if err := s.text(); err != nil {
				return err
			}
			continue
		}
		if s.pos+1 >= len(src) {
			return s.unclosed(s.pos)
		}
		switch src[s.pos+1] {
		case '/':
			if err := s.endTag(); err != nil {
				return err
			}
			if len(s.stack) == 0 {
				return nil
			}
		case '?':
			if err := s.pi(); err != nil {
				return err
			}
		case '!':
			switch {
			case bytes.HasPrefix(src[s.pos:], []byte("<!--")):
				if err := s.comment(); err != nil {
					return err
				}
			case bytes.HasPrefix(src[s.pos:], []byte("<![CDATA[")):
				if err := s.cdata(); err != nil {
					return err
				}
			default:
				if len(src)-s.pos < 9 && bytes.HasPrefix([]byte("<![CDATA["), src[s.pos:]) {
					return s.unclosed(s.pos)
				}
				return s.syntax(s.pos)
			}
		default:
			if err := s.startTag(); err != nil {
				return err
			}
			if len(s.stack) == 0 { // an empty-element root
				return nil
			}
		}
	}
}

func (s *scanner) cdata() error {
	start := s.pos
	p := s.pos + 9
	end := bytes.Index(s.src[p:], []byte("]]>"))
	if end < 0 {
		return s.unclosed(start)
	}
	if err := s.checkChars(p, p+end); err != nil {
		return err
	}
	s.pos = p + end + 3
	if end == 0 {
		return nil
	}
	return s.h.Text(s.normalizeNewlines(s.src[p : p+end]))
}

// text scans character data up to the next '<', expanding references.
func (s *scanner) text() error {
	src := s.src
	start := s.pos
	i := start
	simple := true
	for i < len(src) {
		c := src[i]
		if c == '<' {
			break
		}
		switch {
		case c == '&' || c == '\r':
			simple = false
		case c < 0x20 && c != '\t' && c != '\n':
			return s.invalid(i)
		case c == '>' && i >= start+2 && src[i-1] == ']' && src[i-2] == ']':
			return s.invalid(i - 2)
		case c == 0xEF && i+2 < len(src) && src[i+1] == 0xBF && (src[i+2] == 0xBE || src[i+2] == 0xBF):
			return s.invalid(i)
		}
		i++
	}
	if i >= len(src) {
		return s.errAt(len(src), KindSyntax, "no element found")
	}
	s.pos = i
	if simple {
		return s.h.Text(src[start:i])
	}
	out, err := s.decode(s.scr[:0], start, i, false)
	if err != nil {
		return err
	}
	s.scr = out
	return s.h.Text(out)
}

// decode expands references and normalizes newlines in src[from:to]; in
// attribute values (attr) whitespace characters also become spaces.
func (s *scanner) decode(out []byte, from, to int, attr bool) ([]byte, error) {
	src := s.src
	for i := from; i < to; i++ {
		c := src[i]
		switch c {
		case '\r':
			if attr {
				out = append(out, ' ')
			} else {
				out = append(out, '\n')
			}
			if i+1 < to && src[i+1] == '\n' {
				i++
			}
		case '\n', '\t':
			if attr {
				out = append(out, ' ')
			} else {
				out = append(out, c)
			}
		case '&':
			semi := bytes.IndexByte(src[i:to], ';')
			if semi < 0 {
				return out, s.invalid(i)
			}
			ref := src[i+1 : i+semi]
			var err error
			out, err = s.reference(out, ref, i)
			if err != nil {
				return out, err
			}
			i += semi
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

func (s *scanner) reference(out, ref []byte, at int) ([]byte, error) {
	switch string(ref) {
	case "lt":
		return append(out, '<'), nil
	case "gt":
		return append(out, '>'), nil
	case "amp":
		return append(out, '&'), nil
	case "quot":
		return append(out, '"'), nil
	case "apos":
		return append(out, '\''), nil
	}
	if len(ref) > 1 && ref[0] == '#' {
		var v rune
		digits := ref[1:]
		base := rune(10)
		if digits[0] == 'x' {
			base = 16
			digits = digits[1:]
		}
		if len(digits) == 0 {
			return out, s.invalid(at)
		}
		for _, d := range digits {
			var dv rune
			switch {
			case d >= '0' && d <= '9':
				dv = rune(d - '0')
			case base == 16 && d >= 'a' && d <= 'f':
				dv = rune(d-'a') + 10
			case base == 16 && d >= 'A' && d <= 'F':
				dv = rune(d-'A') + 10
			default:
				return out, s.invalid(at)
			}
			v = v*base + dv
			if v > 0x10FFFF {
				return out, s.errAt(at, KindSyntax, "reference to invalid character number")
			}
		}
		if !isXMLChar(v) {
			return out, s.errAt(at, KindSyntax, "reference to invalid character number")
		}
		return utf8.AppendRune(out, v), nil
	}
	if s.nameEnd(at+1) != at+1+len(ref) || len(ref) == 0 {
		return out, s.invalid(at)
	}
	return out, s.errAt(at, KindEntities, fmt.Sprintf("undefined entity &%s; (entities are forbidden)", ref))
}

func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func (s *scanner) startTag() error {
	src := s.src
	start := s.pos
	p := s.pos + 1
	n := s.nameEnd(p)
	if n == p {
		return s.invalid(p)
	}
	name := src[p:n]
	s.attrs = s.attrs[:0]
	s.ascr = s.ascr[:0]
	s.aoffs = s.aoffs[:0]
	i := n
	for {
		sp := i
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return s.unclosed(start)
		}
		c := src[i]
		if c == '>' || c == '/' {
			break
		}
		if i == sp {
			return s.invalid(i)
		}
		an := s.nameEnd(i)
		if an == i {
			return s.invalid(i)
		}
		aname := src[i:an]
		i = an
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return s.unclosed(start)
		}
		if src[i] != '=' {
			return s.invalid(i)
		}
		i++
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return s.unclosed(start)
		}
		q := src[i]
		if q != '"' && q != '\'' {
			return s.invalid(i)
		}
		vstart := i + 1
		vend := vstart
		for vend < len(src) && src[vend] != q {
			if src[vend] == '<' {
				return s.invalid(vend)
			}
			vend++
		}
		if vend >= len(src) {
			return s.unclosed(start)
		}
		if err := s.checkChars(vstart, vend); err != nil {
			return err
		}
		for _, a := range s.attrs {
			if bytes.Equal(a.Name, aname) {
				return s.errAt(i, KindSyntax, "duplicate attribute")
			}
		}
		off := len(s.ascr)
		var err error
		s.ascr, err = s.decode(s.ascr, vstart, vend, true)
		if err != nil {
			return err
		}
		s.aoffs = append(s.aoffs, off, len(s.ascr))
		s.attrs = append(s.attrs, Attr{Name: aname})
		i = vend + 1
	}
	// Values are sliced only now: s.ascr may have moved while growing.
	for k := range s.attrs {
		s.attrs[k].Value = s.ascr[s.aoffs[2*k]:s.aoffs[2*k+1]]
	}
	empty := src[i] == '/'
	if empty {
		if i+1 >= len(src) {
			return s.unclosed(start)
		}
		if src[i+1] != '>' {
			return s.invalid(i)
		}
		i++
	}
	s.pos = i + 1
	if s.lim.MaxDepth > 0 && len(s.stack)+1 > s.lim.MaxDepth {
		return s.errAt(start, KindLimit, fmt.Sprintf("document nested deeper than %d elements", s.lim.MaxDepth))
	}
	if err := s.h.Start(name, s.attrs); err != nil {
		return s.handlerErr(err, start)
	}
	if empty {
		return s.handlerErr(s.h.End(name), start)
	}
	s.stack = append(s.stack, name)
	return nil
}

func (s *scanner) endTag() error {
	src := s.src
	start := s.pos
	p := s.pos + 2
	n := s.nameEnd(p)
	if n == p {
		if p >= len(src) {
			return s.unclosed(start)
		}
		return s.invalid(p)
	}
	i := n
	for i < len(src) && isSpace(src[i]) {
		i++
	}
	if i >= len(src) {
		return s.unclosed(start)
	}
	if src[i] != '>' {
		return s.invalid(i)
	}
	if len(s.stack) == 0 {
		return s.syntax(start)
	}
	top := s.stack[len(s.stack)-1]
	if !bytes.Equal(top, src[p:n]) {
		return s.errAt(p, KindSyntax, "mismatched tag")
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.pos = i + 1
	return s.handlerErr(s.h.End(top), start)
}
