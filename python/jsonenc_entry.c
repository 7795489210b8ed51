// jsonfast's orjson-face dumps entry point, in C: argument parsing and the
// result bytes happen on this side, so a small document costs one C->Go
// call and no Go->C call (the output is copied into a buffer on this C
// stack frame; large outputs come back as a bytes object made in Go).
// Before that, a small document of the common types is written by
// jsonenc_small.c without entering Go at all (the transition alone costs
// more than orjson's whole dumps of {"a": 1}).
#include "goaccel.h"
#include "_cgo_export.h"
#include "jsonenc_small.h"
#include <string.h>

#define JSONENC_STACK_BUF 2048
// Outputs up to this many bytes may come from the C encoder (the first
// JSONENC_STACK_BUF - 1 on this stack frame, then in jsonenc_small.c's
// buffer); past it, or at a value it does not cover, the C encoder gives up
// and the document goes to Go, its work so far wasted. After a give-up
// that had written more than JSONENC_COOLDOWN_LIMIT bytes, the next
// JSONENC_COOLDOWN calls try C only up to that many bytes: a stream of
// documents that decline late (a type only Go handles, near the end)
// wastes at most that much C work on most calls, while small documents
// keep the C path. (Measured before this bound: 4 records + an Enum last,
// 1420 ns Go-only, 2121 ns with the wasted C attempt.)
#define JSONENC_C_LIMIT (64 << 20)
#define JSONENC_COOLDOWN 16
#define JSONENC_COOLDOWN_LIMIT 256
#define JSONENC_SMALL_MAX 1024  // the test hook's default limit

static int jsonenc_cooldown;

static PyObject *jsonenc_kw_default, *jsonenc_kw_option, *jsonenc_kw_obj;

static PyObject *jsonenc_orjson_dumps(PyObject *self, PyObject *const *args,
                                      Py_ssize_t nargs, PyObject *kwnames) {
    if (goaccel_forked_child) return goaccel_fork_error();
    PyObject *obj = NULL, *deflt = NULL, *option = NULL;
    if (nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "dumps() takes at most 3 arguments");
        return NULL;
    }
    if (nargs > 0) obj = args[0];
    if (nargs > 1) deflt = args[1];
    if (nargs > 2) option = args[2];
    if (kwnames != NULL) {
        Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
        for (Py_ssize_t i = 0; i < nkw; i++) {
            PyObject *name = PyTuple_GET_ITEM(kwnames, i);
            PyObject *value = args[nargs + i];
            if (name == jsonenc_kw_default || PyUnicode_Compare(name, jsonenc_kw_default) == 0) {
                deflt = value;
            } else if (name == jsonenc_kw_option || PyUnicode_Compare(name, jsonenc_kw_option) == 0) {
                option = value;
            } else if (obj == NULL && PyUnicode_Compare(name, jsonenc_kw_obj) == 0) {
                obj = value;
            } else {
                PyErr_Format(PyExc_TypeError, "dumps() got an unexpected keyword argument '%U'", name);
                return NULL;
            }
        }
    }
    if (obj == NULL) {
        PyErr_SetString(PyExc_TypeError, "dumps() missing 1 required positional argument: 'obj'");
        return NULL;
    }
    long opts = 0;
    if (option != NULL && option != Py_None) {
        if (!PyLong_CheckExact(option)) {
            PyErr_SetString(PyExc_TypeError, "Invalid opts");
            return NULL;
        }
        opts = PyLong_AsLong(option);
        if (opts == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            opts = -1;
        }
        if (opts < 0 || opts > 16383) {
            PyErr_SetString(PyExc_TypeError, "Invalid opts");
            return NULL;
        }
    }
    if (deflt == Py_None) deflt = NULL;
    if (deflt != NULL && !PyCallable_Check(deflt)) {
        PyErr_SetString(PyExc_TypeError, "default must be a callable");
        return NULL;
    }
    char buf[JSONENC_STACK_BUF];
    if ((opts & ~(long)JSONENC_SMALL_OPTS) == 0) {
        Py_ssize_t limit = JSONENC_C_LIMIT;
        if (jsonenc_cooldown > 0) {
            jsonenc_cooldown--;
            limit = JSONENC_COOLDOWN_LIMIT;
        }
        PyObject *big;
        Py_ssize_t reached, nl = (opts & 1024) != 0;  // OPT_APPEND_NEWLINE
        Py_ssize_t n = jsonenc_small(obj, opts, buf, JSONENC_STACK_BUF - 1, limit, nl, &big, &reached);
        if (n >= 0) {
            if (big != NULL) {  // the output moved into this bytes object
                if (nl) PyBytes_AS_STRING(big)[n] = '\n';
                return big;
            }
            if (nl) buf[n] = '\n';
            return PyBytes_FromStringAndSize(buf, n + nl);
        }
        if (reached > JSONENC_COOLDOWN_LIMIT) jsonenc_cooldown = JSONENC_COOLDOWN;
    }
    PyObject *result = NULL;
    Py_ssize_t n = jsonencOrjsonDumps(obj, deflt, opts, buf, JSONENC_STACK_BUF, &result);
    if (n < 0) return NULL;
    if (result != NULL) return result;
    return PyBytes_FromStringAndSize(buf, n);
}

