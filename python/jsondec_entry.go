package python

/*
#include "goaccel.h"
PyObject *jsondec_new_orjson_loads(PyObject *module);
PyObject *jsondec_new_std_loads(PyObject *module);
*/
import "C"

import "unsafe"

// OrjsonLoadsHook is jsonfast's orjson-face loads (jsonfast.LoadsOrjson),
// installed by native/json_decode.go (package python cannot import
// jsonfast). The C entry (jsondec_entry.c) calls it for every document
// its small-document parser declines.
var OrjsonLoadsHook func(obj Object) (Ref, error)

// StdLoadsHook is jsonfast's standard library face loads(s, **kw)
// (jsonfast.LoadsFace), installed by native/json_decode.go; the C entry
// calls it for everything its small-document parser does not build.
var StdLoadsHook func(args []Object, kw Kwargs) (Ref, error)

// AddJSONDecEntries adds the C-level loads functions (jsondec_entry.c) to
// module: "loads_orjson_c" (orjson face) and "loads_c" (standard library
// face).
func AddJSONDecEntries(module Object) error {
	for _, e := range []struct {
		name string
		fn   *C.PyObject
	}{
		{"loads_orjson_c", C.jsondec_new_orjson_loads(module.p)},
		{"loads_c", C.jsondec_new_std_loads(module.p)},
	} {
		fn, err := own(e.fn)
		if err != nil {
			return err
		}
		err = AddObject(module, e.name, fn.Object)
		fn.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

//export jsondecStdLoads
func jsondecStdLoads(args **C.PyObject, nargs C.Py_ssize_t, kwnames *C.PyObject) (result *C.PyObject) {
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			result = nil
		}
	}()
	if StdLoadsHook == nil {
		raiseString(RuntimeError, "jsonfast: decoder not initialised")
		return nil
	}
	nkw := 0
	if kwnames != nil {
		nkw = Object{kwnames}.varSize()
	}
	var all []Object
	if n := int(nargs) + nkw; n > 0 {
		all = unsafe.Slice((*Object)(unsafe.Pointer(args)), n)
	}
	return finishHook(StdLoadsHook(all[:nargs], Kwargs{Names: Object{kwnames}, Values: all[nargs:]}))
}

// finishHook turns a hook's result into the C function's return value.
func finishHook(ref Ref, err error) *C.PyObject {
	return resultToC(ref, err, "jsonfast: loads returned NULL without an exception")
}

//export jsondecOrjsonLoads
func jsondecOrjsonLoads(obj *C.PyObject) (result *C.PyObject) {
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			result = nil
		}
	}()
	if OrjsonLoadsHook == nil {
		raiseString(RuntimeError, "jsonfast: decoder not initialised")
		return nil
	}
	return finishHook(OrjsonLoadsHook(Object{obj}))
}
