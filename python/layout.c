// Reads the CPython struct layout this binary was compiled against. The
// per-version table in layout.go must agree with it, or import fails.
#include "goaccel.h"
#include <stddef.h>

void goaccel_read_layout(goaccel_layout *out) {
    out->runtime_version = Py_Version;
    out->compiled_version = PY_VERSION_HEX;
    out->ob_refcnt = offsetof(PyObject, ob_refcnt);
    out->ob_type = offsetof(PyObject, ob_type);
    out->ob_size = offsetof(PyVarObject, ob_size);
    out->list_items = offsetof(PyListObject, ob_item);
    out->tuple_items = offsetof(PyTupleObject, ob_item);
    out->float_value = offsetof(PyFloatObject, ob_fval);
    out->long_digits = offsetof(struct _longobject, ob_digit);
    out->digit_bits = PyLong_SHIFT;
    out->digit_size = sizeof(digit);
    out->ascii_length = offsetof(PyASCIIObject, length);
    out->ascii_state = offsetof(PyASCIIObject, state);
    out->ascii_size = sizeof(PyASCIIObject);
    out->compact_utf8_length = offsetof(PyCompactUnicodeObject, utf8_length);
    out->compact_utf8 = offsetof(PyCompactUnicodeObject, utf8);
    out->compact_size = sizeof(PyCompactUnicodeObject);
    out->unicode_data = offsetof(PyUnicodeObject, data);
    out->dict_used = offsetof(PyDictObject, ma_used);
    out->dict_keys = offsetof(PyDictObject, ma_keys);
    out->dict_values = offsetof(PyDictObject, ma_values);
    out->bytes_size = offsetof(PyVarObject, ob_size);
    out->bytes_data = offsetof(PyBytesObject, ob_sval);
    out->bytearray_size = offsetof(PyVarObject, ob_size);
    out->bytearray_start = offsetof(PyByteArrayObject, ob_start);
}

void goaccel_str_probe(PyObject *s, int *kind, int *ascii, int *compact,
                       void **data, Py_ssize_t *length) {
    *kind = PyUnicode_KIND(s);
    *ascii = PyUnicode_IS_ASCII(s);
    *compact = PyUnicode_IS_COMPACT(s);
    *data = PyUnicode_DATA(s);
    *length = PyUnicode_GET_LENGTH(s);
}
