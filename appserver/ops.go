package appserver

import (
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"goaccel/python"
)

// OpsConfig holds the production features of issue 8 (metrics, health,
// static files, access log, recycling). The Python face sets it with
// ConfigureOps before serve(); NewServer takes a copy.
type OpsConfig struct {
	WorkerID       string        // the worker label in metrics
	MetricsSocket  string        // Unix socket where this worker answers scrapes ("" = none)
	LivePath       string        // liveness endpoint ("" = none)
	ReadyPath      string        // readiness endpoint ("" = none)
	Static         []StaticRoute // URL prefix -> directory
	StaticExpires  time.Duration // Cache-Control max-age of static files (0 = none)
	AccessLog      string        // "" off, "-" stderr, else a file path
	AccessLogFmt   string        // Granian-style atoms, or "json"
	MaxRequests    int64         // recycle after this many requests (0 = never)
	MaxReqJitter   int64         // + rand[0, jitter]
	RequestTimeout time.Duration // 504 and recycle (0 = none)
	ControlFD      int           // supervisor control socket (-1 = not supervised)
	ForwardedAllow string        // trusted proxies: IPs, CIDRs, "*" ("" = none)
	TLS            *TLSConfig    // nil: plain HTTP
	HTTP           string        // "1", "2" or "auto" (HTTP/2: ALPN h2, cleartext prior knowledge)
	H2MaxStreams   int           // concurrent streams per HTTP/2 connection
	ListenFD       int           // the Python face's copy of the listening socket (-1 = none)
	BalanceFD      int           // the supervisor's table of open connections per worker (-1 = none; balance.go)
}

var pendingOps atomic.Pointer[OpsConfig]

// ConfigureOps sets the features of the next server created in this process.
func ConfigureOps(c OpsConfig) { pendingOps.Store(&c) }

func defaultOpsConfig() OpsConfig {
	return OpsConfig{WorkerID: "0", ControlFD: -1, ListenFD: -1, BalanceFD: -1, HTTP: "auto", H2MaxStreams: 100}
}

// opsState is a Server's production side. Every hook is one call from the
// HTTP path (conn.go/worker.go) into this file.
type opsState struct {
	srv                *Server
	cfg                OpsConfig
	m                  metrics
	static             []staticMount
	alog               *accessLog
	limit              int64 // max requests with jitter (0 = none)
	served             atomic.Int64
	recycled           atomic.Bool
	mu                 sync.Mutex
	running            map[*conn]struct{} // requests inside the app (request timeout)
	quit               chan struct{}
	h2                 *h2State   // HTTP/2 (http2.go), nil when --http 1
	trust              *trustList // --forwarded-allow-ips (nil: none)
	keyScheme, keyHost python.Object
	stopProfile        func() // APPSERVER_CPUPROFILE (ops_profile.go)
}

// opsConn is the per-connection state of the hooks (a field of conn).
type opsConn struct {
	start    time.Time
	runStart time.Time
	state    atomic.Int32 // 0 running, 1 finished by the app, 2 timed out
	status   int
	bytesOut int64
	inApp    bool
	handled  bool   // answered by ops (health, static)
	peer     []byte // the connection's own address (proxy headers replace remoteAddr)
	proto    []byte // forwarded scheme
	host     []byte // forwarded host
}

var https = []byte("https")

