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
	methodStrs  = &interned{m: map[string]python.Ref{}}
	headerNames = &interned{m: map[string]python.Ref{}, bytes: true}
	versionStrs [3]python.Ref
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
	rs.add(python.NewUint64(r.ID))
	switch ev.Kind {
	case appserver.EvRequest:
		rs.add(methodStrs.get(r.Method))
		if versionStrs[0].IsNil() {
			versionStrs[0], _ = python.NewString("1.0")
			versionStrs[1], _ = python.NewString("1.1")
			versionStrs[2], _ = python.NewString("2")
		}
		v := r.Minor & 1
		if r.H2 {
			v = 2
		}
		rs.add(versionStrs[v].Clone(), nil)
		rs.add(python.NewBytes(r.Path))
		rs.add(python.NewBytes(r.Query))
		rs.add(headerList(r))
		rs.add(python.NewBytes(r.Body))
		rs.add(python.NewBool(r.MoreBody), nil)
		rs.add(python.NewStr(r.RemoteAddr))
		rs.add(python.NewInt64(int64(r.RemotePort)))
		rs.add(plainPath(r.Path))
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

// plainPath is scope["path"] as a str when the raw path is ASCII without
// percent escapes (the common case: the loop skips a decode and a scan per
// request), else None and the loop decodes and unquotes it.
func plainPath(p []byte) (python.Ref, error) {
	for _, ch := range p {
		if ch >= 0x80 || ch == '%' {
			return python.NoneRef(), nil
		}
	}
	return python.NewStr(p)
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
