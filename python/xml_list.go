package python

/*
#include "goaccel.h"
*/
import "C"

// Small C-API wrappers xmlfast needs beyond the common set.

// ListAppend is list.append(item) (item borrowed).
func ListAppend(list, item Object) error {
	if C.PyList_Append(list.p, item.p) < 0 {
		return ErrAlreadySet
	}
	return nil
}

// Contains is `item in container`.
func Contains(container, item Object) (bool, error) {
	r := C.PySequence_Contains(container.p, item.p)
	if r < 0 {
		return false, ErrAlreadySet
	}
	return r == 1, nil
}

// IsTrue is bool(o).
func IsTrue(o Object) (bool, error) {
	r := C.PyObject_IsTrue(o.p)
	if r < 0 {
		return false, ErrAlreadySet
	}
	return r == 1, nil
}
