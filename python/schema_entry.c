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
#include <structmember.h>

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

// Finds the table of a handle capsule, asking Go on the capsule's first
// use and keeping the answer in its context pointer. *pre is NULL when
// there is no table (or the handle is not a validator: Go reports that).
static int schema_pre_for(PyObject *capsule, uintptr_t h, const schema_pre **pre) {
    const schema_pre *p = PyCapsule_GetContext(capsule);
    if (p == NULL) {
        schema_pre *got = NULL;
        int r = schemaPreTable(h, &got);
        if (r < 0) return -1;
        if (r == 0) {
            *pre = NULL;
            return 0;
        }
        p = got != NULL ? got : &schema_pre_none;
        if (PyCapsule_SetContext(capsule, (void *)p) < 0) return -1;
    }
    *pre = p == &schema_pre_none ? NULL : p;
    return 0;
}

// The compiled schema handle argument of fn: its Go handle and its table
// (NULL when it has none); -1 with TypeError when cap is not a handle.
static int schema_handle_arg(const char *fn, PyObject *cap, uintptr_t *h, const schema_pre **pre) {
    if (!PyCapsule_IsValid(cap, "goaccel.handle")) {
        PyErr_Format(PyExc_TypeError, "%s() expects a compiled schema handle", fn);
        return -1;
    }
    *h = (uintptr_t)PyCapsule_GetPointer(cap, "goaccel.handle");
    return schema_pre_for(cap, *h, pre);
}

// The verdict: the table first, then Go.
static inline PyObject *schema_verdict(uintptr_t h, const schema_pre *pre, PyObject *formats, PyObject *o) {
    if (pre != NULL && schema_pre_rejects(pre, o)) Py_RETURN_FALSE;
    int r = schemaIsValidEntry(h, formats, o);
    if (r < 0) return NULL;
    if (r) Py_RETURN_TRUE;
    Py_RETURN_FALSE;
}

static PyObject *schema_is_valid_entry(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (goaccel_forked_child) return goaccel_fork_error();
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "is_valid() takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    uintptr_t h;
    const schema_pre *pre;
    if (schema_handle_arg("is_valid", args[0], &h, &pre) < 0) return NULL;
    return schema_verdict(h, pre, args[1] == Py_None ? NULL : args[1], args[2]);
}

// bind_is_valid(handle, formats|None) -> callable(instance) -> bool: what
// a Validator instance keeps as its is_valid. Against functools.partial
// over is_valid it skips partial's argument copy, the generic C-function
// dispatch and the capsule reads per call (handle and table are read at
// bind time); on a rejection in C that is a quarter of the call.
typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *capsule; // owned: keeps the validator (and its table) alive
    PyObject *formats; // owned; NULL when format assertion is off
    uintptr_t h;
    const schema_pre *pre;
} schema_bound;

static PyObject *schema_bound_call(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    schema_bound *b = (schema_bound *)self;
    if (goaccel_forked_child) return goaccel_fork_error();
    if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames) != 0)) {
        PyErr_SetString(PyExc_TypeError, "is_valid() takes exactly one argument (the instance)");
        return NULL;
    }
    return schema_verdict(b->h, b->pre, b->formats, args[0]);
}

static int schema_bound_traverse(PyObject *self, visitproc visit, void *arg) {
    schema_bound *b = (schema_bound *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(b->capsule);
    Py_VISIT(b->formats);
    return 0;
}

static int schema_bound_clear(PyObject *self) {
    schema_bound *b = (schema_bound *)self;
    b->pre = NULL; // the capsule may go: its table with it
    b->h = 0;
    Py_CLEAR(b->capsule);
    Py_CLEAR(b->formats);
    return 0;
}

static void schema_bound_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    schema_bound_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyMemberDef schema_bound_members[] = {
    {"__vectorcalloffset__", T_PYSSIZET, offsetof(schema_bound, vectorcall), READONLY, NULL},
    {NULL},
};

static PyType_Slot schema_bound_slots[] = {
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_traverse, schema_bound_traverse},
    {Py_tp_clear, schema_bound_clear},
    {Py_tp_dealloc, schema_bound_dealloc},
    {Py_tp_members, schema_bound_members},
    {Py_tp_doc, "is_valid(instance) -> bool, bound to a compiled schema"},
    {0, NULL},
};

static PyType_Spec schema_bound_spec = {
    "_goaccel.schema.BoundIsValid", sizeof(schema_bound), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    schema_bound_slots,
};

static PyTypeObject *schema_bound_type; // made once by schema_new_bind

static PyObject *schema_bind_is_valid(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (goaccel_forked_child) return goaccel_fork_error();
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "bind_is_valid() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    uintptr_t h;
    const schema_pre *pre;
    if (schema_handle_arg("bind_is_valid", args[0], &h, &pre) < 0) return NULL;
    schema_bound *b = PyObject_GC_New(schema_bound, schema_bound_type);
    if (b == NULL) return NULL;
    b->vectorcall = schema_bound_call;
    b->capsule = Py_NewRef(args[0]);
    b->formats = args[1] == Py_None ? NULL : Py_NewRef(args[1]);
    b->h = h;
    b->pre = pre;
    PyObject_GC_Track((PyObject *)b);
    return (PyObject *)b;
}

static PyMethodDef schema_is_valid_def = {
    "is_valid", (PyCFunction)(void (*)(void))schema_is_valid_entry, METH_FASTCALL,
    "is_valid(handle, formats|None, instance) -> bool (formats first so functools.partial can bind it)",
};

static PyMethodDef schema_bind_def = {
    "bind_is_valid", (PyCFunction)(void (*)(void))schema_bind_is_valid, METH_FASTCALL,
    "bind_is_valid(handle, formats|None) -> callable(instance) -> bool (a Validator's is_valid)",
};

PyObject *schema_new_bind(PyObject *module) {
    if (schema_bound_type == NULL) {
        schema_bound_type = (PyTypeObject *)PyType_FromSpec(&schema_bound_spec);
        if (schema_bound_type == NULL) return NULL;
    }
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&schema_bind_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}

PyObject *schema_new_is_valid(PyObject *module) {
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&schema_is_valid_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}
