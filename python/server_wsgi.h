// C helpers of appserver's WSGI bridge (python/server_wsgi.c). They exist so
// that one request crosses from Go into C a handful of times: one call
// builds the whole environ, one calls the app.
#ifndef GOACCEL_SERVER_WSGI_H
#define GOACCEL_SERVER_WSGI_H
#include "goaccel.h"

// start_response, as a small C type: the app's status and headers stay in
// the object until Go reads them after the call.
typedef struct {
    PyObject_HEAD
    PyObject *status;   // str set by the last valid call, or NULL
    PyObject *headers;  // list of (str, str) tuples, or NULL
    PyObject *written;  // list of bytes passed to write(), or NULL
    int headers_sent;   // set by Go once the status line is on the wire
    uintptr_t writer;   // Go handle that sends write() data, or 0 to buffer it
} goaccel_sr;

int goaccel_wsgi_init(void);
PyObject *goaccel_wsgi_new_sr(uintptr_t writer);
void goaccel_wsgi_sr_state(PyObject *sr, PyObject **status, PyObject **headers,
                           PyObject **written);
void goaccel_wsgi_sr_set_sent(PyObject *sr);
// Drops the bytes write() collected (Go has sent them).
void goaccel_wsgi_sr_clear_written(PyObject *sr);

// Copies tmpl and adds n (key, value) pairs described by spec: 5 int64s per
// pair, (borrowed key object or 0, key offset, key length, value offset,
// value length) into buf; keys given as bytes and all values are decoded
// as latin-1 (PEP 3333 native strings). wsgi.input is set to input.
PyObject *goaccel_wsgi_environ(PyObject *tmpl, const char *buf,
                               const int64_t *spec, Py_ssize_t n,
                               PyObject *input);

// io.BytesIO(body): the request body as wsgi.input.
PyObject *goaccel_wsgi_input(const char *buf, Py_ssize_t n);

// Prints the current exception (with traceback) to sys.stderr and clears
// it; SystemExit is printed like any other error.
void goaccel_wsgi_print_exception(void);

// next(it): a new reference, or NULL with *done=1 at StopIteration (no
// exception set), or NULL with *done=0 and an exception set.
PyObject *goaccel_wsgi_next(PyObject *it, int *done);

// Calls obj.close() if it exists. Returns -1 with an exception set if it
// raised.
int goaccel_wsgi_close(PyObject *obj);



// Take / give back the GIL with the calling OS thread's kept thread state.
void goaccel_server_enter(void);
void goaccel_server_leave(void);
#endif
