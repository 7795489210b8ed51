package appserver

import (
	"crypto/tls"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The ASGI bridge. Connection goroutines parse requests (the same parser and
// limits as WSGI) and queue events; the worker's asyncio loop, on a Python
// thread, is woken by one byte on a pipe per batch (not one wake-up per
// event) and takes every queued event in one call (Poll). The app's send()
// hands response bytes to the connection goroutine without blocking the
// loop; Go writes them. See docs/notes/appserver-asgi.md.

// Event kinds, as seen by the Python side (the first item of each tuple).
const (
	EvRequest    = 0 // a request head (and its body) arrived
	EvDisconnect = 1 // the client went away while the request was in flight
	EvDrain      = 2 // the send buffer fell below the low-water mark
	EvStopped    = 3 // the server finished its graceful stop
	EvBody       = 4 // more of a streamed request body
	EvTimeout    = 9 // the request overran --request-timeout: cancel its task (asgi_timeout.go)
)

// Send-buffer water marks: send() asks the app to wait (awaits a drain
// event) above high; the drain is signalled below low.
const (
	asgiHighWater = 256 << 10
	asgiLowWater  = 64 << 10
)

// AsgiEvent is one queued event.
type AsgiEvent struct {
	Kind int
	Req  *AsgiReq
	WS   *AsgiWS // WebSocket events (websocket.go)
}

// AsgiBridge is the per-server event queue shared with the loop.
type AsgiBridge struct {
	srv    *Server
	wakeFd int

	mu     sync.Mutex
	events []AsgiEvent
	spare  []AsgiEvent
	woken  bool          // a wake byte is pending: the loop has not polled since
	parked bool          // the loop waits in Park (asgi_park.go)
	parkCh chan struct{} // wakes it

	corked []*wsWriter // WebSockets with frames to write at the loop's flush (loop thread only)

	// Whole HTTP responses queued in this loop iteration, written together
	// by FlushCorked (asgi_cork.go); loop thread only.
	httpCorked     []*AsgiReq
	flushScheduled bool // the loop has an asgi_flush call scheduled

	takes atomic.Uint64 // Take calls so far: the request watchdog's sign that the loop runs
}

var (
	asgiSeq  atomic.Uint64
	asgiMu   sync.Mutex
	asgiReqs = map[uint64]*AsgiReq{}
)

// LookupReq finds a request in flight by id (nil when finished).
func LookupReq(id uint64) *AsgiReq {
	asgiMu.Lock()
	r := asgiReqs[id]
	asgiMu.Unlock()
	return r
}

// EnableASGI makes s serve ASGI: its connections queue events on the
// returned bridge, which wakes the loop by writing to wakeFd.
func EnableASGI(s *Server, wakeFd int) *AsgiBridge {
	b := &AsgiBridge{srv: s, wakeFd: wakeFd, parkCh: make(chan struct{}, 1)}
	s.asgi = b
	return b
}

// Server returns the bridge's server.
func (b *AsgiBridge) Server() *Server { return b.srv }

func (b *AsgiBridge) push(kind int, r *AsgiReq) { b.pushEvent(AsgiEvent{Kind: kind, Req: r}) }

func (b *AsgiBridge) pushWS(kind int, w *AsgiWS) { b.pushEvent(AsgiEvent{Kind: kind, WS: w}) }

func (b *AsgiBridge) pushEvent(ev AsgiEvent) {
	b.mu.Lock()
	b.events = append(b.events, ev)
	if b.parked && len(b.events) == 1 {
		b.mu.Unlock()
		b.wakeParked()
		return
	}
	wake := !b.woken && b.wakeFd >= 0
	b.woken = true
	fd := b.wakeFd
	b.mu.Unlock()
	if wake {
		// Non-blocking pipe: EAGAIN means the loop has bytes to read
		// already, which is all a wake-up needs.
		syscall.Write(fd, []byte{1})
	}
}

// Take returns the queued events (valid until the next Take). After a
// non-empty batch the loop promises to call Take again on its next
// iteration (call_soon), so events queued meanwhile need no wake-up byte:
// under load the pipe goes quiet and the loop just polls once per
// iteration. An empty Take re-arms the wake-up.
func (b *AsgiBridge) Take() []AsgiEvent {
	b.mu.Lock()
	ev := b.events
	b.events = b.spare[:0]
	b.spare = ev
	b.woken = len(ev) > 0
	b.mu.Unlock()
	b.takes.Add(1)
	return ev
}

// Detach forgets the wake-up fd (the loop is about to close it): a late
// event from a connection that outlived the grace timeout must not write
// to a file descriptor number the process may have reused.
func (b *AsgiBridge) Detach() {
	b.mu.Lock()
	b.wakeFd = -1
	b.mu.Unlock()
}

// Stopped queues the final event once the server has stopped.
func (b *AsgiBridge) Stopped() { b.push(EvStopped, nil) }

// AsgiReq is one request in flight. The connection goroutine owns conn;
// the loop thread appends response bytes under mu.
type AsgiReq struct {
	ID uint64
	c  *conn

	// Set by the connection goroutine before the request event; read-only after.
	Method, Path, Query []byte
	Minor               int
	H2                  bool                 // an HTTP/2 stream (asgi_h2.go)
	h2TLS               *tls.ConnectionState // its connection's TLS state (nil: cleartext)
	Body                []byte               // the first part of the body (the whole body if !MoreBody)
	MoreBody            bool                 // the rest streams in EvBody events
	RemoteAddr          []byte
	RemotePort          int
	head                bool
	began               time.Time // handed to the app (--request-timeout)

	mu        sync.Mutex
	out       []byte // response bytes not yet written
	spare     []byte
	flushing  bool // a flush goroutine owns the writing (asgi_write.go)
	discSent  bool // EvDisconnect was queued
	raw       syscall.RawConn
	pending   int  // bytes queued and not yet written
	final     bool // the response is complete (or abandoned)
	gone      bool // the client went away or a write failed
	wantDrain bool
	started   bool
	chunked   bool
	close     bool
	cl        int64  // the app's Content-Length, -1 when none
	status    int    // the response status (metrics, access log; 0: none sent)
	wire      int64  // response bytes queued for the client (metrics)
	trailers  []byte // trailer fields so far (asgi_trailers.go)
	sent      int64  // body bytes accepted so far
	wake      chan struct{}

	// Streamed request body (EvBody), guarded by mu.
	bodyChunks [][]byte
	bodyDone   bool
	bodyWant   chan struct{} // the loop asks for more body
	bodyErr    bool

	timedOut bool // overran --request-timeout (asgi_timeout.go); guarded by mu
	corked   bool // in the bridge's httpCorked list, not yet written (asgi_cork.go); guarded by mu
}

func (r *AsgiReq) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Gone reports whether the client went away.
func (r *AsgiReq) Gone() bool {
	r.mu.Lock()
	g := r.gone
	r.mu.Unlock()
	return g
}

// Finished reports whether the response is complete.
func (r *AsgiReq) Finished() bool {
	r.mu.Lock()
	f := r.final
	r.mu.Unlock()
	return f
}

// RunASGI starts the accept loop of an ASGI server (EnableASGI first).
func RunASGI(s *Server) {
	currentDate()
	s.ops.start()
	if s.ops.cfg.RequestTimeout > 0 && s.asgi != nil {
		go s.asgi.watchdog(s.ops.cfg.RequestTimeout) // asgi_timeout.go
	}
	go s.Accept()
}

// EachHeader calls f with every request header (the name as received;
// slices valid while the request is in flight).
func (r *AsgiReq) EachHeader(f func(name, value []byte)) {
	for _, h := range r.c.req.headers {
		f(h.name, h.value)
	}
}

// NumHeaders is the number of request headers.
func (r *AsgiReq) NumHeaders() int { return len(r.c.req.headers) }