func newOps(s *Server) *opsState {
	cfg := defaultOpsConfig()
	if p := pendingOps.Load(); p != nil {
		cfg = *p
		if p.BalanceFD >= 0 {
			// The table's fd is consumed by the first server (it is
			// closed once mapped): a later server must not map whatever
			// file reuses the number.
			next := *p
			next.BalanceFD = -1
			pendingOps.CompareAndSwap(p, &next)
			s.bal = openBalance(cfg.BalanceFD, cfg.WorkerID)
		}
	}
	o := &opsState{srv: s, cfg: cfg, running: map[*conn]struct{}{}, quit: make(chan struct{})}
	o.m.init()
	if cfg.TLS != nil {
		s.ln = wrapTLS(s.ln, cfg.TLS, cfg.HTTP)
	}
	if cfg.HTTP != "1" {
		o.startHTTP2()
	}
	for _, r := range cfg.Static {
		if m, err := newStaticMount(r); err == nil {
			o.static = append(o.static, m)
		} else {
			logf("static route %s: %v", r.Route, err)
		}
	}
	if cfg.MaxRequests > 0 {
		o.limit = cfg.MaxRequests
		if cfg.MaxReqJitter > 0 {
			o.limit += rand.Int63n(cfg.MaxReqJitter + 1)
		}
	}
	if t, err := parseTrustList(cfg.ForwardedAllow); err != nil {
		logf("--forwarded-allow-ips: %v", err)
	} else {
		o.trust = t
	}
	if cfg.AccessLog != "" {
		o.alog = newAccessLog(cfg.AccessLog, cfg.AccessLogFmt)
	}
	return o
}

// start runs the background parts (scrape listener, request watchdog).
func (o *opsState) start() {
	o.stopProfile = startProfile()
	if o.cfg.MetricsSocket != "" {
		o.serveMetricsSocket(o.cfg.MetricsSocket)
	}
	if o.cfg.RequestTimeout > 0 {
		go o.watchdog()
	}
}

// beforeStop runs when the server begins to stop.
func (o *opsState) beforeStop() {
	select {
	case <-o.quit:
	default:
		close(o.quit)
		o.stopHTTP2()
		o.dropListenFD()
	}
}

