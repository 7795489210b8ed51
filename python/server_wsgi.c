#include "server_wsgi.h"
#include "_cgo_export.h"

static PyObject *bytesio_type;   // io.BytesIO
static PyObject *key_input;      // "wsgi.input"
static PyObject *str_close;      // "close"

// ---- start_response ----

static void sr_dealloc(goaccel_sr *self) {
    Py_XDECREF(self->status);
    Py_XDECREF(self->headers);
    Py_XDECREF(self->written);
    PyObject_Free(self);
}

static PyObject *sr_write(PyObject *self_, PyObject *data) {
    goaccel_sr *self = (goaccel_sr *)self_;
    if (self->status == NULL) {
        PyErr_SetString(PyExc_AssertionError, "write() called before start_response()");
        return NULL;
    }
    if (!PyBytes_Check(data)) {
        PyErr_Format(PyExc_TypeError, "write() argument must be bytes, not %.200s",
                     Py_TYPE(data)->tp_name);
        return NULL;
    }
    if (self->writer != 0) {
        // Sent now by Go (head first if needed), GIL released while writing.
        if (goaccelServerWrite(self->writer, self_, PyBytes_AS_STRING(data),
                               PyBytes_GET_SIZE(data)) < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    if (self->written == NULL) {
        self->written = PyList_New(0);
        if (self->written == NULL) return NULL;
    }
    if (PyList_Append(self->written, data) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef sr_write_def = {"write", sr_write, METH_O,
                                   "write(data): the WSGI write() callable."};

static PyObject *sr_call(PyObject *self_, PyObject *args, PyObject *kw) {
    goaccel_sr *self = (goaccel_sr *)self_;
    static char *names[] = {"status", "headers", "exc_info", NULL};
    PyObject *status, *headers, *exc_info = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|O:start_response", names,
                                     &status, &headers, &exc_info))
        return NULL;
    if (exc_info != Py_None) {
        if (self->headers_sent) {
            // PEP 3333: re-raise when the headers are already out.
            if (!PyTuple_Check(exc_info) || PyTuple_GET_SIZE(exc_info) != 3) {
                PyErr_SetString(PyExc_TypeError, "exc_info must be a (type, value, traceback) tuple");
                return NULL;
            }
            PyObject *t = PyTuple_GET_ITEM(exc_info, 0), *v = PyTuple_GET_ITEM(exc_info, 1),
                     *tb = PyTuple_GET_ITEM(exc_info, 2);
            Py_INCREF(t); Py_INCREF(v); Py_INCREF(tb);
            PyErr_Restore(t, v, tb);
            return NULL;
        }
    } else if (self->status != NULL) {
        PyErr_SetString(PyExc_AssertionError,
                        "start_response() called a second time without exc_info");
        return NULL;
    }
    if (!PyUnicode_Check(status)) {
        PyErr_Format(PyExc_TypeError, "status must be str, not %.200s", Py_TYPE(status)->tp_name);
        return NULL;
    }
    if (!PyList_Check(headers)) {
        PyErr_Format(PyExc_TypeError, "headers must be a list, not %.200s", Py_TYPE(headers)->tp_name);
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(headers);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *h = PyList_GET_ITEM(headers, i);
        if (!PyTuple_Check(h) || PyTuple_GET_SIZE(h) != 2 ||
            !PyUnicode_Check(PyTuple_GET_ITEM(h, 0)) || !PyUnicode_Check(PyTuple_GET_ITEM(h, 1))) {
            PyErr_Format(PyExc_TypeError, "headers[%zd] must be a (str, str) tuple, not %R", i, h);
            return NULL;
        }
    }
    Py_INCREF(status);
    Py_XSETREF(self->status, status);
    Py_INCREF(headers);
    Py_XSETREF(self->headers, headers);
    return PyCFunction_New(&sr_write_def, self_);
}

static PyTypeObject sr_type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "appserver.start_response",
    .tp_basicsize = sizeof(goaccel_sr),
    .tp_dealloc = (destructor)sr_dealloc,
    .tp_call = sr_call,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "start_response(status, headers, exc_info=None) -> write",
};

int goaccel_wsgi_init(void) {
    if (bytesio_type != NULL) return 0;
    if (PyType_Ready(&sr_type) < 0) return -1;
    PyObject *io = PyImport_ImportModule("io");
    if (io == NULL) return -1;
    bytesio_type = PyObject_GetAttrString(io, "BytesIO");
    Py_DECREF(io);
    if (bytesio_type == NULL) return -1;
    key_input = PyUnicode_InternFromString("wsgi.input");
    str_close = PyUnicode_InternFromString("close");
    if (key_input == NULL || str_close == NULL) return -1;
    return 0;
}

PyObject *goaccel_wsgi_new_sr(uintptr_t writer) {
    goaccel_sr *sr = PyObject_New(goaccel_sr, &sr_type);
    if (sr == NULL) return NULL;
    sr->writer = writer;
    sr->status = sr->headers = sr->written = NULL;
    sr->headers_sent = 0;
    return (PyObject *)sr;
}

void goaccel_wsgi_sr_state(PyObject *sr_, PyObject **status, PyObject **headers,
                           PyObject **written) {
    goaccel_sr *sr = (goaccel_sr *)sr_;
    *status = sr->status;
    *headers = sr->headers;
    *written = sr->written;
}

void goaccel_wsgi_sr_set_sent(PyObject *sr) { ((goaccel_sr *)sr)->headers_sent = 1; }

void goaccel_wsgi_sr_clear_written(PyObject *sr_) {
    goaccel_sr *sr = (goaccel_sr *)sr_;
    Py_CLEAR(sr->written);
}

// ---- environ ----

PyObject *goaccel_wsgi_environ(PyObject *tmpl, const char *buf,
                               const int64_t *spec, Py_ssize_t n,
                               PyObject *input) {
    PyObject *env = PyDict_Copy(tmpl);
    if (env == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        const int64_t *s = spec + 5 * i;
        PyObject *key = (PyObject *)(uintptr_t)s[0];
        if (key != NULL) {
            Py_INCREF(key);
        } else {
            key = PyUnicode_DecodeLatin1(buf + s[1], (Py_ssize_t)s[2], NULL);
            if (key == NULL) goto fail;
        }
        PyObject *val = PyUnicode_DecodeLatin1(buf + s[3], (Py_ssize_t)s[4], NULL);
        if (val == NULL) {
            Py_DECREF(key);
            goto fail;
        }
        int rc = PyDict_SetItem(env, key, val);
        Py_DECREF(key);
        Py_DECREF(val);
        if (rc < 0) goto fail;
    }
    if (PyDict_SetItem(env, key_input, input) < 0) goto fail;
    return env;
fail:
    Py_DECREF(env);
    return NULL;
}

PyObject *goaccel_wsgi_input(const char *buf, Py_ssize_t n) {
    if (n == 0) return PyObject_CallNoArgs(bytesio_type);
    PyObject *b = PyBytes_FromStringAndSize(buf, n);
    if (b == NULL) return NULL;
    PyObject *r = PyObject_CallOneArg(bytesio_type, b);
    Py_DECREF(b);
    return r;
}

void goaccel_wsgi_print_exception(void) {
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    if (t == NULL) return;
    PyErr_NormalizeException(&t, &v, &tb);
    if (tb != NULL && v != NULL) PyException_SetTraceback(v, tb);
    PyErr_Display(t, v, tb);
    Py_XDECREF(t);
    Py_XDECREF(v);
    Py_XDECREF(tb);
    PyErr_Clear();
}

PyObject *goaccel_wsgi_next(PyObject *it, int *done) {
    *done = 0;
    iternextfunc f = Py_TYPE(it)->tp_iternext;
    if (f == NULL) {
        PyErr_Format(PyExc_TypeError, "'%.200s' object is not an iterator", Py_TYPE(it)->tp_name);
        return NULL;
    }
    PyObject *r = f(it);
    if (r == NULL) {
        if (!PyErr_Occurred()) {
            *done = 1;
        } else if (PyErr_ExceptionMatches(PyExc_StopIteration)) {
            PyErr_Clear();
            *done = 1;
        }
    }
    return r;
}

int goaccel_wsgi_close(PyObject *obj) {
    PyObject *close;
    if (_PyObject_LookupAttr(obj, str_close, &close) < 0) return -1;
    if (close == NULL) return 0;
    PyObject *r = PyObject_CallNoArgs(close);
    Py_DECREF(close);
    if (r == NULL) return -1;
    Py_DECREF(r);
    return 0;
}

// ---- one kept thread state per OS thread ----
// appserver runs the app on whichever Go thread the connection's goroutine
// is on (locked for the call) instead of handing each request to a fixed
// thread: that handoff cost two context switches per request. The thread
// state is created on first use on each OS thread (which also registers it
// for PyGILState_* there) and kept for the thread's life.
static __thread PyThreadState *server_ts;

void goaccel_server_enter(void) {
    if (server_ts == NULL) server_ts = PyThreadState_New(PyInterpreterState_Main());
    PyEval_RestoreThread(server_ts);
}

void goaccel_server_leave(void) { PyEval_SaveThread(); }
