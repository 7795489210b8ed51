package schemafast

import (
	"strings"
)

// ecmaRegex checks ECMA-262 regular expression syntax (the "regex"
// format): named groups, lookbehind, \k<name>, \cX, [] and [^] are valid;
// Python-only syntax ((?P<n>), (?i), (?#...)) and identity escapes of
// letters (\a) are not, as with the u flag.
func ecmaRegex(s string) bool {
	p := &reParser{s: s, names: map[string]bool{}}
	if !p.disjunction() || p.i != len(p.s) {
		return false
	}
	for _, n := range p.refs {
		if !p.names[n] {
			return false
		}
	}
	return true
}

type reParser struct {
	s     string
	i     int
	names map[string]bool
	refs  []string
}

func (p *reParser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *reParser) disjunction() bool {
	for {
		if !p.alternative() {
			return false
		}
		if p.peek() != '|' {
			return true
		}
		p.i++
	}
}

func (p *reParser) alternative() bool {
	for p.i < len(p.s) && p.peek() != '|' && p.peek() != ')' {
		quantifiable, ok := p.term()
		if !ok {
			return false
		}
		if p.quantifierAhead() {
			if !quantifiable || !p.quantifier() {
				return false
			}
		}
	}
	return true
}

func (p *reParser) quantifierAhead() bool {
	switch p.peek() {
	case '*', '+', '?':
		return true
	case '{':
		_, _, ok := p.braces(p.i)
		return ok
	}
	return false
}

// braces parses {n}, {n,} or {n,m} at j; ok false if it is not one.
func (p *reParser) braces(j int) (int, bool, bool) {
	k := j + 1
	start := k
	for k < len(p.s) && isDigit(p.s[k]) {
		k++
	}
	if k == start {
		return 0, false, false
	}
	lo := atoiSat(p.s[start:k])
	valid := true
	if k < len(p.s) && p.s[k] == ',' {
		k++
		s2 := k
		for k < len(p.s) && isDigit(p.s[k]) {
			k++
		}
		if k > s2 && atoiSat(p.s[s2:k]) < lo {
			valid = false
		}
	}
	if k >= len(p.s) || p.s[k] != '}' {
		return 0, false, false
	}
	return k + 1, valid, true
}

func atoiSat(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if n > 1<<30 {
			return n
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func (p *reParser) quantifier() bool {
	if p.peek() == '{' {
		end, valid, _ := p.braces(p.i)
		if !valid {
			return false
		}
		p.i = end
	} else {
		p.i++
	}
	if p.peek() == '?' {
		p.i++
	}
	return true
}

// term parses one assertion or atom; quantifiable reports whether a
// quantifier may follow.
func (p *reParser) term() (quantifiable bool, ok bool) {
	c := p.s[p.i]
	switch c {
	case '^', '$':
		p.i++
		return false, true
	case '*', '+', '?':
		return false, false
	case '{':
		if _, _, isQ := p.braces(p.i); isQ {
			return false, false
		}
		p.i++
		return true, true
	case '.':
		p.i++
		return true, true
	case '(':
		return p.group()
	case '[':
		return true, p.class()
	case '\\':
		if strings.HasPrefix(p.s[p.i:], `\b`) || strings.HasPrefix(p.s[p.i:], `\B`) {
			p.i += 2
			return false, true
		}
		p.i++
		return true, p.atomEscape(false)
	case ')':
		return false, false
	}
	p.i++
	return true, true
}

func (p *reParser) group() (bool, bool) {
	rest := p.s[p.i:]
	lookaround := false
	switch {
	case strings.HasPrefix(rest, "(?:"):
		p.i += 3
	case strings.HasPrefix(rest, "(?="), strings.HasPrefix(rest, "(?!"):
		p.i += 3
		lookaround = true
	case strings.HasPrefix(rest, "(?<="), strings.HasPrefix(rest, "(?<!"):
		p.i += 4
		lookaround = true
	case strings.HasPrefix(rest, "(?<"):
		end := strings.IndexByte(rest, '>')
		if end < 0 || !groupName(rest[3:end]) || p.names[rest[3:end]] {
			return false, false
		}
		p.names[rest[3:end]] = true
		p.i += end + 1
	case strings.HasPrefix(rest, "(?"):
		return false, false
	default:
		p.i++
	}
	if !p.disjunction() || p.peek() != ')' {
		return false, false
	}
	p.i++
	return !lookaround, true
}

func groupName(n string) bool {
	if n == "" {
		return false
	}
	for i, r := range n {
		if !(r == '$' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// atomEscape parses after a backslash (inClass: inside [...]).
func (p *reParser) atomEscape(inClass bool) bool {
	if p.i >= len(p.s) {
		return false
	}
	c := p.s[p.i]
	p.i++
	switch {
	case strings.IndexByte("dDsSwW", c) >= 0:
		return true
	case c == 'p' || c == 'P':
		if p.peek() != '{' {
			return false
		}
		end := strings.IndexByte(p.s[p.i:], '}')
		if end < 2 {
			return false
		}
		p.i += end + 1
		return true
	case strings.IndexByte("fnrtv", c) >= 0:
		return true
	case c == 'c':
		if p.i < len(p.s) && (p.s[p.i] >= 'a' && p.s[p.i] <= 'z' || p.s[p.i] >= 'A' && p.s[p.i] <= 'Z') {
			p.i++
			return true
		}
		return false
	case c == '0':
		return !isDigit(p.peek())
	case c >= '1' && c <= '9':
		if inClass {
			return false
		}
		for isDigit(p.peek()) {
			p.i++
		}
		return true
	case c == 'x':
		if p.i+2 <= len(p.s) && isHex(p.s[p.i]) && isHex(p.s[p.i+1]) {
			p.i += 2
			return true
		}
		return false
	case c == 'u':
		if p.peek() == '{' {
			end := strings.IndexByte(p.s[p.i:], '}')
			if end < 2 {
				return false
			}
			for k := p.i + 1; k < p.i+end; k++ {
				if !isHex(p.s[k]) {
					return false
				}
			}
			p.i += end + 1
			return true
		}
		if p.i+4 <= len(p.s) && isHex(p.s[p.i]) && isHex(p.s[p.i+1]) && isHex(p.s[p.i+2]) && isHex(p.s[p.i+3]) {
			p.i += 4
			return true
		}
		return false
	case c == 'k' && !inClass:
		if p.peek() != '<' {
			return false
		}
		end := strings.IndexByte(p.s[p.i:], '>')
		if end < 0 || !groupName(p.s[p.i+1:p.i+end]) {
			return false
		}
		p.refs = append(p.refs, p.s[p.i+1:p.i+end])
		p.i += end + 1
		return true
	case c == 'b' && inClass, c == '-' && inClass:
		return true
	case strings.IndexByte(`^$\.*+?()[]{}|/`, c) >= 0:
		return true
	}
	return false
}

func (p *reParser) class() bool {
	p.i++ // [
	if p.peek() == '^' {
		p.i++
	}
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ']':
			p.i++
			return true
		case '\\':
			p.i++
			if !p.atomEscape(true) {
				return false
			}
		default:
			p.i++
		}
	}
	return false
}
