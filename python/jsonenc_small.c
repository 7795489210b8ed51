// A bounded C encoder for small orjson.dumps documents (see jsonenc_small.h).
//
// Why: every call into Go costs the C->Go transition (~58-90 ns measured,
// docs/notes/jsonfast-encoder.md), more than orjson's whole dumps({"a": 1})
// (~60 ns). jsondec_entry.c solved the same problem for loads by parsing
// small documents in C; this is the encoder's counterpart. It covers the
// shapes small API payloads are made of, on which orjson's output is simple
// to reproduce exactly:
//
//   - exact dict (exact str keys), list and tuple, nested up to
//     JE_MAX_DEPTH levels;
//   - exact str (any width; lone surrogates decline), escaped as orjson
//     does: \" \\ \b \t \n \f \r, other controls as \u00xx, UTF-8 otherwise;
//   - exact int in int64 range, True/False, None;
//   - exact float when its shortest round-trip digits are a decimal with at
//     most JE_MAX_FRAC digits after the point and it is below 2**48 (proof
//     at je_float); everything else, NaN and infinities included, declines.
//
// Anything else declines (returns -1) and the caller runs the Go encoder on
// the whole document: subclasses, other types, non-str keys, deeper
// nesting, cycles (they hit the depth bound), outputs past the buffer.
// Nothing here calls Python code or changes an object, so declining leaves
// no trace.
#include "jsonenc_small.h"
#include <math.h>
#include <stddef.h>
#include <string.h>

#define JE_MAX_DEPTH 16
#define JE_MAX_FRAC 8

typedef struct {
    char *p;
    char *end;
} je_out;

static const char je_digits2[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// je_esc[c] for c < 0x80: 0 = written as is; otherwise the letter after the
// backslash ('u' for the \u00xx form). orjson escapes exactly the controls,
// '"' and '\\' (DEL and non-ASCII are written raw).
static const char je_esc[128] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static const char je_hex[17] = "0123456789abcdef";

// Whether any byte of w, eight ASCII bytes, needs an escape: is below 0x20,
// '"' or '\\'. Exact as a yes/no (the borrows of the classic zero-byte test
// only affect bytes above a true hit).
static inline int je_word_needs_escape(uint64_t w) {
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');
    uint64_t t = (w - ones * 0x20) | (quote - ones) | (bslash - ones);
    return (t & ~w & high) != 0;
}

// Writes the escape of ASCII c (je_esc[c] != 0) at p; returns the new end.
static inline char *je_put_esc(char *p, unsigned c) {
    char e = je_esc[c];
    p[0] = '\\';
    if (e != 'u') {
        p[1] = e;
        return p + 2;
    }
    p[1] = 'u';
    p[2] = '0';
    p[3] = '0';
    p[4] = je_hex[c >> 4];
    p[5] = je_hex[c & 15];
    return p + 6;
}

// Writes v in decimal; returns 0 if it does not fit.
static inline int je_put_u64(je_out *o, uint64_t v) {
    char tmp[20];
    char *q = tmp + sizeof tmp;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        q -= 2;
        memcpy(q, je_digits2 + 2 * r, 2);
    }
    if (v >= 10) {
        q -= 2;
        memcpy(q, je_digits2 + 2 * v, 2);
    } else {
        *--q = (char)('0' + v);
    }
    size_t n = (size_t)(tmp + sizeof tmp - q);
    if ((size_t)(o->end - o->p) < n) return 0;
    memcpy(o->p, q, n);
    o->p += n;
    return 1;
}

static inline int je_put_i64(je_out *o, int64_t v) {
    if (v < 0) {
        if (o->p >= o->end) return 0;
        *o->p++ = '-';
        return je_put_u64(o, (uint64_t)0 - (uint64_t)v);
    }
    return je_put_u64(o, (uint64_t)v);
}

static inline int je_put_lit(je_out *o, const char *s, size_t n) {
    if ((size_t)(o->end - o->p) < n) return 0;
    memcpy(o->p, s, n);
    o->p += n;
    return 1;
}

