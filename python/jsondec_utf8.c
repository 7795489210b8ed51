// The standard library face's str input as UTF-8, faster than
// PyUnicode_AsUTF8AndSize: CPython's encoder runs at ~2.5 ns a character
// on a UCS-4 str (twitter.json: 1.4 ms, twice the whole decode). A caller
// passing a fresh str on every call (a request body) paid that on every
// call; benchmarks that reuse one str hid it behind the cached copy.
#ifndef NDEBUG
#define NDEBUG
#endif
#pragma GCC optimize("O3")
#include "jsondec_build.h"
#include <string.h>

// One loop per str kind: runs of 8 ASCII characters are copied with a
// check of their OR (vectorised by the compiler), other characters encoded
// one at a time. Returns the bytes written, or -1 at a surrogate code
// point (not encodable: the caller leaves those strs to the stdlib).
#define JD_UTF8_LOOP(T)                                                       \
    do {                                                                      \
        const T *p = (const T *)data;                                         \
        Py_ssize_t i = 0;                                                     \
        while (i < n) {                                                       \
            while (i + 8 <= n) {                                              \
                T m = 0;                                                      \
                for (int k = 0; k < 8; k++) m |= p[i + k];                    \
                if (m >= 0x80) break;                                         \
                for (int k = 0; k < 8; k++) o[k] = (unsigned char)p[i + k];   \
                o += 8;                                                       \
                i += 8;                                                       \
            }                                                                 \
            Py_ssize_t stop = i + 8 < n ? i + 8 : n;                          \
            for (; i < stop; i++) {                                           \
                Py_UCS4 c = p[i];                                             \
                if (c < 0x80) {                                               \
                    *o++ = (unsigned char)c;                                  \
                } else if (c < 0x800) {                                       \
                    o[0] = (unsigned char)(0xC0 | (c >> 6));                  \
                    o[1] = (unsigned char)(0x80 | (c & 0x3F));                \
                    o += 2;                                                   \
                } else if (c < 0x10000) {                                     \
                    if (c >= 0xD800 && c <= 0xDFFF) return -1;                \
                    o[0] = (unsigned char)(0xE0 | (c >> 12));                 \
                    o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));         \
                    o[2] = (unsigned char)(0x80 | (c & 0x3F));                \
                    o += 3;                                                   \
                } else {                                                      \
                    o[0] = (unsigned char)(0xF0 | (c >> 18));                 \
                    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));        \
                    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));         \
                    o[3] = (unsigned char)(0x80 | (c & 0x3F));                \
                    o += 4;                                                   \
                }                                                             \
            }                                                                 \
        }                                                                     \
    } while (0)

Py_ssize_t goaccel_jsondec_utf8_bound(PyObject *u) {
    if (PyUnicode_READY(u) < 0) return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(u);
    switch (PyUnicode_KIND(u)) {
    case PyUnicode_1BYTE_KIND: return 2 * n;
    case PyUnicode_2BYTE_KIND: return 3 * n;
    default: return 4 * n;
    }
}

Py_ssize_t goaccel_jsondec_utf8_encode(PyObject *u, char *out) {
    unsigned char *o = (unsigned char *)out;
    const void *data = PyUnicode_DATA(u);
    Py_ssize_t n = PyUnicode_GET_LENGTH(u);
    switch (PyUnicode_KIND(u)) {
    case PyUnicode_1BYTE_KIND:
        JD_UTF8_LOOP(Py_UCS1);
        break;
    case PyUnicode_2BYTE_KIND:
        JD_UTF8_LOOP(Py_UCS2);
        break;
    default:
        JD_UTF8_LOOP(Py_UCS4);
        break;
    }
    return (Py_ssize_t)(o - (unsigned char *)out);
}

// Encodes compact non-ASCII str u and stores the result as its cached
// UTF-8 form, exactly as CPython's unicode_fill_utf8 (3.11) does: a
// PyObject_Malloc'd, NUL-terminated copy that unicode_dealloc frees. So a
// str decoded again (or encoded by anyone) reuses it, as it did when the
// decoder called PyUnicode_AsUTF8AndSize. Returns the bytes and their
// length, or NULL (no exception set) for a str with a surrogate code point,
// a legacy (non-compact) str, or when memory runs out: the caller then
// takes another path.
const char *goaccel_jsondec_utf8_fill(PyObject *u, Py_ssize_t *len) {
    if (!PyUnicode_IS_READY(u) || !PyUnicode_IS_COMPACT(u) || PyUnicode_IS_ASCII(u))
        return NULL;
    PyCompactUnicodeObject *c = (PyCompactUnicodeObject *)u;
    if (c->utf8 != NULL) {
        *len = c->utf8_length;
        return c->utf8;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(u);
    Py_ssize_t bound = PyUnicode_KIND(u) == PyUnicode_1BYTE_KIND ? 2 * n
                     : PyUnicode_KIND(u) == PyUnicode_2BYTE_KIND ? 3 * n : 4 * n;
    char *buf = PyObject_Malloc((size_t)bound + 1);
    if (buf == NULL) return NULL;
    Py_ssize_t k = goaccel_jsondec_utf8_encode(u, buf);
    if (k < 0) {
        PyObject_Free(buf);
        return NULL;
    }
    buf[k] = 0;
    if (bound - k > 4096) { // give back a large unused tail
        char *b2 = PyObject_Realloc(buf, (size_t)k + 1);
        if (b2 != NULL) buf = b2;
    }
    c->utf8 = buf;
    c->utf8_length = k;
    *len = k;
    return buf;
}
