package python

/*
#include "goaccel.h"
*/
import "C"

import "unsafe"

// NewBytesBuffer makes a bytes object of n bytes whose contents are not
// yet written and returns its data as an empty slice of capacity n, so an
// encoder can write its output straight into the result (no final copy,
// as orjson does). Until BytesTruncate the object must not be handed to
// Python code: its contents are undefined.
func NewBytesBuffer(n int) (Ref, []byte, error) {
	r, err := own(C.PyBytes_FromStringAndSize(nil, C.Py_ssize_t(n)))
	if err != nil {
		return Ref{}, nil, err
	}
	return r, unsafe.Slice((*byte)(r.field(lay.BytesData)), n)[:0], nil
}

// BytesTruncate shrinks a bytes object from NewBytesBuffer (still private:
// one reference) to its first n bytes (_PyBytes_Resize: the allocation is
// shrunk, the terminating NUL written). On failure r is released and
// MemoryError is set.
func BytesTruncate(r *Ref, n int) error {
	p := r.p
	if C._PyBytes_Resize(&p, C.Py_ssize_t(n)) != 0 {
		r.p = nil
		return ErrAlreadySet
	}
	r.p = p
	return nil
}
