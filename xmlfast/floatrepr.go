package xmlfast

import (
	"math"
	"strconv"
)

// appendFloatRepr writes repr(f) exactly as CPython does: the shortest
// round-tripping digits, fixed notation when the decimal exponent is in
// [-4, 16), else d.ddde±XX; always with a ".0" in fixed form.
func appendFloatRepr(buf []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(buf, "nan"...)
	case math.IsInf(f, 1):
		return append(buf, "inf"...)
	case math.IsInf(f, -1):
		return append(buf, "-inf"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		buf = append(buf, '-')
	}
	// e is "d[.ddd]e±XX"
	var digits [24]byte
	nd := 0
	i := 0
	for ; e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits[nd] = e[i]
			nd++
		}
	}
	exp, _ := strconv.Atoi(string(e[i+1:]))
	d := digits[:nd]
	decpt := exp + 1
	if decpt <= -4 || decpt > 16 {
		buf = append(buf, d[0])
		if nd > 1 {
			buf = append(buf, '.')
			buf = append(buf, d[1:]...)
		}
		buf = append(buf, 'e')
		if exp < 0 {
			buf = append(buf, '-')
			exp = -exp
		} else {
			buf = append(buf, '+')
		}
		if exp < 10 {
			buf = append(buf, '0')
		}
		return strconv.AppendInt(buf, int64(exp), 10)
	}
	switch {
	case decpt <= 0:
		buf = append(buf, '0', '.')
		for k := 0; k < -decpt; k++ {
			buf = append(buf, '0')
		}
		buf = append(buf, d...)
	case decpt < nd:
		buf = append(buf, d[:decpt]...)
		buf = append(buf, '.')
		buf = append(buf, d[decpt:]...)
	default:
		buf = append(buf, d...)
		for k := nd; k < decpt; k++ {
			buf = append(buf, '0')
		}
		buf = append(buf, '.', '0')
	}
	return buf
}