// An exact int: orjson writes every int of the int64 range in decimal;
// beyond it (up to 2**64-1, or the range error) the Go path decides.
static inline int je_int(je_out *o, PyObject *v) {
    int64_t x;
#if PY_VERSION_HEX >= 0x030C0000
    if (PyUnstable_Long_IsCompact((PyLongObject *)v)) {
        x = (int64_t)PyUnstable_Long_CompactValue((PyLongObject *)v);
    } else
#else
    Py_ssize_t size = Py_SIZE(v);
    if (size >= -1 && size <= 1) {
        x = (int64_t)size * (int64_t)((PyLongObject *)v)->ob_digit[0];
    } else
#endif
    {
        int overflow = 0;
        long long ll = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow != 0) return 0;
        if (ll == -1 && PyErr_Occurred()) {  // not for an exact int; be safe
            PyErr_Clear();
            return 0;
        }
        x = (int64_t)ll;
    }
    return je_put_i64(o, x);
}

static const double je_p10[JE_MAX_FRAC + 1] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
static const uint64_t je_u10[JE_MAX_FRAC + 1] = {1, 10, 100, 1000, 10000, 100000,
                                                  1000000, 10000000, 100000000};

// An exact float, when its digits are provably the ones the Go path
// (Dragonbox, shortest round-trip, closest of the shortest) gives and
// orjson lays them out without an exponent. Declines otherwise.
//
// For k = 0, 1, ..., JE_MAX_FRAC: m = round(d * 10**k) and the test
// m / 10**k == d. Both m (< 2**48) and 10**k (<= 10**8) are exact doubles,
// so the IEEE division is the correctly rounded value of the decimal
// m * 10**-k: the test says exactly "this k-digit decimal round-trips to d"
// (ties to even, as Dragonbox's interval bounds). The first k that passes
// gives the shortest digits, because:
//
//   - |d * 10**k| < 2**48 at every level tried, so the computed product is
//     within 2**-5 of the exact one and round() finds the k-digit decimal
//     nearest to d, the only one that can round-trip (see next point);
//   - ulp(d) <= 2**-52 * |d| < 2**-4 * 10**-k < 10**-(k+1): the rounding
//     interval of d (width one ulp) holds at most one decimal with k
//     fraction digits, and no two decimals that differ by 10**-(k+1) or
//     more. A decimal with fewer fraction digits did not round-trip (an
//     earlier k failed). One with more fraction digits has more
//     significant digits, or — only across a power of ten, with exactly
//     k+1 fraction digits — as many; but then it lies at least 10**-(k+1)
//     from ours, so not in the same interval. Hence m * 10**-k is the
//     unique shortest candidate, and m has no trailing zero when k > 0
//     (else k-1 would have passed).
//
// orjson's layout is positional when 0.DIGITS * 10**decpt has
// -5 < decpt <= 16: decpt <= 15 below 2**48, and decpt = digits(m) - k.
static inline int je_float(je_out *o, double d) {
    const double lim = 281474976710656.0;  // 2**48
    double a = fabs(d);
    if (!(a < lim)) return 0;  // also NaN, infinities
    if (a == 0) return signbit(d) ? je_put_lit(o, "-0.0", 4) : je_put_lit(o, "0.0", 3);
    for (int k = 0; k <= JE_MAX_FRAC; k++) {
        double x = a * je_p10[k];
        if (!(x < lim)) return 0;
        // x + 0.5 is exact (x < 2**48 has an ulp of at most 2**-5) and
        // the cast truncates: round half up, without a libm call. Which
        // neighbour a tie picks does not matter, the test below decides.
        double r = (double)(int64_t)(x + 0.5);
        if (r / je_p10[k] != a) continue;
        uint64_t m = (uint64_t)r;
        if (k > 5 && m < je_u10[k - 5]) return 0;  // orjson writes 1e-6 etc.
        // At most '-', 15 integer digits, '.', 8 digits; laid out here and
        // copied, so the bound check is exact.
        char tmp[32];
        je_out t = {tmp, tmp + sizeof tmp};
        if (signbit(d)) *t.p++ = '-';
        uint64_t ip = m / je_u10[k], frac = m - ip * je_u10[k];
        je_put_u64(&t, ip);
        *t.p++ = '.';
        if (k == 0) {
            *t.p++ = '0';
        } else {
            for (int i = k; i > 0; i--) {
                t.p[i - 1] = (char)('0' + frac % 10);
                frac /= 10;
            }
            t.p += k;
        }
        return je_put_lit(o, tmp, (size_t)(t.p - tmp));
    }
    return 0;
}

