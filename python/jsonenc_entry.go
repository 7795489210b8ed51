package python

/*
#include "goaccel.h"
PyObject *jsonenc_new_orjson_dumps(PyObject *module);
PyObject *jsonenc_new_orjson_dumps_small(PyObject *module);
*/
import "C"

import "unsafe"

// OrjsonDumpsHook is jsonfast's encoder for the orjson face, installed by
// native/json.go (package python cannot import jsonfast). It encodes obj
// and either copies the output into out (returning its length) or, when it
// does not fit, returns a bytes object it made itself.
var OrjsonDumpsHook func(obj, deflt Object, option uint32, out []byte) (int, Ref, error)

// AddOrjsonDumps adds the C-level orjson dumps function (jsonenc_entry.c)
// to module as attribute "orjson_dumps", and its C small-document encoder
// alone as "orjson_dumps_small" (bytes, or None where it declines).
func AddOrjsonDumps(module Object) error {
	fn, err := own(C.jsonenc_new_orjson_dumps(module.p))
	if err != nil {
		return err
	}
	defer fn.Release()
	if err := AddObject(module, "orjson_dumps", fn.Object); err != nil {
		return err
	}
	// The C small-document encoder alone, for tests (jsonenc_small.c).
	small, err := own(C.jsonenc_new_orjson_dumps_small(module.p))
	if err != nil {
		return err
	}
	defer small.Release()
	return AddObject(module, "orjson_dumps_small", small.Object)
}

//export jsonencOrjsonDumps
func jsonencOrjsonDumps(obj, deflt *C.PyObject, option C.long, out *C.char, outCap C.Py_ssize_t, result **C.PyObject) (n C.Py_ssize_t) {
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			n = -1
		}
	}()
	buf := unsafe.Slice((*byte)(unsafe.Pointer(out)), int(outCap))
	size, ref, err := OrjsonDumpsHook(Object{obj}, Object{deflt}, uint32(option), buf)
	if err != nil {
		ref.Release()
		SetError(err)
		return -1
	}
	if !ref.IsNil() {
		*result = ref.Steal().p
		return 0
	}
	return C.Py_ssize_t(size)
}
