package jsonfast

import "strconv"

// appendFloat writes a finite float the way Python's repr() does (face 1)
// or the way orjson does (face 2). Both print the shortest digit string that
// round-trips, which is what strconv's 'e' format with precision -1 gives;
// they differ only in where they switch to exponent notation and in how the
// exponent is written:
//
//	python: exponent when decpt <= -4 or decpt > 16; "1e-05", "1e+16"
//	orjson: exponent when decpt <= -5 or decpt > 16; "1e-6",  "1e+16"
//
// where the value is 0.DIGITS * 10**decpt.
func appendFloat(b []byte, f float64, orjson bool) []byte {
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // [-]d[.ddd]e±XX
	if s[0] == '-' {
		b = append(b, '-')
		s = s[1:]
	}
	var digits [20]byte
	nd := 0
	digits[0] = s[0]
	nd = 1
	i := 1
	if s[1] == '.' {
		i = 2
		for s[i] != 'e' {
			digits[nd] = s[i]
			nd++
			i++
		}
	}
	// s[i] == 'e', s[i+1] is the sign.
	exp := 0
	for _, c := range s[i+2:] {
		exp = exp*10 + int(c-'0')
	}
	if s[i+1] == '-' {
		exp = -exp
	}
	decpt := exp + 1
	low := -4
	if orjson {
		low = -5
	}
	d := digits[:nd]
	switch {
	case decpt <= low || decpt > 16:
		b = append(b, d[0])
		if nd > 1 {
			b = append(b, '.')
			b = append(b, d[1:]...)
		}
		b = append(b, 'e')
		e := decpt - 1
		if e < 0 {
			b = append(b, '-')
			e = -e
		} else {
			b = append(b, '+')
		}
		if e < 10 && !orjson {
			b = append(b, '0')
		}
		b = strconv.AppendInt(b, int64(e), 10)
	case decpt <= 0:
		b = append(b, '0', '.')
		for k := 0; k < -decpt; k++ {
			b = append(b, '0')
		}
		b = append(b, d...)
	case decpt >= nd:
		b = append(b, d...)
		for k := nd; k < decpt; k++ {
			b = append(b, '0')
		}
		b = append(b, '.', '0')
	default:
		b = append(b, d[:decpt]...)
		b = append(b, '.')
		b = append(b, d[decpt:]...)
	}
	return b
}
