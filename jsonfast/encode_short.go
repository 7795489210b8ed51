package jsonfast

import (
	"encoding/binary"
	"slices"
	"unsafe"
)

// Short ASCII strings (most dict keys) are written with whole-word loads
// and stores: one or two 8-byte loads from the str, one escape test, one
// or two 8-byte stores into the output, instead of the scan-then-memmove
// of appendQuoted.
//
// Reading 16 bytes from a str of n < 16 characters may read past its last
// character (and its NUL) but never past its allocation: the caller passes
// only exact compact ASCII strs, whose characters start 48 bytes into the
// object, allocated with at least 48+n+1 bytes, which both pymalloc
// (16-byte size classes: >= 64 bytes) and glibc malloc (usable size >= 56
// for 49..56 bytes requested, >= 72 for 57..72) round up to cover
// data[0:16). The bytes beyond n are masked out before the escape test and
// overwritten in the output.

// fill replaces the masked-out bytes: a letter never needs escaping.
const fill = ones * 'a'

// appendQuotedShort is appendQuoted for the characters s of an exact
// compact ASCII str.
func appendQuotedShort(b []byte, s []byte, tbl *[128]bool, tail byte) []byte {
	n := len(s)
	if n == 0 || n >= 16 {
		return appendQuoted(b, s, tbl, tail)
	}
	del := tbl == &escASCII
	p := unsafe.Pointer(unsafe.SliceData(s))
	b = slices.Grow(b, 19)
	l := len(b)
	out := b[l : l+19 : l+19]
	if n < 8 {
		mask := uint64(1)<<(8*uint(n)) - 1
		w := *(*uint64)(p)&mask | fill&^mask
		if needsEscape(w, del) {
			return appendQuoted(b, s, tbl, tail)
		}
		binary.LittleEndian.PutUint64(out[1:9], w)
	} else {
		mask := uint64(1)<<(8*uint(n-8)) - 1
		w0 := *(*uint64)(p)
		w1 := *(*uint64)(unsafe.Add(p, 8))&mask | fill&^mask
		if (escapeBits(w0, del)|escapeBits(w1, del))&highs != 0 {
			return appendQuoted(b, s, tbl, tail)
		}
		binary.LittleEndian.PutUint64(out[1:9], w0)
		binary.LittleEndian.PutUint64(out[9:17], w1)
	}
	out[0] = '"'
	out[n+1] = '"'
	out[n+2] = tail
	if tail != 0 {
		return b[:l+n+3]
	}
	return b[:l+n+2]
}