// An exact str as a JSON string, orjson's escapes, UTF-8. Declines on lone
// surrogates (orjson raises; the Go path gives its error) and on strings
// that are not compact (a legacy str made by the old C API).
static int je_str(je_out *o, PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (PyUnicode_IS_COMPACT_ASCII(s)) {
        const unsigned char *src = (const unsigned char *)(((PyASCIIObject *)s) + 1);
        if (o->end - o->p < n + 2) return 0;
        char *p = o->p;
        *p++ = '"';
        // Whole words first: copy 8 bytes, keep them if none needs an
        // escape (the room for them was checked above).
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, src + i, 8);
            if (je_word_needs_escape(w)) break;
            memcpy(p, &w, 8);
            p += 8;
        }
        for (; i < n; i++) {
            unsigned c = src[i];
            if (je_esc[c] == 0) {
                *p++ = (char)c;
                continue;
            }
            // this escape, one byte per character left, the closing quote
            if (o->end - p < (je_esc[c] == 'u' ? 6 : 2) + (n - i)) return 0;
            p = je_put_esc(p, c);
        }
        *p++ = '"';
        o->p = p;
        return 1;
    }
    if (!PyUnicode_IS_COMPACT(s)) return 0;
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    char *p = o->p;
    if (o->end - p < n + 2) return 0;
    *p++ = '"';
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        // Before character i at least (n - i) + 1 bytes are left: one per
        // character and the closing quote (checked on entry). A form of L
        // bytes needs L + (n - i), which keeps that true; exact, so every
        // output up to cap fits.
        Py_ssize_t need = n - i;
        if (c < 0x80) {
            if (je_esc[c] == 0) {
                *p++ = (char)c;
                continue;
            }
            if (o->end - p < need + (je_esc[c] == 'u' ? 6 : 2)) return 0;
            p = je_put_esc(p, c);
        } else if (c < 0x800) {
            if (o->end - p < need + 2) return 0;
            p[0] = (char)(0xc0 | (c >> 6));
            p[1] = (char)(0x80 | (c & 0x3f));
            p += 2;
        } else if (c < 0x10000) {
            if (c >= 0xd800 && c <= 0xdfff) return 0;
            if (o->end - p < need + 3) return 0;
            p[0] = (char)(0xe0 | (c >> 12));
            p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            p[2] = (char)(0x80 | (c & 0x3f));
            p += 3;
        } else {
            if (o->end - p < need + 4) return 0;
            p[0] = (char)(0xf0 | (c >> 18));
            p[1] = (char)(0x80 | ((c >> 12) & 0x3f));
            p[2] = (char)(0x80 | ((c >> 6) & 0x3f));
            p[3] = (char)(0x80 | (c & 0x3f));
            p += 4;
        }
    }
    *p++ = '"';
    o->p = p;
    return 1;
}

static int je_value(je_out *o, PyObject *v, int depth);

static int je_seq(je_out *o, PyObject *const *items, Py_ssize_t n, int depth) {
    if (o->end - o->p < 2) return 0;
    *o->p++ = '[';
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i > 0) {
            if (o->p >= o->end) return 0;
            *o->p++ = ',';
        }
        if (!je_value(o, items[i], depth)) return 0;
    }
    if (o->p >= o->end) return 0;
    *o->p++ = ']';
    return 1;
}

