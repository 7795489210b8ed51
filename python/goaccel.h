// C declarations shared by the C files of package python and by its cgo
// preambles. This header is the whole C surface of goaccel: product
// packages never include it; they use the Go API of package python.
#ifndef GOACCEL_H
#define GOACCEL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

// ---- module.c: the extension entry point and calling conventions ----

// Set in the child by a pthread_atfork handler. Every entry point checks it
// before entering Go, because the Go runtime does not survive fork().
extern volatile int goaccel_forked_child;

// Sets the RuntimeError every entry point raises in a forked child (it
// names the spawn/forkserver start methods) and returns NULL.
PyObject *goaccel_fork_error(void);

// Creates `parent.<name>` as a new module object and returns a borrowed
// reference to it (NULL with an exception set on failure).
PyObject *goaccel_new_submodule(PyObject *parent, const char *qualname,
                                const char *name, const char *doc);

// Adds a function to module `mod` whose calls reach the Go function with
// index `index` in the registry. `kind` is GOACCEL_FASTCALL or
// GOACCEL_FASTCALL_KW.
int goaccel_add_function(PyObject *mod, const char *name, const char *doc,
                         Py_ssize_t index, int kind);
#define GOACCEL_FASTCALL 0
#define GOACCEL_FASTCALL_KW 1

// Capsules that own a Go value (a runtime/cgo.Handle).
PyObject *goaccel_new_handle(uintptr_t handle);
int goaccel_handle_value(PyObject *capsule, uintptr_t *handle);

// Calls PyDict_Next over a dict and writes up to `cap` borrowed key/value
// pairs into `out` (k0, v0, k1, v1, ...). Returns the number of pairs.
Py_ssize_t goaccel_dict_items(PyObject *dict, PyObject **out, Py_ssize_t cap);

// ---- layout.c: the struct layout this binary was compiled against ----

// Offsets and sizes read with offsetof/sizeof from the CPython headers at
// compile time, and facts read at run time from real objects by the
// official macros. layout.go compares them with its per-version table.
typedef struct {
    unsigned long runtime_version;  // Py_Version of the running interpreter
    unsigned long compiled_version; // PY_VERSION_HEX of the headers
    Py_ssize_t ob_refcnt, ob_type, ob_size;
    Py_ssize_t list_items, tuple_items, float_value;
    Py_ssize_t long_digits, digit_bits, digit_size;
    Py_ssize_t ascii_length, ascii_state, ascii_size;
    Py_ssize_t compact_utf8_length, compact_utf8, compact_size, unicode_data;
    Py_ssize_t dict_used, dict_keys, dict_values;
    Py_ssize_t bytes_size, bytes_data;
    Py_ssize_t bytearray_size, bytearray_start;
} goaccel_layout;

void goaccel_read_layout(goaccel_layout *out);

// What the official macros say about a str object, for the run-time probes.
void goaccel_str_probe(PyObject *s, int *kind, int *ascii, int *compact,
                       void **data, Py_ssize_t *length);

// ---- gil.c ----
PyThreadState *goaccel_new_thread_state(void);
void goaccel_delete_thread_state(PyThreadState *ts);

#endif
