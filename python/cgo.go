// Package python is goaccel's binding to the CPython C API, and the only
// package of goaccel that uses cgo.
//
// Everything a product needs from the interpreter goes through here:
//
//   - Object, a borrowed reference, with direct reads of object memory for the
//     hot types (list and tuple items, float values, small ints, compact str
//     data, dict entries) using the per-version layout table in layout.go;
//   - Ref, an owned reference, so that ownership is visible in the types;
//   - errors: Go errors become Python exceptions at the boundary, Python
//     exceptions become Go errors, and a Go panic becomes a SystemError;
//   - the GIL: ReleaseGIL around pure-Go work, and Thread, one kept
//     PyThreadState per OS thread for goroutines that call into Python;
//   - registration: Module and Function declare what the extension exposes,
//     called through METH_FASTCALL trampolines (no argument tuples).
//
// The build passes the CPython include directory in CGO_CFLAGS and links with
// -Wl,--unresolved-symbols=ignore-all: symbols resolve from the interpreter
// that loads the extension. Tests link libpython and embed an interpreter.
package python

/*
#cgo CFLAGS: -O2 -Wall -Wno-unused-function
#include "goaccel.h"
*/
import "C"
