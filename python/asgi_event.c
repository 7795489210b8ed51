// See asgi_event.h.
#include "asgi_event.h"
#include <string.h>

// Interning tables: a slot per hash bucket, replaced on collision, so the
// memory is bounded whatever names clients send; a hit is a memcmp and an
// incref instead of a new object.
#define ASGI_NAMES 256
#define ASGI_METHODS 32
#define ASGI_INTERN_MAX 64

static PyObject *asgi_names[ASGI_NAMES];     // bytes (lowercased header names)
static PyObject *asgi_methods[ASGI_METHODS]; // str
static PyObject *asgi_versions[3];

static uint32_t asgi_hash(const char *p, Py_ssize_t n) {
    uint32_t h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) {
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    }
    return h;
}

static PyObject *asgi_intern_bytes(const char *p, Py_ssize_t n) {
    if (n > ASGI_INTERN_MAX) {
        return PyBytes_FromStringAndSize(p, n);
    }
    PyObject **slot = &asgi_names[asgi_hash(p, n) & (ASGI_NAMES - 1)];
    PyObject *o = *slot;
    if (o != NULL && PyBytes_GET_SIZE(o) == n && memcmp(PyBytes_AS_STRING(o), p, n) == 0) {
        return Py_NewRef(o);
    }
    o = PyBytes_FromStringAndSize(p, n);
    if (o != NULL) {
        Py_XSETREF(*slot, Py_NewRef(o));
    }
    return o;
}

// Methods are tokens (checked by the parser): ASCII, so latin-1 decoding
// gives the same str as UTF-8 and cannot fail.
static PyObject *asgi_intern_method(const char *p, Py_ssize_t n) {
    if (n > ASGI_INTERN_MAX) {
        return PyUnicode_DecodeLatin1(p, n, NULL);
    }
    PyObject **slot = &asgi_methods[asgi_hash(p, n) & (ASGI_METHODS - 1)];
    PyObject *o = *slot;
    if (o != NULL && PyUnicode_GET_LENGTH(o) == n && memcmp(PyUnicode_DATA(o), p, n) == 0) {
        return Py_NewRef(o);
    }
    o = PyUnicode_DecodeLatin1(p, n, NULL);
    if (o != NULL) {
        Py_XSETREF(*slot, Py_NewRef(o));
    }
    return o;
}

static PyObject *asgi_version(int64_t v) {
    static const char *names[3] = {"1.0", "1.1", "2"};
    if (v < 0 || v > 2) {
        v = 1;
    }
    if (asgi_versions[v] == NULL) {
        asgi_versions[v] = PyUnicode_InternFromString(names[v]);
        if (asgi_versions[v] == NULL) {
            return NULL;
        }
    }
    return Py_NewRef(asgi_versions[v]);
}

static PyObject *asgi_headers(const char *buf, const int64_t *spec, Py_ssize_t n) {
    PyObject *list = PyList_New(n);
    if (list == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        const int64_t *h = spec + 4 * i;
        PyObject *name = asgi_intern_bytes(buf + h[0], (Py_ssize_t)h[1]);
        if (name == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyObject *value = PyBytes_FromStringAndSize(buf + h[2], (Py_ssize_t)h[3]);
        if (value == NULL) {
            Py_DECREF(name);
            Py_DECREF(list);
            return NULL;
        }
        PyObject *pair = PyTuple_New(2);
        if (pair == NULL) {
            Py_DECREF(name);
            Py_DECREF(value);
            Py_DECREF(list);
            return NULL;
        }
        PyTuple_SET_ITEM(pair, 0, name);
        PyTuple_SET_ITEM(pair, 1, value);
        PyList_SET_ITEM(list, i, pair);
    }
    return list;
}

PyObject *goaccel_asgi_request_event(const char *buf, const int64_t *spec,
                                     const char *body, Py_ssize_t body_len) {
    PyObject *t = PyTuple_New(12);
    if (t == NULL) {
        return NULL;
    }
    PyObject *items[12];
    items[0] = PyLong_FromLong(0);  // EvRequest
    items[1] = PyLong_FromLongLong(spec[ASGI_EV_RID]);
    items[2] = asgi_intern_method(buf + spec[ASGI_EV_METHOD_OFF], (Py_ssize_t)spec[ASGI_EV_METHOD_LEN]);
    items[3] = asgi_version(spec[ASGI_EV_VERSION]);
    items[4] = PyBytes_FromStringAndSize(buf + spec[ASGI_EV_PATH_OFF], (Py_ssize_t)spec[ASGI_EV_PATH_LEN]);
    items[5] = PyBytes_FromStringAndSize(buf + spec[ASGI_EV_QUERY_OFF], (Py_ssize_t)spec[ASGI_EV_QUERY_LEN]);
    items[6] = asgi_headers(buf, spec + ASGI_EV_HEADERS, (Py_ssize_t)spec[ASGI_EV_NHEADERS]);
    items[7] = PyBytes_FromStringAndSize(body_len > 0 ? body : NULL, body_len);
    items[8] = Py_NewRef(spec[ASGI_EV_MORE_BODY] ? Py_True : Py_False);
    // The client address is ASCII (an IP literal); latin-1 cannot fail.
    items[9] = PyUnicode_DecodeLatin1(buf + spec[ASGI_EV_ADDR_OFF], (Py_ssize_t)spec[ASGI_EV_ADDR_LEN], NULL);
    items[10] = PyLong_FromLongLong(spec[ASGI_EV_PORT]);
    // scope["path"] straight from the bytes when they are ASCII without
    // escapes (checked by Go); else None and Python decodes and unquotes.
    items[11] = spec[ASGI_EV_PATH_PLAIN]
        ? PyUnicode_DecodeLatin1(buf + spec[ASGI_EV_PATH_OFF], (Py_ssize_t)spec[ASGI_EV_PATH_LEN], NULL)
        : Py_NewRef(Py_None);
    int failed = 0;
    for (int i = 0; i < 12; i++) {
        if (items[i] == NULL) {
            failed = 1;
            items[i] = Py_NewRef(Py_None);
        }
        PyTuple_SET_ITEM(t, i, items[i]);
    }
    if (failed) {
        Py_DECREF(t);
        return NULL;
    }
    return t;
}
