// The C encoder orjson.dumps tries before the Go one (see jsonenc_small.h;
// the caller, jsonenc_entry.c, bounds the output at 64 MiB).
//
// Why: every call into Go costs the C->Go transition (~58-90 ns measured,
// docs/notes/jsonfast-encoder.md), more than orjson's whole dumps({"a": 1})
// (~60 ns). jsondec_entry.c solved the same problem for loads by parsing
// small documents in C; this is the encoder's counterpart. Measured, it
// also beat the Go walker on larger documents of these types (citm_catalog
// 0.61 -> 0.90 of orjson's speed), so it is not limited to small ones. It
// covers the types API payloads are made of, with orjson's exact output:
//
//   - exact dict (exact str keys), list and tuple, nested up to
//     JE_MAX_DEPTH levels;
//   - exact str (any width; lone surrogates decline), escaped as orjson
//     does: \" \\ \b \t \n \f \r, other controls as \u00xx, UTF-8 otherwise;
//   - exact int in int64 range, True/False, None;
//   - exact datetime (naive or UTC), date and naive time (je_datetime);
//   - exact uuid.UUID (je_uuid);
//   - subclasses of str, int, dict and list by their data, unless
//     OPT_PASSTHROUGH_SUBCLASS (je_other);
//   - exact float, with the Go path's digits (Dragonbox, jsonenc_dbox.h)
//     and orjson's layout; NaN and infinities as null;
//
// Anything else declines (returns -1) and the caller runs the Go encoder on
// the whole document: other types and subclasses, non-str keys, deeper
// nesting, cycles (they hit the depth bound), outputs past the limit.
// Nothing here calls Python code or changes an object (beyond CPython's
// UTF-8 cache of a long non-ASCII str, which the Go path creates too), so
// declining leaves no trace.
// Python's headers assert on every macro (PyUnicode_*, PyList_GET_SIZE...)
// unless NDEBUG is set; the types are checked here already (as in
// jsondec_entry.c). perf showed the assert branches in the hot loops.
// -O3 for the str and dict writers (the build's CGO_CFLAGS say -O2):
// measured +10-15% on twitter.json, +8% github, +2-3% citm_catalog. Not
// for the whole file: -O3 on the float and list code cost canada.json ~5%
// (orjson / jsonfast, alternating runs; docs/notes/jsonfast-encoder.md,
// sixth round). GCC only (clang has no per-function level).
#if defined(__GNUC__) && !defined(__clang__)
#define JE_O3 __attribute__((optimize("O3")))
#else
#define JE_O3
#endif
#ifndef NDEBUG
#define NDEBUG
#endif
#include "jsonenc_small.h"
#include "jsonenc_dbox.h"
#include <datetime.h>
#include <math.h>
#include <structmember.h>
#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

#define JE_MAX_DEPTH 16

typedef struct {
    char *p;
    char *end;
    char *start;       // the buffer being written: the caller's, then bytes'
    PyObject *bytes;   // the bytes object the output moved to, or NULL
    Py_ssize_t limit;  // the most output that may be written
    long opts;         // orjson OPT_* bits (within JSONENC_SMALL_OPTS)
} je_out;

// Output past the caller's buffer moves into the result itself: a bytes
// object, grown by _PyBytes_Resize (realloc) and shrunk to the output at
// the end, as orjson writes its output — no final copy. (Before, it went to
// a heap buffer kept between calls and was copied into a new bytes object
// at the end: 5% of twitter.json's time in perf, memmove.) The first size
// comes from the last large output (the Go encoder's dumpsDirect rule:
// a document dumped again is about the same size), so repeated large dumps
// do not regrow step by step. Only ever used with the GIL held.
#define JE_HINT_MIN (32 << 10)
static Py_ssize_t je_last_large;  // the last output of JE_HINT_MIN+ bytes, or 0

// Makes room for n more bytes, moving the output into (a larger) bytes
// object; 0 when the output would pass o->limit or memory runs out (the
// caller declines; a MemoryError from the allocation is cleared).
static int __attribute__((noinline)) je_grow(je_out *o, Py_ssize_t n) {
    Py_ssize_t used = o->p - o->start, need = used + n;
    if (need > o->limit) return 0;
    Py_ssize_t cap = 2 * (o->end - o->start);
    if (cap < 4096) cap = 4096;
    if (o->bytes == NULL && je_last_large > 0) {
        Py_ssize_t hint = je_last_large + je_last_large / 8 + 4096;
        if (cap < hint) cap = hint;
    }
    while (cap < need) cap *= 2;
    if (cap > o->limit) cap = o->limit;
    if (o->bytes == NULL) {
        PyObject *b = PyBytes_FromStringAndSize(NULL, cap);
        if (b == NULL) {
            PyErr_Clear();
            return 0;
        }
        memcpy(PyBytes_AS_STRING(b), o->start, (size_t)used);
        o->bytes = b;
    } else if (_PyBytes_Resize(&o->bytes, cap) < 0) {  // frees it on failure
        o->bytes = NULL;
        PyErr_Clear();
        return 0;
    }
    o->start = PyBytes_AS_STRING(o->bytes);
    o->p = o->start + used;
    o->end = o->start + cap;
    return 1;
}

