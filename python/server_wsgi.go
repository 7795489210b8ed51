package python

/*
#include <stdlib.h>
#include "server_wsgi.h"
*/
import "C"

import "unsafe"

// The WSGI bridge of appserver (server_wsgi.c): a start_response type kept
// in C, and one-call builders for the environ and wsgi.input.

// WSGIInit prepares the bridge (the start_response type, io.BytesIO). GIL held.
func WSGIInit() error {
	if C.goaccel_wsgi_init() < 0 {
		return ErrAlreadySet
	}
	return nil
}

// NewStartResponse makes a fresh start_response callable for one request.
// writer, when not 0, is passed to the hook set by SetWriteHook at each
// write() call; with 0 the bytes are kept for StartResponseState.
func NewStartResponse(writer uintptr) (Ref, error) {
	return own(C.goaccel_wsgi_new_sr(C.uintptr_t(writer)))
}

var writeHook func(writer uintptr, sr Object, data []byte) error

// SetWriteHook installs the function that sends write() data (set once,
// at init, by the server).
func SetWriteHook(f func(writer uintptr, sr Object, data []byte) error) { writeHook = f }

//export goaccelServerWrite
func goaccelServerWrite(writer C.uintptr_t, sr *C.PyObject, data *C.char, n C.Py_ssize_t) (rc C.int) {
	defer func() {
		if r := recover(); r != nil {
			raisePanic(r)
			rc = -1
		}
	}()
	if writeHook == nil {
		raiseString(RuntimeError, "write() is not available")
		return -1
	}
	var b []byte
	if n > 0 {
		b = unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n))
	}
	if err := writeHook(uintptr(writer), Object{sr}, b); err != nil {
		SetError(err)
		return -1
	}
	return 0
}

// StartResponseState reads what the app passed to start_response (status
// and headers are nil Objects until it was called) and the bytes it gave
// to write() (a list, or nil). All borrowed from sr.
//
// Read from the C struct directly: a cgo call here made its three out
// pointers escape (three heap allocations per request).
func StartResponseState(sr Object) (status, headers, written Object) {
	p := (*C.goaccel_sr)(unsafe.Pointer(sr.p))
	return Object{p.status}, Object{p.headers}, Object{p.written}
}

// StartResponseSent records that the status line is on the wire: a later
// start_response with exc_info re-raises (PEP 3333).
func StartResponseSent(sr Object) { C.goaccel_wsgi_sr_set_sent(sr.p) }

// StartResponseClearWritten drops the write() buffer once it was sent.
func StartResponseClearWritten(sr Object) { C.goaccel_wsgi_sr_clear_written(sr.p) }

// WSGIEnviron copies tmpl and adds the pairs described by spec (5 int64s a
// pair: key object pointer or 0, key offset, key length, value offset,
// value length, offsets into buf), plus wsgi.input.
func WSGIEnviron(tmpl Object, buf []byte, spec []int64, input Object) (Ref, error) {
	var bp *C.char
	if len(buf) > 0 {
		bp = (*C.char)(unsafe.Pointer(&buf[0]))
	}
	var sp *C.int64_t
	if len(spec) > 0 {
		sp = (*C.int64_t)(unsafe.Pointer(&spec[0]))
	}
	return own(C.goaccel_wsgi_environ(tmpl.p, bp, sp, C.Py_ssize_t(len(spec)/5), input.p))
}

// WSGIInput makes io.BytesIO(body).
func WSGIInput(body []byte) (Ref, error) {
	var bp *C.char
	if len(body) > 0 {
		bp = (*C.char)(unsafe.Pointer(&body[0]))
	}
	return own(C.goaccel_wsgi_input(bp, C.Py_ssize_t(len(body))))
}

// PrintException writes the pending exception and its traceback to
// sys.stderr and clears it.
func PrintException() { C.goaccel_wsgi_print_exception() }

// Next advances an iterator: (item, false, nil), (nil, true, nil) at the
// end, or an error with the exception set.
func Next(it Object) (Ref, bool, error) {
	var done C.int
	r := C.goaccel_wsgi_next(it.p, &done)
	if r == nil {
		if done != 0 {
			return Ref{}, true, nil
		}
		return Ref{}, false, ErrAlreadySet
	}
	return Ref{Object{r}}, false, nil
}

// GetIter is iter(o).
func GetIter(o Object) (Ref, error) { return own(C.PyObject_GetIter(o.p)) }

// CloseIfAny calls o.close() when o has one.
func CloseIfAny(o Object) error {
	if C.goaccel_wsgi_close(o.p) < 0 {
		return ErrAlreadySet
	}
	return nil
}

// InternString makes an interned str (kept for the process's life).
func InternString(s string) Object {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return Object{C.PyUnicode_InternFromString(cs)}
}

// ThreadEnter takes the GIL with a thread state kept for the calling OS
// thread (made on first use). The goroutine must be locked to its thread
// (runtime.LockOSThread) until the matching ThreadLeave.
func ThreadEnter() { C.goaccel_server_enter() }

// ThreadLeave releases the GIL taken by ThreadEnter.
func ThreadLeave() { C.goaccel_server_leave() }
