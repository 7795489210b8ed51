package python

/*
#include <stdlib.h>
#include "server_wsgi_run.h"
*/
import "C"

import "unsafe"

// WSGICall runs one WSGI request in two crossings (server_wsgi_run.c):
// Run builds the environ, makes start_response and calls the app; Done
// frees the result and start_response. Before, the same work took seven
// Go -> C calls (wsgi.input, environ, start_response, the call, three
// releases). One per worker thread slot, used with the GIL held.
type WSGICall struct{ c *C.goaccel_wsgi_call }

// Stages of a failed Run.
const (
	WSGIStageEnviron       = 1
	WSGIStageStartResponse = 2
	WSGIStageApp           = 3
)

// NewWSGICall allocates the out-slot (C memory, kept for the process).
func NewWSGICall() WSGICall {
	return WSGICall{(*C.goaccel_wsgi_call)(C.calloc(1, C.sizeof_goaccel_wsgi_call))}
}

// Run builds the environ from tmpl and spec/buf (as WSGIEnviron), with
// wsgi.input = input, or io.BytesIO(body) when input is nil; makes a
// start_response for writer (as NewStartResponse) and returns
// app(environ, start_response) (owned; release it with Done). On error the
// exception is set, stage says which step failed and nothing is left to
// free. envDone is the monotonic time (ns, runtime.nanotime's clock) when
// the environ was built.
func (w WSGICall) Run(app, tmpl Object, buf []byte, spec []int64, body []byte, input Object,
	writer uintptr) (result Object, stage int, envDone int64, err error) {
	var bp, bodyp *C.char
	if len(buf) > 0 {
		bp = (*C.char)(unsafe.Pointer(&buf[0]))
	}
	if len(body) > 0 {
		bodyp = (*C.char)(unsafe.Pointer(&body[0]))
	}
	var sp *C.int64_t
	if len(spec) > 0 {
		sp = (*C.int64_t)(unsafe.Pointer(&spec[0]))
	}
	r := C.goaccel_wsgi_run(w.c, app.p, tmpl.p, bp, sp, C.Py_ssize_t(len(spec)/5), bodyp,
		C.Py_ssize_t(len(body)), input.p, C.uintptr_t(writer))
	if r == nil {
		return Object{}, int(w.c.stage), int64(w.c.env_done), ErrAlreadySet
	}
	return Object{r}, 0, int64(w.c.env_done), nil
}

// SR is the start_response of the last successful Run (borrowed).
func (w WSGICall) SR() Object { return Object{w.c.sr} }

// Done releases result and the start_response.
func (w WSGICall) Done(result Object) { C.goaccel_wsgi_done(w.c, result.p) }
