package python

/*
#include "goaccel.h"
PyObject *schema_new_is_valid(PyObject *module);
PyObject *schema_new_bind(PyObject *module);
*/
import "C"

import "runtime/cgo"

// SchemaIsValidHook is schemafast's is_valid for the C entry point
// (schema_entry.c), installed by native/schema.go (package python cannot
// import schemafast). h is the value of a NewHandle capsule; formats is
// nil when format assertion is off.
var SchemaIsValidHook func(h uintptr, formats, instance Object) (bool, error)

// AddSchemaIsValid adds the C-level is_valid function to module as
// attribute "is_valid", and "bind_is_valid" (a Validator's bound is_valid).
func AddSchemaIsValid(module Object) error {
	fn, err := own(C.schema_new_is_valid(module.p))
	if err != nil {
		return err
	}
	defer fn.Release()
	if err := AddObject(module, "is_valid", fn.Object); err != nil {
		return err
	}
	bind, err := own(C.schema_new_bind(module.p))
	if err != nil {
		return err
	}
	defer bind.Release()
	return AddObject(module, "bind_is_valid", bind.Object)
}

//export schemaIsValidEntry
func schemaIsValidEntry(h C.uintptr_t, formats, instance *C.PyObject) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			rc = -1
		}
	}()
	ok, err := SchemaIsValidHook(uintptr(h), Object{formats}, Object{instance})
	if err != nil {
		SetError(err)
		return -1
	}
	if ok {
		return 1
	}
	return 0
}

// HandleValueOf returns the Go value behind a NewHandle capsule's pointer
// (the C entry points read the capsule themselves).
func HandleValueOf(h uintptr) any { return cgo.Handle(h).Value() }
