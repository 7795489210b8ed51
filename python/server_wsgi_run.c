#include <time.h>
#include "server_wsgi_run.h"

PyObject *goaccel_wsgi_run(goaccel_wsgi_call *c, PyObject *app, PyObject *tmpl,
                           const char *buf, const int64_t *spec, Py_ssize_t n,
                           const char *body, Py_ssize_t bodylen, PyObject *input,
                           uintptr_t writer) {
    c->sr = NULL;
    c->stage = 1;
    PyObject *in = input;
    if (in == NULL) {
        in = goaccel_wsgi_input(body, bodylen);
        if (in == NULL) return NULL;
    } else {
        Py_INCREF(in);
    }
    PyObject *env = goaccel_wsgi_environ(tmpl, buf, spec, n, in);
    Py_DECREF(in);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);  // Go's runtime.nanotime clock
    c->env_done = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (env == NULL) return NULL;
    c->stage = 2;
    PyObject *sr = goaccel_wsgi_new_sr(writer);
    if (sr == NULL) {
        Py_DECREF(env);
        return NULL;
    }
    c->stage = 3;
    PyObject *args[2] = {env, sr};
    PyObject *result = PyObject_Vectorcall(app, args, 2, NULL);
    Py_DECREF(env);
    if (result == NULL) {
        Py_DECREF(sr);
        return NULL;
    }
    c->stage = 0;
    c->sr = sr;
    return result;
}

void goaccel_wsgi_done(goaccel_wsgi_call *c, PyObject *result) {
    Py_XDECREF(result);
    Py_CLEAR(c->sr);
}
