package python

// LongSmall reads an int of at most one 30-bit digit (|v| < 2**30), the
// common case, small enough to be inlined into an encoder's loop; ok is
// false for anything larger (read those with LongInt64).
func LongSmall(i Object) (int64, bool) {
	size := i.varSize()
	if uint64(size+1) > 2 {
		return 0, false
	}
	// ob_digit[0] exists even for zero (size 0): the product is then 0.
	return int64(size) * int64(*(*uint32)(i.field(lay.LongDigits))), true
}
