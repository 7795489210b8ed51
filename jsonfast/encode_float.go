package jsonfast

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// twoDigits holds "00".."99" for writing decimal numbers two digits at a time.
const twoDigits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendUint64 writes v in decimal, straight into b's spare capacity.
// Digits are produced in independent 4-digit groups (two divisions by 100
// each) rather than one long division chain.
func appendUint64(b []byte, v uint64) []byte {
	if v < 10 {
		return append(b, byte('0'+v))
	}
	if v < 100 {
		return append(b, twoDigits[2*v], twoDigits[2*v+1])
	}
	n := decimalLen(v)
	if n <= 16 {
		// Up to 16 digits: made as two 8-digit words in registers
		// (ascii8), shifted so the leading zeros drop out, and stored as
		// two words; bytes past the end land in spare capacity.
		b = slices.Grow(b, 16)
		l := len(b)
		out := b[l : l+16 : l+16]
		if n <= 8 {
			binary.LittleEndian.PutUint64(out[0:8], ascii8(uint32(v))>>(8*uint(8-n)&63))
			return b[:l+n]
		}
		hi := v / 1e8
		lo := ascii8(uint32(v - hi*1e8))
		if hi < 100 {
			// 9 or 10 digits (most ids): the leading part is one table
			// pair, not a second ascii8.
			if hi < 10 {
				out[0] = byte('0' + hi)
				binary.LittleEndian.PutUint64(out[1:9], lo)
				return b[:l+9]
			}
			out[0], out[1] = twoDigits[2*hi], twoDigits[2*hi+1]
			binary.LittleEndian.PutUint64(out[2:10], lo)
			return b[:l+10]
		}
		w0 := ascii8(uint32(hi)) >> (8 * uint(16-n) & 63)
		binary.LittleEndian.PutUint64(out[0:8], w0)
		binary.LittleEndian.PutUint64(out[n-8:n], lo)
		return b[:l+n]
	}
	b = slices.Grow(b, n)
	l := len(b)
	b = b[:l+n]
	putDigits(b[l:], v)
	return b
}

// ascii8 returns the eight decimal digits of x (< 10**8, zero-padded) as
// ASCII in a little-endian word, first digit in the low byte: x is split
// into 4-digit halves in 32-bit lanes, each lane into 2-digit parts in
// 16-bit lanes, each of those into digits in bytes, all lanes at once
// (division by 100 as *10486>>20, by 10 as *103>>10, exact in range).
func ascii8(x uint32) uint64 {
	hi := x / 10000
	merged := uint64(hi) | uint64(x-hi*10000)<<32
	top := (merged * 10486 >> 20) & (0x7f<<32 | 0x7f)
	bot := merged - 100*top
	hundreds := bot<<16 + top
	tens := (hundreds * 103 >> 10) & (0xf<<48 | 0xf<<32 | 0xf<<16 | 0xf)
	tens += (hundreds - 10*tens) << 8
	return tens + ones*'0'
}

// putDigits writes v's decimal digits filling out exactly (len(out) must
// be v's digit count).
func putDigits(out []byte, v uint64) {
	i := len(out)
	for i >= 8 && v >= 10000 {
		q := v / 10000
		put4(out[i-4:i], uint32(v-q*10000))
		v = q
		i -= 4
	}
	for v >= 100 {
		q := v / 100
		r := v - q*100
		i -= 2
		out[i], out[i+1] = twoDigits[2*r], twoDigits[2*r+1]
		v = q
	}
	if v >= 10 {
		out[i-2], out[i-1] = twoDigits[2*v], twoDigits[2*v+1]
	} else {
		out[i-1] = byte('0' + v)
	}
}

// put4 writes exactly four digits of x (< 10000).
func put4(out []byte, x uint32) {
	_ = out[3]
	hi, lo := x/100, x%100
	out[0], out[1] = twoDigits[2*hi], twoDigits[2*hi+1]
	out[2], out[3] = twoDigits[2*lo], twoDigits[2*lo+1]
}

// appendInt64 writes v in decimal.
func appendInt64(b []byte, v int64) []byte {
	if v < 0 {
		return appendUint64(append(b, '-'), uint64(-v))
	}
	return appendUint64(b, uint64(v))
}

