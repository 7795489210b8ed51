// C helper of appserver's ASGI bridge (python/asgi_event.c): the tuple of
// a request event built in one call from Go, instead of ~20 cgo calls
// (one per object, plus an incref per interned name).
#ifndef GOACCEL_ASGI_EVENT_H
#define GOACCEL_ASGI_EVENT_H
#include "goaccel.h"

// Layout of spec (int64s) for goaccel_asgi_request_event; offsets are
// into buf.
enum {
    ASGI_EV_RID, ASGI_EV_VERSION,           // request id; 0 "1.0", 1 "1.1", 2 "2"
    ASGI_EV_METHOD_OFF, ASGI_EV_METHOD_LEN,
    ASGI_EV_PATH_OFF, ASGI_EV_PATH_LEN, ASGI_EV_PATH_PLAIN,  // plain: ASCII, no '%'
    ASGI_EV_QUERY_OFF, ASGI_EV_QUERY_LEN,
    ASGI_EV_ADDR_OFF, ASGI_EV_ADDR_LEN, ASGI_EV_PORT,
    ASGI_EV_MORE_BODY, ASGI_EV_NHEADERS,
    ASGI_EV_HEADERS  // then 4 per header: name off, name len, value off, value len
};

// (0, rid, method, http_version, raw_path, query_string, headers, body,
// more_body, client host, client port, path or None): what
// appserver/_asgi.py's _request unpacks. Header names must already be
// lowercase in buf; method strings and header names are interned in small
// fixed tables (bounded, whatever names clients send). GIL held.
PyObject *goaccel_asgi_request_event(const char *buf, const int64_t *spec,
                                     const char *body, Py_ssize_t body_len);

#endif
