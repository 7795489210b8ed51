package appserver

import (
	"encoding/binary"
	"io"
	"math/bits"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"time"
)

// metrics are one worker's counters. Every update is an atomic add on the
// request path; a scrape only reads them, so it never blocks a request.
type metrics struct {
	byMethodStatus [len(knownMethods) + 1][1000]atomic.Int64
	// touched has a bit per byMethodStatus cell that was ever counted, set
	// once by the request that made it 1: a scrape visits the few cells in
	// use instead of loading all 8000 (64 KB of cache lines pulled onto the
	// core that serves requests, every scrape).
	touched   [len(knownMethods) + 1][(1000 + 63) / 64]atomic.Uint64
	duration  histogram
	queueWait histogram
	inFlight  atomic.Int64
	bytesIn   atomic.Int64
	bytesOut  atomic.Int64
	timeouts  atomic.Int64
}

var knownMethods = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// Seconds; the same buckets for request duration and queue wait.
var bucketBounds = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

// bucketLabels are the le="..." labels of bucketBounds, then +Inf, formatted
// once rather than per scrape.
var bucketLabels = func() []string {
	l := make([]string, 0, len(bucketBounds)+1)
	for _, b := range bucketBounds {
		l = append(l, `le="`+strconv.FormatFloat(b, 'g', -1, 64)+`"`)
	}
	return append(l, `le="+Inf"`)
}()

type histogram struct {
	counts []atomic.Int64 // per bucket, not cumulative; last = +Inf
	sumNs  atomic.Int64
	boundN []int64
}

func (h *histogram) init() {
	h.counts = make([]atomic.Int64, len(bucketBounds)+1)
	h.boundN = make([]int64, len(bucketBounds))
	for i, b := range bucketBounds {
		h.boundN[i] = int64(b * 1e9)
	}
}

func (h *histogram) observe(d time.Duration) {
	ns := int64(d)
	i := 0
	for i < len(h.boundN) && h.boundN[i] < ns { // most requests stop in the first buckets
		i++
	}
	h.counts[i].Add(1)
	h.sumNs.Add(ns)
}

func (m *metrics) init() {
	m.duration.init()
	m.queueWait.init()
}

func methodIndex(method []byte) int {
	for i, k := range knownMethods {
		if string(method) == k {
			return i
		}
	}
	return len(knownMethods)
}

func (m *metrics) count(method []byte, status int) {
	if status < 100 || status > 999 {
		status = 999
	}
	mi := methodIndex(method)
	if m.byMethodStatus[mi][status].Add(1) == 1 {
		m.touched[mi][status>>6].Or(1 << (status & 63))
	}
}

// render appends this worker's metrics in the Prometheus text format
// (version 0.0.4). Every sample carries worker="<id>".
func (o *opsState) render(b []byte) []byte { return o.renderSep(b, false) }

// renderSep is render, with (when sep) a NUL after each family's HELP/TYPE
// head and after its samples: the supervisor then merges the workers'
// texts by splitting on sep, without parsing lines (the socket protocol).
func (o *opsState) renderSep(b []byte, sep bool) []byte {
	s := o.srv
	m := &o.m
	e := expo{b: b, worker: o.cfg.WorkerID, sep: sep}
	e.family("appserver_requests_total", "counter", "Requests answered, by method and status.")
	for mi := range m.byMethodStatus {
		name := "OTHER"
		if mi < len(knownMethods) {
			name = knownMethods[mi]
		}
		for wi := range m.touched[mi] {
			for word := m.touched[mi][wi].Load(); word != 0; word &= word - 1 {
				st := wi*64 + bits.TrailingZeros64(word)
				e.requests(name, st, m.byMethodStatus[mi][st].Load())
			}
		}
	}
	e.hist("appserver_request_duration_seconds", "Time from a parsed request to its response sent.", &m.duration)
	e.hist("appserver_queue_wait_seconds", "Time a request waited for a free thread.", &m.queueWait)
	e.gauge("appserver_queue_depth", "Requests waiting for a thread.", s.waiting.Load())
	e.gauge("appserver_requests_in_flight", "Requests inside the application.", m.inFlight.Load())
	busy := int64(s.cfg.Threads)
	if s.slots != nil {
		busy -= int64(len(s.slots))
	}
	e.gauge("appserver_threads_busy", "Threads running the application.", busy)
	e.gauge("appserver_threads", "Threads allowed to run the application.", int64(s.cfg.Threads))
	e.family("appserver_gil_wait_seconds_total", "counter", "Time threads waited for the GIL before running a request.")
	e.seconds("appserver_gil_wait_seconds_total", "", s.stats.gilWaitNs.Load())
	s.mu.Lock()
	open := int64(len(s.live))
	s.mu.Unlock()
	e.gauge("appserver_connections_open", "Client connections open.", open)
	e.counter("appserver_connections_total", "Client connections accepted.", s.stats.accepted.Load())
	e.counter("appserver_received_bytes_total", "Request bytes received (heads and bodies).", m.bytesIn.Load())
	e.counter("appserver_sent_bytes_total", "Response bytes sent.", m.bytesOut.Load())
	e.counter("appserver_requests_canceled_total", "Requests dropped because the client left while they waited.", s.stats.canceled.Load())
	e.counter("appserver_requests_shed_total", "Requests answered 503 because the queue was full.", s.stats.shed.Load())
	e.counter("appserver_requests_rejected_total", "Malformed requests answered by the server.", s.stats.rejectedBad.Load())
	e.counter("appserver_app_errors_total", "Requests where the application failed (500).", s.stats.appErrors.Load())
	e.counter("appserver_request_timeouts_total", "Requests answered 504 after --request-timeout.", m.timeouts.Load())
	e.counter("appserver_gc_drains_total", "Cyclic GC collections run between requests, none in flight.", s.stats.gcDrains.Load())
	e.counter("appserver_gc_drains_given_up_total", "Drains given up because a request ran on.", s.stats.gcGivenUp.Load())
	e.counter("appserver_gc_drains_idle_total", "Drains that left the CPU idle (the next checks skipped).", s.stats.gcIdle.Load())
	e.family("appserver_accept_balance_wait_seconds_total", "counter", "Time accept waited for a worker holding fewer connections.")
	e.seconds("appserver_accept_balance_wait_seconds_total", "", s.stats.balanceNs.Load())
	ready := int64(1)
	if s.draining.Load() {
		ready = 0
	}
	e.gauge("appserver_ready", "1 when this worker accepts new requests, 0 while draining.", ready)
	e.end()
	return e.b
}

