package main

import (
	"net"
	"os"
	"syscall"
	"time"

	"goaccel/appserver"
	"goaccel/python"
)

// _goaccel.server, ASGI part: the Python face (appserver/_asgi.py) runs the
// asyncio loop; these functions move events and response bytes between it
// and the Go connections. Merged into the "server" module by Register.
func init() {
	python.Register(python.Module{
		Name: "server",
		Functions: []python.Function{
			{Name: "asgi_start", Doc: "asgi_start(fd, wake_fd, options) -> handle: starts serving ASGI on fd; events are announced by a byte on wake_fd.", Fast: asgiStart},
			{Name: "asgi_poll", Doc: "asgi_poll(handle, wait_us=0) -> list: every queued event as a tuple (kind, request id, ...); with none queued, waits up to wait_us microseconds for one (GIL released).", Fast: asgiPoll},
			{Name: "asgi_flush", Doc: "asgi_flush(handle) -> None: writes the whole responses queued since the last flush (scheduled by a send() that returned 2).", Fast: asgiFlush},
			{Name: "asgi_send", Doc: "asgi_send(rid, status, headers, body, more_body) -> int: 0 sent, 1 wait for drain, 2 queued (schedule asgi_flush), -1 client gone, -2 already complete.", Fast: asgiSend},
			{Name: "asgi_pathsend", Doc: "asgi_pathsend(rid, status, headers, path) -> int: the file is the whole body (sent by Go).", Fast: asgiPathsend},
			{Name: "asgi_finish", Doc: "asgi_finish(rid, failed) -> None: the app is done with the request without completing the response.", Fast: asgiFinish},
			{Name: "asgi_want_body", Doc: "asgi_want_body(rid) -> None: read the next chunk of a streamed request body.", Fast: asgiWantBody},
			{Name: "asgi_detach", Doc: "asgi_detach(handle) -> None: stop writing to wake_fd (it is about to be closed).", Fast: asgiDetach},
			{Name: "asgi_stop", Doc: "asgi_stop(handle) -> None: begin a graceful stop; a stopped event follows.", Fast: asgiStop},
		},
	})
}

func asgiStart(args []python.Object) (python.Ref, error) {
	if len(args) != 3 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_start() takes 3 arguments (%d given)", len(args))
	}
	fd, ok1 := python.LongInt64(args[0])
	wfd, ok2 := python.LongInt64(args[1])
	if args[0].Type() != python.IntType || args[1].Type() != python.IntType || !ok1 || !ok2 || fd < 0 || wfd < 0 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_start(): fd and wake_fd must be file descriptors")
	}
	if args[2].Type() != python.DictType {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_start(): options must be a dict")
	}
	optAny, err := python.ToGo(args[2])
	if err != nil {
		return python.Ref{}, err
	}
	cfg, err := configFrom(optAny.(map[string]any))
	if err != nil {
		return python.Ref{}, err
	}
	if err := syscall.SetNonblock(int(wfd), true); err != nil {
		return python.Ref{}, python.Errorf(python.OSError, "asgi_start(): wake_fd: %v", err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return python.Ref{}, python.Errorf(python.OSError, "asgi_start(): fd %d is not a listening socket: %v", fd, err)
	}
	srv := appserver.NewServer(ln, cfg)
	b := appserver.EnableASGI(srv, int(wfd))
	h, err := python.NewHandle(b)
	if err != nil {
		ln.Close()
		return python.Ref{}, err
	}
	serversMu.Lock()
	servers[srv] = struct{}{}
	last = srv
	serversMu.Unlock()
	appserver.RunASGI(srv)
	// However the stop begins (asgi_stop, or stop() for every server),
	// the loop hears of its end.
	go func() {
		<-srv.Stopped()
		srv.Stop() // waits for the stop in progress (sync.Once)
		serversMu.Lock()
		delete(servers, srv)
		serversMu.Unlock()
		b.Stopped()
	}()
	return h, nil
}

func bridgeArg(o python.Object) (*appserver.AsgiBridge, error) {
	v, err := python.HandleValue(o)
	if err != nil {
		return nil, err
	}
	b, ok := v.(*appserver.AsgiBridge)
	if !ok {
		return nil, python.Errorf(python.TypeError, "not an ASGI server handle")
	}
	return b, nil
}

