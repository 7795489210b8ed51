package python

/*
#include "jsondec_build.h"
Py_ssize_t goaccel_jsondec_utf8_bound(PyObject *u);
Py_ssize_t goaccel_jsondec_utf8_encode(PyObject *u, char *out);
const char *goaccel_jsondec_utf8_fill(PyObject *u, Py_ssize_t *len);
*/
import "C"

import "unsafe"

// JSONDecStrView returns the UTF-8 text of str s when CPython has it
// without encoding: the str's own bytes when it is ASCII, its cached UTF-8
// copy when one exists. GIL held.
func JSONDecStrView(s Object) ([]byte, bool) {
	if b, ok := StrASCII(s); ok {
		return b, true
	}
	state := *(*uint32)(s.field(lay.ASCIIState))
	if state&lay.StateCompactBit != 0 {
		if p := *(**byte)(s.field(lay.CompactUTF8)); p != nil {
			n := int(*(*int64)(s.field(lay.CompactUTF8Length)))
			return unsafe.Slice(p, n), true
		}
	}
	return nil, false
}

// JSONDecStrFill encodes non-ASCII compact str s as UTF-8 and stores the
// result on the str as its cached UTF-8 form (as PyUnicode_AsUTF8AndSize
// would, with a ~3x faster encoder); the result aliases it. ok is false
// for strs with a surrogate code point, legacy strs, or no memory (no
// exception is left set). GIL held.
func JSONDecStrFill(s Object) ([]byte, bool) {
	var n C.Py_ssize_t
	p := C.goaccel_jsondec_utf8_fill(s.p, &n)
	if p == nil {
		return nil, false
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(n)), true
}

// JSONDecStrEncode encodes str s as UTF-8 into *buf (grown as needed; the
// result aliases it) without caching the encoding on the str, as
// PyUnicode_AsUTF8AndSize would for the str's whole life. ok is false
// when s holds a surrogate code point (it has no UTF-8 form). GIL held.
func JSONDecStrEncode(s Object, buf *[]byte) (data []byte, ok bool) {
	bound := int(C.goaccel_jsondec_utf8_bound(s.p))
	if bound < 0 { // a legacy str that could not be readied
		C.PyErr_Clear()
		return nil, false
	}
	if cap(*buf) < bound {
		*buf = make([]byte, bound)
	}
	b := (*buf)[:cap(*buf)]
	if bound == 0 {
		return b[:0], true
	}
	n := int(C.goaccel_jsondec_utf8_encode(s.p, (*C.char)(unsafe.Pointer(unsafe.SliceData(b)))))
	if n < 0 {
		return nil, false
	}
	return b[:n], true
}
