package python

import "unsafe"

// DictState identifies a dict's current keys table and size. A walker that
// reads a dict directly and calls back into Python (str() of a value) checks
// it afterwards: a change means the callback mutated the dict, and the
// entries it was reading may be gone.
func DictState(d Object) (keys uintptr, used int) {
	return uintptr(*(*unsafe.Pointer)(d.field(lay.DictKeys))), DictLen(d)
}
