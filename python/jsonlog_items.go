package python

/*
#include "goaccel.h"
*/
import "C"

import "unsafe"

// DictItemsInto copies d's live items into pairs (k0, v0, k1, v1, ...,
// borrowed references) and returns the filled part; pairs must hold
// 2*DictLen(d) objects. Combined tables are read directly; split tables
// (instance __dict__s such as a LogRecord's) take one C call. Unlike Items
// it allocates nothing: jsonfast's log renderer reuses one buffer.
func DictItemsInto(d Object, pairs []Object) []Object {
	if *(*unsafe.Pointer)(d.field(lay.DictValues)) != nil {
		if len(pairs) < 2 {
			return pairs[:0]
		}
		got := C.goaccel_dict_items(d.p, (**C.PyObject)(unsafe.Pointer(&pairs[0])), C.Py_ssize_t(len(pairs)/2))
		return pairs[:2*int(got)]
	}
	it := Items(d)
	n := 0
	for {
		k, v, ok := it.Next()
		if !ok || n+2 > len(pairs) {
			return pairs[:n]
		}
		pairs[n], pairs[n+1] = k, v
		n += 2
	}
}
