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

#define JSONENC_STACK_BUF 2048
// Outputs up to this many bytes may come from the C encoder; past it, the
// C encoder gives up and the document goes to Go (its work so far wasted,
// which this bound keeps small).
#define JSONENC_SMALL_MAX 1024

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
        Py_ssize_t n = jsonenc_small(obj, buf, JSONENC_SMALL_MAX);
        if (n >= 0) {
            if (opts & 1024) buf[n++] = '\n';  // OPT_APPEND_NEWLINE
            return PyBytes_FromStringAndSize(buf, n);
        }
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

// orjson_dumps_small(obj) -> bytes | None: the C encoder alone (None where
// it declines), so tests can check both that it gives orjson's bytes and
// that the inputs meant for it really take it.
static PyObject *jsonenc_orjson_dumps_small(PyObject *self, PyObject *const *args,
                                            Py_ssize_t nargs) {
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "orjson_dumps_small() takes exactly 1 argument");
        return NULL;
    }
    char buf[JSONENC_SMALL_MAX];
    Py_ssize_t n = jsonenc_small(args[0], buf, JSONENC_SMALL_MAX);
    if (n < 0) Py_RETURN_NONE;
    return PyBytes_FromStringAndSize(buf, n);
}

static PyMethodDef jsonenc_orjson_dumps_small_def = {
    "orjson_dumps_small", (PyCFunction)(void (*)(void))jsonenc_orjson_dumps_small,
    METH_FASTCALL,
    "orjson_dumps_small(obj) -> bytes | None\n\nThe C small-document encoder alone (None: declined).",
};

PyObject *jsonenc_new_orjson_dumps_small(PyObject *module) {
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&jsonenc_orjson_dumps_small_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}
