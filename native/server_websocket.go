package main

import (
	"goaccel/appserver"
	"goaccel/python"
)

// _goaccel.server, WebSocket part (appserver/websocket.go does the work).
func init() {
	python.Register(python.Module{
		Name: "server",
		Functions: []python.Function{
			{Name: "ws_accept", Doc: "ws_accept(id, subprotocol, headers) -> None", Fast: wsAccept},
			{Name: "ws_send", Doc: "ws_send(id, data) -> int: str is a text message, bytes binary; 0 sent, 1 wait for drain, -1 closed.", Fast: wsSend},
			{Name: "ws_close", Doc: "ws_close(id, code, reason) -> int", Fast: wsClose},
			{Name: "ws_consumed", Doc: "ws_consumed(id, nbytes) -> None: the app received nbytes of messages (inbound flow control).", Fast: wsConsumed},
			{Name: "ws_deny", Doc: "ws_deny(id, status, headers, body) -> None: refuse the handshake (status 0: 403).", Fast: wsDeny},
		},
	})
}

func wsEventItems(rs *refs, ev appserver.AsgiEvent) {
	w := ev.WS
	switch ev.Kind {
	case appserver.EvWSConnect:
		rs.add(python.NewBytes(w.Path))
		rs.add(python.NewBytes(w.Query))
		rs.add(headerList(w))
		rs.add(python.NewStr(w.RemoteAddr))
		rs.add(python.NewInt64(int64(w.RemotePort)))
		l, err := python.NewList(len(w.Subprotocols))
		if err == nil {
			for i, p := range w.Subprotocols {
				s, err2 := python.NewString(p)
				if err2 != nil {
					s, err = python.NoneRef(), err2
				}
				python.ListSet(l.Object, i, s)
			}
			if err != nil {
				l.Release()
			}
		}
		rs.add(l, err)
	case appserver.EvWSMessage:
		in := w.TakeInbox()
		l, err := python.NewList(len(in))
		if err == nil {
			for i, m := range in {
				var item python.Ref
				var err2 error
				if b, text := appserver.IsText(m); text {
					item, err2 = python.NewStr(b)
				} else {
					item, err2 = python.NewBytes(b)
				}
				if err2 != nil {
					item, err = python.NoneRef(), err2
				}
				python.ListSet(l.Object, i, item)
			}
			if err != nil {
				l.Release()
			}
		}
		rs.add(l, err)
	case appserver.EvWSDisconnect:
		code, reason := w.CloseInfo()
		rs.add(python.NewInt64(int64(code)))
		rs.add(python.NewString(reason))
	}
}

func wsArg(o python.Object) (*appserver.AsgiWS, error) {
	id, ok := python.LongUint64(o)
	if o.Type() != python.IntType || !ok {
		return nil, python.Errorf(python.TypeError, "connection id must be an int")
	}
	return appserver.LookupWS(id), nil
}

// pairs reads [(bytes, bytes), ...] (copied: Go keeps them after the call).
func pairs(o python.Object, what string) ([][2][]byte, error) {
	if o == python.None {
		return nil, nil
	}
	var items []python.Object
	switch o.Type() {
	case python.ListType:
		items = python.ListItems(o)
	case python.TupleType:
		items = python.TupleItems(o)
	default:
		return nil, python.Errorf(python.TypeError, "%s headers must be a list of (name, value) pairs", what)
	}
	out := make([][2][]byte, 0, len(items))
	for _, it := range items {
		var kv []python.Object
		switch it.Type() {
		case python.TupleType:
			kv = python.TupleItems(it)
		case python.ListType:
			kv = python.ListItems(it)
		}
		if len(kv) != 2 || kv[0].Type() != python.BytesType || kv[1].Type() != python.BytesType {
			return nil, python.Errorf(python.TypeError, "%s: each header must be a (name, value) pair of bytes", what)
		}
		out = append(out, [2][]byte{append([]byte(nil), python.BytesData(kv[0])...),
			append([]byte(nil), python.BytesData(kv[1])...)})
	}
	return out, nil
}

