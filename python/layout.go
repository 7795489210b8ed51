package python

/*
#include <stdlib.h>
#include "goaccel.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Layout holds the offsets goaccel reads object memory with, for one CPython
// minor version. Public struct fields are checked against offsetof() from the
// headers at init; internal ones (str state bits, dict keys) are checked by
// probing real objects and comparing with what the C API reports.
type Layout struct {
	Major, Minor int

	ObRefcnt, ObType, ObSize           uintptr
	ListItems, TupleItems, FloatValue  uintptr
	LongDigits, DigitBits, DigitSize   uintptr
	ASCIILength, ASCIIState, ASCIISize uintptr
	CompactUTF8Length, CompactUTF8     uintptr
	CompactSize                        uintptr
	UnicodeData                        uintptr // PyUnicodeObject.data (legacy strs: str subclasses)
	DictUsed, DictKeys, DictValues     uintptr
	BytesData, ByteArrayStart          uintptr

	// PyASCIIObject.state bit field.
	StateKindShift                 uint32
	StateCompactBit, StateASCIIBit uint32
	StateReadyBit                  uint32

	// PyDictKeysObject (Include/internal/pycore_dict.h).
	KeysLog2IndexBytes, KeysKind, KeysNEntries, KeysIndices uintptr
	KeysKindGeneral                                         uint8
	EntryGeneralSize, EntryGeneralKey, EntryGeneralValue    uintptr
	EntryUnicodeSize, EntryUnicodeKey, EntryUnicodeValue    uintptr
}

// layouts is the per-version table. Only versions verified on a real
// interpreter belong here; any other version is refused at import.
var layouts = []Layout{
	{
		Major: 3, Minor: 11,
		ObRefcnt: 0, ObType: 8, ObSize: 16,
		ListItems: 24, TupleItems: 24, FloatValue: 16,
		LongDigits: 24, DigitBits: 30, DigitSize: 4,
		ASCIILength: 16, ASCIIState: 32, ASCIISize: 48,
		CompactUTF8Length: 48, CompactUTF8: 56, CompactSize: 72, UnicodeData: 72,
		DictUsed: 16, DictKeys: 32, DictValues: 40,
		BytesData: 32, ByteArrayStart: 40,

		StateKindShift: 2, StateCompactBit: 1 << 5, StateASCIIBit: 1 << 6, StateReadyBit: 1 << 7,

		KeysLog2IndexBytes: 9, KeysKind: 10, KeysNEntries: 24, KeysIndices: 32,
		KeysKindGeneral:  0,
		EntryGeneralSize: 24, EntryGeneralKey: 8, EntryGeneralValue: 16,
		EntryUnicodeSize: 16, EntryUnicodeKey: 0, EntryUnicodeValue: 8,
	},
}

// lay is the layout in use, chosen and verified by selectLayout.
var lay Layout

// RuntimeVersion is the running interpreter's version as "3.11.7".
func RuntimeVersion() string {
	var l C.goaccel_layout
	C.goaccel_read_layout(&l)
	v := uint64(l.runtime_version)
	return fmt.Sprintf("%d.%d.%d", v>>24&0xff, v>>16&0xff, v>>8&0xff)
}

// selectLayout picks the table for the running interpreter and verifies it.
// The GIL must be held. An error here becomes the ImportError of _goaccel.
func selectLayout() error {
	var l C.goaccel_layout
	C.goaccel_read_layout(&l)
	major, minor := int(l.runtime_version>>24&0xff), int(l.runtime_version>>16&0xff)
	for _, t := range layouts {
		if t.Major == major && t.Minor == minor {
			if err := CheckLayout(t); err != nil {
				return err
			}
			lay = t
			return nil
		}
	}
	return fmt.Errorf("goaccel does not support CPython %s: its object layout is verified only for %s",
		RuntimeVersion(), supportedVersions())
}

func supportedVersions() string {
	s := ""
	for i, t := range layouts {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d.%d", t.Major, t.Minor)
	}
	return s
}

// CheckLayout verifies t against the compiled headers and against real
// objects of the running interpreter. The GIL must be held.
func CheckLayout(t Layout) error {
	var l C.goaccel_layout
	C.goaccel_read_layout(&l)
	if int(l.compiled_version>>24&0xff) != t.Major || int(l.compiled_version>>16&0xff) != t.Minor {
		return fmt.Errorf("goaccel layout table is for CPython %d.%d but the headers are %d.%d",
			t.Major, t.Minor, l.compiled_version>>24&0xff, l.compiled_version>>16&0xff)
	}
	checks := []struct {
		name      string
		got, want uintptr
	}{
		{"PyObject.ob_refcnt", t.ObRefcnt, uintptr(l.ob_refcnt)},
		{"PyObject.ob_type", t.ObType, uintptr(l.ob_type)},
		{"PyVarObject.ob_size", t.ObSize, uintptr(l.ob_size)},
		{"PyListObject.ob_item", t.ListItems, uintptr(l.list_items)},
		{"PyTupleObject.ob_item", t.TupleItems, uintptr(l.tuple_items)},
		{"PyFloatObject.ob_fval", t.FloatValue, uintptr(l.float_value)},
		{"PyLongObject.ob_digit", t.LongDigits, uintptr(l.long_digits)},
		{"PyLong_SHIFT", t.DigitBits, uintptr(l.digit_bits)},
		{"sizeof(digit)", t.DigitSize, uintptr(l.digit_size)},
		{"PyASCIIObject.length", t.ASCIILength, uintptr(l.ascii_length)},
		{"PyASCIIObject.state", t.ASCIIState, uintptr(l.ascii_state)},
		{"sizeof(PyASCIIObject)", t.ASCIISize, uintptr(l.ascii_size)},
		{"PyCompactUnicodeObject.utf8_length", t.CompactUTF8Length, uintptr(l.compact_utf8_length)},
		{"PyCompactUnicodeObject.utf8", t.CompactUTF8, uintptr(l.compact_utf8)},
		{"sizeof(PyCompactUnicodeObject)", t.CompactSize, uintptr(l.compact_size)},
		{"PyUnicodeObject.data", t.UnicodeData, uintptr(l.unicode_data)},
		{"PyDictObject.ma_used", t.DictUsed, uintptr(l.dict_used)},
		{"PyDictObject.ma_keys", t.DictKeys, uintptr(l.dict_keys)},
		{"PyDictObject.ma_values", t.DictValues, uintptr(l.dict_values)},
		{"PyBytesObject.ob_sval", t.BytesData, uintptr(l.bytes_data)},
		{"PyByteArrayObject.ob_start", t.ByteArrayStart, uintptr(l.bytearray_start)},
	}
	for _, c := range checks {
		if c.got != c.want {
			return fmt.Errorf("goaccel layout mismatch for CPython %s: %s is at %d in the table but %d in the headers",
				RuntimeVersion(), c.name, c.got, c.want)
		}
	}
	saved := lay
	lay = t
	err := probeObjects()
	if err != nil {
		lay = saved
		return fmt.Errorf("goaccel layout mismatch for CPython %s: %v", RuntimeVersion(), err)
	}
	lay = saved
	return nil
}

// probeObjects reads real objects with the candidate layout in `lay` and
// compares the results with the C API's answers.
func probeObjects() error {
	ints := []int64{0, 1, -1, 1 << 30, -(1 << 30), 1<<62 + 12345, -1 << 63, 1<<63 - 1}
	for _, v := range ints {
		o := C.PyLong_FromLongLong(C.longlong(v))
		got, ok := LongInt64(Object{o})
		C.Py_DecRef(o)
		if !ok || got != v {
			return fmt.Errorf("int %d read as %d (ok=%v)", v, got, ok)
		}
	}
	big := C.PyLong_FromUnsignedLongLong(1 << 63)
	_, fits := LongInt64(Object{big})
	u, ufits := LongUint64(Object{big})
	C.Py_DecRef(big)
	if fits || !ufits || u != 1<<63 {
		return fmt.Errorf("int 2**63 misread")
	}
	f := C.PyFloat_FromDouble(2.5)
	fv := FloatValue(Object{f})
	C.Py_DecRef(f)
	if fv != 2.5 {
		return fmt.Errorf("float 2.5 read as %v", fv)
	}
	for _, s := range []string{"", "abc", "caf\u00e9", "\u20ac uro", "\U0001F600!"} {
		if err := probeStr(s); err != nil {
			return err
		}
	}
	return probeDict()
}

func probeStr(s string) error {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	o := C.PyUnicode_FromStringAndSize(cs, C.Py_ssize_t(len(s)))
	if o == nil {
		C.PyErr_Clear()
		return fmt.Errorf("probe str %q could not be created", s)
	}
	defer C.Py_DecRef(o)
	var kind, ascii, compact C.int
	var data unsafe.Pointer
	var length C.Py_ssize_t
	C.goaccel_str_probe(o, &kind, &ascii, &compact, &data, &length)
	gdata, glen, gkind, gascii, ok := StrData(Object{o})
	if !ok || compact == 0 || gdata != data || glen != int(length) || gkind != int(kind) || gascii != (ascii != 0) {
		return fmt.Errorf("str %q: state/data mismatch", s)
	}
	utf8, err := StrUTF8(Object{o})
	if err != nil || string(utf8) != s {
		return fmt.Errorf("str %q: UTF-8 read as %q", s, utf8)
	}
	return nil
}

// probeDict builds dicts with str keys, with general keys, and with a
// deleted entry, and compares direct iteration with PyDict_Next.
func probeDict() error {
	mk := func(keys []*C.PyObject) *C.PyObject {
		d := C.PyDict_New()
		for i, k := range keys {
			v := C.PyLong_FromLong(C.long(i))
			C.PyDict_SetItem(d, k, v)
			C.Py_DecRef(v)
		}
		return d
	}
	str := func(s string) *C.PyObject {
		cs := C.CString(s)
		defer C.free(unsafe.Pointer(cs))
		return C.PyUnicode_FromString(cs)
	}
	cases := [][]*C.PyObject{
		{str("a"), str("b"), str("c")},
		{C.PyLong_FromLong(7), str("x"), C.PyFloat_FromDouble(1.5)},
	}
	for ci, keys := range cases {
		d := mk(keys)
		C.PyDict_DelItem(d, keys[1])
		var want []*C.PyObject
		var pos C.Py_ssize_t
		var k, v *C.PyObject
		for C.PyDict_Next(d, &pos, &k, &v) != 0 {
			want = append(want, k, v)
		}
		var got []*C.PyObject
		it := Items(Object{d})
		for {
			gk, gv, ok := it.Next()
			if !ok {
				break
			}
			got = append(got, gk.p, gv.p)
		}
		C.Py_DecRef(d)
		for _, k := range keys {
			C.Py_DecRef(k)
		}
		if len(got) != len(want) {
			return fmt.Errorf("dict probe %d: %d items read, %d expected", ci, len(got)/2, len(want)/2)
		}
		for i := range got {
			if got[i] != want[i] {
				return fmt.Errorf("dict probe %d: item %d differs", ci, i/2)
			}
		}
	}
	return nil
}
