// One-pass construction of Python objects from a jsonfast tape. Going
// through C once per document instead of once per value is the measured
// difference between ~100 and ~20 ns per item (DESIGN.md).
// Release build of the CPython macros used here (cgo does not define
// NDEBUG, and the asserts inside PyUnicode_* / PyList_SET_ITEM cost a type
// check per object).
#ifndef NDEBUG
#define NDEBUG
#endif
// -O3 for this file only (the build sets -O2): build+free CPU time of
// github/citm/twitter fell ~25 % / ~10 % / ~7 % in alternating runs.
#pragma GCC optimize("O3")
#include "jsondec_build.h"
#include <string.h>

#define JD_TAG(w) ((int)((w) >> 56))
#define JD_PAYLOAD(w) ((w) & ((1ULL << 56) - 1))
#define JD_FLAGS(w) ((int)(((w) >> 48) & 0xff))
#define JD_LEN(w) ((Py_ssize_t)((w) & ((1ULL << 48) - 1)))

typedef struct {
    const uint64_t *w, *end;
    const unsigned char *input, *scratch;
    int cache_keys;
    unsigned row; // the key memo's row for an object built here (see jd_memo)
} jd_ctx;

// ---- key cache: object keys repeat across a document and across calls;
// reusing the str (with its hash already computed) saves an allocation, a
// copy and a hash per key. Direct-mapped, keys up to 64 UTF-8 bytes. The
// GIL protects it.
#define JD_CACHE_SIZE 2048
#define JD_CACHE_MAXLEN 64
typedef struct {
    uint64_t hash;
    PyObject *str;
} jd_cache_entry;
static jd_cache_entry jd_cache[JD_CACHE_SIZE];

