package python

/*
#include <stdlib.h>
#include "goaccel.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// ErrAlreadySet means a Python exception is already set (the C API failed);
// returning it from a Function passes that exception on unchanged.
var ErrAlreadySet = errors.New("python exception set")

// Built-in exception types, captured at init.
var (
	BaseException, Exception, TypeError, ValueError, RuntimeError Object
	OverflowError, RecursionError, KeyError, IndexError           Object
	MemoryError, SystemError, UnicodeError, UnicodeEncodeError    Object
	UnicodeDecodeError, ImportError, AttributeError, OSError      Object
	NotImplementedError, KeyboardInterrupt, StopIteration         Object
)

func initExceptions() {
	e := func(p *C.PyObject) Object { return Object{p} }
	BaseException = e(C.PyExc_BaseException)
	Exception = e(C.PyExc_Exception)
	TypeError = e(C.PyExc_TypeError)
	ValueError = e(C.PyExc_ValueError)
	RuntimeError = e(C.PyExc_RuntimeError)
	OverflowError = e(C.PyExc_OverflowError)
	RecursionError = e(C.PyExc_RecursionError)
	KeyError = e(C.PyExc_KeyError)
	IndexError = e(C.PyExc_IndexError)
	MemoryError = e(C.PyExc_MemoryError)
	SystemError = e(C.PyExc_SystemError)
	UnicodeError = e(C.PyExc_UnicodeError)
	UnicodeEncodeError = e(C.PyExc_UnicodeEncodeError)
	UnicodeDecodeError = e(C.PyExc_UnicodeDecodeError)
	ImportError = e(C.PyExc_ImportError)
	AttributeError = e(C.PyExc_AttributeError)
	OSError = e(C.PyExc_OSError)
	NotImplementedError = e(C.PyExc_NotImplementedError)
	KeyboardInterrupt = e(C.PyExc_KeyboardInterrupt)
	StopIteration = e(C.PyExc_StopIteration)
}

// Error is a Python exception described in Go: raised at the boundary as
// Type(Msg). Type is borrowed (a built-in or a module-level exception type).
type Error struct {
	Type Object
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Errorf makes an *Error of type t.
func Errorf(t Object, format string, args ...any) error {
	return &Error{Type: t, Msg: fmt.Sprintf(format, args...)}
}

// Occurred reports whether a Python exception is set.
func Occurred() bool { return C.PyErr_Occurred() != nil }

// Exc is a fetched Python exception (owned), usable as a Go error. Raise
// puts it back.
type Exc struct {
	typ, value, tb Ref
}

// Fetch takes the current exception out of the interpreter (nil if none).
func Fetch() *Exc {
	var t, v, tb *C.PyObject
	C.PyErr_Fetch(&t, &v, &tb)
	if t == nil {
		return nil
	}
	C.PyErr_NormalizeException(&t, &v, &tb)
	if tb != nil {
		C.PyException_SetTraceback(v, tb)
	}
	return &Exc{Ref{Object{t}}, Ref{Object{v}}, Ref{Object{tb}}}
}

// Value is the exception instance (borrowed from e).
func (e *Exc) Value() Object { return e.value.Object }

// Matches reports whether the exception is an instance of type t.
func (e *Exc) Matches(t Object) bool {
	return C.PyErr_GivenExceptionMatches(e.typ.p, t.p) != 0
}

func (e *Exc) Error() string {
	if e.value.p == nil {
		return "python exception"
	}
	name := C.GoString((*C.PyTypeObject)(unsafe.Pointer(e.typ.p)).tp_name)
	s, err := Str(e.value.Object)
	if err != nil {
		return name
	}
	return name + ": " + s
}

// Raise restores the exception into the interpreter; e is emptied.
func (e *Exc) Raise() {
	C.PyErr_Restore(e.typ.Steal().p, e.value.Steal().p, e.tb.Steal().p)
}

// Release drops the exception without raising it.
func (e *Exc) Release() {
	e.typ.Release()
	e.value.Release()
	e.tb.Release()
}

// SetError raises err as a Python exception (the boundary's job).
func SetError(err error) {
	var pe *Error
	var exc *Exc
	switch {
	case errors.Is(err, ErrAlreadySet):
		if !Occurred() {
			raiseString(SystemError, "goaccel: error reported without an exception set")
		}
	case errors.As(err, &exc):
		exc.Raise()
	case errors.As(err, &pe):
		raiseString(pe.Type, pe.Msg)
	default:
		raiseString(RuntimeError, err.Error())
	}
}

// RaiseWithCause raises err with cause as its __cause__ (owned refs).
func RaiseWithCause(err error, cause *Exc) {
	SetError(err)
	if cause == nil {
		return
	}
	top := Fetch()
	if top == nil {
		cause.Release()
		return
	}
	cv := cause.value.Steal()
	C.PyException_SetCause(top.value.p, cv.p) // steals cv
	ctx := NewRef(cv)
	C.PyException_SetContext(top.value.p, ctx.Steal().p) // steals
	cause.Release()
	top.Raise()
}

func raiseString(t Object, msg string) {
	cs := C.CString(msg)
	C.PyErr_SetString(t.p, cs)
	C.free(unsafe.Pointer(cs))
}

// raisePanic turns a recovered Go panic into a SystemError carrying the
// panic value and where it happened, so a bug never takes the interpreter
// down.
func raisePanic(v any) {
	buf := make([]byte, 4096)
	buf = buf[:runtime.Stack(buf, false)]
	frames := strings.Split(string(buf), "\n")
	if len(frames) > 12 {
		frames = frames[:12]
	}
	raiseString(SystemError, fmt.Sprintf("goaccel internal error (Go panic): %v\n%s", v, strings.Join(frames, "\n")))
}
