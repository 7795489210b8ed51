package schemafast

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// simplePattern matches the patterns API schemas mostly use, like
// ^[A-Z]{3}-[0-9]{4}$ or ^[^@]+@[^@]+$, in one left-to-right pass without
// backtracking: a ^-anchored sequence of single-character sets, each
// repeated min..max times, where every variable repeat is followed by a
// set it cannot overlap (so greedy matching is exact). Go's regexp stays
// the matcher for everything else. Semantics are Go's (RE2) either way.
type simplePattern struct {
	elems     []patElem
	endAnchor bool
}

type patElem struct {
	ascii    [128]bool
	ranges   []rune // non-ASCII ranges, lo/hi pairs
	min, max int    // max -1: unbounded
}

func (e *patElem) has(r rune) bool {
	if r < 128 {
		return e.ascii[r]
	}
	for i := 0; i+1 < len(e.ranges); i += 2 {
		if r >= e.ranges[i] && r <= e.ranges[i+1] {
			return true
		}
	}
	return false
}

// compileSimple returns nil when the pattern is outside the simple subset.
func compileSimple(re *regexp.Regexp) *simplePattern {
	ast, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	subs := []*syntax.Regexp{ast}
	if ast.Op == syntax.OpConcat {
		subs = ast.Sub
	}
	if len(subs) == 0 || subs[0].Op != syntax.OpBeginText {
		return nil
	}
	p := &simplePattern{}
	for i, s := range subs[1:] {
		if s.Op == syntax.OpEndText && i == len(subs)-2 {
			p.endAnchor = true
			break
		}
		if s.Op == syntax.OpLiteral && s.Flags&syntax.FoldCase == 0 {
			for _, r := range s.Rune {
				e := patElem{min: 1, max: 1}
				setRange(&e, r, r)
				p.elems = append(p.elems, e)
			}
			continue
		}
		min, max, one := 1, 1, s
		switch s.Op {
		case syntax.OpStar:
			min, max, one = 0, -1, s.Sub[0]
		case syntax.OpPlus:
			min, max, one = 1, -1, s.Sub[0]
		case syntax.OpQuest:
			min, max, one = 0, 1, s.Sub[0]
		case syntax.OpRepeat:
			min, max, one = s.Min, s.Max, s.Sub[0]
		}
		e, ok := charSet(one)
		if !ok {
			return nil
		}
		e.min, e.max = min, max
		p.elems = append(p.elems, e)
	}
	// Greedy is exact only if each variable repeat cannot eat what follows.
	for i := range p.elems {
		e := &p.elems[i]
		if e.min == e.max {
			continue
		}
		if i+1 == len(p.elems) {
			continue // the last repeat may be greedy: nothing follows it
		}
		next := &p.elems[i+1]
		if next.min == 0 || overlap(e, next) {
			return nil
		}
	}
	return p
}

func setRange(e *patElem, lo, hi rune) {
	for r := lo; r <= hi && r < 128; r++ {
		e.ascii[r] = true
	}
	if hi >= 128 {
		if lo < 128 {
			lo = 128
		}
		e.ranges = append(e.ranges, lo, hi)
	}
}

func charSet(s *syntax.Regexp) (patElem, bool) {
	var e patElem
	if s.Flags&syntax.FoldCase != 0 {
		return e, false
	}
	switch s.Op {
	case syntax.OpLiteral:
		if len(s.Rune) != 1 {
			return e, false
		}
		setRange(&e, s.Rune[0], s.Rune[0])
	case syntax.OpCharClass:
		for i := 0; i+1 < len(s.Rune); i += 2 {
			setRange(&e, s.Rune[i], s.Rune[i+1])
		}
	case syntax.OpAnyCharNotNL:
		setRange(&e, 0, '\n'-1)
		setRange(&e, '\n'+1, utf8.MaxRune)
	default:
		return e, false
	}
	return e, true
}

func overlap(a, b *patElem) bool {
	for r := 0; r < 128; r++ {
		if a.ascii[r] && b.ascii[r] {
			return true
		}
	}
	for i := 0; i+1 < len(a.ranges); i += 2 {
		for j := 0; j+1 < len(b.ranges); j += 2 {
			if a.ranges[i] <= b.ranges[j+1] && b.ranges[j] <= a.ranges[i+1] {
				return true
			}
		}
	}
	return false
}

func (p *simplePattern) match(b []byte) bool {
	pos := 0
	for i := range p.elems {
		e := &p.elems[i]
		n := 0
		for (e.max < 0 || n < e.max) && pos < len(b) {
			r, size := rune(b[pos]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRune(b[pos:])
			}
			if !e.has(r) {
				break
			}
			pos += size
			n++
		}
		if n < e.min {
			return false
		}
	}
	return !p.endAnchor || pos == len(b)
}
