package python

/*
#include "asgi_event.h"
*/
import "C"

import "unsafe"

// ASGI request events built in C in one call (asgi_event.c); the layout of
// spec is the ASGI_EV_* enum of asgi_event.h, mirrored here.
const (
	AsgiEvRid = iota
	AsgiEvVersion
	AsgiEvMethodOff
	AsgiEvMethodLen
	AsgiEvPathOff
	AsgiEvPathLen
	AsgiEvPathPlain
	AsgiEvQueryOff
	AsgiEvQueryLen
	AsgiEvAddrOff
	AsgiEvAddrLen
	AsgiEvPort
	AsgiEvMoreBody
	AsgiEvNHeaders
	AsgiEvHeaders // then 4 per header: name off, name len, value off, value len
)

// NewASGIRequestEvent builds the request event tuple from buf (method,
// path, query, client address, lowercased header names and values at the
// offsets in spec) and body. GIL held.
func NewASGIRequestEvent(buf []byte, spec []int64, body []byte) (Ref, error) {
	var bp, bodyp *C.char
	if len(buf) > 0 {
		bp = (*C.char)(unsafe.Pointer(&buf[0]))
	}
	if len(body) > 0 {
		bodyp = (*C.char)(unsafe.Pointer(&body[0]))
	}
	return own(C.goaccel_asgi_request_event(bp, (*C.int64_t)(unsafe.Pointer(&spec[0])), bodyp, C.Py_ssize_t(len(body))))
}
