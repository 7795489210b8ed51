package python

/*
#include "goaccel.h"
*/
import "C"

import "unsafe"

// HandleOf returns the cgo.Handle number inside a capsule made by
// NewHandle without a C call, for jsonfast.logging's per-record entry
// (log_render), where PyCapsule_IsValid's name strcmp and the cgo call
// cost ~5% of a record. The capsule's type and name pointer are learned
// from the first handle checked the slow way; PyCapsule's layout (head,
// pointer, name, ...) has been the same in every CPython 3.x. ok is false
// (and a TypeError set) for anything that is not such a capsule.
func HandleOf(o Object) (h uintptr, ok bool) {
	if capsuleType.p != nil && o.Type() == capsuleType &&
		*(*unsafe.Pointer)(o.field(capsuleName)) == handleName {
		return *(*uintptr)(o.field(capsulePointer)), true
	}
	var ch C.uintptr_t
	if C.goaccel_handle_value(o.p, &ch) < 0 {
		return 0, false
	}
	capsuleType = o.Type()
	handleName = *(*unsafe.Pointer)(o.field(capsuleName))
	return uintptr(ch), true
}

var (
	capsuleType Object         // PyCapsule_Type, once a handle was seen
	handleName  unsafe.Pointer // goaccel_handle_name, as stored in handles
)

// PyCapsule: PyObject_HEAD, void *pointer, const char *name, ...
const (
	capsulePointer = 2 * unsafe.Sizeof(uintptr(0))
	capsuleName    = 3 * unsafe.Sizeof(uintptr(0))
)
