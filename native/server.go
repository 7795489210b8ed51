package main

import (
	"net"
	"os"
	"sync"
	"time"

	"goaccel/appserver"
	"goaccel/python"
)

// _goaccel.server: the appserver worker loop. The Python face
// (appserver/__init__.py) binds the socket, builds the constant part of the
// environ and calls serve(); supervisor and CLI are Python.
func init() {
	python.Register(python.Module{
		Name: "server",
		Doc:  "appserver: HTTP server and WSGI bridge.",
		Functions: []python.Function{
			{Name: "serve", Doc: "serve(app, environ_template, fd, options) -> None: serves until stop() or a signal.", Fast: serve},
			{Name: "stop", Doc: "stop() -> None: gracefully stops every server running in this process.", Fast: stop},
			{Name: "stats", Doc: "stats() -> dict: counters of the running server (or the last one).", Fast: stats},
			{Name: "read_body", Doc: "read_body(stream_id, n) -> bytes: the next bytes of a streamed request body (wsgi.input).", Fast: readBody},
		},
	})
}

var (
	serversMu sync.Mutex
	servers   = map[*appserver.Server]struct{}{}
	last      *appserver.Server
)

func optInt(opts map[string]any, name string, dst *int) error {
	v, ok := opts[name]
	if !ok || v == nil {
		return nil
	}
	n, ok := v.(int64)
	if !ok {
		return python.Errorf(python.TypeError, "option %s must be an int", name)
	}
	*dst = int(n)
	return nil
}

func optSeconds(opts map[string]any, name string, dst *time.Duration) error {
	v, ok := opts[name]
	if !ok || v == nil {
		return nil
	}
	switch n := v.(type) {
	case int64:
		*dst = time.Duration(n) * time.Second
	case float64:
		*dst = time.Duration(n * float64(time.Second))
	default:
		return python.Errorf(python.TypeError, "option %s must be a number of seconds", name)
	}
	return nil
}

func configFrom(opts map[string]any) (appserver.Config, error) {
	cfg := appserver.DefaultConfig()
	var maxBody int
	maxBody = int(cfg.MaxBodySize)
	for _, e := range []error{
		optInt(opts, "threads", &cfg.Threads),
		optInt(opts, "backpressure", &cfg.Backpressure),
		optInt(opts, "max_header_size", &cfg.MaxHeaderSize),
		optInt(opts, "max_body_size", &maxBody),
		optInt(opts, "retry_after", &cfg.RetryAfter),
		optSeconds(opts, "header_timeout", &cfg.HeaderTimeout),
		optSeconds(opts, "keepalive_timeout", &cfg.KeepAliveTimeout),
		optSeconds(opts, "body_timeout", &cfg.BodyTimeout),
		optSeconds(opts, "grace_timeout", &cfg.GraceTimeout),
		optSeconds(opts, "queue_timeout", &cfg.QueueTimeout),
	} {
		if e != nil {
			return cfg, e
		}
	}
	cfg.MaxBodySize = int64(maxBody)
	if v, ok := opts["multiprocess"].(bool); ok {
		cfg.MultiProcess = v // other workers share the socket (accept pacing, queue.go)
	}
	if cfg.Threads < 1 || cfg.Threads > 1024 {
		return cfg, python.Errorf(python.ValueError, "threads must be between 1 and 1024")
	}
	if cfg.Backpressure < 1 {
		return cfg, python.Errorf(python.ValueError, "backpressure must be at least 1")
	}
	if cfg.MaxHeaderSize < 256 {
		return cfg, python.Errorf(python.ValueError, "max_header_size must be at least 256")
	}
	return cfg, nil
}

