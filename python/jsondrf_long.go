package python

/*
#include "goaccel.h"

// The low 128 bits of a non-negative int, big-endian; -1 (no exception
// left set) when o is not an int or does not fit.
static int jsondrf_long_u128(PyObject *o, unsigned char *out) {
    if (!PyLong_Check(o)) return -1;
    if (_PyLong_AsByteArray((PyLongObject *)o, out, 16, 0, 0) < 0) {
        PyErr_Clear();
        return -1;
    }
    return 0;
}
*/
import "C"

import (
	"encoding/binary"
	"unsafe"
)

// LongUint128 reads a non-negative int below 2**128 (jsonfast's DRF
// renderer writes uuid.UUID.int as hex with it).
func LongUint128(o Object) (hi, lo uint64, ok bool) {
	var b [16]byte
	if C.jsondrf_long_u128(o.p, (*C.uchar)(unsafe.Pointer(&b[0]))) != 0 {
		return 0, 0, false
	}
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), true
}
