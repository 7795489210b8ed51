package jsonfast

import (
	"math/bits"
	"unsafe"
)

// escIndexSWAR returns the index of the first byte of p[:n] (n >= 8) that
// needs a JSON escape, or n: the test of escapeBits, eight bytes a step.
// The lowest flagged byte of a word is always a true one (escapeBits'
// borrows only start at a byte that needs an escape), so it is exact.
func escIndexSWAR(p *byte, n int, del bool) int {
	q := unsafe.Pointer(p)
	i := 0
	for ; i+8 <= n; i += 8 {
		if m := escapeBits(*(*uint64)(unsafe.Add(q, i)), del) & highs; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	if i < n { // the last eight bytes, overlapping checked ones
		if m := escapeBits(*(*uint64)(unsafe.Add(q, n-8)), del) & highs; m != 0 {
			return n - 8 + bits.TrailingZeros64(m)/8
		}
	}
	return n
}
