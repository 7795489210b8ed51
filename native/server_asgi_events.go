package main

import (
	"goaccel/appserver"
	"goaccel/python"
)

// Building the Python tuples of ASGI events (on the loop thread, GIL held:
// Go never needs the GIL from a connection goroutine).

// interned keeps one Python object per frequent string (methods, HTTP
// versions, header names), bounded so hostile header names cannot grow it.
type interned struct {
	m     map[string]python.Ref
	bytes bool
}

const maxInterned = 512

func (in *interned) get(b []byte) (python.Ref, error) {
	if r, ok := in.m[string(b)]; ok {
		return r.Clone(), nil
	}
	var r python.Ref
	var err error
	if in.bytes {
		r, err = python.NewBytes(b)
	} else {
		r, err = python.NewStr(b)
	}
	if err != nil {
		return r, err
	}
	if len(in.m) < maxInterned {
		in.m[string(b)] = r.Clone()
	}
	return r, nil
}

var (
	headerNames = &interned{m: map[string]python.Ref{}, bytes: true} // WebSocket connect events
	lowerBuf    []byte
)

func tuple(items ...python.Ref) (python.Ref, error) {
	t, err := python.NewTuple(len(items))
	if err != nil {
		for _, it := range items {
			it.Release()
		}
		return t, err
	}
	for i, it := range items {
		python.TupleSet(t.Object, i, it)
	}
	return t, nil
}

// refs collects the owned items of a tuple under construction; on error
// it releases them.
type refs struct {
	items []python.Ref
	err   error
}

func (rs *refs) add(r python.Ref, err error) {
	if rs.err != nil {
		if err == nil {
			r.Release()
		}
		return
	}
	if err != nil {
		rs.err = err
		return
	}
	rs.items = append(rs.items, r)
}

func (rs *refs) tuple() (python.Ref, error) {
	if rs.err != nil {
		for _, it := range rs.items {
			it.Release()
		}
		return python.Ref{}, rs.err
	}
	return tuple(rs.items...)
}

func eventTuple(ev appserver.AsgiEvent) (python.Ref, error) {
	var rs refs
	rs.add(python.NewInt64(int64(ev.Kind)))
	if ev.WS != nil {
		rs.add(python.NewUint64(ev.WS.ID))
		wsEventItems(&rs, ev)
		return rs.tuple()
	}
	r := ev.Req
	if r == nil {
		rs.add(python.NewInt64(0))
		return rs.tuple()
	}
	if ev.Kind == appserver.EvRequest {
		return requestEvent(r)
	}
	rs.add(python.NewUint64(r.ID))
	switch ev.Kind {
	case appserver.EvBody:
		chunks, done := r.TakeBody()
		l, err := python.NewList(len(chunks))
		if err == nil {
			for i, ch := range chunks {
				b, err2 := python.NewBytes(ch)
				if err2 != nil {
					b = python.NoneRef()
					err = err2
				}
				python.ListSet(l.Object, i, b)
			}
			if err != nil {
				l.Release()
			}
		}
		rs.add(l, err)
		rs.add(python.NewBool(done), nil)
	}
	return rs.tuple()
}

// Request events are built by one C call (python/asgi_event.c) from a flat
// buffer and a spec of offsets, reused from one event to the next (loop
// thread only): ~20 cgo calls per request fewer.
var (
	evBuf  []byte
	evSpec []int64
)

func evAppend(b []byte) (off, n int64) {
	off = int64(len(evBuf))
	evBuf = append(evBuf, b...)
	return off, int64(len(b))
}

func requestEvent(r *appserver.AsgiReq) (python.Ref, error) {
	nh := r.NumHeaders()
	evBuf = evBuf[:0]
	need := python.AsgiEvHeaders + 4*nh
	if cap(evSpec) < need {
		evSpec = make([]int64, need)
	}
	spec := evSpec[:need]
	spec[python.AsgiEvRid] = int64(r.ID)
	v := int64(r.Minor & 1)
	if r.H2 {
		v = 2
	}
	spec[python.AsgiEvVersion] = v
	spec[python.AsgiEvMethodOff], spec[python.AsgiEvMethodLen] = evAppend(r.Method)
	spec[python.AsgiEvPathOff], spec[python.AsgiEvPathLen] = evAppend(r.Path)
	spec[python.AsgiEvPathPlain] = 1
	for _, ch := range r.Path {
		if ch >= 0x80 || ch == '%' {
			spec[python.AsgiEvPathPlain] = 0
			break
		}
	}
	spec[python.AsgiEvQueryOff], spec[python.AsgiEvQueryLen] = evAppend(r.Query)
	spec[python.AsgiEvAddrOff], spec[python.AsgiEvAddrLen] = evAppend(r.RemoteAddr)
	spec[python.AsgiEvPort] = int64(r.RemotePort)
	spec[python.AsgiEvMoreBody] = 0
	if r.MoreBody {
		spec[python.AsgiEvMoreBody] = 1
	}
	spec[python.AsgiEvNHeaders] = int64(nh)
	i := python.AsgiEvHeaders
	r.EachHeader(func(name, value []byte) {
		if i+4 > len(spec) { // more headers than NumHeaders said: ignore the rest
			return
		}
		spec[i] = int64(len(evBuf))
		for _, ch := range name {
			if 'A' <= ch && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			evBuf = append(evBuf, ch)
		}
		spec[i+1] = int64(len(name))
		spec[i+2], spec[i+3] = evAppend(value)
		i += 4
	})
	spec[python.AsgiEvNHeaders] = int64((i - python.AsgiEvHeaders) / 4)
	if cap(evBuf) > 1<<20 {
		defer func() { evBuf = nil }() // do not keep a huge head's buffer
	}
	return python.NewASGIRequestEvent(evBuf, spec, r.Body)
}

// headerList is [(lowercased name, value), ...] as bytes.
type headerSource interface {
	NumHeaders() int
	EachHeader(func(name, value []byte))
}

func headerList(r headerSource) (python.Ref, error) {
	l, err := python.NewList(r.NumHeaders())
	if err != nil {
		return l, err
	}
	i := 0
	r.EachHeader(func(name, value []byte) {
		if err != nil {
			python.ListSet(l.Object, i, python.NoneRef())
			i++
			return
		}
		lowerBuf = lowerBuf[:0]
		for _, ch := range name {
			if 'A' <= ch && ch <= 'Z' {
				ch += 'a' - 'A'
			}
			lowerBuf = append(lowerBuf, ch)
		}
		var t python.Ref
		var rs refs
		rs.add(headerNames.get(lowerBuf))
		rs.add(python.NewBytes(value))
		t, err = rs.tuple()
		if err != nil {
			t = python.NoneRef()
		}
		python.ListSet(l.Object, i, t)
		i++
	})
	if err != nil {
		l.Release()
		return python.Ref{}, err
	}
	return l, nil
}