// Whether n more bytes fit, growing the buffer if allowed.
#define JE_ROOM(o, n) \
    (__builtin_expect((o)->end - (o)->p >= (Py_ssize_t)(n), 1) || je_grow((o), (Py_ssize_t)(n)))

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

// Whether any byte of w (eight bytes of ASCII or UTF-8) needs an escape:
// is below 0x20, '"' or '\\'. Exact as a yes/no: bytes >= 0x80 are masked
// out by ~w, and the borrows of the classic zero-byte test start only at a
// true hit, so they only affect bytes above one.
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

static const uint64_t je_pow10u[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull, 1000000000000ull,
    10000000000000ull, 100000000000000ull, 1000000000000000ull, 10000000000000000ull,
    100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

// Decimal digit count of v > 0: log10 from the bit length (x*1233>>12 is
// floor(x*log10(2)) in range), then one compare.
static inline int je_digits(uint64_t v) {
    int bits = 64 - __builtin_clzll(v | 1);
    int n = (bits * 1233) >> 12;
    return n + 1 - (v < je_pow10u[n]);
}

// The eight decimal digits of x (< 10**8, zero-padded) as ASCII in a
// little-endian word, first digit in the low byte, made in registers: x
// split into 4-digit halves in 32-bit lanes, each into 2-digit parts in
// 16-bit lanes, each into digits in bytes, all lanes at once (division by
// 100 as *10486>>20, by 10 as *103>>10, exact in range). The Go path's
// ascii8 (jsonfast/encode_float.go), whose tests cover it.
static inline uint64_t je_ascii8(uint32_t x) {
    uint32_t hi = x / 10000;
    uint64_t merged = (uint64_t)hi | (uint64_t)(x - hi * 10000) << 32;
    uint64_t top = (merged * 10486 >> 20) & (0x7full << 32 | 0x7full);
    uint64_t bot = merged - 100 * top;
    uint64_t hundreds = (bot << 16) + top;
    uint64_t tens = (hundreds * 103 >> 10) & (0xfull << 48 | 0xfull << 32 | 0xfull << 16 | 0xfull);
    tens += (hundreds - 10 * tens) << 8;
    return tens + 0x3030303030303030ull;
}

static inline void je_store64(char *p, uint64_t w) {
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    memcpy(p, &w, 8);
}

// Writes v in decimal. Up to 16 digits the digits are made in registers
// (je_ascii8) and stored as whole words, shifted so the leading zeros drop
// out; the bytes stored past the number (up to 8) are overwritten by what
// follows, so room for 16 more is required. (Laying digits out in a stack
// array and copying them with a wide load stalled on store forwarding: 35%
// of citm_catalog's time on one instruction.) Returns 0 if it does not fit.
static inline int je_put_u64(je_out *o, uint64_t v) {
    if (v < 100) {
        if (!JE_ROOM(o, 2)) return 0;
        if (v < 10) {
            *o->p++ = (char)('0' + v);
        } else {
            memcpy(o->p, je_digits2 + 2 * v, 2);
            o->p += 2;
        }
        return 1;
    }
    int n = je_digits(v);
    if (!JE_ROOM(o, n + 16)) {
        if (!JE_ROOM(o, n)) return 0;
        char *q = o->p + n;  // an exact fit near the limit: the plain loop
        o->p = q;
        do {
            *--q = (char)('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return 1;
    }
    char *p = o->p;
    if (n <= 8) {
        je_store64(p, je_ascii8((uint32_t)v) >> (8 * (8 - n)));
    } else if (n <= 10) {
        // 9 or 10 digits (most ids): the leading part is one table pair.
        uint64_t hi = v / 100000000;
        je_store64(p + n - 8, je_ascii8((uint32_t)(v - hi * 100000000)));
        if (n == 9) {
            p[0] = (char)('0' + hi);
        } else {
            memcpy(p, je_digits2 + 2 * hi, 2);
        }
    } else if (n <= 16) {
        uint64_t hi = v / 100000000;
        uint64_t lo = je_ascii8((uint32_t)(v - hi * 100000000));
        je_store64(p, je_ascii8((uint32_t)hi) >> (8 * (16 - n)));
        je_store64(p + n - 8, lo);
    } else {
        uint64_t hi = v / 100000000, top = hi / 100000000;  // top: 1..1844
        je_store64(p + n - 16, je_ascii8((uint32_t)(hi - top * 100000000)));
        je_store64(p + n - 8, je_ascii8((uint32_t)(v - hi * 100000000)));
        char *q = p + n - 16;
        do {
            *--q = (char)('0' + top % 10);
            top /= 10;
        } while (top != 0);
    }
    o->p = p + n;
    return 1;
}

static inline int je_put_i64(je_out *o, int64_t v) {
    if (v < 0) {
        if (!JE_ROOM(o, 1)) return 0;
        *o->p++ = '-';
        return je_put_u64(o, (uint64_t)0 - (uint64_t)v);
    }
    return je_put_u64(o, (uint64_t)v);
}

static inline int je_put_lit(je_out *o, const char *s, size_t n) {
    if (!JE_ROOM(o, n)) return 0;
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

// A float as orjson writes it (jsonfast/encode_float.go's appendFloat with
// orjson's layout): NaN and infinities as null; otherwise the shortest
// round-trip digits from Dragonbox (jsonenc_dbox.h, the Go path's
// algorithm), positional when the value is 0.DIGITS * 10**decpt with
// -5 < decpt <= 16 ("0.00001", "1e-6", "1e+16"), with ".0" on integers.
// Writes the nd (1..17) digits of v at p, in whole 8-byte words made in
// registers; may write up to 8 bytes past them.
static inline void je_put_digits(char *p, uint64_t v, int nd) {
    if (nd <= 8) {
        je_store64(p, je_ascii8((uint32_t)v) >> (8 * (8 - nd)));
    } else if (nd <= 16) {
        uint64_t hi = v / 100000000ull;
        je_store64(p, je_ascii8((uint32_t)hi) >> (8 * (16 - nd)));
        je_store64(p + nd - 8, je_ascii8((uint32_t)(v - hi * 100000000ull)));
    } else {  // 17
        uint64_t hi = v / 100000000ull, top = hi / 100000000ull;
        p[0] = (char)('0' + top);
        je_store64(p + 1, je_ascii8((uint32_t)(hi - top * 100000000ull)));
        je_store64(p + 9, je_ascii8((uint32_t)(v - hi * 100000000ull)));
    }
}

// The 16 decimal digits of v (< 10**16, zero-padded) as ASCII at p, made
// with SSE2 in two 8-digit halves at once: each half split into 4-digit
// groups (a 32-bit multiply by 2**45/10000), each group spread over four
// 16-bit lanes and divided there by 1000, 100, 10 and 1 (multiply-high by
// 4*ceil(2**k/d)-style constants, then by a power of two), and each digit
// taken as the difference to ten times its left neighbour's prefix.
// (All 10**8 values of each half checked against plain division.)
// Without SSE2, the two halves by je_ascii8.
static inline void je_store16(char *p, uint64_t v) {
    uint64_t hi = v / 100000000ull;
    uint64_t lo = v - hi * 100000000ull;
#ifndef __SSE2__
    je_store64(p, je_ascii8((uint32_t)hi));
    je_store64(p + 8, je_ascii8((uint32_t)lo));
#else
    __m128i x = _mm_set_epi64x((long long)lo, (long long)hi);
    __m128i q = _mm_srli_epi64(_mm_mul_epu32(x, _mm_set1_epi32((int)0xd1b71759)), 45);  // /10000
    __m128i r = _mm_sub_epi32(x, _mm_mul_epu32(q, _mm_set1_epi32(10000)));
    __m128i v1 = _mm_slli_epi16(_mm_or_si128(q, _mm_slli_epi32(r, 16)), 2);  // 16-bit: [4q,4r,0,0] per half
    __m128i a = _mm_unpacklo_epi16(v1, v1), b = _mm_unpackhi_epi16(v1, v1);
    a = _mm_unpacklo_epi32(a, a);  // [4q x4, 4r x4] of the first half
    b = _mm_unpacklo_epi32(b, b);  // the same of the second
    const __m128i div = _mm_set_epi16(-32768, 13108, 5243, 8389, -32768, 13108, 5243, 8389);
    const __m128i sh = _mm_set_epi16(-32768, 1 << 13, 1 << 11, 1 << 7, -32768, 1 << 13, 1 << 11, 1 << 7);
    a = _mm_mulhi_epu16(_mm_mulhi_epu16(a, div), sh);  // [n/1000, n/100, n/10, n] per group
    b = _mm_mulhi_epu16(_mm_mulhi_epu16(b, div), sh);
    const __m128i ten = _mm_set1_epi16(10);
    a = _mm_sub_epi16(a, _mm_slli_epi64(_mm_mullo_epi16(a, ten), 16));
    b = _mm_sub_epi16(b, _mm_slli_epi64(_mm_mullo_epi16(b, ten), 16));
    __m128i d = _mm_add_epi8(_mm_packus_epi16(a, b), _mm_set1_epi8('0'));
    _mm_storeu_si128((__m128i *)p, d);
#endif
}

// je_dig3[i] for i < 1000: the ASCII digits of i in the first bytes (no
// leading zeros), their count in the fourth.
static unsigned char je_dig3[1000][4];

static void je_dig3_init(void) {
    for (int i = 0; i < 1000; i++) {
        unsigned char b[4] = {0, 0, 0, 0};
        int n = i >= 100 ? 3 : i >= 10 ? 2 : 1;
        for (int j = n - 1, v = i; j >= 0; j--, v /= 10) b[j] = (unsigned char)('0' + v % 10);
        b[3] = (unsigned char)n;
        memcpy(je_dig3[i], b, 4);
    }
}

static inline int je_float(je_out *o, double d) {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    int exp = (int)(bits >> 52) & 0x7ff;
    if (exp == 0x7ff) return je_put_lit(o, "null", 4);
    // Written straight into the output when there is room for the longest
    // form (25 bytes) plus the word stores' overshoot; else into tmp and
    // copied. (Laying it out in a scratch array and copying it with wide
    // loads stalled on store forwarding: ~30% of canada.json in perf.)
    char tmp[64];
    char *start = o->end - o->p >= 48 ? o->p : tmp;
    char *p = start;
    if (bits >> 63) *p++ = '-';
    uint64_t mant = bits & ((1ull << 52) - 1);
    int denorm = 0;
    if (exp == 0) {
        if (mant == 0) {
            memcpy(p, "0.0", 3);
            p += 3;
            goto done;
        }
        exp++;
        denorm = 1;
    } else {
        mant |= 1ull << 52;
    }
    int dexp;
    uint64_t digits = je_dbox_ftoa64(mant, exp - 1023 - 52, denorm, &dexp);
    double a = fabs(d);
    if (dexp < 0 && a >= 1.0 && a < 1e16) {
        // Digits on both sides of the point (decpt = nd + dexp is in 1..16
        // exactly when 1 <= |d| < 1e16: no shortest digits of a double
        // below 1 or 1e16 reach those, which are doubles themselves): the
        // integer part is the float's own truncation (no integer lies
        // between a float and its shortest digits), the fraction the k
        // digits left; as jsonfast/encode_float.go's appendPointed. Decided
        // from the double, so the digit count of the digits is not needed
        // here (it was on this path's critical chain). No trailing zeros
        // to strip: Dragonbox removes them where they can occur and its
        // other step cannot end in one — checked on 228M doubles (random
        // bits, random decimals, powers of two and neighbours, integers
        // below 2e7, m*10^e for m < 1000, subnormals): none.
        int k = -dexp;
        uint64_t ip = (uint64_t)a;
        uint64_t frac = digits - ip * je_pow10u[k];
        if (ip < 1000) {
            // The usual case (coordinates, prices, ratios): the integer
            // part's digits from a table, their count in the fourth byte
            // (overwritten by the point). Measured: 17.8 -> 15.5 ns per
            // float on canada.json's floats, C loop alone.
            memcpy(p, je_dig3[ip], 4);
            p += je_dig3[ip][3];
        } else {
            int ni = je_digits(ip);
            je_put_digits(p, ip, ni);
            p += ni;
        }
        *p++ = '.';
        // The fraction's k digits are the first k of the 16 of
        // frac * 10**(16 - k): one 16-digit conversion (SSE2), one store,
        // no branch on k. Measured: 14.4 -> 11.6 ns per float on
        // canada.json's floats, C loop alone (the two 8-digit je_ascii8
        // conversions were half of its samples: multiplies).
        je_store16(p, frac * je_pow10u[16 - k]);
        p += k;
        goto done;
    }
    while (digits % 10 == 0) {
        digits /= 10;
        dexp++;
    }
    int nd = je_digits(digits);
    int decpt = nd + dexp;
    if (decpt <= -5 || decpt > 16) {
        char ds[24];
        je_put_digits(ds, digits, nd);
        *p++ = ds[0];
        if (nd > 1) {
            *p++ = '.';
            for (int i = 1; i < nd; i++) *p++ = ds[i];
        }
        *p++ = 'e';
        int e = decpt - 1;
        if (e < 0) {
            *p++ = '-';
            e = -e;
        } else {
            *p++ = '+';
        }
        if (e >= 100) {
            *p++ = (char)('0' + e / 100);
            e %= 100;
            memcpy(p, je_digits2 + 2 * e, 2);
            p += 2;
        } else if (e >= 10) {
            memcpy(p, je_digits2 + 2 * e, 2);
            p += 2;
        } else {
            *p++ = (char)('0' + e);
        }
    } else if (decpt <= 0) {
        memcpy(p, "0.0000", 6);  // "0." and up to four zeros (decpt >= -4)
        p += 2 - decpt;
        je_put_digits(p, digits, nd);
        p += nd;
    } else {  // an integer below 1e16: digits, zeros, ".0"
        je_put_digits(p, digits, nd);
        p += nd;
        memcpy(p, "0000000000000000", 16);  // decpt - nd <= 15 zeros
        p += decpt - nd;
        memcpy(p, ".0", 2);
        p += 2;
    }
done:
    if (start == tmp) return je_put_lit(o, tmp, (size_t)(p - tmp));
    o->p = p;
    return 1;
}

// Writes n bytes of ASCII or UTF-8 as a JSON string with orjson's escapes
// (only controls, '"' and '\\'; DEL and non-ASCII bytes are copied).
JE_O3 static int je_quoted(je_out *o, const unsigned char *src, Py_ssize_t n) {
    if (!JE_ROOM(o, n + 2)) return 0;
    char *p = o->p;
    *p++ = '"';
    // Invariant: before byte i at least (n - i) + 1 bytes are left, one per
    // byte and the closing quote; an escape re-checks for its extra bytes.
    // Exact, so every output up to the limit fits.
    Py_ssize_t i = 0;
    for (;;) {
#ifdef __SSE2__
        // 16 bytes a step: copied, kept if none is a control, '"' or '\\'.
        for (; i + 16 <= n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(src + i));
            __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
            __m128i q = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
            __m128i b = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
            if (_mm_movemask_epi8(_mm_or_si128(ctl, _mm_or_si128(q, b))) != 0) break;
            _mm_storeu_si128((__m128i *)p, x);
            p += 16;
        }
        // The tail of a str of 16+ bytes after the loop above ran to its
        // end (fewer than 16 bytes left): the last 16 bytes in one
        // overlapping step instead of words and single bytes, when none of
        // them needs an escape. The bytes stored twice are the same: those
        // before i among the last 16 were copied one to one (no escape
        // among them). In bounds: n >= 16, and room was made for the n - i
        // bytes left.
        if (i < n && i + 16 > n && n >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(src + n - 16));
            __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
            __m128i q = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
            __m128i b = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
            if (_mm_movemask_epi8(_mm_or_si128(ctl, _mm_or_si128(q, b))) == 0) {
                _mm_storeu_si128((__m128i *)(p + (n - 16 - i)), x);
                p += n - i;
                i = n;
                break;
            }
        }
#endif
        // Whole words: copy 8 bytes, keep them if none needs an escape.
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, src + i, 8);
            if (je_word_needs_escape(w)) break;
            memcpy(p, &w, 8);
            p += 8;
        }
        // Then byte by byte up to and including the next escape.
        for (; i < n; i++) {
            unsigned c = src[i];
            if (c >= 0x80 || je_esc[c] == 0) {
                *p++ = (char)c;
                continue;
            }
            Py_ssize_t need = (je_esc[c] == 'u' ? 6 : 2) + (n - i);
            if (o->end - p < need) {
                o->p = p;
                if (!je_grow(o, need)) return 0;
                p = o->p;
            }
            p = je_put_esc(p, c);
            i++;
            break;
        }
        if (i >= n) break;
    }
    *p++ = '"';
    o->p = p;
    return 1;
}

