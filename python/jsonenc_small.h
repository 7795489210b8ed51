// A bounded C encoder for small documents of orjson.dumps (jsonenc_small.c).
#ifndef JSONENC_SMALL_H
#define JSONENC_SMALL_H

#include "goaccel.h"

// orjson OPT_* bits that change nothing for the types jsonenc_small
// writes (exact dict/list/tuple/str/int/float/bool/None): they concern
// datetimes, numpy, dataclasses, subclasses, Decimal and set, all of which
// make jsonenc_small decline. OPT_APPEND_NEWLINE (1024) is written by the
// caller. INDENT_2, NON_STR_KEYS, SORT_KEYS and STRICT_INTEGER are not here.
#define JSONENC_SMALL_OPTS (2 | 8 | 16 | 128 | 256 | 512 | 1024 | 2048 | 4096 | 8192)

// Writes orjson's output for obj into buf[0:cap] and returns its length,
// or returns -1 ("not handled") for anything outside the subset, or when
// the output would not fit. Never sets a Python exception, never runs
// Python code, never changes an object: on -1 the caller encodes obj from
// scratch on the Go path, which then gives orjson's result or error.
Py_ssize_t jsonenc_small(PyObject *obj, char *buf, Py_ssize_t cap);

#endif
