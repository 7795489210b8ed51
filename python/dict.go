package python

/*
#include "goaccel.h"
*/
import "C"

import "unsafe"

// DictIter walks a dict's live entries in insertion order. Combined tables
// (every dict except some instance __dict__s) are read directly from the
// keys object; split tables are copied out by one C call to PyDict_Next.
// The dict must not be mutated while it is walked.
type DictIter struct {
	entries unsafe.Pointer // first entry of a combined table
	stride  uintptr
	valOff  uintptr
	n, i    int
	pairs   []Object // split tables: k0, v0, k1, v1, ...
}

// Items returns an iterator over d's items.
func Items(d Object) DictIter {
	if *(*unsafe.Pointer)(d.field(lay.DictValues)) == nil {
		keys := *(*unsafe.Pointer)(d.field(lay.DictKeys))
		log2IndexBytes := *(*uint8)(unsafe.Add(keys, lay.KeysLog2IndexBytes))
		kind := *(*uint8)(unsafe.Add(keys, lay.KeysKind))
		it := DictIter{
			entries: unsafe.Add(keys, lay.KeysIndices+uintptr(1)<<log2IndexBytes),
			n:       int(*(*int64)(unsafe.Add(keys, lay.KeysNEntries))),
		}
		if kind == lay.KeysKindGeneral {
			it.stride, it.valOff = lay.EntryGeneralSize, lay.EntryGeneralValue
			it.entries = unsafe.Add(it.entries, lay.EntryGeneralKey)
		} else {
			it.stride, it.valOff = lay.EntryUnicodeSize, lay.EntryUnicodeValue
			it.entries = unsafe.Add(it.entries, lay.EntryUnicodeKey)
		}
		// entries points at the first key; the value sits valOff after it.
		it.valOff -= keyOffset(kind)
		return it
	}
	n := DictLen(d)
	pairs := make([]Object, 2*n)
	if n > 0 {
		got := C.goaccel_dict_items(d.p, (**C.PyObject)(unsafe.Pointer(&pairs[0])), C.Py_ssize_t(n))
		pairs = pairs[:2*int(got)]
	}
	return DictIter{pairs: pairs, n: len(pairs) / 2}
}

func keyOffset(kind uint8) uintptr {
	if kind == lay.KeysKindGeneral {
		return lay.EntryGeneralKey
	}
	return lay.EntryUnicodeKey
}

// Next returns the next live key/value pair.
func (it *DictIter) Next() (key, value Object, ok bool) {
	if it.entries == nil {
		if it.i >= it.n {
			return Object{}, Object{}, false
		}
		k, v := it.pairs[2*it.i], it.pairs[2*it.i+1]
		it.i++
		return k, v, true
	}
	for it.i < it.n {
		e := unsafe.Add(it.entries, uintptr(it.i)*it.stride)
		it.i++
		v := *(*Object)(unsafe.Add(e, it.valOff))
		if v.p != nil {
			return *(*Object)(e), v, true
		}
	}
	return Object{}, Object{}, false
}
