package xmlfast

import (
	"unicode"
	"unicode/utf8"
)

// DRF leaf conversion, decided in Go for ASCII text with exactly the
// semantics of djangorestframework-xml's _type_convert:
//   datetime.strptime(text, "%Y-%m-%d %H:%M:%S"), else int(text), else
//   Decimal(text), else the text.
// Text outside what is decided here exactly (underscores, non-ASCII digits
// or spaces) goes to the Python copy of _type_convert.

type leafKind int

const (
	leafStr leafKind = iota
	leafDateTime
	leafInt
	leafDecimal
	leafPython // let Python decide
)

type dtFields struct{ y, mo, d, h, mi, s int }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// reSpace is \s of Python's re for the characters XML text can hold.
func reSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// The strptime regex for "%Y-%m-%d %H:%M:%S" is
//
//	(\d\d\d\d)-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])\s+
//	(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):(6[0-1]|[0-5]\d|\d)
//
// matched with re.match (alternatives tried in order, backtracking), then
// the whole text must have been consumed. matchDateTime reproduces that.
type alt struct {
	n       int // characters
	classes [2][2]byte
}

var (
	altM = []alt{{2, [2][2]byte{{'1', '1'}, {'0', '2'}}}, {2, [2][2]byte{{'0', '0'}, {'1', '9'}}}, {1, [2][2]byte{{'1', '9'}}}}
	altD = []alt{{2, [2][2]byte{{'3', '3'}, {'0', '1'}}}, {2, [2][2]byte{{'1', '2'}, {'0', '9'}}}, {2, [2][2]byte{{'0', '0'}, {'1', '9'}}},
		{1, [2][2]byte{{'1', '9'}}}, {2, [2][2]byte{{' ', ' '}, {'1', '9'}}}}
	altH  = []alt{{2, [2][2]byte{{'2', '2'}, {'0', '3'}}}, {2, [2][2]byte{{'0', '1'}, {'0', '9'}}}, {1, [2][2]byte{{'0', '9'}}}}
	altMi = []alt{{2, [2][2]byte{{'0', '5'}, {'0', '9'}}}, {1, [2][2]byte{{'0', '9'}}}}
	altS  = []alt{{2, [2][2]byte{{'6', '6'}, {'0', '1'}}}, {2, [2][2]byte{{'0', '5'}, {'0', '9'}}}, {1, [2][2]byte{{'0', '9'}}}}
)

func (a alt) match(s []byte, i int) (int, int, bool) {
	if i+a.n > len(s) {
		return 0, i, false
	}
	v := 0
	for k := 0; k < a.n; k++ {
		c := s[i+k]
		if c < a.classes[k][0] || c > a.classes[k][1] {
			return 0, i, false
		}
		if c != ' ' {
			v = v*10 + int(c-'0')
		}
	}
	return v, i + a.n, true
}

func matchDateTime(s []byte) (dtFields, bool) {
	var f dtFields
	if len(s) < 13 || !isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) || s[4] != '-' {
		return f, false
	}
	f.y = int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	for _, am := range altM {
		mo, i, ok := am.match(s, 5)
		if !ok || i >= len(s) || s[i] != '-' {
			continue
		}
		for _, ad := range altD {
			d, j, ok := ad.match(s, i+1)
			if !ok {
				continue
			}
			k := j
			for k < len(s) && reSpace(s[k]) {
				k++
			}
			if k == j {
				continue
			}
			// \s+ is greedy and H starts with a digit: no backtracking
			// into the spaces can help.
			for _, ah := range altH {
				h, p, ok := ah.match(s, k)
				if !ok || p >= len(s) || s[p] != ':' {
					continue
				}
				for _, ami := range altMi {
					mi, q, ok := ami.match(s, p+1)
					if !ok || q >= len(s) || s[q] != ':' {
						continue
					}
					for _, as := range altS {
						sec, r, ok := as.match(s, q+1)
						if !ok {
							continue
						}
						// re.match has succeeded: this is the match; the
						// text must end here or strptime fails.
						f.mo, f.d, f.h, f.mi, f.s = mo, d, h, mi, sec
						return f, r == len(s)
					}
				}
			}
		}
	}
	return f, false
}

// classifyLeaf decides how DRF converts leaf text. For leafInt, digits is
// the signed digit string (whitespace stripped).
func classifyLeaf(s []byte) (kind leafKind, dt dtFields, digits []byte) {
	ascii := true
	for _, c := range s {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		// Non-ASCII text can still be a number (Unicode digits, Unicode
		// spaces around ASCII digits): let Python decide those.
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRune(s[i:])
			i += n
			if r >= 0x80 && (unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) ||
				unicode.In(r, unicode.Nd) || r == 0x2028 || r == 0x2029) {
				return leafPython, dt, nil
			}
		}
		return leafStr, dt, nil
	}
	if f, ok := matchDateTime(s); ok {
		return leafDateTime, f, nil
	}
	// Python's int() and Decimal() strip whitespace first.
	a, b := 0, len(s)
	for a < b && reSpace(s[a]) {
		a++
	}
	for b > a && reSpace(s[b-1]) {
		b--
	}
	t := s[a:b]
	if len(t) == 0 {
		return leafStr, dt, nil
	}
	hasDigit := false
	for _, c := range t {
		if c == '_' {
			return leafPython, dt, nil
		}
		if isDigit(c) {
			hasDigit = true
		}
	}
	i := 0
	if t[0] == '+' || t[0] == '-' {
		i = 1
	}
	j := i
	for j < len(t) && isDigit(t[j]) {
		j++
	}
	if j == len(t) && j > i {
		return leafInt, dt, t
	}
	if isDecimal(t[i:], hasDigit) {
		return leafDecimal, dt, nil
	}
	return leafStr, dt, nil
}

// isDecimal matches Decimal's string syntax (after the sign):
// digits [. [digits]] | . digits, then an optional exponent; or Inf,
// Infinity, NaN[digits], sNaN[digits] in any case.
func isDecimal(t []byte, hasDigit bool) bool {
	if len(t) == 0 {
		return false
	}
	lower := func(b []byte) string {
		out := make([]byte, len(b))
		for k, c := range b {
			if c >= 'A' && c <= 'Z' {
				c += 32
			}
			out[k] = c
		}
		return string(out)
	}
	if !isDigit(t[0]) && t[0] != '.' {
		l := lower(t)
		if l == "inf" || l == "infinity" {
			return true
		}
		for _, p := range []string{"nan", "snan"} {
			if len(l) >= len(p) && l[:len(p)] == p {
				rest := l[len(p):]
				for k := 0; k < len(rest); k++ {
					if !isDigit(rest[k]) {
						return false
					}
				}
				return true
			}
		}
		return false
	}
	if !hasDigit {
		return false
	}
	i := 0
	intDigits := 0
	for i < len(t) && isDigit(t[i]) {
		i++
		intDigits++
	}
	fracDigits := 0
	if i < len(t) && t[i] == '.' {
		i++
		for i < len(t) && isDigit(t[i]) {
			i++
			fracDigits++
		}
	}
	if intDigits+fracDigits == 0 {
		return false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		e := i
		for i < len(t) && isDigit(t[i]) {
			i++
		}
		if i == e {
			return false
		}
	}
	return i == len(t)
}
