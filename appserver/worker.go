package appserver

import (
	"runtime"
	"sync"
	"time"

	"goaccel/python"
)

// App is the WSGI application and the objects shared by all threads. The
// fields are owned references made with the GIL held.
type App struct {
	Callable python.Object // the WSGI callable
	Template python.Object // environ keys that never change (copied per request)
	keys     *envKeys
}

// NewApp prepares the shared objects. GIL held.
func NewApp(callable python.Object, template python.Object) (*App, error) {
	if err := python.WSGIInit(); err != nil {
		return nil, err
	}
	return &App{Callable: callable, Template: template, keys: newEnvKeys()}, nil
}

// StartWorkers starts cfg.Threads OS threads, each keeping one Python
// thread state and running requests from the queue until Stop. The caller
// must not hold the GIL while waiting for them. wait() returns when all
// threads have exited.
func (s *Server) StartWorkers(app *App) (wait func()) {
	var wg sync.WaitGroup
	for i := 0; i < s.cfg.Threads; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.workerLoop(app)
		}()
	}
	return wg.Wait
}

type worker struct {
	srv     *Server
	app     *App
	t       *python.Thread
	scratch []byte  // environ values, back to back
	spec    []int64 // (key object, key off, key len, value off, value len)
	extra   map[string]python.Object
	lname   []byte
	bodyBuf []byte // the collected body, reused
	hdrBuf  []byte // response headers, validated, before they go to c.out
}

func (s *Server) workerLoop(app *App) {
	// One goroutine = one OS thread = one PyThreadState for the worker's
	// life, so entering Python costs a PyEval_RestoreThread (~0.1 µs).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w := &worker{srv: s, app: app, t: python.NewThread(), extra: map[string]python.Object{}}
	defer w.t.Close()
	for {
		select {
		case c := <-s.queue:
			wait := time.Since(c.enqueued)
			s.stats.queueWaitNs.Add(int64(wait))
			if int64(wait) > s.stats.queueMaxNs.Load() {
				s.stats.queueMaxNs.Store(int64(wait))
			}
			w.serve(c)
			c.done <- struct{}{}
		case <-s.quit:
			return
		}
	}
}

// serve runs the app for one request, holding the GIL except around
// socket writes of streamed responses.
func (w *worker) serve(c *conn) {
	w.t.Acquire()
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
		w.t.Release()
	}()
	w.srv.stats.served.Add(1)
	w.call(c)
}
