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

// Writes orjson's output for obj and returns its length, or returns -1
// ("not handled") for anything outside the subset, or when the output would
// pass limit bytes. The output starts in buf[0:cap] and moves to a buffer
// kept by this file when it outgrows it; *out is where it is (also on -1:
// *out != buf tells the caller the attempt got that far; *reached is how
// many bytes were written when it stopped). The output at *out stays
// valid until the next call. Never sets a Python exception,
// never runs Python code, never changes an object (beyond CPython's UTF-8
// cache of a long non-ASCII str, which the Go path creates too): on -1 the
// caller encodes obj from scratch on the Go path, which then gives
// orjson's result or error. opts are orjson's OPT_* bits, a subset of
// JSONENC_SMALL_OPTS (the datetime ones change how datetimes are written).
Py_ssize_t jsonenc_small(PyObject *obj, long opts, char *buf, Py_ssize_t cap, Py_ssize_t limit,
                         const char **out, Py_ssize_t *reached);

// Frees the buffer jsonenc_small's output moved to if it grew past what is
// kept between calls (4 MiB); call it once done with *out.
void jsonenc_small_release(void);

#endif
