package python

/*
#include <stdlib.h>
#include "goaccel.h"
*/
import "C"

import "unsafe"

// Types and singletons, captured at init (borrowed, immortal in practice).
var (
	DictType, ListType, TupleType, StrType, IntType, FloatType Object
	BoolType, BytesType, ByteArrayType, NoneType, TypeType     Object
	MemoryViewType, SetType, FrozenSetType                     Object
	None, True, False                                          Object
)

func typeObject(t *C.PyTypeObject) Object { return Object{(*C.PyObject)(unsafe.Pointer(t))} }

func initTypes() {
	DictType = typeObject(&C.PyDict_Type)
	ListType = typeObject(&C.PyList_Type)
	TupleType = typeObject(&C.PyTuple_Type)
	StrType = typeObject(&C.PyUnicode_Type)
	IntType = typeObject(&C.PyLong_Type)
	FloatType = typeObject(&C.PyFloat_Type)
	BoolType = typeObject(&C.PyBool_Type)
	BytesType = typeObject(&C.PyBytes_Type)
	ByteArrayType = typeObject(&C.PyByteArray_Type)
	MemoryViewType = typeObject(&C.PyMemoryView_Type)
	SetType = typeObject(&C.PySet_Type)
	FrozenSetType = typeObject(&C.PyFrozenSet_Type)
	TypeType = typeObject(&C.PyType_Type)
	None = Object{&C._Py_NoneStruct}
	True = Object{(*C.PyObject)(unsafe.Pointer(&C._Py_TrueStruct))}
	False = Object{(*C.PyObject)(unsafe.Pointer(&C._Py_FalseStruct))}
	NoneType = None.Type()
}

func own(p *C.PyObject) (Ref, error) {
	if p == nil {
		return Ref{}, ErrAlreadySet
	}
	return Ref{Object{p}}, nil
}

// ---- constructors (each returns a new reference) ----

func NewInt64(v int64) (Ref, error)    { return own(C.PyLong_FromLongLong(C.longlong(v))) }
func NewUint64(v uint64) (Ref, error)  { return own(C.PyLong_FromUnsignedLongLong(C.ulonglong(v))) }
func NewFloat(v float64) (Ref, error)  { return own(C.PyFloat_FromDouble(C.double(v))) }
func NewList(n int) (Ref, error)       { return own(C.PyList_New(C.Py_ssize_t(n))) }
func NewTuple(n int) (Ref, error)      { return own(C.PyTuple_New(C.Py_ssize_t(n))) }
func NewDict() (Ref, error)            { return own(C.PyDict_New()) }
func NewBool(b bool) Ref {
	if b {
		return NewRef(True)
	}
	return NewRef(False)
}
func NoneRef() Ref                     { return NewRef(None) }
func NewIntFromDecimal(digits string) (Ref, error) {
	cs := C.CString(digits)
	defer C.free(unsafe.Pointer(cs))
	return own(C.PyLong_FromString(cs, nil, 10))
}

// NewStr decodes UTF-8 (strictly: invalid UTF-8 raises UnicodeDecodeError).
func NewStr(b []byte) (Ref, error) {
	if len(b) == 0 {
		return own(C.PyUnicode_FromStringAndSize(nil, 0))
	}
	return own(C.PyUnicode_DecodeUTF8((*C.char)(unsafe.Pointer(&b[0])), C.Py_ssize_t(len(b)), nil))
}

