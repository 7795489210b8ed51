package python

/*
#include "xml_tape.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// XML tape operations (see xml_tape.h).
const (
	TapeAttr    = C.XML_TAPE_ATTR
	TapeOpen    = C.XML_TAPE_OPEN
	TapeClose   = C.XML_TAPE_CLOSE
	TapeLeaf    = C.XML_TAPE_LEAF
	TapeComment = C.XML_TAPE_COMMENT

	TapeForceList      = C.XML_TAPE_FORCE_LIST
	TapeForceCData     = C.XML_TAPE_FORCE_CDATA
	TapeCDataForceList = C.XML_TAPE_CDATA_FORCE_LIST
)

// BuildXMLTape builds xmltodict's result from tape (5 words per op) in one
// C call. keys are the interned key strs the ops index; text holds every
// text the ops slice. maxDepth bounds the OPEN nesting.
func BuildXMLTape(tape []int64, keys []Object, text []byte, maxDepth int, cdataKey Object) (Ref, error) {
	var tp, kp, xp uintptr
	if len(tape) > 0 {
		tp = uintptr(unsafe.Pointer(&tape[0]))
	}
	if len(keys) > 0 {
		kp = uintptr(unsafe.Pointer(&keys[0]))
	}
	if len(text) > 0 {
		xp = uintptr(unsafe.Pointer(&text[0]))
	}
	r := C.goaccel_xml_build_tape(C.uintptr_t(tp), C.Py_ssize_t(len(tape)/5), C.uintptr_t(kp),
		C.uintptr_t(xp), C.Py_ssize_t(maxDepth), cdataKey.p)
	runtime.KeepAlive(tape)
	runtime.KeepAlive(keys)
	runtime.KeepAlive(text)
	return own(r)
}
