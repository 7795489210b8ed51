package python

/*
#include "goaccel.h"
*/
import "C"

import (
	"unsafe"
)

// Object is a borrowed reference to a Python object: valid while its owner
// keeps it alive and the GIL is held. The zero Object is NULL.
type Object struct{ p *C.PyObject }

// ObjectAt wraps a raw PyObject pointer.
func ObjectAt(p unsafe.Pointer) Object { return Object{(*C.PyObject)(p)} }

func (o Object) c() *C.PyObject { return o.p }

// Ptr is the object's address (for identity maps, e.g. cycle detection).
func (o Object) Ptr() uintptr { return uintptr(unsafe.Pointer(o.p)) }

// IsNil reports whether o is NULL.
func (o Object) IsNil() bool { return o.p == nil }

// Type is the object's type, read directly from ob_type.
func (o Object) Type() Object {
	return Object{*(**C.PyObject)(unsafe.Add(unsafe.Pointer(o.p), lay.ObType))}
}

// RefCount is ob_refcnt (for tests of ownership).
func (o Object) RefCount() int {
	return int(*(*int64)(unsafe.Add(unsafe.Pointer(o.p), lay.ObRefcnt)))
}

// IncRef takes a new reference and returns it as owned.
func (o Object) IncRef() Ref {
	C.Py_IncRef(o.p)
	return Ref{o}
}

func (o Object) field(off uintptr) unsafe.Pointer { return unsafe.Add(unsafe.Pointer(o.p), off) }

func (o Object) varSize() int { return int(*(*int64)(o.field(lay.ObSize))) }

// TypeFlags is tp_flags of a type object.
func (o Object) TypeFlags() uint64 {
	return uint64((*C.PyTypeObject)(unsafe.Pointer(o.p)).tp_flags)
}

// IsSubtype reports whether type object o is t or a subclass of it.
func (o Object) IsSubtype(t Object) bool {
	return C.PyType_IsSubtype((*C.PyTypeObject)(unsafe.Pointer(o.p)), (*C.PyTypeObject)(unsafe.Pointer(t.p))) != 0
}

// TypeName is the tp_name of the object's type (e.g. "decimal.Decimal").
func (o Object) TypeName() string {
	return C.GoString((*C.PyTypeObject)(unsafe.Pointer(o.Type().p)).tp_name)
}

// Type flags used by fast subclass checks.
const (
	FlagLongSubclass  = 1 << 24
	FlagListSubclass  = 1 << 25
	FlagTupleSubclass = 1 << 26
	FlagBytesSubclass = 1 << 27
	FlagStrSubclass   = 1 << 28
	FlagDictSubclass  = 1 << 29
	FlagTypeSubclass  = 1 << 31
)

// ---- direct reads of the hot types (the caller has checked the type) ----

// ListItems returns the items of a list as a slice aliasing ob_item. The
// slice is only valid until the list is mutated.
func ListItems(list Object) []Object {
	n := list.varSize()
	if n == 0 {
		return nil
	}
	items := *(**Object)(list.field(lay.ListItems))
	return unsafe.Slice(items, n)
}

// TupleItems returns the items of a tuple.
func TupleItems(tuple Object) []Object {
	n := tuple.varSize()
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*Object)(tuple.field(lay.TupleItems)), n)
}

// FloatValue reads ob_fval of a float.
func FloatValue(f Object) float64 { return *(*float64)(f.field(lay.FloatValue)) }

// LongInt64 reads an int's value when it fits in an int64.
func LongInt64(i Object) (int64, bool) {
	size := i.varSize()
	neg := size < 0
	if neg {
		size = -size
	}
	digits := i.field(lay.LongDigits)
	var v uint64
	switch size {
	case 0:
		return 0, true
	case 1:
		v = uint64(*(*uint32)(digits))
	case 2:
		v = uint64(*(*uint32)(digits)) | uint64(*(*uint32)(unsafe.Add(digits, 4)))<<30
	case 3:
		hi := uint64(*(*uint32)(unsafe.Add(digits, 8)))
		if hi >= 1<<4 { // 60 + 4 bits: beyond 2**64
			return 0, false
		}
		v = uint64(*(*uint32)(digits)) | uint64(*(*uint32)(unsafe.Add(digits, 4)))<<30 | hi<<60
	default:
		return 0, false
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true
	}
	if v >= 1<<63 {
		return 0, false
	}
	return int64(v), true
}

