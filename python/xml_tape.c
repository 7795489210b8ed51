// Builds xmltodict's result from a tape written by Go (xmlfast/tape.go) in
// one C call: the per-element Go->C crossings were a third of a parse.
#include "goaccel.h"
#include "xml_tape.h"
#include "xml_push.h"

static PyObject *tape_str(const char *text, int64_t off, int64_t len) {
    return PyUnicode_DecodeUTF8(text + off, (Py_ssize_t)len, NULL);
}

// push_data into *slot, creating the dict when the slot is empty.
static int tape_push(PyObject **slot, PyObject *key, PyObject *value, int force_list) {
    if (*slot == NULL) {
        *slot = PyDict_New();
        if (*slot == NULL) {
            return -1;
        }
    }
    return goaccel_xml_push(*slot, key, value, force_list);
}

PyObject *goaccel_xml_build_tape(uintptr_t tape_addr, Py_ssize_t nops, uintptr_t keys_addr,
                                 uintptr_t text_addr, Py_ssize_t maxdepth, PyObject *cdata_key) {
    const int64_t *tape = (const int64_t *)tape_addr;
    PyObject **keys = (PyObject **)keys_addr;
    const char *text = (const char *)text_addr;
    PyObject **stack = PyMem_Calloc((size_t)maxdepth + 2, sizeof(PyObject *));
    if (stack == NULL) {
        return PyErr_NoMemory();
    }
    Py_ssize_t top = 0; // stack[0] is the document-level item
    PyObject *result = NULL;
    for (Py_ssize_t i = 0; i < nops; i++) {
        const int64_t *op = tape + 5 * i;
        PyObject *key = keys[op[1]];
        int64_t flags = op[4];
        switch (op[0]) {
        case XML_TAPE_ATTR: {
            PyObject *v = tape_str(text, op[2], op[3]);
            if (v == NULL) goto fail;
            if (stack[top] == NULL && (stack[top] = PyDict_New()) == NULL) { Py_DECREF(v); goto fail; }
            int r = PyDict_SetItem(stack[top], key, v);
            Py_DECREF(v);
            if (r < 0) goto fail;
            break;
        }
        case XML_TAPE_OPEN:
            stack[++top] = NULL;
            break;
        case XML_TAPE_COMMENT: {
            PyObject *v = tape_str(text, op[2], op[3]);
            if (v == NULL) goto fail;
            int r = tape_push(&stack[top], key, v, flags & XML_TAPE_FORCE_LIST);
            Py_DECREF(v);
            if (r < 0) goto fail;
            break;
        }
        case XML_TAPE_CLOSE:
        case XML_TAPE_LEAF: {
            PyObject *item = NULL;
            if (op[0] == XML_TAPE_CLOSE) {
                item = stack[top];
                stack[top--] = NULL;
            }
            PyObject *data = NULL;
            if (op[3] >= 0) {
                data = tape_str(text, op[2], op[3]);
                if (data == NULL) { Py_XDECREF(item); goto fail; }
                if (item == NULL && (flags & XML_TAPE_FORCE_CDATA)) {
                    item = PyDict_New();
                    if (item == NULL) { Py_DECREF(data); goto fail; }
                }
            }
            int r;
            if (item != NULL) {
                goaccel_xml_untrack(item);
                r = 0;
                if (data != NULL) {
                    r = goaccel_xml_push(item, cdata_key, data, flags & XML_TAPE_CDATA_FORCE_LIST);
                }
                if (r == 0) {
                    r = tape_push(&stack[top], key, item, flags & XML_TAPE_FORCE_LIST);
                }
                Py_DECREF(item);
            } else {
                r = tape_push(&stack[top], key, data != NULL ? data : Py_None, flags & XML_TAPE_FORCE_LIST);
            }
            Py_XDECREF(data);
            if (r < 0) goto fail;
            break;
        }
        default:
            PyErr_SetString(PyExc_SystemError, "goaccel: bad xml tape");
            goto fail;
        }
    }
    if (stack[0] != NULL) {
        goaccel_xml_untrack(stack[0]);
    }
    result = stack[0] != NULL ? stack[0] : Py_NewRef(Py_None);
    stack[0] = NULL;
fail:
    for (Py_ssize_t i = 0; i <= top && i <= maxdepth + 1; i++) {
        Py_XDECREF(stack[i]);
    }
    PyMem_Free(stack);
    return result;
}
