package appserver

import (
	"errors"
	"log"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config is what a worker process needs to serve (the Python face fills it
// from the command line or serve() options).
type Config struct {
	Threads          int           // Python threads running the app
	Backpressure     int           // requests that may wait for a thread; beyond it 503
	QueueTimeout     time.Duration // longest wait for a thread (0: none, < 0: auto, queue.go); beyond it 503
	MaxHeaderSize    int           // request line + headers; beyond it 431
	MaxBodySize      int64         // request body; beyond it 413
	HeaderTimeout    time.Duration // from the first byte of a head to its end
	KeepAliveTimeout time.Duration // idle time between requests
	BodyTimeout      time.Duration // to receive a whole body
	GraceTimeout     time.Duration // for in-flight requests at stop
	ServerName       string        // SERVER_NAME
	ServerPort       string        // SERVER_PORT
	ScriptName       string        // SCRIPT_NAME (mount point)
	URLScheme        string        // wsgi.url_scheme
	MultiProcess     bool          // wsgi.multiprocess
	RetryAfter       int           // seconds, in 503 answers
}

// DefaultConfig returns the defaults documented in docs/notes/appserver.md.
func DefaultConfig() Config {
	return Config{
		Threads:          1,
		Backpressure:     1024,
		MaxHeaderSize:    16 << 10,
		MaxBodySize:      16 << 20,
		HeaderTimeout:    10 * time.Second,
		KeepAliveTimeout: 30 * time.Second,
		BodyTimeout:      60 * time.Second,
		GraceTimeout:     30 * time.Second,
		ServerName:       "localhost",
		ServerPort:       "80",
		URLScheme:        "http",
		RetryAfter:       1,
	}
}

// Stats are the server's counters (read by appserver.stats()).
type Stats struct {
	accepted    atomic.Int64
	served      atomic.Int64
	shed        atomic.Int64 // 503 because the queue was full or the wait too long (queue.go)
	shedLate    atomic.Int64 // of which: shed when a thread came free, after waiting too long
	threadLimit atomic.Int64 // threads that may run the app now (limit.go)
	flightLim   atomic.Int64 // requests that may wait or run now (limit.go; auto only)
	rqWaitNs    atomic.Int64 // runnable without a CPU while holding a slot (limit.go; auto only)
	cpuNs       atomic.Int64 // on a CPU while holding a slot (limit.go; auto only)
	rejectedBad atomic.Int64 // answered by the server itself (4xx/5xx before the app)
	appErrors   atomic.Int64 // 500 because the app failed or its output was invalid
	canceled    atomic.Int64
	queueWaitNs atomic.Int64 // total time requests waited for a thread
	queueMaxNs  atomic.Int64
	handleNs    atomic.Int64 // request handling (thread slot taken .. response written)
	appNs       atomic.Int64 // inside the app callable and its close() (part of handleNs)
	gilWaitNs   atomic.Int64 // taking the GIL at the start of each request (part of handleNs)
	envNs       atomic.Int64 // building the environ (part of handleNs)
	preNs       atomic.Int64 // head in .. thread slot taken (parse, body, queue)
	runNs       atomic.Int64 // holding a thread slot (GIL taken .. released; part of handleNs)
	respondNs   atomic.Int64 // collecting the body and building the response (part of handleNs)
	writeNs     atomic.Int64 // writing a collected response to the socket (part of handleNs)
	gcDrains    atomic.Int64 // collections run with no request in flight (gcdrain.go)
	gcGivenUp   atomic.Int64 // drains given up after drainMax
	gcIdle      atomic.Int64 // drains that left the CPU idle (the next checks skipped)
	balanceNs   atomic.Int64 // accept(2) held back for a worker with fewer connections (balance.go)
}

// Snapshot returns the counters by name.
func (s *Stats) Snapshot() map[string]int64 {
	return map[string]int64{
		"accepted": s.accepted.Load(), "served": s.served.Load(), "shed": s.shed.Load(), "inflight_limit": s.flightLim.Load(),
		"run_delay_ns": s.rqWaitNs.Load(), "run_cpu_ns": s.cpuNs.Load(),
		"shed_late":    s.shedLate.Load(),
		"thread_limit": s.threadLimit.Load(),
		"rejected":     s.rejectedBad.Load(), "app_errors": s.appErrors.Load(),
		"canceled": s.canceled.Load(), "queue_wait_ns": s.queueWaitNs.Load(),
		"queue_wait_max_ns": s.queueMaxNs.Load(),
		"handle_ns":         s.handleNs.Load(), "app_ns": s.appNs.Load(), "gil_wait_ns": s.gilWaitNs.Load(),
		"environ_ns": s.envNs.Load(), "run_ns": s.runNs.Load(), "pre_ns": s.preNs.Load(), "respond_ns": s.respondNs.Load(),
		"write_ns":  s.writeNs.Load(),
		"gc_drains": s.gcDrains.Load(), "gc_drains_given_up": s.gcGivenUp.Load(), "gc_drains_idle": s.gcIdle.Load(),
		"balance_wait_ns": s.balanceNs.Load(),
	}
}

var logger = log.New(os.Stderr, "appserver: ", log.LstdFlags)

// Server is one worker process's server.
type Server struct {
	cfg      Config
	ln       net.Listener
	slots    chan *worker // the threads allowed to run the app
	waiting  atomic.Int64 // connections waiting for a slot
	svcEWMA  atomic.Int64 // recent time a request holds a slot, ns (queue.go)
	fresh    atomic.Int64 // accepted connections whose first request is not answered yet (queue.go)
	lim      limiter      // adaptive thread limit (limit.go)
	flight   flightLimit  // adaptive in-flight limit (limit.go)
	stats    Stats
	draining atomic.Bool
	conns    sync.WaitGroup
	mu       sync.Mutex
	live     map[*conn]struct{}
	busy     []byte
	busyKA   []byte
	stopOnce sync.Once
	stopped  chan struct{} // closed when Stop begins
	ops      *opsState     // production features (ops.go)
	bal      *connBalance  // open connections per worker, shared (balance.go); nil: none
	gcd      *gcDrain      // the cyclic collector run between requests (gcdrain.go); nil: Python's own
	asgi     *AsgiBridge   // set by EnableASGI: connections serve ASGI (asgi_conn.go)
}

// NewServer prepares a server on a listener; Run starts it.
func NewServer(ln net.Listener, cfg Config) *Server {
	if cfg.Threads < 1 {
		cfg.Threads = 1
	}
	if cfg.Backpressure < 1 {
		cfg.Backpressure = 1
	}
	s := &Server{cfg: cfg, ln: ln, live: map[*conn]struct{}{}, stopped: make(chan struct{})}
	ra := strconv.Itoa(cfg.RetryAfter)
	body := "server busy, retry later\n"
	mk := func(ka bool) []byte {
		conn := "close"
		if ka {
			conn = "keep-alive"
		}
		return []byte("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + ra +
			"\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\nConnection: " + conn + "\r\n\r\n" + body)
	}
	s.busy, s.busyKA = mk(false), mk(true)
	s.ops = newOps(s)
	return s
}

func (s *Server) busyResponse(keepAlive bool) []byte {
	if keepAlive {
		return s.busyKA
	}
	return s.busy
}

// Stats returns the live counters.
func (s *Server) Stats() *Stats { return &s.stats }

func (s *Server) track(c *conn, add bool) {
	s.mu.Lock()
	if add {
		s.live[c] = struct{}{}
	} else {
		delete(s.live, c)
	}
	s.mu.Unlock()
}

// Accept runs the accept loop until the listener closes.
func (s *Server) Accept() {
	var delay time.Duration
	for {
		// Count the connection this Accept may return before it exists:
		// otherwise Stop's Wait could finish between Accept handing over a
		// connection and its Add, and the process would exit with an
		// accepted connection unserved (the client sees a reset).
		if s.bal != nil {
			// balance.go: leave new connections to a worker holding fewer
			s.stats.balanceNs.Add(int64(s.bal.balanceTurn()))
		} else {
			s.acceptPause() // queue.go: a saturated worker leaves new connections to the others
		}
		s.conns.Add(1)
		nc, err := s.ln.Accept()
		if err != nil {
			s.conns.Done()
			if s.draining.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE and friends: back off instead of spinning.
			if delay == 0 {
				delay = 5 * time.Millisecond
			} else if delay < time.Second {
				delay *= 2
			}
			logf("accept: %v", err)
			time.Sleep(delay)
			continue
		}
		delay = 0
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		s.stats.accepted.Add(1)
		s.bal.add(1)       // until serveConn returns (balance.go; nothing without a table)
		s.fresh.Add(1)     // until its first response (serveConn)
		go s.serveConn(nc) // its deferred Done matches the Add above
	}
}

// Stop stops accepting, closes idle connections, lets in-flight requests
// finish (their connections close after the response) within the grace
// timeout, then closes the queue. It returns true if everything finished.
func (s *Server) Stop() bool {
	clean := true
	s.stopOnce.Do(func() {
		close(s.stopped)
		s.draining.Store(true)
		s.bal.gone()
		s.ops.beforeStop()
		defer s.ops.stopped()
		s.ln.Close()
		deadline := time.Now().Add(s.cfg.GraceTimeout)
		finished := make(chan struct{})
		go func() { s.conns.Wait(); close(finished) }()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
	wait:
		for {
			// Idle keep-alive connections: wake their reads now.
			s.mu.Lock()
			for c := range s.live {
				if c.idle.Load() {
					c.nc.SetReadDeadline(time.Now())
				}
			}
			s.mu.Unlock()
			select {
			case <-finished:
				break wait
			case <-tick.C:
				if time.Now().After(deadline) {
					clean = false
					break wait
				}
			}
		}
	})
	return clean
}

// Stopped is closed when Stop begins.
func (s *Server) Stopped() <-chan struct{} { return s.stopped }

func itoa(n int) string { return strconv.Itoa(n) }

// Run creates the thread slots and starts the accept loop.
func Run(s *Server, app *App) {
	currentDate()
	s.StartWorkers(app)
	s.ops.start()
	go s.Accept()
}
