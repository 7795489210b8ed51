package python

/*
#include "goaccel.h"

// A str from bytes known to be ASCII: one allocation and one copy, no
// decoding (PyUnicode_New with maxchar 127 makes a compact ASCII str).
static PyObject *jsonenc_ascii_str(const char *p, Py_ssize_t n) {
    PyObject *s = PyUnicode_New(n, 127);
    if (s == NULL) return NULL;
    if (n > 0) memcpy(PyUnicode_DATA(s), p, (size_t)n);
    return s;
}

// UTF-8 that may carry lone surrogates encoded as 3-byte sequences
// (what json.dumps(..., ensure_ascii=False) produces for such strings).
static PyObject *jsonenc_utf8_str(const char *p, Py_ssize_t n, int surrogates) {
    return PyUnicode_DecodeUTF8(p, n, surrogates ? "surrogatepass" : NULL);
}

static PyObject *jsonenc_long_repr(PyObject *o) { return PyLong_Type.tp_repr(o); }
static PyObject *jsonenc_float_repr(PyObject *o) { return PyFloat_Type.tp_repr(o); }
static PyObject *jsonenc_mapping_items(PyObject *o) { return PyMapping_Items(o); }
static int jsonenc_list_sort(PyObject *o) { return PyList_Sort(o); }
static PyObject *jsonenc_seq_list(PyObject *o) { return PySequence_List(o); }
static int jsonenc_callable(PyObject *o) { return PyCallable_Check(o); }
static int jsonenc_enter_recursive(void) { return Py_EnterRecursiveCall(" while encoding a JSON object"); }
*/
import "C"

import "unsafe"

// This file holds jsonfast's encoder helpers: the few C API calls the
// encoder needs beyond the common binding layer.

// NewASCIIStr builds a str from bytes that are all below 0x80 (the caller
// guarantees it; nothing is checked).
func NewASCIIStr(b []byte) (Ref, error) {
	var p *C.char
	if len(b) > 0 {
		p = (*C.char)(unsafe.Pointer(&b[0]))
	}
	return own(C.jsonenc_ascii_str(p, C.Py_ssize_t(len(b))))
}

// NewStrSurrogates decodes UTF-8; with surrogates it accepts encoded lone
// surrogates (the "surrogatepass" error handler).
func NewStrSurrogates(b []byte, surrogates bool) (Ref, error) {
	var p *C.char
	if len(b) > 0 {
		p = (*C.char)(unsafe.Pointer(&b[0]))
	}
	s := C.int(0)
	if surrogates {
		s = 1
	}
	return own(C.jsonenc_utf8_str(p, C.Py_ssize_t(len(b)), s))
}

// LongRepr is int.__repr__(o), ignoring a subclass's own __repr__ (as
// json does for int subclasses such as IntEnum).
func LongRepr(o Object) (Ref, error) { return own(C.jsonenc_long_repr(o.p)) }

// FloatRepr is float.__repr__(o).
func FloatRepr(o Object) (Ref, error) { return own(C.jsonenc_float_repr(o.p)) }

// MappingItems is PyMapping_Items: a list of (key, value) tuples, calling
// items() on anything but an exact dict.
func MappingItems(o Object) (Ref, error) { return own(C.jsonenc_mapping_items(o.p)) }

// ListSort sorts a list in place with Python's comparisons.
func ListSort(l Object) error {
	if C.jsonenc_list_sort(l.p) < 0 {
		return ErrAlreadySet
	}
	return nil
}

// SequenceList is list(o).
func SequenceList(o Object) (Ref, error) { return own(C.jsonenc_seq_list(o.p)) }

// Callable reports callable(o).
func Callable(o Object) bool { return C.jsonenc_callable(o.p) != 0 }

// DictKeysPointer is ma_keys of an exact dict or dict subclass: it changes
// when the dict is resized, which tells a walker holding direct pointers
// into the entries that they are no longer valid.
func DictKeysPointer(d Object) uintptr { return *(*uintptr)(d.field(lay.DictKeys)) }

// ListLen is the current length of a list (or tuple).
func ListLen(l Object) int { return l.varSize() }

// JSONEnterRecursiveCall is Py_EnterRecursiveCall(" while encoding a JSON
// object"), without allocating the message.
func JSONEnterRecursiveCall() error {
	if C.jsonenc_enter_recursive() != 0 {
		return ErrAlreadySet
	}
	return nil
}

// CallKw calls fn(*args, **kwargs) (kwargs a dict, or NULL).
func CallKw(fn Object, args []Object, kwargs Object) (Ref, error) {
	t, err := NewTuple(len(args))
	if err != nil {
		return Ref{}, err
	}
	defer t.Release()
	for i, a := range args {
		TupleSet(t.Object, i, NewRef(a))
	}
	return own(C.PyObject_Call(fn.p, t.p, kwargs.p))
}

// RichEqual is a == b.
func RichEqual(a, b Object) (bool, error) {
	r := C.PyObject_RichCompareBool(a.p, b.p, C.Py_EQ)
	if r < 0 {
		return false, ErrAlreadySet
	}
	return r == 1, nil
}

// StrCachedUTF8 returns the UTF-8 that CPython has cached inside a compact
// non-ASCII str (made by an earlier PyUnicode_AsUTF8), if there is one.
func StrCachedUTF8(s Object) ([]byte, bool) {
	state := *(*uint32)(s.field(lay.ASCIIState))
	if state&lay.StateCompactBit == 0 || state&lay.StateASCIIBit != 0 {
		return nil, false
	}
	p := *(**byte)(s.field(lay.CompactUTF8))
	if p == nil {
		return nil, false
	}
	return unsafe.Slice(p, int(*(*int64)(s.field(lay.CompactUTF8Length)))), true
}