func serve(args []python.Object) (python.Ref, error) {
	if len(args) != 4 {
		return python.Ref{}, python.Errorf(python.TypeError, "serve() takes 4 arguments (%d given)", len(args))
	}
	app, tmpl, fdObj, optObj := args[0], args[1], args[2], args[3]
	if tmpl.Type() != python.DictType || optObj.Type() != python.DictType {
		return python.Ref{}, python.Errorf(python.TypeError, "serve(): environ_template and options must be dicts")
	}
	fd, ok := python.LongInt64(fdObj)
	if fdObj.Type() != python.IntType || !ok || fd < 0 {
		return python.Ref{}, python.Errorf(python.TypeError, "serve(): fd must be a file descriptor")
	}
	optAny, err := python.ToGo(optObj)
	if err != nil {
		return python.Ref{}, err
	}
	cfg, err := configFrom(optAny.(map[string]any))
	if err != nil {
		return python.Ref{}, err
	}
	// serve() owns fd (the Python face passes a dup of its socket's);
	// net.FileListener dups it again, so it is closed here.
	f := os.NewFile(uintptr(fd), "listener")
	ln, err := net.FileListener(f)
	f.Close()
	if err != nil {
		return python.Ref{}, python.Errorf(python.OSError, "serve(): fd %d is not a listening socket: %v", fd, err)
	}
	if err := appserver.InitTypes(); err != nil {
		ln.Close()
		return python.Ref{}, err
	}
	a, err := appserver.NewApp(app, tmpl)
	if err != nil {
		ln.Close()
		return python.Ref{}, err
	}
	srv := appserver.NewServer(ln, cfg)
	serversMu.Lock()
	servers[srv] = struct{}{}
	last = srv
	serversMu.Unlock()
	defer func() {
		serversMu.Lock()
		delete(servers, srv)
		serversMu.Unlock()
	}()

	appserver.Run(srv, a)
	// The calling Python thread waits in short slices so that signal
	// handlers (Ctrl-C, the SIGTERM handler of the Python face) run.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		stopped := false
		python.ReleaseGIL(func() {
			select {
			case <-srv.Stopped():
				stopped = true
			case <-tick.C:
			}
		})
		if stopped {
			python.ReleaseGIL(func() {
				srv.Stop()
			})
			return python.NoneRef(), nil
		}
		if err := python.CheckSignals(); err != nil {
			python.ReleaseGIL(func() {
				srv.Stop()
			})
			return python.Ref{}, err
		}
	}
}

func stop(args []python.Object) (python.Ref, error) {
	serversMu.Lock()
	list := make([]*appserver.Server, 0, len(servers))
	for s := range servers {
		list = append(list, s)
	}
	serversMu.Unlock()
	python.ReleaseGIL(func() {
		for _, s := range list {
			go s.Stop()
		}
	})
	return python.NoneRef(), nil
}

func stats(args []python.Object) (python.Ref, error) {
	serversMu.Lock()
	s := last
	serversMu.Unlock()
	d, err := python.NewDict()
	if err != nil {
		return python.Ref{}, err
	}
	if s == nil {
		return d, nil
	}
	for k, v := range s.Stats().Snapshot() {
		key, err := python.NewString(k)
		if err != nil {
			d.Release()
			return python.Ref{}, err
		}
		val, err := python.NewInt64(v)
		if err != nil {
			key.Release()
			d.Release()
			return python.Ref{}, err
		}
		err = python.DictSet(d.Object, key.Object, val.Object)
		key.Release()
		val.Release()
		if err != nil {
			d.Release()
			return python.Ref{}, err
		}
	}
	return d, nil
}

func readBody(args []python.Object) (python.Ref, error) {
	if len(args) != 2 || args[0].Type() != python.IntType || args[1].Type() != python.IntType {
		return python.Ref{}, python.Errorf(python.TypeError, "read_body(stream_id, n) takes two ints")
	}
	id, ok1 := python.LongInt64(args[0])
	n, ok2 := python.LongInt64(args[1])
	if !ok1 || !ok2 || id < 0 {
		return python.Ref{}, python.Errorf(python.ValueError, "read_body(): bad arguments")
	}
	return appserver.ReadBody(uint64(id), int(n))
}