static PyMethodDef jsonenc_orjson_dumps_def = {
    "dumps", (PyCFunction)(void (*)(void))jsonenc_orjson_dumps,
    METH_FASTCALL | METH_KEYWORDS,
    "dumps(obj, default=None, option=None) -> bytes\n\norjson.dumps on goaccel's Go engine.",
};

PyObject *jsonenc_new_orjson_dumps(PyObject *module) {
    if (jsonenc_kw_default == NULL) {
        jsonenc_kw_default = PyUnicode_InternFromString("default");
        jsonenc_kw_option = PyUnicode_InternFromString("option");
        jsonenc_kw_obj = PyUnicode_InternFromString("obj");
        if (!jsonenc_kw_default || !jsonenc_kw_option || !jsonenc_kw_obj) return NULL;
    }
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&jsonenc_orjson_dumps_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}

// orjson_dumps_small(obj, cap=JSONENC_SMALL_MAX, option=0) -> bytes | None:
// the C encoder alone with an output bound of cap bytes and orjson options
// within JSONENC_SMALL_OPTS (None where it declines; APPEND_NEWLINE is the
// caller's and not written here),
// so tests can check both that it gives orjson's bytes and that the inputs
// meant for it really take it.
static PyObject *jsonenc_orjson_dumps_small(PyObject *self, PyObject *const *args,
                                            Py_ssize_t nargs) {
    if (nargs < 1 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "orjson_dumps_small() takes 1 to 3 arguments");
        return NULL;
    }
    long opts = 0;
    if (nargs == 3) {
        opts = PyLong_AsLong(args[2]);
        if (opts == -1 && PyErr_Occurred()) return NULL;
        if ((opts & ~(long)JSONENC_SMALL_OPTS) != 0) {
            PyErr_SetString(PyExc_ValueError, "option outside JSONENC_SMALL_OPTS");
            return NULL;
        }
    }
    Py_ssize_t cap = JSONENC_SMALL_MAX;
    if (nargs >= 2) {
        cap = PyLong_AsSsize_t(args[1]);
        if (cap == -1 && PyErr_Occurred()) return NULL;
        if (cap < 0 || cap > ((Py_ssize_t)1 << 30)) {
            PyErr_SetString(PyExc_ValueError, "cap out of range");
            return NULL;
        }
    }
    // A small first buffer, so that tests reach the move into a bytes object.
    char buf[64];
    PyObject *big;
    Py_ssize_t reached;
    Py_ssize_t n = jsonenc_small(args[0], opts, buf, sizeof buf, cap, 0, &big, &reached);
    PyObject *res = n < 0 ? Py_NewRef(Py_None) : big != NULL ? big : PyBytes_FromStringAndSize(buf, n);
    return res;
}

static PyMethodDef jsonenc_orjson_dumps_small_def = {
    "orjson_dumps_small", (PyCFunction)(void (*)(void))jsonenc_orjson_dumps_small,
    METH_FASTCALL,
    "orjson_dumps_small(obj, cap=1024, option=0) -> bytes | None\n\nThe C small-document encoder alone (None: declined).",
};

PyObject *jsonenc_new_orjson_dumps_small(PyObject *module) {
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&jsonenc_orjson_dumps_small_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}
