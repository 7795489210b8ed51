package appserver

import (
	"runtime"
	"runtime/cgo"
	"time"

	"goaccel/python"
)

// App is the WSGI application and the objects shared by all threads. The
// fields are borrowed from the serve() call, which outlives the server.
type App struct {
	Callable python.Object // the WSGI callable
	Template python.Object // environ keys that never change (copied per request)
	keys     *envKeys
	mkInput  python.Ref // appserver._input.stream_input (streamed chunked bodies)
}

// NewApp prepares the shared objects. GIL held.
func NewApp(callable python.Object, template python.Object) (*App, error) {
	if err := python.WSGIInit(); err != nil {
		return nil, err
	}
	python.SetWriteHook(writeHook)
	if err := captureFileWrapper(template); err != nil {
		return nil, err
	}
	mod, err := python.Import("appserver._input")
	if err != nil {
		return nil, err
	}
	defer mod.Release()
	mk, err := python.GetAttr(mod.Object, "stream_input")
	if err != nil {
		return nil, err
	}
	return &App{Callable: callable, Template: template, keys: newEnvKeys(), mkInput: mk}, nil
}

// worker is one of the cfg.Threads slots allowed to run the app at once,
// with the buffers it reuses. The connection goroutine that takes a slot
// runs the app itself, locked to its OS thread for the call: handing the
// request to a dedicated thread cost two context switches per request
// (measured: half the CPU time of a hello-world went to task switching).
type worker struct {
	srv     *Server
	app     *App
	scratch []byte  // environ values, back to back
	spec    []int64 // (key object, key off, key len, value off, value len)
	extra   map[string]python.Object
	lname   []byte
	bodyBuf []byte          // the collected body, reused
	hdrBuf  []byte          // response headers, validated, before they go to c.out
	handle  uintptr         // cgo.Handle of this worker, for write() callbacks
	wc      python.WSGICall // the one-crossing app call's out-slot (wsgi.go)
	cur     *conn           // the request being served
	st      streamState     // framing of a streamed response
	gilWait time.Duration   // of the last request, at its start (limit.go)
	acct    runAcct         // CPU and run-queue time of the last request (limit.go)
	reqs    uint            // requests served (gcdrain.go)
}

// StartWorkers creates the slots (bounded concurrency; waiters queue FIFO
// on the channel).
func (s *Server) StartWorkers(app *App) {
	s.slots = make(chan *worker, s.cfg.Threads)
	for i := 0; i < s.cfg.Threads; i++ {
		w := &worker{srv: s, app: app, extra: map[string]python.Object{}, wc: python.NewWSGICall()}
		w.handle = uintptr(cgo.NewHandle(w))
		s.slots <- w
	}
	s.lim = limiter{limit: s.cfg.Threads, active: s.cfg.Threads, enabled: s.cfg.QueueTimeout < 0}
	if !s.lim.enabled { // the thread limit parks workers: a drain could not count them home
		s.gcd = newGCDrain(s.cfg.Threads)
	}
	s.flight = newFlightLimit(s.cfg.QueueTimeout < 0, s.cfg.Threads, s.cfg.Threads+s.cfg.Backpressure)
	s.stats.threadLimit.Store(int64(s.cfg.Threads))
}

// run executes c's request on this goroutine's OS thread with the GIL.
func (w *worker) run(c *conn) {
	runtime.LockOSThread()
	w.acct.start(&w.srv.flight)
	t0 := w.srv.ops.beginApp(c) // queue wait, request timeout (ops.go)
	python.ThreadEnter()
	w.gilWait = time.Since(t0)
	w.srv.stats.gilWaitNs.Add(int64(w.gilWait))
	defer func() {
		if r := recover(); r != nil {
			logf("internal error serving %s: %v", c.req.target, r)
			if python.Occurred() {
				python.PrintException()
			}
			if !c.streamed {
				w.errorResponse(c)
			}
			c.close = true
		}
		w.srv.ops.endApp(w, c)
		if d := w.srv.gcd; d != nil {
			w.reqs++
			d.check(w.gilWait, w.reqs)
		}
		python.ThreadLeave()
		w.acct.stop(&w.srv.flight)
		runtime.UnlockOSThread()
	}()
	w.srv.stats.served.Add(1)
	w.call(c)
}
