// One crossing per WSGI call (python/server_wsgi_run.c): appserver builds
// the environ, makes start_response and calls the app in a single Go -> C
// call, and frees the result and start_response in a second one.
#ifndef GOACCEL_SERVER_WSGI_RUN_H
#define GOACCEL_SERVER_WSGI_RUN_H
#include "server_wsgi.h"

// A worker's out-slot, allocated in C memory once per worker so that Go
// passes no Go pointer (no escape, no cgo pointer check) per request.
typedef struct {
    PyObject *sr;      // the request's start_response (owned), or NULL
    int64_t env_done;  // CLOCK_MONOTONIC ns when the environ was built
    int stage;         // on failure: 1 environ, 2 start_response, 3 the app
} goaccel_wsgi_call;

// Builds the environ as goaccel_wsgi_environ (wsgi.input = input, or
// io.BytesIO(body) when input is NULL), makes a start_response for writer
// and calls app(environ, start_response). Returns the result (new
// reference; c->sr holds the start_response) or NULL with an exception
// set, c->stage saying which step failed and nothing left to free.
PyObject *goaccel_wsgi_run(goaccel_wsgi_call *c, PyObject *app, PyObject *tmpl,
                           const char *buf, const int64_t *spec, Py_ssize_t n,
                           const char *body, Py_ssize_t bodylen, PyObject *input,
                           uintptr_t writer);

// Releases the result and c->sr.
void goaccel_wsgi_done(goaccel_wsgi_call *c, PyObject *result);
#endif