// appendFloat writes a finite float the way Python's repr() does (face 1)
// or the way orjson does (face 2). Both print the shortest digit string that
// round-trips (Dragonbox, encode_dbox.go, gives it as an integer and a
// decimal exponent); they differ only in where they switch to exponent
// notation and in how the exponent is written:
//
//	python: exponent when decpt <= -4 or decpt > 16; "1e-05", "1e+16"
//	orjson: exponent when decpt <= -5 or decpt > 16; "1e-6",  "1e+16"
//
// where the value is 0.DIGITS * 10**decpt.
func appendFloat(b []byte, f float64, orjson bool) []byte {
	bits := math.Float64bits(f)
	if bits>>63 != 0 {
		b = append(b, '-')
	}
	exp := int(bits>>52) & 0x7ff
	mant := bits & (1<<52 - 1)
	denorm := false
	if exp == 0 {
		if mant == 0 {
			return append(b, '0', '.', '0')
		}
		exp++
		denorm = true
	} else {
		mant |= 1 << 52
	}
	digits, dexp := dboxFtoa64(mant, exp-1023-52, denorm)
	for digits%10 == 0 {
		digits /= 10
		dexp++
	}
	if dexp < 0 {
		// The common case, digits on both sides of the point (every
		// other layout has either no fraction or no integer part).
		if a := math.Float64frombits(bits &^ (1 << 63)); a >= 1 && a < 1e16 {
			return appendPointed(b, a, digits, -dexp)
		}
	}
	var tmp [24]byte
	d := appendUint64(tmp[:0], digits)
	if orjson {
		return layoutDigits(b, d, len(d)+dexp, -5, 16, false)
	}
	return layoutDigits(b, d, len(d)+dexp, -4, 16, true)
}

// appendPointed writes a float a (1 <= a < 1e16, sign already written)
// whose shortest digits have k (1..16) digits after the point. The
// integer part is the float's own truncation: when the shortest digits
// have a fraction, no integer lies between them and a (it would be a
// shorter candidate in the rounding interval), so trunc(a) is their
// integer part. The fraction is then digits - int*10**k, written as k
// zero-padded digits in whole words — no digit count of the whole number
// (decimalLen) and no shifting of the integer part over the point's slot.
func appendPointed(b []byte, a float64, digits uint64, k int) []byte {
	ip := uint64(a)
	frac := digits - ip*pow10tab[k&31]
	b = appendUint64(b, ip)
	b = slices.Grow(b, 17)
	p := len(b)
	out := b[p : p+17 : p+17]
	out[0] = '.'
	if k <= 8 {
		binary.LittleEndian.PutUint64(out[1:9], ascii8(uint32(frac))>>(8*uint(8-k)&63))
	} else {
		hi := frac / 1e8
		binary.LittleEndian.PutUint64(out[1:9], ascii8(uint32(hi))>>(8*uint(16-k)&63))
		binary.LittleEndian.PutUint64(out[k-7:k+1], ascii8(uint32(frac-hi*1e8)))
	}
	return b[:p+1+k]
}

// layoutDigits writes significant digits d (no trailing zeros) of a value
// 0.d * 10**decpt, in exponent form when decpt <= low or decpt > high
// (see appendFloat), the exponent padded to two digits when pad.
func layoutDigits(b []byte, d []byte, decpt, low, high int, pad bool) []byte {
	nd := len(d)
	switch {
	case decpt <= low || decpt > high:
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
		if e < 10 && pad {
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

// decimalLen is the number of decimal digits of v (v >= 1): log10 from
// the bit length (1233/4096 ~ log10(2)), corrected by one table compare —
// no loop (canada.json's 17-digit floats spent 10% of their time in one).
func decimalLen(v uint64) int {
	n := uint(bits.Len64(v)*1233) >> 12
	if v >= pow10tab[n&31] {
		n++
	}
	return int(n)
}

// pow10tab[i] = 10**i; entries past 10**19 are never reached (the
// estimate is at most 19) and only pad the index mask.
var pow10tab = [32]uint64{
	1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
	^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0),
	^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0),
}