func asgiPoll(args []python.Object) (python.Ref, error) {
	if len(args) != 1 && len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_poll() takes 1 or 2 arguments")
	}
	b, err := bridgeArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	var wait int64
	if len(args) == 2 {
		var ok bool
		if wait, ok = python.LongInt64(args[1]); args[1].Type() != python.IntType || !ok {
			return python.Ref{}, python.Errorf(python.TypeError, "asgi_poll(): wait_us must be an int")
		}
	}
	// Responses the tasks of this iteration completed go out together,
	// before the next batch of requests is taken (asgi_cork.go).
	b.FlushHTTP(false)
	evs := b.Take()
	if len(evs) == 0 && wait > 0 {
		// asgi_park.go: the loop would go to sleep in its selector now.
		python.ReleaseGIL(func() { b.Park(time.Duration(wait) * time.Microsecond) })
		evs = b.Take()
	}
	list, err := python.NewList(len(evs))
	if err != nil {
		return python.Ref{}, err
	}
	for i, ev := range evs {
		t, err := eventTuple(ev)
		if err != nil {
			// The list owns the tuples already set; fill the rest with
			// None so it can be released.
			for j := i; j < len(evs); j++ {
				python.ListSet(list.Object, j, python.NoneRef())
			}
			list.Release()
			return python.Ref{}, err
		}
		python.ListSet(list.Object, i, t)
	}
	return list, nil
}

func asgiFlush(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_flush() takes 1 argument")
	}
	b, err := bridgeArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	b.FlushHTTP(true)
	return python.NoneRef(), nil
}

func reqArg(o python.Object) (*appserver.AsgiReq, bool, error) {
	id, ok := python.LongUint64(o)
	if o.Type() != python.IntType || !ok {
		return nil, false, python.Errorf(python.TypeError, "request id must be an int")
	}
	r := appserver.LookupReq(id)
	return r, r != nil, nil
}

func asgiSend(args []python.Object) (python.Ref, error) {
	if len(args) != 5 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_send() takes 5 arguments (%d given)", len(args))
	}
	r, found, err := reqArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	status := 0
	if args[1] != python.None {
		n, ok := python.LongInt64(args[1])
		if !args[1].Type().IsSubtype(python.IntType) || !ok {
			return python.Ref{}, python.Errorf(python.TypeError, "http.response.start status must be an int")
		}
		status = int(n)
	}
	var body []byte
	switch args[3].Type() {
	case python.BytesType:
		body = python.BytesData(args[3])
	case python.ByteArrayType:
		body = python.ByteArrayData(args[3])
	default:
		return python.Ref{}, python.Errorf(python.TypeError, "http.response.body body must be bytes, not %s", args[3].TypeName())
	}
	if !found {
		return python.NewInt64(appserver.SendGone)
	}
	more := args[4] == python.True
	var rc int
	rc, err = r.Send(status, args[2], body, more)
	if err != nil {
		return python.Ref{}, err
	}
	return python.NewInt64(int64(rc))
}

func asgiFinish(args []python.Object) (python.Ref, error) {
	if len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_finish() takes 2 arguments")
	}
	r, found, err := reqArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	if found {
		r.Finish(args[1] == python.True)
	}
	return python.NoneRef(), nil
}

func asgiWantBody(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_want_body() takes 1 argument")
	}
	r, found, err := reqArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	if found {
		r.WantBody()
	}
	return python.NoneRef(), nil
}

func asgiStop(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_stop() takes 1 argument")
	}
	b, err := bridgeArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	srv := b.Server()
	go srv.Stop()
	return python.NoneRef(), nil
}

func asgiPathsend(args []python.Object) (python.Ref, error) {
	if len(args) != 4 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_pathsend() takes 4 arguments (%d given)", len(args))
	}
	r, found, err := reqArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	n, ok := python.LongInt64(args[1])
	if !args[1].Type().IsSubtype(python.IntType) || !ok {
		return python.Ref{}, python.Errorf(python.TypeError, "http.response.start status must be an int")
	}
	if args[3].Type() != python.StrType {
		return python.Ref{}, python.Errorf(python.TypeError, "http.response.pathsend path must be a str")
	}
	path, err := python.StrUTF8(args[3])
	if err != nil {
		return python.Ref{}, err
	}
	if !found {
		return python.NewInt64(appserver.SendGone)
	}
	rc, err := r.SendFile(int(n), args[2], string(path))
	if err != nil {
		return python.Ref{}, err
	}
	return python.NewInt64(int64(rc))
}

func asgiDetach(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "asgi_detach() takes 1 argument")
	}
	b, err := bridgeArg(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	b.Detach()
	return python.NoneRef(), nil
}