// LongUint64 reads a non-negative int's value when it fits in a uint64.
func LongUint64(i Object) (uint64, bool) {
	size := i.varSize()
	if size < 0 || size > 3 {
		return 0, false
	}
	digits := i.field(lay.LongDigits)
	var v uint64
	for k := size - 1; k >= 0; k-- {
		d := uint64(*(*uint32)(unsafe.Add(digits, 4*k)))
		if k == 2 && d >= 1<<4 {
			return 0, false
		}
		v = v<<30 | d
	}
	return v, true
}

// Str kinds, as PyUnicode_KIND.
const (
	Kind1Byte = 1
	Kind2Byte = 2
	Kind4Byte = 4
)

// StrData describes a str's characters without copying: kind 1, 2 or 4 bytes
// per code point; ascii reports that every code point is below 128 (and so
// the data is also its UTF-8). Compact strings hold their data inline;
// legacy ones (instances of str subclasses) point to it from
// PyUnicodeObject.data. ok is false only for a legacy string that is not
// "ready" (deprecated wstr-only strings), which callers handle through
// StrUTF8.
func StrData(s Object) (data unsafe.Pointer, length int, kind int, ascii bool, ok bool) {
	state := *(*uint32)(s.field(lay.ASCIIState))
	length = int(*(*int64)(s.field(lay.ASCIILength)))
	kind = int((state >> lay.StateKindShift) & 7)
	ascii = state&lay.StateASCIIBit != 0
	if state&lay.StateCompactBit == 0 {
		if state&lay.StateReadyBit == 0 {
			return nil, 0, 0, false, false
		}
		return *(*unsafe.Pointer)(s.field(lay.UnicodeData)), length, kind, ascii, true
	}
	if ascii {
		return s.field(lay.ASCIISize), length, kind, true, true
	}
	return s.field(lay.CompactSize), length, kind, false, true
}

// StrASCII returns the bytes of a compact ASCII str (aliasing its memory).
func StrASCII(s Object) ([]byte, bool) {
	state := *(*uint32)(s.field(lay.ASCIIState))
	if state&(lay.StateCompactBit|lay.StateASCIIBit) != lay.StateCompactBit|lay.StateASCIIBit {
		return nil, false
	}
	n := int(*(*int64)(s.field(lay.ASCIILength)))
	return unsafe.Slice((*byte)(s.field(lay.ASCIISize)), n), true
}

// StrUTF8 returns the UTF-8 encoding of a str, aliasing the str's own
// memory (ASCII data or the cached UTF-8 buffer, which CPython creates on
// first use). It fails on lone surrogates with UnicodeEncodeError set.
func StrUTF8(s Object) ([]byte, error) {
	if b, ok := StrASCII(s); ok {
		return b, nil
	}
	state := *(*uint32)(s.field(lay.ASCIIState))
	if state&lay.StateCompactBit != 0 {
		if p := *(**byte)(s.field(lay.CompactUTF8)); p != nil {
			n := int(*(*int64)(s.field(lay.CompactUTF8Length)))
			return unsafe.Slice(p, n), nil
		}
	}
	var size C.Py_ssize_t
	p := C.PyUnicode_AsUTF8AndSize(s.p, &size)
	if p == nil {
		return nil, ErrAlreadySet
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), int(size)), nil
}

// BytesData returns the contents of a bytes object (aliasing it).
func BytesData(b Object) []byte {
	n := b.varSize()
	return unsafe.Slice((*byte)(b.field(lay.BytesData)), n)
}

// ByteArrayData returns the contents of a bytearray (aliasing it).
func ByteArrayData(b Object) []byte {
	n := b.varSize()
	if n == 0 {
		return nil
	}
	return unsafe.Slice(*(**byte)(b.field(lay.ByteArrayStart)), n)
}

// DictLen is ma_used.
func DictLen(d Object) int { return int(*(*int64)(d.field(lay.DictUsed))) }
