// jsonfast decoder: builds Python objects from the tape written by the Go
// parser (goaccel/jsonfast, decode_tape.go documents the format), in one C
// pass with the GIL held. Kept out of goaccel.h so the decoder's C surface
// stays in its own files.
#ifndef GOACCEL_JSONDEC_BUILD_H
#define GOACCEL_JSONDEC_BUILD_H

#include "goaccel.h"

// Tags and string flags: must match jsonfast/decode_tape.go (a Go test in
// python/ checks the values through JSONDecTagNames).
enum {
    JD_NULL = 1, JD_TRUE = 2, JD_FALSE = 3, JD_SMALLINT = 4, JD_INT = 5,
    JD_UINT = 6, JD_FLOAT = 7, JD_BIGINT = 8, JD_STR = 9, JD_KEY = 10,
    JD_ARRAY = 11, JD_OBJECT = 12, JD_SHORTSTR = 13, JD_SHORTKEY = 14,
};
enum {
    JD_ASCII = 1, JD_SCRATCH = 2, JD_SURROGATE = 4, JD_LATIN1 = 8, JD_UCS2 = 16,
};

// Builds the document on the tape. Returns a new reference, or NULL with an
// exception set (MemoryError, or ValueError from int() limits).
PyObject *goaccel_jsondec_build(const uint64_t *words, Py_ssize_t nwords,
                                const char *input, const char *scratch,
                                int cache_keys);

// Raises cls(msg, doc, pos) where doc is `docobj` if it is a str, else the
// UTF-8 text (invalid bytes replaced).
void goaccel_jsondec_raise(PyObject *cls, const char *msg, PyObject *docobj,
                           const char *text, Py_ssize_t len, Py_ssize_t pos);

// Empties the key cache (tests: reference counts come back).
void goaccel_jsondec_clear_cache(void);

#endif
