// Copyright 2025 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Code in this file is Go's internal/strconv Dragonbox (ftoadbox.go,
// math.go), 64-bit path only, copied so that the encoder gets the shortest
// round-trip digits and decimal exponent as integers, without strconv's
// formatting to "d.ddde±XX" and the re-parse that face-specific layout
// would otherwise need. The algorithm is unchanged.

package jsonfast

import "math/bits"

const dbx_floatMantBits64 = 52

const dbx_maxUint64 = 1<<64 - 1

// A dbx_uint128 is a 128-bit uint.
// The fields are exported to make them visible to package strconv_test.
type dbx_uint128 struct {
	Hi uint64
	Lo uint64
}

func dboxFtoa64(mant uint64, exp int, denorm bool) (digits uint64, dexp int) {
	if mant == 1<<dbx_floatMantBits64 && !denorm {
		// Algorithm 5.6 (page 24).
		k0 := -dbx_mulLog10_2MinusLog10_4Over3(exp)
		φ, β := dboxPow64(k0, exp)
		xi, zi := dboxRange64(φ, β)
		if exp != 2 && exp != 3 {
			xi++
		}
		q := zi / 10
		if xi <= q*10 {
			q, zeros := dbx_trimZeros(q)
			return q, -k0 + 1 + zeros
		}
		yru := dboxRoundUp64(φ, β)
		if exp == -77 && yru%2 != 0 {
			yru--
		} else if yru < xi {
			yru++
		}
		return yru, -k0
	}

	// κ = 2 for float64 (section 5.1.3)
	const (
		κ     = 2
		p10κ  = 100       // 10**κ
		p10κ1 = p10κ * 10 // 10**(κ+1)
	)

	// Algorithm 5.2 (page 15).
	k0 := -dbx_mulLog10_2(exp)
	φ, β := dboxPow64(κ+k0, exp)
	zi, exact := dboxMulPow64(uint64(mant*2+1)<<β, φ)
	s, r := zi/p10κ1, uint32(zi%p10κ1)
	δi := dboxDelta64(φ, β)

	if r < δi {
		if r != 0 || !exact || mant%2 == 0 {
			s, zeros := dbx_trimZeros(s)
			return s, -k0 + 1 + zeros
		}
		s--
		r = p10κ * 10
	} else if r == δi {
		parity, exact := dboxParity64(uint64(mant*2-1), φ, β)
		if parity || (exact && mant%2 == 0) {
			s, zeros := dbx_trimZeros(s)
			return s, -k0 + 1 + zeros
		}
	}

	// Algorithm 5.4 (page 18).
	D := r + p10κ/2 - δi/2
	t, ρ := D/p10κ, D%p10κ
	yru := 10*s + uint64(t)
	if ρ == 0 {
		parity, exact := dboxParity64(mant*2, φ, β)
		if parity != ((D-p10κ/2)%2 != 0) || exact && yru%2 != 0 {
			yru--
		}
	}
	return yru, -k0
}

// dbx_uadd128 returns the full 128 bits of u + n.
func dbx_uadd128(u dbx_uint128, n uint64) dbx_uint128 {
	sum := uint64(u.Lo + n)
	// Check if lo is wrapped around.
	if sum < u.Lo {
		u.Hi++
	}
	u.Lo = sum
	return u
}

// dbx_umul128Upper64 returns the upper 64 bits (out of 128 bits) of x * y:
// one MULQ on amd64 (bits.Mul64 is an intrinsic) instead of the portable
// four 32-bit products of the code this was copied from.
func dbx_umul128Upper64(x, y uint64) uint64 {
	hi, _ := bits.Mul64(x, y)
	return hi
}

// dbx_umul192Upper128 returns the upper 128 bits (out of 192 bits) of x * y.
func dbx_umul192Upper128(x uint64, y dbx_uint128) dbx_uint128 {
	r := dbx_umul128(x, y.Hi)
	t := dbx_umul128Upper64(x, y.Lo)
	return dbx_uadd128(r, t)
}

// dbx_umul192Lower128 returns the lower 128 bits (out of 192 bits) of x * y.
func dbx_umul192Lower128(x uint64, y dbx_uint128) dbx_uint128 {
	high := x * y.Hi
	highLow := dbx_umul128(x, y.Lo)
	return dbx_uint128{uint64(high + highLow.Hi), highLow.Lo}
}

// dboxMulPow64 computes x^(i), y^(i), z^(i)
// from the precomputed value of φ̃k for float64
// and also checks if x^(f), y^(f), z^(f) == 0 (section 5.2.1).
func dboxMulPow64(u uint64, phi dbx_uint128) (intPart uint64, isInt bool) {
	r := dbx_umul192Upper128(u, phi)
	intPart = r.Hi
	isInt = r.Lo == 0
	return
}

// dboxParity64 computes only the parity of x^(i), y^(i), z^(i)
// from the precomputed value of φ̃k for float64
// and also checks if x^(f), y^(f), z^(f) = 0 (section 5.2.1).
func dboxParity64(mant2 uint64, phi dbx_uint128, beta int) (parity bool, isInt bool) {
	r := dbx_umul192Lower128(mant2, phi)
	parity = ((r.Hi >> (64 - beta)) & 1) != 0
	isInt = ((uint64(r.Hi << beta)) | (r.Lo >> (64 - beta))) == 0
	return
}