// NewString is NewStr for a Go string.
func NewString(s string) (Ref, error) {
	if len(s) == 0 {
		return own(C.PyUnicode_FromStringAndSize(nil, 0))
	}
	return own(C.PyUnicode_DecodeUTF8((*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.Py_ssize_t(len(s)), nil))
}

// NewBytes copies b into a new bytes object.
func NewBytes(b []byte) (Ref, error) {
	if len(b) == 0 {
		return own(C.PyBytes_FromStringAndSize(nil, 0))
	}
	return own(C.PyBytes_FromStringAndSize((*C.char)(unsafe.Pointer(&b[0])), C.Py_ssize_t(len(b))))
}

// ListSet stores item at i of a new list, taking ownership of item.
func ListSet(list Object, i int, item Ref) {
	items := *(**Object)(list.field(lay.ListItems))
	*(*Object)(unsafe.Add(unsafe.Pointer(items), uintptr(i)*unsafe.Sizeof(Object{}))) = item.Steal()
}

// TupleSet stores item at i of a new tuple, taking ownership of item.
func TupleSet(tuple Object, i int, item Ref) {
	*(*Object)(unsafe.Add(tuple.field(lay.TupleItems), uintptr(i)*unsafe.Sizeof(Object{}))) = item.Steal()
}

// DictSet sets d[k] = v (both borrowed).
func DictSet(d, k, v Object) error {
	if C.PyDict_SetItem(d.p, k.p, v.p) < 0 {
		return ErrAlreadySet
	}
	return nil
}

// DictGet returns d[k] borrowed, or a nil Object when absent.
func DictGet(d, k Object) (Object, error) {
	v := C.PyDict_GetItemWithError(d.p, k.p)
	if v == nil && Occurred() {
		return Object{}, ErrAlreadySet
	}
	return Object{v}, nil
}

// ---- general operations ----

// Str is str(o) as a Go string.
func Str(o Object) (string, error) {
	s, err := own(C.PyObject_Str(o.p))
	if err != nil {
		return "", err
	}
	defer s.Release()
	b, err := StrUTF8(s.Object)
	return string(b), err
}

// StrObject is str(o).
func StrObject(o Object) (Ref, error) { return own(C.PyObject_Str(o.p)) }

// Repr is repr(o) as a Go string.
func Repr(o Object) (string, error) {
	s, err := own(C.PyObject_Repr(o.p))
	if err != nil {
		return "", err
	}
	defer s.Release()
	b, err := StrUTF8(s.Object)
	return string(b), err
}

// GetAttr is getattr(o, name).
func GetAttr(o Object, name string) (Ref, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return own(C.PyObject_GetAttrString(o.p, cs))
}

// HasAttr is hasattr(o, name).
func HasAttr(o Object, name string) bool {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return C.PyObject_HasAttrString(o.p, cs) != 0
}

// Call calls fn with positional arguments (borrowed).
func Call(fn Object, args ...Object) (Ref, error) {
	var p **C.PyObject
	if len(args) > 0 {
		p = (**C.PyObject)(unsafe.Pointer(&args[0]))
	}
	return own(C.PyObject_Vectorcall(fn.p, p, C.size_t(len(args)), nil))
}

// CallMethod calls o.name(*args).
func CallMethod(o Object, name string, args ...Object) (Ref, error) {
	fn, err := GetAttr(o, name)
	if err != nil {
		return Ref{}, err
	}
	defer fn.Release()
	return Call(fn.Object, args...)
}

// Import imports a module by name.
func Import(name string) (Ref, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return own(C.PyImport_ImportModule(cs))
}

// IsInstance is isinstance(o, t).
func IsInstance(o, t Object) (bool, error) {
	r := C.PyObject_IsInstance(o.p, t.p)
	if r < 0 {
		return false, ErrAlreadySet
	}
	return r == 1, nil
}

// Len is len(o).
func Len(o Object) (int, error) {
	n := C.PyObject_Size(o.p)
	if n < 0 {
		return 0, ErrAlreadySet
	}
	return int(n), nil
}

// EnterRecursiveCall guards deep recursion the way CPython's own C code
// does (RecursionError at sys.getrecursionlimit()).
func EnterRecursiveCall(where string) error {
	cs := C.CString(where)
	defer C.free(unsafe.Pointer(cs))
	if C.Py_EnterRecursiveCall(cs) != 0 {
		return ErrAlreadySet
	}
	return nil
}

// LeaveRecursiveCall ends an EnterRecursiveCall.
func LeaveRecursiveCall() { C.Py_LeaveRecursiveCall() }