// An exact str as a JSON string, orjson's escapes, UTF-8. Declines on lone
// surrogates (orjson raises; the Go path gives its error) and on strings
// that are not compact (a legacy str made by the old C API). A non-ASCII
// str of 16+ code points is copied from CPython's cached UTF-8, created
// here if needed, as the Go path (and orjson) do for such strings.
JE_O3 static int je_str(je_out *o, PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (PyUnicode_IS_COMPACT_ASCII(s)) {
        const unsigned char *src = (const unsigned char *)(((PyASCIIObject *)s) + 1);
        // Short strs (most keys) in whole words: load 8 or 16 bytes, blank
        // the ones past the end, test, store 16 bytes (the extra ones are
        // overwritten by what follows). Reading past the characters stays
        // inside the object: they start 48 bytes into it and it was
        // allocated with at least 48 + n + 1 bytes, which pymalloc (16-byte
        // size classes: >= 64) and glibc malloc (usable >= 56 for 49..56,
        // >= 72 for 57..72) round up to cover data[0:8) when n < 8 and
        // data[0:16) when n < 16 — the same argument as the Go path's
        // jsonfast/encode_short.go.
        if (n > 0 && n < 16 && o->end - o->p >= 18) {
            const uint64_t fill = 0x6161616161616161ull;  // 'a' never needs escaping
            uint64_t w0, w1 = fill;
            memcpy(&w0, src, 8);
            if (n < 8) {
                uint64_t mask = (1ull << (8 * n)) - 1;
                w0 = (w0 & mask) | (fill & ~mask);
            } else if (n > 8) {
                memcpy(&w1, src + 8, 8);
                uint64_t mask = (1ull << (8 * (n - 8))) - 1;
                w1 = (w1 & mask) | (fill & ~mask);
            }
            if (!je_word_needs_escape(w0) && !je_word_needs_escape(w1)) {
                char *p = o->p;
                p[0] = '"';
                memcpy(p + 1, &w0, 8);
                memcpy(p + 9, &w1, 8);
                p[n + 1] = '"';
                o->p = p + n + 2;
                return 1;
            }
        }
        return je_quoted(o, src, n);
    }
    // Other strs: compact non-ASCII, and str subclass instances (not
    // compact: their characters sit in a separate block).
#if PY_VERSION_HEX < 0x030C0000
    if (!PyUnicode_IS_READY(s)) return 0;
#endif
    if (PyUnicode_IS_ASCII(s)) return je_quoted(o, (const unsigned char *)PyUnicode_DATA(s), n);
    const char *utf8 = ((PyCompactUnicodeObject *)s)->utf8;
    Py_ssize_t len = ((PyCompactUnicodeObject *)s)->utf8_length;
    if (utf8 == NULL && n >= 16) {
        utf8 = PyUnicode_AsUTF8AndSize(s, &len);
        if (utf8 == NULL) {  // lone surrogates (or no memory): the Go path
            PyErr_Clear();
            return 0;
        }
    }
    if (utf8 != NULL) return je_quoted(o, (const unsigned char *)utf8, len);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (!JE_ROOM(o, n + 2)) return 0;
    char *p = o->p;
    *p++ = '"';
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        // As in je_quoted: a form of L bytes needs L + (n - i).
        Py_ssize_t need = n - i;
        if (c < 0x80) {
            if (je_esc[c] == 0) {
                *p++ = (char)c;
                continue;
            }
            need += je_esc[c] == 'u' ? 6 : 2;
        } else if (c < 0x800) {
            need += 2;
        } else if (c < 0x10000) {
            if (c >= 0xd800 && c <= 0xdfff) return 0;
            need += 3;
        } else {
            need += 4;
        }
        if (o->end - p < need) {
            o->p = p;
            if (!je_grow(o, need)) return 0;
            p = o->p;
        }
        if (c < 0x80) {
            p = je_put_esc(p, c);
        } else if (c < 0x800) {
            p[0] = (char)(0xc0 | (c >> 6));
            p[1] = (char)(0x80 | (c & 0x3f));
            p += 2;
        } else if (c < 0x10000) {
            p[0] = (char)(0xe0 | (c >> 12));
            p[1] = (char)(0x80 | ((c >> 6) & 0x3f));
            p[2] = (char)(0x80 | (c & 0x3f));
            p += 3;
        } else {
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

// The datetime C API, taken from an already imported datetime module (a
// datetime object cannot exist before that): two dict lookups, no import,
// no Python code. NULL until found.
static PyDateTime_CAPI *je_dt;

static PyDateTime_CAPI *je_dt_api(void) {
    if (je_dt != NULL) return je_dt;
    PyObject *mod = PyDict_GetItemString(PyImport_GetModuleDict(), "datetime");
    if (mod == NULL || !PyModule_Check(mod)) return NULL;
    PyObject *cap = PyDict_GetItemString(PyModule_GetDict(mod), "datetime_CAPI");
    if (cap == NULL || !PyCapsule_IsValid(cap, PyDateTime_CAPSULE_NAME)) return NULL;
    je_dt = (PyDateTime_CAPI *)PyCapsule_GetPointer(cap, PyDateTime_CAPSULE_NAME);
    return je_dt;
}

static inline char *je_put2(char *p, int v) {
    memcpy(p, je_digits2 + 2 * v, 2);
    return p + 2;
}

#define JE_OPT_NAIVE_UTC 2
#define JE_OPT_OMIT_MICROSECONDS 8
#define JE_OPT_UTC_Z 128
#define JE_OPT_PASSTHROUGH_DATETIME 512

// Exact datetime.datetime (naive, or tzinfo datetime.timezone.utc),
// datetime.date, and naive datetime.time, in orjson's RFC 3339 form
// (jsonfast/encode_types.go's datetime). Other zones need Python calls
// (utcoffset, pytz's normalize) and aware times raise: both decline.
static inline int je_is_datetime(PyTypeObject *t) {
    PyDateTime_CAPI *api = je_dt_api();
    return api != NULL && (t == api->DateTimeType || t == api->DateType || t == api->TimeType);
}

// uuid.UUID (exact type), from its `int` slot, as orjson writes it: the
// 8-4-4-4-12 lowercase hex form. The type and the slot's offset come from
// an already imported uuid module (dict lookups, no Python code); the type
// is kept referenced so its address cannot be reused by another type.
static PyTypeObject *je_uuid_type;
static Py_ssize_t je_uuid_int_offset;

static PyTypeObject *je_uuid_load(void) {
    if (je_uuid_type != NULL) return je_uuid_type;
    PyObject *mod = PyDict_GetItemString(PyImport_GetModuleDict(), "uuid");
    if (mod == NULL || !PyModule_Check(mod)) return NULL;
    PyObject *cls = PyDict_GetItemString(PyModule_GetDict(mod), "UUID");
    if (cls == NULL || !PyType_Check(cls) || ((PyTypeObject *)cls)->tp_dict == NULL) return NULL;
    PyObject *descr = PyDict_GetItemString(((PyTypeObject *)cls)->tp_dict, "int");
    if (descr == NULL || Py_TYPE(descr) != &PyMemberDescr_Type) return NULL;
    PyMemberDef *m = ((PyMemberDescrObject *)descr)->d_member;
    if (m->type != T_OBJECT_EX) return NULL;
    je_uuid_int_offset = m->offset;
    Py_INCREF(cls);
    je_uuid_type = (PyTypeObject *)cls;
    return je_uuid_type;
}

static int je_uuid(je_out *o, PyObject *v, PyTypeObject *t) {
    PyTypeObject *ut = je_uuid_load();
    if (ut == NULL || t != ut) return 0;
    PyObject *i = *(PyObject **)((char *)v + je_uuid_int_offset);
    if (i == NULL || !PyLong_CheckExact(i)) return 0;
    unsigned char b[16];
#if PY_VERSION_HEX < 0x030D0000
    if (_PyLong_AsByteArray((PyLongObject *)i, b, 16, 0, 0) < 0) {  // negative or >= 2**128
        PyErr_Clear();
        return 0;
    }
#else
    return 0;  // (3.13 changed _PyLong_AsByteArray; goaccel supports 3.11)
#endif
    char tmp[40], *p = tmp;
    *p++ = '"';
    for (int k = 0; k < 16; k++) {
        if (k == 4 || k == 6 || k == 8 || k == 10) *p++ = '-';
        *p++ = je_hex[b[k] >> 4];
        *p++ = je_hex[b[k] & 15];
    }
    *p++ = '"';
    return je_put_lit(o, tmp, (size_t)(p - tmp));
}

static int je_datetime(je_out *o, PyObject *v, PyTypeObject *t) {
    PyDateTime_CAPI *api = je_dt_api();
    if (api == NULL || (o->opts & JE_OPT_PASSTHROUGH_DATETIME)) return 0;
    int is_dt = t == api->DateTimeType, is_date = t == api->DateType, is_time = t == api->TimeType;
    if (!is_dt && !is_date && !is_time) return 0;
    char tmp[48], *p = tmp;
    *p++ = '"';
    if (!is_time) {
        int y = PyDateTime_GET_YEAR(v);
        p = je_put2(p, y / 100);
        p = je_put2(p, y % 100);
        *p++ = '-';
        p = je_put2(p, PyDateTime_GET_MONTH(v));
        *p++ = '-';
        p = je_put2(p, PyDateTime_GET_DAY(v));
        if (is_date) {
            *p++ = '"';
            return je_put_lit(o, tmp, (size_t)(p - tmp));
        }
        *p++ = 'T';
    }
    int h, mi, sec, us;
    PyObject *tz;
    if (is_time) {
        h = PyDateTime_TIME_GET_HOUR(v);
        mi = PyDateTime_TIME_GET_MINUTE(v);
        sec = PyDateTime_TIME_GET_SECOND(v);
        us = PyDateTime_TIME_GET_MICROSECOND(v);
        tz = PyDateTime_TIME_GET_TZINFO(v);
        if (tz != Py_None) return 0;  // orjson raises: the Go path's error
    } else {
        h = PyDateTime_DATE_GET_HOUR(v);
        mi = PyDateTime_DATE_GET_MINUTE(v);
        sec = PyDateTime_DATE_GET_SECOND(v);
        us = PyDateTime_DATE_GET_MICROSECOND(v);
        tz = PyDateTime_DATE_GET_TZINFO(v);
        if (tz != Py_None && tz != api->TimeZone_UTC) return 0;
    }
    p = je_put2(p, h);
    *p++ = ':';
    p = je_put2(p, mi);
    *p++ = ':';
    p = je_put2(p, sec);
    if (us != 0 && !(o->opts & JE_OPT_OMIT_MICROSECONDS)) {
        *p++ = '.';
        p = je_put2(p, us / 10000);
        p = je_put2(p, us / 100 % 100);
        p = je_put2(p, us % 100);
    }
    if (!is_time && (tz != Py_None || (o->opts & JE_OPT_NAIVE_UTC))) {
        if (o->opts & JE_OPT_UTC_Z) {
            *p++ = 'Z';
        } else {
            memcpy(p, "+00:00", 6);
            p += 6;
        }
    }
    *p++ = '"';
    return je_put_lit(o, tmp, (size_t)(p - tmp));
}

static int je_other(je_out *o, PyObject *v, PyTypeObject *t, int depth);
static inline __attribute__((always_inline)) int je_value(je_out *o, PyObject *v, int depth);

static int je_seq(je_out *o, PyObject *const *items, Py_ssize_t n, int depth) {
    if (!JE_ROOM(o, 2)) return 0;
    *o->p++ = '[';
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i > 0) {
            if (!JE_ROOM(o, 1)) return 0;
            *o->p++ = ',';
        }
        if (!je_value(o, items[i], depth)) return 0;
    }
    if (!JE_ROOM(o, 1)) return 0;
    *o->p++ = ']';
    return 1;
}

