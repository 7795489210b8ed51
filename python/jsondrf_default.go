package python

/*
#include "goaccel.h"
PyObject *jsondrf_new_default(PyObject *module);
void jsondrf_set_fallback(PyObject *f);
*/
import "C"

// AddDRFDefault adds the C-level DRF default function (jsondrf_default.c)
// to module as attribute name.
func AddDRFDefault(module Object, name string) error {
	fn, err := own(C.jsondrf_new_default(module.p))
	if err != nil {
		return err
	}
	defer fn.Release()
	return AddObject(module, name, fn.Object)
}

// SetDRFFallback gives the C-level DRF default DRF's own JSONEncoder().default,
// which it calls for every type it does not convert itself.
func SetDRFFallback(f Object) { C.jsondrf_set_fallback(f.p) }