// dboxDelta64 returns δ^(i) from the precomputed value of φ̃k for float64.
func dboxDelta64(φ dbx_uint128, β int) uint32 {
	return uint32(φ.Hi >> (64 - 1 - β))
}

// dbx_mulLog10_2MinusLog10_4Over3 computes
// ⌊e*log10(2)-log10(4/3)⌋ = ⌊log10(2^e)-log10(4/3)⌋ (section 6.3).
func dbx_mulLog10_2MinusLog10_4Over3(e int) int {
	// e should be in the range [-2985, 2936].
	return (e*631305 - 261663) >> 21
}

// dboxRange64 returns the left and right float64 endpoints.
func dboxRange64(φ dbx_uint128, β int) (left, right uint64) {
	left = (φ.Hi - (φ.Hi >> (dbx_floatMantBits64 + 2))) >> (64 - dbx_floatMantBits64 - 1 - β)
	right = (φ.Hi + (φ.Hi >> (dbx_floatMantBits64 + 1))) >> (64 - dbx_floatMantBits64 - 1 - β)
	return left, right
}

// dboxRoundUp64 computes the round up of y (i.e., y^(ru)).
func dboxRoundUp64(phi dbx_uint128, beta int) uint64 {
	return (phi.Hi>>(128/2-dbx_floatMantBits64-2-beta) + 1) / 2
}

// dboxPow64 gets the precomputed value of φ̃̃k for float64.
func dboxPow64(k, e int) (φ dbx_uint128, β int) {
	φ, e1, _ := dbx_pow10(k)
	if k < 0 || k > 55 {
		φ.Lo++
	}
	β = e + e1 - 1
	return φ, β
}

// dbx_umul128 returns the 128-bit product x*y.
func dbx_umul128(x, y uint64) dbx_uint128 {
	hi, lo := bits.Mul64(x, y)
	return dbx_uint128{hi, lo}
}

// dbx_pow10 returns the 128-bit mantissa and binary exponent of 10**e.
// That is, 10^e = mant/2^128 * 2**exp.
// If e is out of range, dbx_pow10 returns ok=false.
func dbx_pow10(e int) (mant dbx_uint128, exp int, ok bool) {
	if e < dbx_pow10Min || e > dbx_pow10Max {
		return
	}
	return dbx_pow10Tab[e-dbx_pow10Min], 1 + dbx_mulLog2_10(e), true
}

// The range restriction lets us work in faster integer arithmetic instead of
// slower floating point arithmetic. Correctness is verified by unit tests.
func dbx_mulLog10_2(x int) int {
	// log(2)/log(10) ≈ 0.30102999566 ≈ 78913 / 2^18
	return (x * 78913) >> 18
}

// The range restriction lets us work in faster integer arithmetic instead of
// slower floating point arithmetic. Correctness is verified by unit tests.
func dbx_mulLog2_10(x int) int {
	// log(10)/log(2) ≈ 3.32192809489 ≈ 108853 / 2^15
	return (x * 108853) >> 15
}

// This is here for reference and tested, because it is an optimization
// used by other ftoa algorithms, but in our implementations it has
// never been benchmarked to be faster than trimming zeros after
// formatting into decimal bytes.
func dbx_trimZeros(x uint64) (uint64, int) {
	const (
		div1e8m  = 0xc767074b22e90e21
		div1e8le = dbx_maxUint64 / 100000000

		div1e4m  = 0xd288ce703afb7e91
		div1e4le = dbx_maxUint64 / 10000

		div1e2m  = 0x8f5c28f5c28f5c29
		div1e2le = dbx_maxUint64 / 100

		div1e1m  = 0xcccccccccccccccd
		div1e1le = dbx_maxUint64 / 10
	)

	// _ = assert[x - y] asserts at compile time that x == y.
	// Assert that the multiplicative inverses are correct
	// by checking that (div1eNm * 5^N) % 1<<64 == 1.
	var assert [1]struct{}
	_ = assert[(div1e8m*5*5*5*5*5*5*5*5)%(1<<64)-1]
	_ = assert[(div1e4m*5*5*5*5)%(1<<64)-1]
	_ = assert[(div1e2m*5*5)%(1<<64)-1]
	_ = assert[(div1e1m*5)%(1<<64)-1]

	// Cut 8 zeros, then 4, then 2, then 1.
	p := 0
	for d := bits.RotateLeft64(x*div1e8m, -8); d <= div1e8le; d = bits.RotateLeft64(x*div1e8m, -8) {
		x = d
		p += 8
	}
	if d := bits.RotateLeft64(x*div1e4m, -4); d <= div1e4le {
		x = d
		p += 4
	}
	if d := bits.RotateLeft64(x*div1e2m, -2); d <= div1e2le {
		x = d
		p += 2
	}
	if d := bits.RotateLeft64(x*div1e1m, -1); d <= div1e1le {
		x = d
		p += 1
	}
	return x, p
}