// dropListenFD releases the worker's other copy of the listening socket
// (Stop closes Go's): once the supervisor's is closed too, new connections
// are refused rather than queued where no one accepts them (a kubelet
// probe fails at once instead of timing out; clients retry elsewhere). The
// fd number is pointed at /dev/null rather than closed, so the Python
// socket object that owns it can still close it without hitting a reused
// number.
func (o *opsState) dropListenFD() {
	if o.cfg.ListenFD < 0 {
		return
	}
	null, err := syscall.Open("/dev/null", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	syscall.Dup3(null, o.cfg.ListenFD, syscall.O_CLOEXEC)
	syscall.Close(null)
}

// stopped runs when the server has stopped: last log lines out.
func (o *opsState) stopped() {
	if o.stopProfile != nil {
		o.stopProfile()
	}
	if o.alog != nil {
		o.alog.close()
	}
	if o.cfg.MetricsSocket != "" {
		os.Remove(o.cfg.MetricsSocket)
	}
}

// intercept answers health and static requests in Go; true when it did (the
// response is written). Called for every parsed request before the app;
// start is when its head was in (the caller's clock reading, reused).
func (o *opsState) intercept(c *conn, start time.Time) bool {
	peer := c.ops.peer
	if peer == nil {
		peer = c.remoteAddr
	}
	c.ops = opsConn{start: start, peer: peer}
	if o.cfg.TLS != nil {
		c.ops.proto = https // wsgi.url_scheme (proxyheaders.go adds it)
	}
	if o.trust != nil {
		o.applyProxy(c, peer)
	}
	c.ops.state.Store(0)
	o.m.bytesIn.Add(int64(len(c.req.head) + len(c.req.body)))
	path := c.req.path
	if o.cfg.LivePath != "" && string(path) == o.cfg.LivePath {
		o.health(c, true)
	} else if o.cfg.ReadyPath != "" && string(path) == o.cfg.ReadyPath {
		o.health(c, false)
	} else if len(o.static) == 0 || !o.serveStatic(c) {
		return false
	}
	c.ops.handled = true
	o.done(c)
	return true
}

// beginApp runs with the slot taken, before the thread state is entered.
func (o *opsState) beginApp(c *conn) time.Time {
	now := time.Now()
	c.ops.runStart = now
	c.ops.inApp = true
	o.m.inFlight.Add(1)
	o.m.queueWait.observe(now.Sub(c.ops.start))
	if o.cfg.RequestTimeout > 0 {
		o.mu.Lock()
		o.running[c] = struct{}{}
		o.mu.Unlock()
	}
	return now
}

// endApp runs when the app returned (GIL held). False: the watchdog
// answered 504 already, and the app's response is dropped.
func (o *opsState) endApp(w *worker, c *conn) {
	if o.cfg.RequestTimeout > 0 {
		o.mu.Lock()
		delete(o.running, c)
		o.mu.Unlock()
	}
	if !c.ops.state.CompareAndSwap(0, 1) {
		c.out = c.out[:0]
		c.streamed = true
		c.close = true
		c.ops.status = 504
		return
	}
	if c.streamed {
		c.ops.status = 200 // sendfile path: the app's status is not kept
		if w.st.active {
			c.ops.status = w.st.h.code
			c.ops.bytesOut = w.st.sent
		}
	}
}

// done runs after the response went out (or failed).
func (o *opsState) done(c *conn) {
	oc := &c.ops
	if !c.streamed && !oc.handled {
		oc.status = statusOf(c.out)
		oc.bytesOut = int64(len(c.out))
	}
	if oc.status == 0 {
		oc.status = 200
	}
	dt := time.Since(oc.start)
	if oc.inApp {
		o.m.inFlight.Add(-1)
	}
	o.m.bytesOut.Add(oc.bytesOut)
	o.m.count(c.req.method, oc.status)
	o.m.duration.observe(dt)
	if o.alog != nil {
		o.alog.log(c, oc.status, dt, oc.bytesOut)
	}
	if o.limit > 0 && o.served.Add(1) == o.limit {
		o.recycle("max-requests")
	}
}

func statusOf(out []byte) int {
	if len(out) < 12 {
		return 0
	}
	n := 0
	for _, ch := range out[9:12] {
		if ch < '0' || ch > '9' {
			return 0
		}
		n = n*10 + int(ch-'0')
	}
	return n
}

// recycle asks the supervisor for a replacement (it starts one, then stops
// this worker gracefully); unsupervised, the server stops itself.
func (o *opsState) recycle(reason string) {
	if !o.recycled.CompareAndSwap(false, true) {
		return
	}
	logf("recycling this worker (%s)", reason)
	if o.cfg.ControlFD >= 0 {
		msg := []byte("X")
		if reason == "request-timeout" {
			msg = []byte("T")
		}
		if _, err := syscall.Write(o.cfg.ControlFD, msg); err == nil {
			return
		}
	}
	go o.srv.Stop()
}

// watchdog answers 504 for requests running longer than the timeout and
// recycles the worker (the thread is stuck in the app; only a new process
// gets it back).
func (o *opsState) watchdog() {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-o.quit:
			return
		case <-tick.C:
		}
		var over []*conn
		now := time.Now()
		o.mu.Lock()
		for c := range o.running {
			if now.Sub(c.ops.runStart) > o.cfg.RequestTimeout {
				over = append(over, c)
				delete(o.running, c)
			}
		}
		o.mu.Unlock()
		for _, c := range over {
			if !c.ops.state.CompareAndSwap(0, 2) {
				continue
			}
			o.m.timeouts.Add(1)
			logf("request %s %s overran --request-timeout (%s): 504", c.req.method, c.req.target, o.cfg.RequestTimeout)
			if !c.streamed {
				c.nc.SetWriteDeadline(time.Now().Add(time.Second))
				c.nc.Write([]byte("HTTP/1.1 504 Gateway Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 16\r\nConnection: close\r\n\r\nrequest timeout\n"))
			}
			// The client is done; the app's output, when it comes, is dropped.
			if tc, ok := c.nc.(interface{ CloseWrite() error }); ok {
				tc.CloseWrite()
			}
			o.recycle("request-timeout")
		}
	}
}
