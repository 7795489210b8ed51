// schemafast's is_valid entry point, in C: the capsule is read and the
// bool returned on this side, so a call costs one C->Go call and no Go->C
// call (the generic FASTCALL path also builds an argument slice in Go and
// reads the capsule through a Go->C call).
//
// Before entering Go, the root's pre-check table (schema_pre.h) is
// consulted: an exact-typed instance that fails a necessary condition
// (the root's "type", its key count, list length or str length bounds) is
// invalid, and False is returned without the C->Go crossing (~60 ns, most
// of a call that fails early). Anything the table does not decide goes to
// Go as before; validate()/iter_errors never come here.
#include "goaccel.h"
#include "schema_pre.h"
#include "_cgo_export.h"

// The capsule context of a validator without a table (asked once).
static const schema_pre schema_pre_none = {{1, 1, 1, 1, 1, 1, 1}, -1, -1, -1, -1, -1, -1};

// Returns 1 when the table proves o invalid, 0 when it cannot tell.
static int schema_pre_rejects(const schema_pre *p, PyObject *o) {
    PyTypeObject *t = Py_TYPE(o);
    Py_ssize_t n;
    if (t == &PyDict_Type) {
        if (p->kinds[SCHEMA_K_DICT] == SCHEMA_PRE_REJECT) return 1;
        n = PyDict_GET_SIZE(o);
        return n < p->min_props || (p->max_props >= 0 && n > p->max_props);
    }
    if (t == &PyList_Type) {
        if (p->kinds[SCHEMA_K_LIST] == SCHEMA_PRE_REJECT) return 1;
        n = PyList_GET_SIZE(o);
        return n < p->min_items || (p->max_items >= 0 && n > p->max_items);
    }
    if (t == &PyUnicode_Type) {
        if (p->kinds[SCHEMA_K_STR] == SCHEMA_PRE_REJECT) return 1;
        if ((p->min_len <= 0 && p->max_len < 0) || !PyUnicode_IS_READY(o)) return 0;
        n = PyUnicode_GET_LENGTH(o); // code points, as len() and the walker count
        return n < p->min_len || (p->max_len >= 0 && n > p->max_len);
    }
    if (t == &PyLong_Type) return p->kinds[SCHEMA_K_INT] == SCHEMA_PRE_REJECT;
    if (t == &PyFloat_Type) return p->kinds[SCHEMA_K_FLOAT] == SCHEMA_PRE_REJECT;
    if (o == Py_None) return p->kinds[SCHEMA_K_NULL] == SCHEMA_PRE_REJECT;
    if (t == &PyBool_Type) return p->kinds[SCHEMA_K_BOOL] == SCHEMA_PRE_REJECT;
    return 0; // subclasses, tuples, non-JSON values: Go decides
}

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
    const schema_pre *pre = PyCapsule_GetContext(args[0]);
    if (pre == NULL) { // first call with this capsule: ask Go once
        schema_pre *got = NULL;
        int r = schemaPreTable(h, &got);
        if (r < 0) return NULL;
        if (r > 0) {
            pre = got != NULL ? got : &schema_pre_none;
            if (PyCapsule_SetContext(args[0], (void *)pre) < 0) return NULL;
        }
    }
    if (pre != NULL && pre != &schema_pre_none && schema_pre_rejects(pre, args[2])) Py_RETURN_FALSE;
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
