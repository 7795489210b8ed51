// xmltodict's push_data in one call (the common path: no postprocessor),
// so that a leaf costs one Go->C crossing instead of three.
#include "goaccel.h"
#include "xml_push.h"

int goaccel_xml_push(PyObject *dict, PyObject *key, PyObject *value, int force_list) {
    PyObject *old = PyDict_GetItemWithError(dict, key);
    if (old != NULL) {
        if (PyList_Check(old)) {
            return PyList_Append(old, value);
        }
        PyObject *l = PyList_New(2);
        if (l == NULL) {
            return -1;
        }
        Py_INCREF(old);
        Py_INCREF(value);
        PyList_SET_ITEM(l, 0, old);
        PyList_SET_ITEM(l, 1, value);
        int r = PyDict_SetItem(dict, key, l);
        Py_DECREF(l);
        return r;
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    if (force_list) {
        PyObject *l = PyList_New(1);
        if (l == NULL) {
            return -1;
        }
        Py_INCREF(value);
        PyList_SET_ITEM(l, 0, value);
        int r = PyDict_SetItem(dict, key, l);
        Py_DECREF(l);
        return r;
    }
    return PyDict_SetItem(dict, key, value);
}

int goaccel_xml_push_text(PyObject *dict, PyObject *key, uintptr_t data, Py_ssize_t n, int force_list) {
    PyObject *v = PyUnicode_DecodeUTF8((const char *)data, n, NULL);
    if (v == NULL) {
        return -1;
    }
    int r = goaccel_xml_push(dict, key, v, force_list);
    Py_DECREF(v);
    return r;
}

int goaccel_xml_set_text(PyObject *dict, PyObject *key, uintptr_t data, Py_ssize_t n) {
    PyObject *v = PyUnicode_DecodeUTF8((const char *)data, n, NULL);
    if (v == NULL) {
        return -1;
    }
    int r = PyDict_SetItem(dict, key, v);
    Py_DECREF(v);
    return r;
}

int goaccel_xml_set_int(PyObject *dict, PyObject *key, long long value) {
    PyObject *v = PyLong_FromLongLong(value);
    if (v == NULL) {
        return -1;
    }
    int r = PyDict_SetItem(dict, key, v);
    Py_DECREF(v);
    return r;
}

// A finished dict whose values are all atomic (str, int, None, Decimal,
// datetime, or dicts already untracked) leaves the cyclic GC's lists, as
// CPython itself does lazily during a collection; it is tracked again if a
// container is stored in it later. Parsing a large document otherwise hands
// the next collection tens of thousands of dicts to traverse.
void goaccel_xml_untrack(PyObject *d) {
    _PyDict_MaybeUntrack(d);
}