// expo appends exposition lines straight into one buffer: no per-sample
// strings (the old closures built each label set with + and Itoa: ~70
// allocations a scrape).
type expo struct {
	b      []byte
	worker string
	sep    bool
	open   bool // a family was started (sep mode closes it)
}

func (e *expo) family(name, typ, help string) {
	e.end()
	e.b = append(e.b, "# HELP "...)
	e.b = append(e.b, name...)
	e.b = append(e.b, ' ')
	e.b = append(e.b, help...)
	e.b = append(e.b, "\n# TYPE "...)
	e.b = append(e.b, name...)
	e.b = append(e.b, ' ')
	e.b = append(e.b, typ...)
	e.b = append(e.b, '\n')
	if e.sep {
		e.b = append(e.b, 0)
		e.open = true
	}
}

// end closes the last family's samples (sep mode).
func (e *expo) end() {
	if e.open {
		e.b = append(e.b, 0)
		e.open = false
	}
}

// head appends `name{worker="N"` and, when label is set, `,label`.
func (e *expo) head(name, suffix, label string) {
	e.b = append(e.b, name...)
	e.b = append(e.b, suffix...)
	e.b = append(e.b, `{worker="`...)
	e.b = append(e.b, e.worker...)
	e.b = append(e.b, '"')
	if label != "" {
		e.b = append(e.b, ',')
		e.b = append(e.b, label...)
	}
}

func (e *expo) int(name, suffix, label string, v int64) {
	e.head(name, suffix, label)
	e.b = append(e.b, "} "...)
	e.b = strconv.AppendInt(e.b, v, 10)
	e.b = append(e.b, '\n')
}

func (e *expo) seconds(name, suffix string, ns int64) {
	e.head(name, suffix, "")
	e.b = append(e.b, "} "...)
	e.b = strconv.AppendFloat(e.b, float64(ns)/1e9, 'g', -1, 64)
	e.b = append(e.b, '\n')
}

func (e *expo) requests(method string, status int, v int64) {
	e.head("appserver_requests_total", "", "")
	e.b = append(e.b, `,method="`...)
	e.b = append(e.b, method...)
	e.b = append(e.b, `",status="`...)
	e.b = strconv.AppendInt(e.b, int64(status), 10)
	e.b = append(e.b, `"} `...)
	e.b = strconv.AppendInt(e.b, v, 10)
	e.b = append(e.b, '\n')
}

func (e *expo) hist(name, help string, h *histogram) {
	e.family(name, "histogram", help)
	var cum int64
	for i, label := range bucketLabels {
		cum += h.counts[i].Load()
		e.int(name, "_bucket", label, cum)
	}
	e.seconds(name, "_sum", h.sumNs.Load())
	e.int(name, "_count", "", cum)
}

func (e *expo) gauge(name, help string, v int64) {
	e.family(name, "gauge", help)
	e.int(name, "", "", v)
}

func (e *expo) counter(name, help string, v int64) {
	e.family(name, "counter", help)
	e.int(name, "", "", v)
}

// serveMetricsSocket answers scrapes on a Unix socket for the supervisor
// (which aggregates the workers). The supervisor keeps its connection: each
// byte it writes asks for one scrape, answered with a 4-byte big-endian
// length and the text (renderSep with NUL between families). Kept
// connections spare a connect/accept/close and a goroutine start per worker
// per scrape, on the core that serves requests.
func (o *opsState) serveMetricsSocket(path string) {
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		logf("metrics socket %s: %v", path, err)
		return
	}
	go func() {
		<-o.quit
		ln.Close()
	}()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go o.serveScrapes(c)
		}
	}()
}

func (o *opsState) serveScrapes(c net.Conn) {
	defer c.Close()
	var req [1]byte
	buf := make([]byte, 0, 8192)
	for {
		if _, err := io.ReadFull(c, req[:]); err != nil {
			return
		}
		buf = append(buf[:0], 0, 0, 0, 0)
		buf = o.renderSep(buf, true)
		binary.BigEndian.PutUint32(buf, uint32(len(buf)-4))
		c.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Write(buf); err != nil {
			return
		}
	}
}