// Rendered dict keys, by the key's address. The keys of repeated records
// are the same str objects (json.loads shares them within a document,
// literal keys are interned), and writing them — the length and kind
// checks, the escape scan, the copy — was the largest share of twitter's
// and github's time. A hit is one pointer compare and a fixed-size copy of
// '"key":'.
//
// It cannot go stale: each cached key is held by a strong reference, so
// its address cannot be reused by another object while it is cached, and
// an exact str with a second reference cannot be changed in place (the C
// API refuses to modify a str whose refcount is above 1). A key replaced
// in its slot is released then (Py_DECREF of an exact str runs no Python
// code). Only compact ASCII keys whose rendered form fits are cached, so
// the cache keeps at most JE_KC_SLOTS small strs alive.
//
// A key enters on its second sighting in its slot (je_kc_seen holds the
// last miss's address, a tag only: never dereferenced), so one-off keys —
// citm_catalog's thousands of id-valued keys — do not evict the recurring
// ones or pay for the reference counting.
#define JE_KC_SLOTS 1024
#define JE_KC_BYTES 48  // '"' + up to 45 characters + '"' + ':'
typedef struct {
    PyObject *key;  // a strong reference, or NULL
    Py_ssize_t len;  // of the rendered bytes
    char bytes[JE_KC_BYTES];
} je_kc_entry;
static je_kc_entry je_kc[JE_KC_SLOTS];
static PyObject *je_kc_seen[JE_KC_SLOTS];

