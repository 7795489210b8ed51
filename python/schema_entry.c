// schemafast's is_valid entry point, in C: the capsule is read and the
// bool returned on this side, so a call costs one C->Go call and no Go->C
// call (the generic FASTCALL path also builds an argument slice in Go and
// reads the capsule through a Go->C call).
#include "goaccel.h"
#include "_cgo_export.h"

static PyObject *schema_is_valid_entry(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (goaccel_forked_child) return goaccel_fork_error();
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "is_valid() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    if (!PyCapsule_IsValid(args[0], "goaccel.handle")) {
        PyErr_SetString(PyExc_TypeError, "is_valid() expects a compiled schema handle");
        return NULL;
    }
    uintptr_t h = (uintptr_t)PyCapsule_GetPointer(args[0], "goaccel.handle");
    int r = schemaIsValidEntry(h, args[1] == Py_None ? NULL : args[1], args[2]);
    if (r < 0) return NULL;
    if (r) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

static PyMethodDef schema_is_valid_def = {
    "is_valid", (PyCFunction)(void (*)(void))schema_is_valid_entry, METH_FASTCALL,
    "is_valid(handle, formats|None, instance) -> bool (formats first so functools.partial can bind it)",
};

PyObject *schema_new_is_valid(PyObject *module) {
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&schema_is_valid_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}