static inline uint64_t jd_load64(const unsigned char *p) {
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static inline uint64_t jd_load32(const unsigned char *p) {
    uint32_t x;
    memcpy(&x, p, 4);
    return x;
}

// Hash of a key's bytes for the cache index. The tail is read with
// fixed-size (overlapping) loads: a variable-length memcpy into a stack
// word stalled on store forwarding.
static inline uint64_t jd_hash(const unsigned char *s, Py_ssize_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n;
    uint64_t tail;
    if (n >= 8) {
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8) {
            h = (h ^ jd_load64(s + i)) * 0xff51afd7ed558ccdULL;
            h ^= h >> 32;
        }
        tail = jd_load64(s + n - 8);
    } else if (n >= 4) {
        tail = jd_load32(s) | (jd_load32(s + n - 4) << 32);
    } else if (n > 0) {
        tail = (uint64_t)s[0] | ((uint64_t)s[n / 2] << 8) | ((uint64_t)s[n - 1] << 16);
    } else {
        tail = 0;
    }
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

// Equality of two short byte strings with word loads (keys are short; a
// call to memcmp cost more than the comparison).
static inline int jd_equal(const unsigned char *a, const unsigned char *b, Py_ssize_t n) {
    if (n >= 8) {
        Py_ssize_t i = 0;
        for (; i + 8 <= n; i += 8)
            if (jd_load64(a + i) != jd_load64(b + i)) return 0;
        return jd_load64(a + n - 8) == jd_load64(b + n - 8);
    }
    if (n >= 4)
        return jd_load32(a) == jd_load32(b) && jd_load32(a + n - 4) == jd_load32(b + n - 4);
    for (Py_ssize_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

// ---- key memo: in arrays of similar records, the i-th key of an object
// is the i-th key of the previous object reached by the same path. A row
// of the memo stands for a path (the top level is row 0; the value of key
// i of an object in row r gets row (r*31 + i + 1) mod 64; array items
// share their array's row), and slot i holds the last i-th key seen there
// (a strong reference, kept across calls like the cache). It is checked
// before the cache: a hit costs one comparison with a str that is hot in
// the CPU cache (it was just used), instead of a hash, a probe of the
// 32 KB cache table and the cached str's header, which the growing tree
// has usually evicted from L1 by then.
#define JD_MEMO_ROWS 64
#define JD_MEMO_KEYS 32
static PyObject *jd_memo[JD_MEMO_ROWS][JD_MEMO_KEYS];

void goaccel_jsondec_clear_cache(void) {
    for (int d = 0; d < JD_MEMO_ROWS; d++)
        for (int i = 0; i < JD_MEMO_KEYS; i++) Py_CLEAR(jd_memo[d][i]);
    for (int i = 0; i < JD_CACHE_SIZE; i++) {
        Py_CLEAR(jd_cache[i].str);
        jd_cache[i].hash = 0;
    }
}

// A new ASCII str of n bytes, made here rather than by PyUnicode_New: the
// same header fields (3.11's compact ASCII layout, as PyUnicode_New writes
// them), without its generic size and kind checks and its call to
// _Py_NewReference, and the bytes copied with two overlapping word moves
// instead of a call to memcpy. The empty str stays CPython's singleton.
static inline void jd_copy_short(unsigned char *d, const unsigned char *s, Py_ssize_t n) {
    if (n >= 8) {
        if (n > 16) {
            memcpy(d, s, n);
            return;
        }
        uint64_t a = jd_load64(s), b = jd_load64(s + n - 8);
        memcpy(d, &a, 8);
        memcpy(d + n - 8, &b, 8);
    } else if (n >= 4) {
        uint32_t a = (uint32_t)jd_load32(s), b = (uint32_t)jd_load32(s + n - 4);
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    } else if (n > 0) {
        d[0] = s[0];
        d[n / 2] = s[n / 2];
        d[n - 1] = s[n - 1];
    }
}

static inline PyObject *jd_ascii(const unsigned char *s, Py_ssize_t n) {
    if (n == 0) return PyUnicode_New(0, 127);
    PyASCIIObject *o = (PyASCIIObject *)PyObject_Malloc(sizeof(PyASCIIObject) + (size_t)n + 1);
    if (o == NULL) return PyErr_NoMemory();
    Py_SET_TYPE((PyObject *)o, &PyUnicode_Type); // a static type: no reference to take
    Py_SET_REFCNT((PyObject *)o, 1);
    o->length = n;
    o->hash = -1;
    o->state.interned = 0;
    o->state.kind = PyUnicode_1BYTE_KIND;
    o->state.compact = 1;
    o->state.ascii = 1;
    o->state.ready = 1;
    o->wstr = NULL;
    unsigned char *d = (unsigned char *)(o + 1);
    jd_copy_short(d, s, n);
    d[n] = 0;
    return (PyObject *)o;
}

// A cached key matches when its UTF-8 is the key's bytes: ASCII strs are
// their own UTF-8; other keys had their UTF-8 cached by CPython when they
// entered the cache.
static inline int jd_key_matches(PyObject *u, const unsigned char *s, Py_ssize_t n) {
    if (PyUnicode_IS_ASCII(u))
        return PyUnicode_GET_LENGTH(u) == n && jd_equal(PyUnicode_1BYTE_DATA(u), s, n);
    PyCompactUnicodeObject *c = (PyCompactUnicodeObject *)u;
    return c->utf8 != NULL && c->utf8_length == n && jd_equal((const unsigned char *)c->utf8, s, n);
}

static PyObject *jd_decode(const unsigned char *s, Py_ssize_t n, Py_ssize_t chars, int flags);

// Returns the key's str from the cache, or makes it (ASCII when chars < 0)
// and caches it. The standard library also reuses key objects within a
// document (its memo dict); CPython's test_json checks that.
// The miss path, out of line: the hit path below stays small enough to
// inline without saving six registers per key (call overhead was ~20 of
// the ~72 instructions per key on github.json).
static __attribute__((noinline)) PyObject *jd_key_miss(jd_cache_entry *e, uint64_t h,
                                                      const unsigned char *s, Py_ssize_t n,
                                                      Py_ssize_t chars, int flags) {
    PyObject *u = chars < 0 ? jd_ascii(s, n) : jd_decode(s, n, chars, flags);
    if (u == NULL) return NULL;
    if (PyObject_Hash(u) == -1) {
        Py_DECREF(u);
        return NULL;
    }
    if (chars >= 0 && PyUnicode_AsUTF8AndSize(u, NULL) == NULL) {
        PyErr_Clear(); // lone surrogates (stdlib face): not cached
        return u;
    }
    Py_XSETREF(e->str, Py_NewRef(u));
    e->hash = h;
    return u;
}

static inline __attribute__((always_inline)) PyObject *
jd_cached_key(const unsigned char *s, Py_ssize_t n, Py_ssize_t chars, int flags) {
    uint64_t h = jd_hash(s, n);
    jd_cache_entry *e = &jd_cache[h & (JD_CACHE_SIZE - 1)];
    PyObject *u = e->str;
    if (u != NULL && e->hash == h && jd_key_matches(u, s, n)) {
        Py_INCREF(u);
        return u;
    }
    return jd_key_miss(e, h, s, n, chars, flags);
}

// Decodes (WTF-8, already validated by the parser) into a new str of
// `chars` code points whose widest character class is given by flags. One
// loop per str kind, so the inner loop writes without a kind switch.
// (Declared above for the key cache.)
#define JD_DECODE_LOOP(T)                                                     \
    do {                                                                      \
        T *out = (T *)PyUnicode_DATA(u);                                      \
        T *stop = out + chars;                                                \
        while (i < n && out < stop) {                                         \
            Py_UCS4 c = s[i];                                                 \
            if (c < 0x80) {                                                   \
                /* a run of ASCII */                                          \
                do {                                                          \
                    *out++ = (T)c;                                            \
                    i++;                                                      \
                } while (i < n && out < stop && (c = s[i]) < 0x80);           \
                continue;                                                     \
            } else if (c < 0xE0) {                                            \
                c = ((c & 0x1F) << 6) | (s[i + 1] & 0x3F);                    \
                i += 2;                                                       \
            } else if (c < 0xF0) {                                            \
                /* a run of three-byte sequences (CJK text) */                \
                do {                                                          \
                    *out++ = (T)(((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | \
                                 (s[i + 2] & 0x3F));                          \
                    i += 3;                                                   \
                } while (i < n && out < stop && (c = s[i]) >= 0xE0 && c < 0xF0); \
                continue;                                                     \
            } else {                                                          \
                c = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) |          \
                    ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);             \
                i += 4;                                                       \
            }                                                                 \
            *out++ = (T)c;                                                    \
        }                                                                     \
        k = out - (T *)PyUnicode_DATA(u);                                     \
    } while (0)

static PyObject *jd_decode(const unsigned char *s, Py_ssize_t n,
                           Py_ssize_t chars, int flags) {
    Py_UCS4 maxchar = (flags & JD_LATIN1) ? 0xff : (flags & JD_UCS2) ? 0xffff : 0x10ffff;
    PyObject *u = PyUnicode_New(chars, maxchar);
    if (u == NULL) return NULL;
    Py_ssize_t i = 0, k = 0;
    switch (PyUnicode_KIND(u)) {
    case PyUnicode_1BYTE_KIND:
        JD_DECODE_LOOP(Py_UCS1);
        break;
    case PyUnicode_2BYTE_KIND:
        JD_DECODE_LOOP(Py_UCS2);
        break;
    default:
        JD_DECODE_LOOP(Py_UCS4);
        break;
    }
    if (i != n || k != chars) {
        Py_DECREF(u);
        PyErr_SetString(PyExc_SystemError, "jsonfast: inconsistent string on tape");
        return NULL;
    }
    return u;
}

static PyObject *jd_string(jd_ctx *c, uint64_t w, int key) {
    int tag = JD_TAG(w);
    if (tag == JD_SHORTSTR || tag == JD_SHORTKEY) {
        // One word: length<<32 | offset of ASCII bytes in the input.
        Py_ssize_t n = (Py_ssize_t)((w >> 32) & 0xffff);
        const unsigned char *s = c->input + (w & 0xffffffffULL);
        if (key && c->cache_keys && n <= JD_CACHE_MAXLEN) return jd_cached_key(s, n, -1, JD_ASCII);
        return jd_ascii(s, n);
    }
    int flags = JD_FLAGS(w);
    Py_ssize_t n = JD_LEN(w);
    const unsigned char *s = ((flags & JD_SCRATCH) ? c->scratch : c->input) + *c->w++;
    if (flags & JD_ASCII) {
        if (key && c->cache_keys && n <= JD_CACHE_MAXLEN) return jd_cached_key(s, n, -1, flags);
        return jd_ascii(s, n);
    }
    Py_ssize_t chars = (Py_ssize_t)*c->w++;
    if (key && c->cache_keys && n <= JD_CACHE_MAXLEN) return jd_cached_key(s, n, chars, flags);
    return jd_decode(s, n, chars, flags);
}

// An object key: the memo slot's str when it matches (slot may be NULL),
// else the key cache's; the slot then remembers the key.
static inline __attribute__((always_inline)) PyObject *jd_key(jd_ctx *c, uint64_t w,
                                                             PyObject **slot) {
    const unsigned char *s;
    Py_ssize_t n, chars = -1;
    int flags;
    if (JD_TAG(w) == JD_SHORTKEY) {
        n = (Py_ssize_t)((w >> 32) & 0xffff);
        s = c->input + (w & 0xffffffffULL);
        flags = JD_ASCII;
    } else {
        flags = JD_FLAGS(w);
        n = JD_LEN(w);
        s = ((flags & JD_SCRATCH) ? c->scratch : c->input) + *c->w++;
        if (!(flags & JD_ASCII)) chars = (Py_ssize_t)*c->w++;
    }
    if (!c->cache_keys || n > JD_CACHE_MAXLEN)
        return chars < 0 ? jd_ascii(s, n) : jd_decode(s, n, chars, flags);
    if (slot != NULL) {
        PyObject *m = *slot;
        if (m != NULL && jd_key_matches(m, s, n)) {
            Py_INCREF(m);
            return m;
        }
    }
    PyObject *u = jd_cached_key(s, n, chars, flags);
    if (u != NULL && slot != NULL) Py_XSETREF(*slot, Py_NewRef(u));
    return u;
}

static PyObject *jd_bigint(jd_ctx *c, uint64_t w) {
    Py_ssize_t n = (Py_ssize_t)JD_PAYLOAD(w);
    const unsigned char *s = c->input + *c->w++;
    char stackbuf[64];
    char *buf = n < (Py_ssize_t)sizeof stackbuf ? stackbuf : PyMem_Malloc(n + 1);
    if (buf == NULL) return PyErr_NoMemory();
    memcpy(buf, s, n);
    buf[n] = 0;
    PyObject *v = PyLong_FromString(buf, NULL, 10);
    if (buf != stackbuf) PyMem_Free(buf);
    return v;
}


// ---- dicts filled in place. PyDict_SetItem costs ~200 instructions per
// key on twitter.json (type checks, a probe to find an existing key, a
// second probe for the empty slot, version and GC bookkeeping). A dict
// that nobody else has seen yet can be filled directly: one probe,
// CPython's own probe sequence, duplicates handled as insertdict (the
// first key object stays, the last value wins). Dicts of more than five
// pairs come presized (general keys: entries carry the hash); smaller ones
// get their first pair from PyDict_SetItem, which gives them CPython's
// minimal str-keyed table (unicode keys: no hash in the entries), and the
// rest directly. The layout is CPython 3.11's (setup.py accepts only
// 3.11; Include/internal/pycore_dict.h), and jd_dict_selfcheck verifies it
// against dicts built by CPython before the first use: on any mismatch
// the builder keeps PyDict_SetItem.
typedef struct {
    Py_ssize_t dk_refcnt;
    uint8_t dk_log2_size;
    uint8_t dk_log2_index_bytes;
    uint8_t dk_kind; // DICT_KEYS_GENERAL 0, DICT_KEYS_UNICODE 1, SPLIT 2
    uint32_t dk_version;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
    char dk_indices[];
} jd_dictkeys;

typedef struct { // DICT_KEYS_GENERAL
    Py_hash_t me_hash;
    PyObject *me_key;
    PyObject *me_value;
} jd_dictentry;

typedef struct { // DICT_KEYS_UNICODE
    PyObject *me_key;
    PyObject *me_value;
} jd_dictuentry;

static int jd_dict_state; // 0: not checked, 1: direct fill, -1: PyDict_SetItem

static inline Py_ssize_t jd_dk_get(const jd_dictkeys *dk, int ib, size_t i) {
    switch (ib) {
    case 0: return ((const int8_t *)dk->dk_indices)[i];
    case 1: return ((const int16_t *)dk->dk_indices)[i];
    case 2: return ((const int32_t *)dk->dk_indices)[i];
    default: return ((const int64_t *)dk->dk_indices)[i];
    }
}

static inline void jd_dk_set(jd_dictkeys *dk, int ib, size_t i, Py_ssize_t ix) {
    switch (ib) {
    case 0: ((int8_t *)dk->dk_indices)[i] = (int8_t)ix; break;
    case 1: ((int16_t *)dk->dk_indices)[i] = (int16_t)ix; break;
    case 2: ((int32_t *)dk->dk_indices)[i] = (int32_t)ix; break;
    default: ((int64_t *)dk->dk_indices)[i] = (int64_t)ix; break;
    }
}

static inline void *jd_dk_entries(jd_dictkeys *dk) {
    return dk->dk_indices + ((size_t)1 << dk->dk_log2_index_bytes);
}

// A dict this builder alone holds, combined (not split), with its own keys
// table (not shared), of the general or unicode kind, with room for n
// more pairs.
static inline int jd_dict_ready(PyObject *dict, Py_ssize_t n) {
    PyDictObject *mp = (PyDictObject *)dict;
    jd_dictkeys *dk = (jd_dictkeys *)mp->ma_keys;
    return mp->ma_values == NULL && dk->dk_refcnt == 1 && dk->dk_kind <= 1 &&
           dk->dk_nentries == mp->ma_used && dk->dk_usable >= n &&
           dk->dk_log2_index_bytes >= dk->dk_log2_size &&
           dk->dk_log2_index_bytes - dk->dk_log2_size <= 3;
}

static inline int jd_str_eq(PyObject *a, PyObject *b) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    return n == PyUnicode_GET_LENGTH(b) && PyUnicode_KIND(a) == PyUnicode_KIND(b) &&
           memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * PyUnicode_KIND(a)) == 0;
}

// The rare cases of jd_dict_put, out of line: a key whose hash is not
// computed yet (keys too long for the key cache), a duplicate key (the
// last value wins, the first key object stays, as insertdict), and a full
// table (cannot happen: n distinct keys fit; stay correct anyway).
static __attribute__((noinline)) int jd_dict_hash_put(PyObject *dict, PyObject *key,
                                                      PyObject *value);

static __attribute__((noinline)) int jd_dict_dup(PyObject **slot, PyObject *key, PyObject *value) {
    PyObject *old = *slot;
    *slot = value;
    Py_DECREF(old);
    Py_DECREF(key);
    return 0;
}

static __attribute__((noinline)) int jd_dict_full(PyObject *dict, PyObject *key, PyObject *value) {
    int err = PyDict_SetItem(dict, key, value);
    Py_DECREF(key);
    Py_DECREF(value);
    return err;
}

// Puts key -> value (exact str key, both references stolen) into a dict
// that passed jd_dict_ready.
static inline __attribute__((always_inline)) int jd_dict_put(PyObject *dict, PyObject *key,
                                                             PyObject *value) {
    PyDictObject *mp = (PyDictObject *)dict;
    jd_dictkeys *dk = (jd_dictkeys *)mp->ma_keys;
    Py_hash_t hash = ((PyASCIIObject *)key)->hash;
    if (hash == -1) return jd_dict_hash_put(dict, key, value);
    int ib = dk->dk_log2_index_bytes - dk->dk_log2_size;
    size_t mask = ((size_t)1 << dk->dk_log2_size) - 1;
    size_t perturb = (size_t)hash, i = (size_t)hash & mask;
    int general = dk->dk_kind == 0;
    jd_dictentry *gents = jd_dk_entries(dk);
    jd_dictuentry *uents = jd_dk_entries(dk);
    for (;;) {
        Py_ssize_t ix = jd_dk_get(dk, ib, i);
        if (ix < 0) break; // empty (nothing was ever deleted)
        if (general) {
            jd_dictentry *ep = &gents[ix];
            if (ep->me_key == key || (ep->me_hash == hash && jd_str_eq(ep->me_key, key)))
                return jd_dict_dup(&ep->me_value, key, value);
        } else {
            jd_dictuentry *ep = &uents[ix];
            if (ep->me_key == key ||
                (((PyASCIIObject *)ep->me_key)->hash == hash && jd_str_eq(ep->me_key, key)))
                return jd_dict_dup(&ep->me_value, key, value);
        }
        perturb >>= 5; // PERTURB_SHIFT, as CPython's lookups
        i = (i * 5 + perturb + 1) & mask;
    }
    if (dk->dk_usable <= 0) return jd_dict_full(dict, key, value);
    Py_ssize_t ix = dk->dk_nentries;
    jd_dk_set(dk, ib, i, ix);
    if (general) {
        gents[ix].me_hash = hash;
        gents[ix].me_key = key;
        gents[ix].me_value = value;
    } else {
        uents[ix].me_key = key;
        uents[ix].me_value = value;
    }
    dk->dk_nentries = ix + 1;
    dk->dk_usable--;
    mp->ma_used++;
    return 0;
}

static __attribute__((noinline)) int jd_dict_hash_put(PyObject *dict, PyObject *key,
                                                      PyObject *value) {
    if (PyObject_Hash(key) == -1) {
        Py_DECREF(key);
        Py_DECREF(value);
        return -1;
    }
    return jd_dict_put(dict, key, value);
}

// Checks the mirrored layout against CPython, for both kinds: a dict
// filled by PyDict_SetItem must look exactly as jd_dict_put leaves one,
// and one filled by jd_dict_put must answer lookups and compare equal.
static int jd_dict_check_one(Py_ssize_t n, PyObject **keys) {
    PyObject *a = n > 5 ? _PyDict_NewPresized(n) : PyDict_New();
    PyObject *b = n > 5 ? _PyDict_NewPresized(n) : PyDict_New();
    int ok = a != NULL && b != NULL;
    for (Py_ssize_t i = 0; i < n && ok; i++) {
        ok = PyDict_SetItem(a, keys[i], Py_None) == 0;
        if (ok && i == 0 && n <= 5) {
            ok = PyDict_SetItem(b, keys[i], Py_None) == 0 && jd_dict_ready(b, n - 1) &&
                 ((jd_dictkeys *)((PyDictObject *)b)->ma_keys)->dk_kind == 1;
        } else if (ok) {
            ok = (i > 0 || jd_dict_ready(b, n)) &&
                 jd_dict_put(b, Py_NewRef(keys[i]), Py_NewRef(Py_None)) == 0;
        }
    }
    if (ok) {
        jd_dictkeys *ka = (jd_dictkeys *)((PyDictObject *)a)->ma_keys;
        jd_dictkeys *kb = (jd_dictkeys *)((PyDictObject *)b)->ma_keys;
        size_t esize = ka->dk_kind == 0 ? sizeof(jd_dictentry) : sizeof(jd_dictuentry);
        ok = ka->dk_kind == kb->dk_kind && ka->dk_nentries == n && kb->dk_nentries == n &&
             ka->dk_usable == kb->dk_usable && PyDict_GET_SIZE(b) == n &&
             memcmp(ka->dk_indices, kb->dk_indices, (size_t)1 << ka->dk_log2_index_bytes) == 0 &&
             memcmp(jd_dk_entries(ka), jd_dk_entries(kb), (size_t)n * esize) == 0;
        for (Py_ssize_t i = 0; i < n && ok; i++)
            ok = PyDict_GetItemWithError(b, keys[i]) == Py_None;
        if (ok) ok = PyObject_RichCompareBool(a, b, Py_EQ) == 1;
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return ok;
}

static int jd_dict_selfcheck(void) {
    enum { N = 12 };
    PyObject *keys[N];
    int ok = 1;
    for (int i = 0; i < N; i++) {
        keys[i] = ok ? PyUnicode_FromFormat("k%d", i * 7919) : NULL;
        if (keys[i] == NULL || PyObject_Hash(keys[i]) == -1) ok = 0;
    }
    ok = ok && jd_dict_check_one(N, keys) && jd_dict_check_one(5, keys) &&
         jd_dict_check_one(2, keys + 7);
    PyErr_Clear();
    for (int i = 0; i < N; i++) Py_XDECREF(keys[i]);
    return ok ? 1 : -1;
}

// A dict of n pairs, filled in place when possible (see above).
static PyObject *jd_object(jd_ctx *c, Py_ssize_t n);

static PyObject *jd_value(jd_ctx *c) {
    if (c->w >= c->end) {
        PyErr_SetString(PyExc_SystemError, "jsonfast: truncated tape");
        return NULL;
    }
    uint64_t w = *c->w++;
    switch (JD_TAG(w)) {
    case JD_NULL:
        Py_RETURN_NONE;
    case JD_TRUE:
        Py_RETURN_TRUE;
    case JD_FALSE:
        Py_RETURN_FALSE;
    case JD_SMALLINT:
        return PyLong_FromLongLong(((int64_t)(w << 8)) >> 8);
    case JD_INT:
        return PyLong_FromLongLong((long long)(int64_t)*c->w++);
    case JD_UINT:
        return PyLong_FromUnsignedLongLong((unsigned long long)*c->w++);
    case JD_FLOAT: {
        double d;
        memcpy(&d, c->w++, 8);
        return PyFloat_FromDouble(d);
    }
    case JD_BIGINT:
        return jd_bigint(c, w);
    case JD_STR:
    case JD_KEY:
    case JD_SHORTSTR:
    case JD_SHORTKEY:
        return jd_string(c, w, 0);
    case JD_ARRAY: {
        Py_ssize_t n = (Py_ssize_t)JD_PAYLOAD(w);
        PyObject *list = PyList_New(n);
        if (list == NULL) return NULL;
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *item = jd_value(c);
            if (item == NULL) {
                Py_DECREF(list); // unset slots are NULL: list_dealloc skips them
                return NULL;
            }
            PyList_SET_ITEM(list, i, item);
        }
        return list;
    }
    case JD_OBJECT:
        return jd_object(c, (Py_ssize_t)JD_PAYLOAD(w));
    }
    PyErr_SetString(PyExc_SystemError, "jsonfast: bad tape word");
    return NULL;
}

static PyObject *jd_object(jd_ctx *c, Py_ssize_t n) {
    PyObject *dict = n > 5 ? _PyDict_NewPresized(n) : PyDict_New();
    if (dict == NULL) return NULL;
    if (jd_dict_state == 0) jd_dict_state = jd_dict_selfcheck();
    int direct = n > 5 && jd_dict_state > 0 && jd_dict_ready(dict, n);
    int track = 0; // as MAINTAIN_TRACKING: tracked once a value is a container
    unsigned row = c->row;
    PyObject **memo = jd_memo[row];
    for (Py_ssize_t i = 0; i < n; i++) {
        if (c->w >= c->end) {
            Py_DECREF(dict);
            PyErr_SetString(PyExc_SystemError, "jsonfast: truncated tape");
            return NULL;
        }
        uint64_t kw = *c->w++;
        PyObject *key = jd_key(c, kw, i < JD_MEMO_KEYS ? &memo[i] : NULL);
        if (key == NULL) {
            Py_DECREF(dict);
            return NULL;
        }
        c->row = (row * 31 + (unsigned)i + 1) & (JD_MEMO_ROWS - 1);
        PyObject *val = jd_value(c);
        c->row = row;
        if (val == NULL) {
            Py_DECREF(key);
            Py_DECREF(dict);
            return NULL;
        }
        if (direct) {
            track |= PyList_CheckExact(val) || PyDict_CheckExact(val);
            if (jd_dict_put(dict, key, val) < 0) {
                Py_DECREF(dict);
                return NULL;
            }
            continue;
        }
        int err = PyDict_SetItem(dict, key, val);
        Py_DECREF(key);
        Py_DECREF(val);
        if (err < 0) {
            Py_DECREF(dict);
            return NULL;
        }
        // A small dict now has CPython's minimal str-keyed table: the
        // remaining pairs go in directly.
        if (i == 0 && n > 1 && jd_dict_state > 0 && jd_dict_ready(dict, n - 1))
            direct = 1;
    }
    if (track && !PyObject_GC_IsTracked(dict)) PyObject_GC_Track(dict);
    return dict;
}

PyObject *goaccel_jsondec_build(const uint64_t *words, Py_ssize_t nwords,
                                const char *input, const char *scratch,
                                int cache_keys) {
    jd_ctx c = {words, words + nwords, (const unsigned char *)input,
                (const unsigned char *)scratch, cache_keys, 0};
    // The cyclic GC would run hundreds of times while a large document's
    // containers are allocated, each time traversing the young tree. No
    // Python code runs during the build (the GIL is held throughout and
    // nothing here calls back), and a fresh JSON tree has no cycles, so it
    // is paused for the duration.
    int was_enabled = PyGC_Disable();
    PyObject *v = jd_value(&c);
    if (was_enabled) PyGC_Enable();
    return v;
}

void goaccel_jsondec_raise(PyObject *cls, const char *msg, PyObject *docobj,
                           const char *text, Py_ssize_t len, Py_ssize_t pos) {
    PyObject *doc;
    if (docobj != NULL && PyUnicode_Check(docobj)) {
        doc = Py_NewRef(docobj);
    } else {
        doc = PyUnicode_DecodeUTF8(text, len, "replace");
        if (doc == NULL) return;
    }
    PyObject *exc = PyObject_CallFunction(cls, "sOn", msg, doc, pos);
    Py_DECREF(doc);
    if (exc == NULL) return;
    PyErr_SetObject(cls, exc);
    Py_DECREF(exc);
}
