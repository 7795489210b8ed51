package python

/*
#include <stdlib.h>
#include "goaccel.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

// Function is one Python-callable function implemented in Go. Set exactly one
// of Fast (positional arguments only, METH_FASTCALL) or Kw (with keywords,
// METH_FASTCALL|METH_KEYWORDS). Arguments are borrowed; the result is a new
// reference handed to Python.
type Function struct {
	Name string
	Doc  string
	Fast func(args []Object) (Ref, error)
	Kw   func(args []Object, kw Kwargs) (Ref, error)
}

// Kwargs are the keyword arguments of a vectorcall: names (a tuple of str)
// and the matching values.
type Kwargs struct {
	Names  Object // tuple, or NULL when there are none
	Values []Object
}

// Len is the number of keyword arguments.
func (k Kwargs) Len() int { return len(k.Values) }

// Name returns the i-th keyword's name.
func (k Kwargs) Name(i int) string {
	b, _ := StrUTF8(TupleItems(k.Names)[i])
	return string(b)
}

// Module is a sub-module of _goaccel (e.g. _goaccel.json).
type Module struct {
	Name      string
	Doc       string
	Functions []Function
	// Init runs once after the functions are added, GIL held, to add
	// constants, exception types or other objects.
	Init func(m Object) error
}

var (
	modules   []Module
	functions []Function
)

// Register declares a sub-module. Call it from init() of package main
// (native/), before the extension is imported. Registering a name again adds
// functions to the same sub-module (so one product can split its table over
// several files); Doc and Init are taken from whichever call sets them.
func Register(m Module) {
	for i := range modules {
		if modules[i].Name != m.Name {
			continue
		}
		modules[i].Functions = append(modules[i].Functions, m.Functions...)
		if modules[i].Doc == "" {
			modules[i].Doc = m.Doc
		}
		if m.Init != nil {
			prev := modules[i].Init
			next := m.Init
			modules[i].Init = func(mod Object) error {
				if prev != nil {
					if err := prev(mod); err != nil {
						return err
					}
				}
				return next(mod)
			}
		}
		return
	}
	modules = append(modules, m)
}

//export goaccelInitModules
func goaccelInitModules(parent *C.PyObject) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			rc = -1
		}
	}()
	if err := initialize(); err != nil {
		raiseString(ImportError, err.Error())
		return -1
	}
	if err := addModules(Object{parent}); err != nil {
		SetError(err)
		return -1
	}
	return 0
}

// initialize selects the layout and captures the interpreter's globals.
func initialize() error {
	initExceptions()
	if err := selectLayout(); err != nil {
		return err
	}
	initTypes()
	return nil
}

func addModules(parent Object) error {
	for _, m := range modules {
		qual := C.CString("_goaccel." + m.Name)
		name := C.CString(m.Name)
		var doc *C.char
		if m.Doc != "" {
			doc = C.CString(m.Doc)
		}
		mod := C.goaccel_new_submodule(parent.p, qual, name, doc)
		if mod == nil {
			return ErrAlreadySet
		}
		for _, f := range m.Functions {
			if (f.Fast == nil) == (f.Kw == nil) {
				return fmt.Errorf("goaccel: function %s.%s must set exactly one of Fast or Kw", m.Name, f.Name)
			}
			index := len(functions)
			functions = append(functions, f)
			kind := C.int(C.GOACCEL_FASTCALL)
			if f.Kw != nil {
				kind = C.GOACCEL_FASTCALL_KW
			}
			var fdoc *C.char
			if f.Doc != "" {
				fdoc = C.CString(f.Doc)
			}
			// Names and docs live as long as the module: never freed.
			if C.goaccel_add_function(mod, C.CString(f.Name), fdoc, C.Py_ssize_t(index), kind) < 0 {
				return ErrAlreadySet
			}
		}
		if m.Init != nil {
			if err := m.Init(Object{mod}); err != nil {
				return err
			}
		}
	}
	return nil
}

//export goaccelCall
func goaccelCall(index C.Py_ssize_t, args **C.PyObject, nargs C.Py_ssize_t, kwnames *C.PyObject) (result *C.PyObject) {
	if index < 0 || int(index) >= len(functions) {
		if !Occurred() {
			raiseString(SystemError, "goaccel: bad function index")
		}
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			result = nil
		}
	}()
	f := &functions[index]
	var all []Object
	nkw := 0
	if kwnames != nil {
		nkw = Object{kwnames}.varSize()
	}
	if n := int(nargs) + nkw; n > 0 {
		all = unsafe.Slice((*Object)(unsafe.Pointer(args)), n)
	}
	var ref Ref
	var err error
	if f.Fast != nil {
		ref, err = f.Fast(all)
	} else {
		ref, err = f.Kw(all[:nargs], Kwargs{Names: Object{kwnames}, Values: all[nargs:]})
	}
	return resultToC(ref, err, "goaccel: function returned NULL without an exception")
}

// resultToC turns a Go function's (Ref, error) into what a C function
// returns to Python: a new reference, or NULL with the error set (a
// SystemError saying nullMsg if the function gave neither).
func resultToC(ref Ref, err error, nullMsg string) *C.PyObject {
	if err != nil {
		ref.Release()
		SetError(err)
		return nil
	}
	if ref.p == nil {
		if !Occurred() {
			raiseString(SystemError, nullMsg)
		}
		return nil
	}
	return ref.Steal().p
}

// AddObject sets module attribute name to o (borrowed; the module takes its
// own reference).
func AddObject(module Object, name string, o Object) error {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	if C.PyModule_AddObjectRef(module.p, cs, o.p) < 0 {
		return ErrAlreadySet
	}
	return nil
}

// NewExceptionType creates an exception class `qualname` (e.g.
// "jsonfast.JSONDecodeError") deriving from base (a type, or a tuple of
// types).
func NewExceptionType(qualname, doc string, base Object) (Ref, error) {
	cn := C.CString(qualname)
	defer C.free(unsafe.Pointer(cn))
	cd := C.CString(doc)
	defer C.free(unsafe.Pointer(cd))
	t := C.PyErr_NewExceptionWithDoc(cn, cd, base.p, nil)
	if t == nil {
		return Ref{}, ErrAlreadySet
	}
	return Ref{Object{t}}, nil
}

// ---- Go values owned by Python objects ----

// NewHandle wraps a Go value in a capsule that keeps it alive until the
// capsule is collected (e.g. a compiled schema held by a Python object).
func NewHandle(v any) (Ref, error) {
	h := cgo.NewHandle(v)
	c := C.goaccel_new_handle(C.uintptr_t(h))
	if c == nil {
		h.Delete()
		return Ref{}, ErrAlreadySet
	}
	return Ref{Object{c}}, nil
}

// HandleValue returns the Go value inside a capsule made by NewHandle.
func HandleValue(o Object) (any, error) {
	var h C.uintptr_t
	if C.goaccel_handle_value(o.p, &h) < 0 {
		return nil, ErrAlreadySet
	}
	return cgo.Handle(h).Value(), nil
}

//export goaccelReleaseHandle
func goaccelReleaseHandle(h C.uintptr_t) {
	cgo.Handle(h).Delete()
}
