package jsonfast

import (
	"math"
	"math/big"
	"math/bits"
	"sync"
)

// Fast float conversion. The parser already has the decimal mantissa (up
// to 19 digits) and the power of ten, so it converts them directly with the
// Eisel-Lemire algorithm (as strconv does internally, after re-reading the
// text), falling back to strconv for the rare ambiguous cases. The result
// is the correctly rounded float64, the same as CPython's float().

const (
	pow10MinExp = -348
	pow10MaxExp = 347
)

// pow10Table[q-pow10MinExp] is 10**q as a 128-bit mantissa, normalised to
// have its top bit set and rounded down: {low 64 bits, high 64 bits}.
var (
	pow10Table [pow10MaxExp - pow10MinExp + 1][2]uint64
	pow10Once  sync.Once
)

func initPow10Table() {
	ten := big.NewInt(10)
	for q := pow10MinExp; q <= pow10MaxExp; q++ {
		var v big.Int
		if q >= 0 {
			v.Exp(ten, big.NewInt(int64(q)), nil)
			if n := v.BitLen(); n > 128 {
				v.Rsh(&v, uint(n-128))
			} else {
				v.Lsh(&v, uint(128-n))
			}
		} else {
			var d big.Int
			d.Exp(ten, big.NewInt(int64(-q)), nil)
			// 2**k / 10**-q with enough bits, then truncate to 128.
			k := d.BitLen() + 128 + 64
			v.Lsh(big.NewInt(1), uint(k))
			v.Quo(&v, &d)
			if n := v.BitLen(); n > 128 {
				v.Rsh(&v, uint(n-128))
			}
		}
		words := v.Bits() // little-endian 64-bit words on 64-bit platforms
		var lo, hi uint64
		if len(words) > 0 {
			lo = uint64(words[0])
		}
		if len(words) > 1 {
			hi = uint64(words[1])
		}
		pow10Table[q-pow10MinExp] = [2]uint64{lo, hi}
	}
}

// eiselLemire returns man * 10**exp10 correctly rounded, or ok=false when
// it cannot decide (the caller then uses strconv).
func eiselLemire(man uint64, exp10 int, neg bool) (f float64, ok bool) {
	if man == 0 {
		if neg {
			f = math.Copysign(0, -1)
		}
		return f, true
	}
	if exp10 < pow10MinExp || exp10 > pow10MaxExp {
		return 0, false
	}
	pow10Once.Do(initPow10Table)
	clz := bits.LeadingZeros64(man)
	man <<= uint(clz)
	const bias = 1023
	retExp2 := uint64(217706*exp10>>16+64+bias) - uint64(clz)
	p := &pow10Table[exp10-pow10MinExp]
	xHi, xLo := bits.Mul64(man, p[1])
	if xHi&0x1FF == 0x1FF && xLo+man < man {
		yHi, yLo := bits.Mul64(man, p[0])
		mergedHi, mergedLo := xHi, xLo+yHi
		if mergedLo < xLo {
			mergedHi++
		}
		if mergedHi&0x1FF == 0x1FF && mergedLo+1 == 0 && yLo+man < man {
			return 0, false
		}
		xHi, xLo = mergedHi, mergedLo
	}
	msb := xHi >> 63
	retMantissa := xHi >> (msb + 9)
	retExp2 -= 1 ^ msb
	if xLo == 0 && xHi&0x1FF == 0 && retMantissa&3 == 1 {
		return 0, false
	}
	retMantissa += retMantissa & 1
	retMantissa >>= 1
	if retMantissa>>53 > 0 {
		retMantissa >>= 1
		retExp2++
	}
	if retExp2-1 >= 0x7FF-1 {
		return 0, false
	}
	retBits := retExp2<<52 | retMantissa&(1<<52-1)
	if neg {
		retBits |= 1 << 63
	}
	return math.Float64frombits(retBits), true
}
