// jsonfast's loads entry points (orjson face, and the standard library
// face's loads(s)), in C. A small document of the
// common shapes is parsed here into a tape on this C stack frame and built
// by the same builder as every other document (jsondec_build.c): no C->Go
// call, no Go->C call. {"a": 1} cost ~200 ns through Go (orjson ~120 ns),
// of which ~58 ns were the Python->Go entry and ~35 ns the Go->C build
// call. Anything else — larger input, escapes, non-ASCII, deep nesting,
// numbers that need care, any syntax error — goes to the Go engine
// (jsondecOrjsonLoads), which gives orjson's exact results and errors.
#ifndef NDEBUG
#define NDEBUG
#endif
#include "goaccel.h"
#include "_cgo_export.h"
#include "jsondec_build.h"
#include <math.h>

// Inputs up to JD_SMALL_MAX bytes take the C parser. A value takes at most
// one tape word per input byte plus one (the densest cases: a one-digit
// int is one byte and one word; a two-word int needs 17+ digits).
#define JD_SMALL_MAX 512
#define JD_SMALL_DEPTH 16
#define JD_SMALL_WORDS (JD_SMALL_MAX + 2)

#define JD_W(tag, payload) (((uint64_t)(tag) << 56) | (uint64_t)(payload))

static inline int jd_small_ws(unsigned char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

// An ASCII string without escapes or control characters at s[i] (the
// quote), as a one-word short string (tag JD_SHORTSTR or JD_SHORTKEY).
// Returns the index after the closing quote, or -1 to decline.
static inline Py_ssize_t jd_small_str(const unsigned char *s, Py_ssize_t n, Py_ssize_t i,
                                      int tag, uint64_t *w) {
    Py_ssize_t j = i + 1;
    for (; j < n; j++) {
        unsigned char c = s[j];
        if (c == '"') break;
        if (c < 0x20 || c >= 0x80 || c == '\\') return -1;
    }
    if (j >= n) return -1;
    *w = JD_W(tag, ((uint64_t)(j - i - 1) << 32) | (uint64_t)(i + 1));
    return j + 1;
}

// A number at s[i] with the grammar of JSON (and of the Go parser):
// integers of up to 18 digits exactly, floats correctly rounded by
// PyOS_string_to_double (CPython's float(); the Go parser is correctly
// rounded too). Infinite floats, longer integers and malformed numbers
// decline: orjson's rules for those live in the Go parser. Returns the
// index after the number (its words appended at *nw), or -1.
static inline Py_ssize_t jd_small_number(const unsigned char *s, Py_ssize_t n, Py_ssize_t i,
                                         uint64_t *w, Py_ssize_t *nw) {
    Py_ssize_t start = i;
    int neg = s[i] == '-';
    if (neg) i++;
    if (i >= n || (unsigned)(s[i] - '0') > 9) return -1;
    uint64_t mant = 0;
    int nd = 0, isfloat = 0;
    if (s[i] == '0') {
        i++;
        if (i < n && (unsigned)(s[i] - '0') <= 9) return -1;
    } else {
        for (; i < n && (unsigned)(s[i] - '0') <= 9; i++, nd++)
            if (nd < 19) mant = mant * 10 + (uint64_t)(s[i] - '0');
    }
    if (i < n && s[i] == '.') {
        isfloat = 1;
        i++;
        if (i >= n || (unsigned)(s[i] - '0') > 9) return -1;
        while (i < n && (unsigned)(s[i] - '0') <= 9) i++;
    }
    if (i < n && (s[i] | 0x20) == 'e') {
        isfloat = 1;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        if (i >= n || (unsigned)(s[i] - '0') > 9) return -1;
        while (i < n && (unsigned)(s[i] - '0') <= 9) i++;
    }
    if (!isfloat) {
        if (nd > 18) return -1;
        int64_t v = neg ? -(int64_t)mant : (int64_t)mant;
        if (v >= -((int64_t)1 << 55) && v < ((int64_t)1 << 55)) {
            w[(*nw)++] = JD_W(JD_SMALLINT, (uint64_t)v & ((1ULL << 56) - 1));
        } else {
            w[(*nw)++] = JD_W(JD_INT, 0);
            w[(*nw)++] = (uint64_t)v;
        }
        return i;
    }
    // The text is NUL-terminated (bytes and str objects are) and is a
    // complete JSON number, so strtod stops exactly at i.
    char *end = NULL;
    double d = PyOS_string_to_double((const char *)s + start, &end, NULL);
    if (d == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    if (end != (const char *)s + i || isinf(d)) return -1;
    w[(*nw)++] = JD_W(JD_FLOAT, 0);
    memcpy(&w[(*nw)++], &d, 8);
    return i;
}

// Writes the tape of document s[0:n] (n <= JD_SMALL_MAX) into w, the
// way the Go parser (jsonfast/decode_parse.go) writes it. Returns the word
// count, or -1 when the document needs the Go parser.
static Py_ssize_t jd_small_tape(const unsigned char *s, Py_ssize_t n, uint64_t *w) {
    Py_ssize_t at[JD_SMALL_DEPTH];
    uint64_t count[JD_SMALL_DEPTH];
    unsigned char closer[JD_SMALL_DEPTH];
    int depth = 0;
    Py_ssize_t i = 0, nw = 0;
    while (i < n && jd_small_ws(s[i])) i++;
    for (;;) {
        // A value starts at i (whitespace skipped).
        if (i >= n) return -1;
        unsigned char c = s[i];
        switch (c) {
        case '{':
        case '[':
            if (depth == JD_SMALL_DEPTH) return -1;
            at[depth] = nw;
            count[depth] = 0;
            closer[depth] = c == '{' ? '}' : ']';
            w[nw++] = JD_W(c == '{' ? JD_OBJECT : JD_ARRAY, 0);
            for (i++; i < n && jd_small_ws(s[i]); i++) {}
            if (i >= n) return -1;
            if (s[i] == closer[depth]) { // empty: a complete value
                i++;
                goto after;
            }
            depth++;
            if (c == '{') goto key;
            continue;
        case '"':
            i = jd_small_str(s, n, i, JD_SHORTSTR, &w[nw++]);
            if (i < 0) return -1;
            break;
        case 't':
            if (n - i < 4 || memcmp(s + i, "true", 4) != 0) return -1;
            w[nw++] = JD_W(JD_TRUE, 0);
            i += 4;
            break;
        case 'f':
            if (n - i < 5 || memcmp(s + i, "false", 5) != 0) return -1;
            w[nw++] = JD_W(JD_FALSE, 0);
            i += 5;
            break;
        case 'n':
            if (n - i < 4 || memcmp(s + i, "null", 4) != 0) return -1;
            w[nw++] = JD_W(JD_NULL, 0);
            i += 4;
            break;
        default:
            if (c != '-' && (unsigned)(c - '0') > 9) return -1;
            i = jd_small_number(s, n, i, w, &nw);
            if (i < 0) return -1;
            break;
        }
    after:
        // A value ended at i: close containers, find the next value.
        for (;;) {
            while (i < n && jd_small_ws(s[i])) i++;
            if (depth == 0) return i == n ? nw : -1;
            if (i >= n) return -1;
            int top = depth - 1;
            count[top]++;
            if (s[i] == closer[top]) {
                w[at[top]] |= count[top];
                depth--;
                i++;
                continue;
            }
            if (s[i] != ',') return -1;
            for (i++; i < n && jd_small_ws(s[i]); i++) {}
            if (i >= n || s[i] == closer[top]) return -1;
            if (closer[top] == '}') goto key;
            break;
        }
        continue;
    key:
        // `"name" :` then whitespace; i is left at the value.
        if (s[i] != '"') return -1;
        i = jd_small_str(s, n, i, JD_SHORTKEY, &w[nw++]);
        if (i < 0) return -1;
        while (i < n && jd_small_ws(s[i])) i++;
        if (i >= n || s[i] != ':') return -1;
        for (i++; i < n && jd_small_ws(s[i]); i++) {}
    }
}

// The document's bytes when obj is exact bytes or an exact ASCII str of at
// most JD_SMALL_MAX bytes (both are NUL-terminated), else NULL.
static inline const unsigned char *jd_small_input(PyObject *obj, Py_ssize_t *n) {
    if (PyBytes_CheckExact(obj)) {
        *n = PyBytes_GET_SIZE(obj);
        return *n <= JD_SMALL_MAX ? (const unsigned char *)PyBytes_AS_STRING(obj) : NULL;
    }
    if (PyUnicode_CheckExact(obj) && PyUnicode_IS_READY(obj) && PyUnicode_IS_COMPACT_ASCII(obj)) {
        *n = PyUnicode_GET_LENGTH(obj);
        return *n <= JD_SMALL_MAX ? (const unsigned char *)PyUnicode_1BYTE_DATA(obj) : NULL;
    }
    return NULL;
}

static PyObject *jsondec_orjson_loads(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (goaccel_forked_child) return goaccel_fork_error();
    if (nargs != 1) {
        PyErr_Format(PyExc_TypeError, "loads() takes exactly 1 argument (%zd given)", nargs);
        return NULL;
    }
    Py_ssize_t n;
    const unsigned char *s = jd_small_input(args[0], &n);
    if (s != NULL && n > 0) {
        uint64_t w[JD_SMALL_WORDS];
        Py_ssize_t nw = jd_small_tape(s, n, w);
        if (nw > 0) return goaccel_jsondec_build(w, nw, (const char *)s, NULL, 1);
    }
    return jsondecOrjsonLoads(args[0]);
}

// The standard library face's loads(s, **kw). loads(s) alone on a small
// document of the common shapes is built here: the subset the C parser
// accepts means the same in the standard library's grammar (numbers are
// int() of at most 18 digits or float() of the same text; strings plain
// ASCII; no NaN/Infinity, which it declines). Keyword arguments, other
// input and every error go to the Go face (jsonfast.LoadsFace), which
// falls back to the standard library for errors.
static PyObject *jsondec_std_loads(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                   PyObject *kwnames) {
    if (goaccel_forked_child) return goaccel_fork_error();
    if (nargs == 1 && kwnames == NULL) {
        Py_ssize_t n;
        const unsigned char *s = jd_small_input(args[0], &n);
        if (s != NULL && n > 0) {
            uint64_t w[JD_SMALL_WORDS];
            Py_ssize_t nw = jd_small_tape(s, n, w);
            if (nw > 0) return goaccel_jsondec_build(w, nw, (const char *)s, NULL, 1);
        }
    }
    return jsondecStdLoads((PyObject **)args, nargs, kwnames);
}

static PyMethodDef jsondec_std_loads_def = {
    "loads", (PyCFunction)(void (*)(void))jsondec_std_loads, METH_FASTCALL | METH_KEYWORDS,
    "loads(s, **kw): json.loads with every argument of the standard library.",
};

PyObject *jsondec_new_std_loads(PyObject *module) {
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&jsondec_std_loads_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}

static PyMethodDef jsondec_orjson_loads_def = {
    "loads", (PyCFunction)(void (*)(void))jsondec_orjson_loads, METH_FASTCALL,
    "loads(obj, /) -> value with orjson.loads semantics, on goaccel's engine.",
};

PyObject *jsondec_new_orjson_loads(PyObject *module) {
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&jsondec_orjson_loads_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}
