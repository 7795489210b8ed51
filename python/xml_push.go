package python

/*
#include "xml_push.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// DictPush is xmltodict's push_data for a dict item: d[key] = value, or
// append to the list already there, or make [old, value]; a new key gets
// [value] when forceList. One C call.
func DictPush(d, key, value Object, forceList bool) error {
	f := C.int(0)
	if forceList {
		f = 1
	}
	if C.goaccel_xml_push(d.p, key.p, value.p, f) < 0 {
		return ErrAlreadySet
	}
	return nil
}

// DictPushText is DictPush with value = the str decoded from UTF-8 text.
// The bytes are passed as an address (they are not retained), which keeps
// cgo's pointer check off this hot path.
func DictPushText(d, key Object, text []byte, forceList bool) error {
	f := C.int(0)
	if forceList {
		f = 1
	}
	var p uintptr
	if len(text) > 0 {
		p = uintptr(unsafe.Pointer(&text[0]))
	}
	r := C.goaccel_xml_push_text(d.p, key.p, C.uintptr_t(p), C.Py_ssize_t(len(text)), f)
	runtime.KeepAlive(text)
	if r < 0 {
		return ErrAlreadySet
	}
	return nil
}

// DictSetText is d[key] = str(text decoded from UTF-8), in one C call
// (the text passed by address, not retained).
func DictSetText(d, key Object, text []byte) error {
	var p uintptr
	if len(text) > 0 {
		p = uintptr(unsafe.Pointer(&text[0]))
	}
	r := C.goaccel_xml_set_text(d.p, key.p, C.uintptr_t(p), C.Py_ssize_t(len(text)))
	runtime.KeepAlive(text)
	if r < 0 {
		return ErrAlreadySet
	}
	return nil
}

// DictSetInt is d[key] = int(v), in one C call.
func DictSetInt(d, key Object, v int64) error {
	if C.goaccel_xml_set_int(d.p, key.p, C.longlong(v)) < 0 {
		return ErrAlreadySet
	}
	return nil
}

// DictMaybeUntrack removes a finished dict of atomic values from the cyclic
// GC (CPython re-tracks it if a container is stored in it later).
func DictMaybeUntrack(d Object) { C.goaccel_xml_untrack(d.p) }