// One "key":value member; first is 1 for the first member written.
static inline int je_member(je_out *o, PyObject *k, PyObject *v, int first, int depth) {
    if (!PyUnicode_CheckExact(k)) return 0;  // orjson: error or NON_STR_KEYS
    if (!first) {
        if (o->p >= o->end) return 0;
        *o->p++ = ',';
    }
    if (!je_str(o, k)) return 0;
    if (o->p >= o->end) return 0;
    *o->p++ = ':';
    return je_value(o, v, depth);
}

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030C0000
// CPython 3.11's PyDictKeysObject (Include/internal/pycore_dict.h), whose
// offsets python/layout.go's table for 3.11 also states and checks against
// real dicts at import: the entries are walked in place, as the Go encoder
// does (python/jsonenc_dict.go), instead of a PyDict_Next call per member
// (10% of the 10-field record's time in a perf profile).
typedef struct {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind;
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
} je_keys311;
_Static_assert(offsetof(je_keys311, dk_log2_index_bytes) == 9, "3.11 dict keys layout");
_Static_assert(offsetof(je_keys311, dk_kind) == 10, "3.11 dict keys layout");
_Static_assert(offsetof(je_keys311, dk_nentries) == 24, "3.11 dict keys layout");
_Static_assert(offsetof(je_keys311, dk_indices) == 32, "3.11 dict keys layout");
#define JE_KEYS_GENERAL 0  // entries {hash, key, value}; else {key, value}
#define JE_DICT_TABLE 1
#endif

static int je_dict(je_out *o, PyObject *d, int depth) {
    if (o->end - o->p < 2) return 0;
    *o->p++ = '{';
    int first = 1;
#ifdef JE_DICT_TABLE
    PyDictObject *dict = (PyDictObject *)d;
    if (dict->ma_values == NULL) {  // a combined table (split: PyDict_Next)
        je_keys311 *keys = (je_keys311 *)dict->ma_keys;
        PyObject **e = (PyObject **)(keys->dk_indices + ((size_t)1 << keys->dk_log2_index_bytes));
        size_t stride = 2;
        if (keys->dk_kind == JE_KEYS_GENERAL) {
            e++;  // skip me_hash
            stride = 3;
        }
        Py_ssize_t n = keys->dk_nentries;
        for (Py_ssize_t i = 0; i < n; i++, e += stride) {
            if (e[1] == NULL) continue;  // deleted
            if (!je_member(o, e[0], e[1], first, depth)) return 0;
            first = 0;
        }
        goto done;
    }
#endif
    {
        Py_ssize_t pos = 0;
        PyObject *k, *v;
        while (PyDict_Next(d, &pos, &k, &v)) {
            if (!je_member(o, k, v, first, depth)) return 0;
            first = 0;
        }
    }
#ifdef JE_DICT_TABLE
done:
#endif
    if (o->p >= o->end) return 0;
    *o->p++ = '}';
    return 1;
}

static int je_value(je_out *o, PyObject *v, int depth) {
    PyTypeObject *t = Py_TYPE(v);
    if (t == &PyUnicode_Type) return je_str(o, v);
    if (t == &PyLong_Type) return je_int(o, v);
    if (v == Py_True) return je_put_lit(o, "true", 4);
    if (v == Py_False) return je_put_lit(o, "false", 5);
    if (v == Py_None) return je_put_lit(o, "null", 4);
    if (t == &PyFloat_Type) return je_float(o, PyFloat_AS_DOUBLE(v));
    if (depth >= JE_MAX_DEPTH) return 0;
    if (t == &PyDict_Type) return je_dict(o, v, depth + 1);
    if (t == &PyList_Type) return je_seq(o, ((PyListObject *)v)->ob_item, PyList_GET_SIZE(v), depth + 1);
    if (t == &PyTuple_Type) return je_seq(o, ((PyTupleObject *)v)->ob_item, PyTuple_GET_SIZE(v), depth + 1);
    return 0;
}

Py_ssize_t jsonenc_small(PyObject *obj, char *buf, Py_ssize_t cap) {
    je_out o = {buf, buf + cap};
    if (!je_value(&o, obj, 0)) return -1;
    return o.p - buf;
}
