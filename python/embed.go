package python

/*
#include "goaccel.h"
*/
import "C"

import "runtime"

// Embed starts an interpreter inside a Go program (the Go tests of goaccel's
// packages link libpython and call it from TestMain), selects and verifies
// the layout, and releases the GIL; use WithGIL to run Python code after.
func Embed() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if C.Py_IsInitialized() != 0 {
		return nil
	}
	C.Py_InitializeEx(0)
	err := initialize()
	C.PyEval_SaveThread()
	return err
}
