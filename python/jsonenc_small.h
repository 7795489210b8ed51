// The C encoder orjson.dumps tries before the Go one (jsonenc_small.c).
#ifndef JSONENC_SMALL_H
#define JSONENC_SMALL_H

#include "goaccel.h"

// orjson OPT_* bits jsonenc_small handles: the datetime ones (NAIVE_UTC,
// OMIT_MICROSECONDS, UTC_Z, PASSTHROUGH_DATETIME) it applies, the others
// change nothing for the types it writes (numpy, dataclasses, subclasses,
// Decimal and set all make it decline). OPT_APPEND_NEWLINE (1024) is
// written by the caller. INDENT_2, NON_STR_KEYS, SORT_KEYS and
// STRICT_INTEGER are not here: with them the Go path runs.
#define JSONENC_SMALL_OPTS (2 | 8 | 16 | 128 | 256 | 512 | 1024 | 2048 | 4096 | 8192)

// Writes orjson's output for obj and returns its length n, or returns -1
// ("not handled") for anything outside the subset, or when the output would
// pass limit bytes. The output starts in buf[0:cap]; when it outgrows it,
// it moves into a bytes object: on success *bytes is then a new reference
// to a bytes object of n + extra bytes whose first n are the output (the
// caller writes the extra ones: APPEND_NEWLINE's '\n'), else *bytes is
// NULL and the output is buf[0:n]. On -1 *bytes is NULL and *reached is
// how many bytes were written when it stopped. Never leaves a Python
// exception set, never runs Python code, never changes an object (beyond
// CPython's UTF-8 cache of a long non-ASCII str, which the Go path creates
// too, and the references its dict key cache holds): on -1 the caller
// encodes obj from scratch on the Go path, which then gives orjson's
// result or error. opts are orjson's OPT_* bits, a subset of
// JSONENC_SMALL_OPTS (the datetime ones change how datetimes are written).
Py_ssize_t jsonenc_small(PyObject *obj, long opts, char *buf, Py_ssize_t cap, Py_ssize_t limit,
                         Py_ssize_t extra, PyObject **bytes, Py_ssize_t *reached);

#endif
