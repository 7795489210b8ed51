// The extension entry point (PyInit__goaccel), the trampolines through which
// every Python call reaches Go, the fork guard and Go-value capsules.
#include "goaccel.h"
#include <pthread.h>
#include "_cgo_export.h"

volatile int goaccel_forked_child = 0;

static void goaccel_atfork_child(void) { goaccel_forked_child = 1; }

PyObject *goaccel_fork_error(void) {
    PyErr_SetString(PyExc_RuntimeError,
        "goaccel cannot be used in a process created by fork() after goaccel "
        "was imported: the Go runtime does not survive fork(). Start worker "
        "processes with multiprocessing's 'spawn' or 'forkserver' start method "
        "(multiprocessing.set_start_method('spawn')) or with subprocess, and "
        "import goaccel in the new process.");
    return NULL;
}

// m_self of every function object is a Python int holding the index of the
// Go function in the registry (python/module.go).
static PyObject *goaccel_fastcall(PyObject *self, PyObject *const *args,
                                  Py_ssize_t nargs) {
    if (goaccel_forked_child) return goaccel_fork_error();
    Py_ssize_t index = PyLong_AsSsize_t(self);
    return (PyObject *)goaccelCall(index, (PyObject **)args, nargs, NULL);
}

static PyObject *goaccel_fastcall_kw(PyObject *self, PyObject *const *args,
                                     Py_ssize_t nargs, PyObject *kwnames) {
    if (goaccel_forked_child) return goaccel_fork_error();
    Py_ssize_t index = PyLong_AsSsize_t(self);
    return (PyObject *)goaccelCall(index, (PyObject **)args, nargs, kwnames);
}

PyObject *goaccel_new_submodule(PyObject *parent, const char *qualname,
                                const char *name, const char *doc) {
    PyObject *mod = PyModule_New(qualname);
    if (mod == NULL) return NULL;
    if (doc != NULL && PyModule_SetDocString(mod, doc) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    // PyModule_AddObjectRef does not steal; we drop our reference after and
    // hand back the (now borrowed) module kept alive by the parent.
    if (PyModule_AddObjectRef(parent, name, mod) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    // Make `import _goaccel.json` work as well as attribute access.
    PyObject *modules = PyImport_GetModuleDict();
    if (PyDict_SetItemString(modules, qualname, mod) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    Py_DECREF(mod);
    return mod;
}

int goaccel_add_function(PyObject *mod, const char *name, const char *doc,
                         Py_ssize_t index, int kind) {
    // The method definition must outlive the function object; the module
    // lives until the interpreter exits, so it is never freed.
    PyMethodDef *def = PyMem_RawCalloc(1, sizeof(PyMethodDef));
    if (def == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    def->ml_name = name;
    def->ml_doc = doc;
    if (kind == GOACCEL_FASTCALL_KW) {
        def->ml_meth = (PyCFunction)(void (*)(void))goaccel_fastcall_kw;
        def->ml_flags = METH_FASTCALL | METH_KEYWORDS;
    } else {
        def->ml_meth = (PyCFunction)(void (*)(void))goaccel_fastcall;
        def->ml_flags = METH_FASTCALL;
    }
    PyObject *self = PyLong_FromSsize_t(index);
    if (self == NULL) return -1;
    PyObject *modname = PyModule_GetNameObject(mod);
    if (modname == NULL) {
        Py_DECREF(self);
        return -1;
    }
    PyObject *fn = PyCFunction_NewEx(def, self, modname);
    Py_DECREF(self);
    Py_DECREF(modname);
    if (fn == NULL) return -1;
    int rc = PyModule_AddObjectRef(mod, name, fn);
    Py_DECREF(fn);
    return rc;
}

// ---- capsules owning Go values ----

static const char goaccel_handle_name[] = "goaccel.handle";

static void goaccel_handle_destructor(PyObject *capsule) {
    void *p = PyCapsule_GetPointer(capsule, goaccel_handle_name);
    // After fork() the Go runtime is gone: leaking the handle is the only
    // safe thing to do.
    if (p != NULL && !goaccel_forked_child) goaccelReleaseHandle((uintptr_t)p);
}

PyObject *goaccel_new_handle(uintptr_t handle) {
    return PyCapsule_New((void *)handle, goaccel_handle_name,
                         goaccel_handle_destructor);
}

int goaccel_handle_value(PyObject *capsule, uintptr_t *handle) {
    if (!PyCapsule_IsValid(capsule, goaccel_handle_name)) {
        PyErr_SetString(PyExc_TypeError, "expected a goaccel handle");
        return -1;
    }
    *handle = (uintptr_t)PyCapsule_GetPointer(capsule, goaccel_handle_name);
    return 0;
}

Py_ssize_t goaccel_dict_items(PyObject *dict, PyObject **out, Py_ssize_t cap) {
    Py_ssize_t pos = 0, n = 0;
    PyObject *k, *v;
    while (n < cap && PyDict_Next(dict, &pos, &k, &v)) {
        out[2 * n] = k;
        out[2 * n + 1] = v;
        n++;
    }
    return n;
}

// ---- the module ----

static struct PyModuleDef goaccel_module = {
    PyModuleDef_HEAD_INIT,
    "_goaccel",
    "goaccel's native library: one Go runtime serving jsonfast, schemafast, "
    "xmlfast and appserver.",
    -1,
    NULL,
};

PyMODINIT_FUNC PyInit__goaccel(void) {
    if ((Py_Version >> 16) != (PY_VERSION_HEX >> 16)) {
        PyErr_Format(PyExc_ImportError,
            "goaccel was built for CPython %d.%d but is running on %d.%d; "
            "rebuild it with this interpreter",
            PY_MAJOR_VERSION, PY_MINOR_VERSION,
            (int)((Py_Version >> 24) & 0xff), (int)((Py_Version >> 16) & 0xff));
        return NULL;
    }
    if (goaccel_forked_child) return goaccel_fork_error();
    static int atfork_registered = 0;
    if (!atfork_registered) {
        if (pthread_atfork(NULL, NULL, goaccel_atfork_child) != 0) {
            PyErr_SetString(PyExc_ImportError, "goaccel: pthread_atfork failed");
            return NULL;
        }
        atfork_registered = 1;
    }
    PyObject *mod = PyModule_Create(&goaccel_module);
    if (mod == NULL) return NULL;
    if (goaccelInitModules(mod) < 0) {
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
