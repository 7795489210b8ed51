package python

/*
#include "goaccel.h"
*/
import "C"

import (
	"runtime"
)

// ReleaseGIL runs f with the GIL released. It must be called from a Go
// function entered from Python (which is locked to its OS thread for the
// call); f must not touch Python objects.
func ReleaseGIL(f func()) {
	ts := C.PyEval_SaveThread()
	defer C.PyEval_RestoreThread(ts)
	f()
}

// Thread is one PyThreadState kept for the life of one OS thread, so that a
// goroutine can enter Python many times cheaply (PyEval_RestoreThread /
// PyEval_SaveThread, ~0.1 µs) instead of PyGILState_Ensure per call
// (~7 µs). Create it on a goroutine that called runtime.LockOSThread and
// use it only from that goroutine.
type Thread struct {
	ts   *C.PyThreadState
	held bool
}

// NewThread creates the thread state for the calling OS thread. The GIL
// must not be held by this thread; the goroutine must be locked to it.
func NewThread() *Thread {
	return &Thread{ts: C.goaccel_new_thread_state()}
}

// Acquire takes the GIL for this thread (blocking until it is free).
func (t *Thread) Acquire() {
	C.PyEval_RestoreThread(t.ts)
	t.held = true
}

// Release gives the GIL back.
func (t *Thread) Release() {
	t.held = false
	C.PyEval_SaveThread()
}

// Run calls f holding the GIL, and releases it after, even if f panics.
func (t *Thread) Run(f func()) {
	t.Acquire()
	defer t.Release()
	f()
}

// Close deletes the thread state. The GIL must not be held.
func (t *Thread) Close() {
	if t.ts != nil {
		C.goaccel_delete_thread_state(t.ts)
		t.ts = nil
	}
}

// WithGIL runs f holding the GIL from any goroutine, using the
// PyGILState API. It is the slow, general path (tests, rare callbacks);
// hot paths keep a Thread.
func WithGIL(f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	st := C.PyGILState_Ensure()
	defer C.PyGILState_Release(st)
	f()
}

// CheckSignals runs Python's signal handlers (so Ctrl-C is seen during a
// long Go wait); it returns ErrAlreadySet if one raised. GIL held, main
// thread.
func CheckSignals() error {
	if C.PyErr_CheckSignals() != 0 {
		return ErrAlreadySet
	}
	return nil
}