func wsAccept(args []python.Object) (python.Ref, error) {
	if len(args) != 3 {
		return python.Ref{}, python.Errorf(python.TypeError, "ws_accept() takes 3 arguments")
	}
	w, err := wsArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	sub := ""
	if args[1] != python.None {
		b, err := python.StrUTF8(args[1])
		if args[1].Type() != python.StrType || err != nil {
			return python.Ref{}, python.Errorf(python.TypeError, "websocket.accept subprotocol must be a str")
		}
		sub = string(b)
	}
	hs, err := pairs(args[2], "websocket.accept")
	if err != nil {
		return python.Ref{}, err
	}
	if w == nil {
		return python.NoneRef(), nil
	}
	if err := w.Accept(sub, hs); err != nil {
		return python.Ref{}, python.Errorf(python.ValueError, "%v", err)
	}
	return python.NoneRef(), nil
}

func wsSend(args []python.Object) (python.Ref, error) {
	if len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "ws_send() takes 2 arguments")
	}
	w, err := wsArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	var data []byte
	text := false
	switch args[1].Type() {
	case python.StrType:
		data, err = python.StrUTF8(args[1])
		if err != nil {
			return python.Ref{}, err
		}
		text = true
	case python.BytesType:
		data = python.BytesData(args[1])
	case python.ByteArrayType:
		data = python.ByteArrayData(args[1])
	default:
		return python.Ref{}, python.Errorf(python.TypeError, "websocket.send needs 'text' (str) or 'bytes' (bytes)")
	}
	if w == nil {
		return python.NewInt64(appserver.SendGone)
	}
	return python.NewInt64(int64(w.SendMessage(data, text)))
}

func wsClose(args []python.Object) (python.Ref, error) {
	if len(args) != 3 {
		return python.Ref{}, python.Errorf(python.TypeError, "ws_close() takes 3 arguments")
	}
	w, err := wsArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	code, ok := python.LongInt64(args[1])
	if args[1].Type() != python.IntType || !ok || code < 1000 || code > 4999 {
		return python.Ref{}, python.Errorf(python.ValueError, "websocket.close code must be an int in 1000..4999")
	}
	reason := ""
	if args[2] != python.None {
		b, err := python.StrUTF8(args[2])
		if err != nil {
			return python.Ref{}, err
		}
		if len(b) > 123 {
			return python.Ref{}, python.Errorf(python.ValueError, "websocket.close reason is longer than 123 bytes")
		}
		reason = string(b)
	}
	if w == nil {
		return python.NewInt64(appserver.SendGone)
	}
	if !w.Accepted() {
		w.Deny(nil)
		return python.NewInt64(0)
	}
	return python.NewInt64(int64(w.SendClose(int(code), reason)))
}

func wsDeny(args []python.Object) (python.Ref, error) {
	if len(args) != 4 {
		return python.Ref{}, python.Errorf(python.TypeError, "ws_deny() takes 4 arguments")
	}
	w, err := wsArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	status, ok := python.LongInt64(args[1])
	if args[1].Type() != python.IntType || !ok {
		return python.Ref{}, python.Errorf(python.TypeError, "status must be an int")
	}
	hs, err := pairs(args[2], "websocket.http.response.start")
	if err != nil {
		return python.Ref{}, err
	}
	if args[3].Type() != python.BytesType {
		return python.Ref{}, python.Errorf(python.TypeError, "body must be bytes")
	}
	resp, err := appserver.DenialResponse(int(status), hs, python.BytesData(args[3]))
	if err != nil {
		return python.Ref{}, python.Errorf(python.ValueError, "%v", err)
	}
	if w != nil {
		w.Deny(resp)
	}
	return python.NoneRef(), nil
}

func wsConsumed(args []python.Object) (python.Ref, error) {
	if len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "ws_consumed() takes 2 arguments")
	}
	w, err := wsArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	n, ok := python.LongInt64(args[1])
	if args[1].Type() != python.IntType || !ok {
		return python.Ref{}, python.Errorf(python.TypeError, "nbytes must be an int")
	}
	if w != nil {
		w.Consumed(int(n))
	}
	return python.NoneRef(), nil
}
