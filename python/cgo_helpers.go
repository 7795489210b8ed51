package python

/*
#include "goaccel.h"
*/
import "C"

// ptrdiff converts an index for goaccelCall (used by tests).
func ptrdiff(i int) C.Py_ssize_t { return C.Py_ssize_t(i) }
