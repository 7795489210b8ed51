package python

/*
#include <stdlib.h>
#include "jsondec_build.h"
*/
import "C"

import "unsafe"

// JSONDecTags are the tape tags as the C builder (jsondec_build.h) numbers
// them; jsonfast's tests compare them with its own constants.
var JSONDecTags = map[string]int{
	"null": C.JD_NULL, "true": C.JD_TRUE, "false": C.JD_FALSE,
	"smallint": C.JD_SMALLINT, "int": C.JD_INT, "uint": C.JD_UINT,
	"float": C.JD_FLOAT, "bigint": C.JD_BIGINT, "str": C.JD_STR, "key": C.JD_KEY,
	"array": C.JD_ARRAY, "object": C.JD_OBJECT,
	"shortstr": C.JD_SHORTSTR, "shortkey": C.JD_SHORTKEY,
	"f_ascii": C.JD_ASCII, "f_scratch": C.JD_SCRATCH, "f_surrogate": C.JD_SURROGATE,
	"f_latin1": C.JD_LATIN1, "f_ucs2": C.JD_UCS2,
}

func jsondecBytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.SliceData(b)))
}

// JSONBuildTape builds the Python value described by a jsonfast tape (the
// words, the input the string offsets point into, and the scratch buffer of
// unescaped strings) in one C pass. GIL held. cacheKeys reuses str objects
// for repeated short ASCII object keys.
func JSONBuildTape(words []uint64, input, scratch []byte, cacheKeys bool) (Ref, error) {
	if len(words) == 0 {
		return Ref{}, Errorf(SystemError, "jsonfast: empty tape")
	}
	ck := C.int(0)
	if cacheKeys {
		ck = 1
	}
	p := C.goaccel_jsondec_build((*C.uint64_t)(unsafe.Pointer(unsafe.SliceData(words))),
		C.Py_ssize_t(len(words)), jsondecBytesPtr(input), jsondecBytesPtr(scratch), ck)
	return own(p)
}

// JSONDecodeRaise raises cls(msg, doc, pos): doc is docObj when it is a str,
// else text decoded as UTF-8 (invalid bytes replaced). It returns
// ErrAlreadySet for the caller to pass on.
func JSONDecodeRaise(cls Object, msg string, docObj Object, text []byte, pos int) error {
	cm := C.CString(msg)
	defer C.free(unsafe.Pointer(cm))
	C.goaccel_jsondec_raise(cls.p, cm, docObj.p, jsondecBytesPtr(text), C.Py_ssize_t(len(text)), C.Py_ssize_t(pos))
	if !Occurred() {
		return Errorf(SystemError, "jsonfast: could not raise %s", msg)
	}
	return ErrAlreadySet
}

// JSONDecClearKeyCache drops the decoder's cached key strings.
func JSONDecClearKeyCache() { C.goaccel_jsondec_clear_cache() }

// NotImplemented returns a new reference to the NotImplemented singleton
// (the jsonfast decoder's "use the slow path" answer).
func NotImplementedRef() Ref {
	return NewRef(Object{C.Py_NotImplemented})
}

// IsNotImplemented says whether o is the NotImplemented singleton.
func IsNotImplemented(o Object) bool { return o.p == C.Py_NotImplemented }