static inline size_t je_kc_slot(PyObject *k) {
    uintptr_t a = (uintptr_t)k >> 4;  // objects are 16-byte aligned
    return (size_t)((a ^ (a >> 10)) & (JE_KC_SLOTS - 1));
}

// After a miss: k was just written at start..o->p as '"key":'; cache it
// if it qualifies and was seen in its slot before.
static void __attribute__((noinline)) je_kc_offer(je_out *o, PyObject *k, const char *start, size_t slot) {
    Py_ssize_t len = o->p - start;
    if (je_kc_seen[slot] != k) {
        je_kc_seen[slot] = k;
        return;
    }
    if (len > JE_KC_BYTES || !PyUnicode_IS_COMPACT_ASCII(k) || len != PyUnicode_GET_LENGTH(k) + 3) {
        return;  // too long, not ASCII, or escaped (keep the rule simple)
    }
    je_kc_entry *e = &je_kc[slot];
    PyObject *old = e->key;
    Py_INCREF(k);
    e->key = k;
    e->len = len;
    memcpy(e->bytes, start, (size_t)len);
    Py_XDECREF(old);
}

// One "key":value member; first is 1 for the first member written.
static inline int je_member(je_out *o, PyObject *k, PyObject *v, int first, int depth) {
    if (!PyUnicode_CheckExact(k)) return 0;  // orjson: error or NON_STR_KEYS
    size_t slot = je_kc_slot(k);
    je_kc_entry *e = &je_kc[slot];
    if (e->key == k && o->end - o->p >= JE_KC_BYTES + 1) {
        char *p = o->p;
        *p = ',';
        p += !first;
        memcpy(p, e->bytes, JE_KC_BYTES);
        o->p = p + e->len;
        return je_value(o, v, depth);
    }
    if (!first) {
        if (!JE_ROOM(o, 1)) return 0;
        *o->p++ = ',';
    }
    Py_ssize_t at = o->p - o->start;  // an offset: the output may move
    if (!je_str(o, k)) return 0;
    if (!JE_ROOM(o, 1)) return 0;
    *o->p++ = ':';
    if (o->p - (o->start + at) <= JE_KC_BYTES) je_kc_offer(o, k, o->start + at, slot);
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

JE_O3 static int je_dict(je_out *o, PyObject *d, int depth) {
    if (!JE_ROOM(o, 2)) return 0;
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
    if (!JE_ROOM(o, 1)) return 0;
    *o->p++ = '}';
    return 1;
}

#define JE_OPT_PASSTHROUGH_SUBCLASS 256

// Containers, datetimes, UUIDs, subclasses (recursive; kept out of line).
static int __attribute__((noinline)) je_other(je_out *o, PyObject *v, PyTypeObject *t, int depth) {
    if (depth >= JE_MAX_DEPTH) return 0;
    if (t == &PyDict_Type) return je_dict(o, v, depth + 1);
    if (t == &PyList_Type) return je_seq(o, ((PyListObject *)v)->ob_item, PyList_GET_SIZE(v), depth + 1);
    if (t == &PyTuple_Type) return je_seq(o, ((PyTupleObject *)v)->ob_item, PyTuple_GET_SIZE(v), depth + 1);
    if (!(o->opts & JE_OPT_PASSTHROUGH_SUBCLASS)) {
        // Subclasses of str, int, dict and list by their data, as orjson
        // (and jsonfast/encode_types.go's nativeOrjson) write them:
        // IntEnum/StrEnum members, OrderedDict, defaultdict, ... Nothing
        // of the subclass (methods, properties, items()) is called.
        unsigned long fl = t->tp_flags;
        if (fl & Py_TPFLAGS_UNICODE_SUBCLASS) return je_str(o, v);
        if (fl & Py_TPFLAGS_LONG_SUBCLASS) return je_int(o, v);
        if (fl & Py_TPFLAGS_DICT_SUBCLASS) return je_dict(o, v, depth + 1);
        if (fl & Py_TPFLAGS_LIST_SUBCLASS) {
            return je_seq(o, ((PyListObject *)v)->ob_item, PyList_GET_SIZE(v), depth + 1);
        }
    }
    if (je_is_datetime(t)) return je_datetime(o, v, t);
    return je_uuid(o, v, t);
}

// Scalars inline in the list and dict loops (a call per item was most of
// the time left on citm_catalog's ints, nulls and short strs).
static inline __attribute__((always_inline)) int je_value(je_out *o, PyObject *v, int depth) {
    PyTypeObject *t = Py_TYPE(v);
    if (t == &PyUnicode_Type) return je_str(o, v);
    if (t == &PyLong_Type) return je_int(o, v);
    if (t == &PyFloat_Type) return je_float(o, PyFloat_AS_DOUBLE(v));
    if (v == Py_None) return je_put_lit(o, "null", 4);
    if (v == Py_True) return je_put_lit(o, "true", 4);
    if (v == Py_False) return je_put_lit(o, "false", 5);
    if (t == &PyList_Type && depth < JE_MAX_DEPTH) {
        return je_seq(o, ((PyListObject *)v)->ob_item, PyList_GET_SIZE(v), depth + 1);
    }
    return je_other(o, v, t, depth);
}

Py_ssize_t jsonenc_small(PyObject *obj, long opts, char *buf, Py_ssize_t cap, Py_ssize_t limit,
                         Py_ssize_t extra, PyObject **bytes, Py_ssize_t *reached) {
    if (je_dig3[0][0] == 0) je_dig3_init();  // ('0' once made)
    if (cap > limit) cap = limit;
    je_out o = {buf, buf + cap, buf, NULL, limit, opts};
    int ok = je_value(&o, obj, 0);
    Py_ssize_t n = o.p - o.start;
    *reached = n;
    *bytes = NULL;
    if (!ok) {
        Py_XDECREF(o.bytes);  // a bytes object: its dealloc runs no Python code
        return -1;
    }
    if (o.bytes != NULL) {
        je_last_large = n >= JE_HINT_MIN ? n : 0;
        if (_PyBytes_Resize(&o.bytes, n + extra) < 0) {  // shrinks in place; frees on failure
            PyErr_Clear();
            return -1;
        }
        *bytes = o.bytes;
    }
    return n;
}
