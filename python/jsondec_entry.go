package python

/*
#include "goaccel.h"
PyObject *jsondec_new_orjson_loads(PyObject *module);
*/
import "C"

// OrjsonLoadsHook is jsonfast's orjson-face loads (jsonfast.LoadsOrjson),
// installed by native/json_decode.go (package python cannot import
// jsonfast). The C entry (jsondec_entry.c) calls it for every document
// its small-document parser declines.
var OrjsonLoadsHook func(obj Object) (Ref, error)

// AddOrjsonLoads adds the C-level orjson loads function (jsondec_entry.c)
// to module as attribute "loads_orjson_c".
func AddOrjsonLoads(module Object) error {
	fn, err := own(C.jsondec_new_orjson_loads(module.p))
	if err != nil {
		return err
	}
	defer fn.Release()
	return AddObject(module, "loads_orjson_c", fn.Object)
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
	ref, err := OrjsonLoadsHook(Object{obj})
	if err != nil {
		ref.Release()
		SetError(err)
		return nil
	}
	if ref.p == nil {
		if !Occurred() {
			raiseString(SystemError, "jsonfast: loads returned NULL without an exception")
		}
		return nil
	}
	return ref.Steal().p
}
