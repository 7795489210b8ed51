package appserver

import (
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
	duration       histogram
	queueWait      histogram
	inFlight       atomic.Int64
	bytesIn        atomic.Int64
	bytesOut       atomic.Int64
	timeouts       atomic.Int64
}

var knownMethods = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// Seconds; the same buckets for request duration and queue wait.
var bucketBounds = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

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
	m.byMethodStatus[methodIndex(method)][status].Add(1)
}

// render appends this worker's metrics in the Prometheus text format
// (version 0.0.4). Every sample carries worker="<id>".
func (o *opsState) render(b []byte) []byte {
	s := o.srv
	m := &o.m
	w := `worker="` + o.cfg.WorkerID + `"`
	family := func(name, typ, help string) {
		b = append(b, "# HELP "+name+" "+help+"\n# TYPE "+name+" "+typ+"\n"...)
	}
	sample := func(name, labels string, v int64) {
		b = append(b, name...)
		b = append(b, '{')
		b = append(b, w...)
		if labels != "" {
			b = append(b, ',')
			b = append(b, labels...)
		}
		b = append(b, "} "...)
		b = strconv.AppendInt(b, v, 10)
		b = append(b, '\n')
	}
	fsample := func(name, labels string, v float64) {
		b = append(b, name...)
		b = append(b, '{')
		b = append(b, w...)
		if labels != "" {
			b = append(b, ',')
			b = append(b, labels...)
		}
		b = append(b, "} "...)
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
		b = append(b, '\n')
	}
	family("appserver_requests_total", "counter", "Requests answered, by method and status.")
	for mi := range m.byMethodStatus {
		name := "OTHER"
		if mi < len(knownMethods) {
			name = knownMethods[mi]
		}
		for st := 100; st < 1000; st++ {
			if v := m.byMethodStatus[mi][st].Load(); v > 0 {
				sample("appserver_requests_total", `method="`+name+`",status="`+strconv.Itoa(st)+`"`, v)
			}
		}
	}
	hist := func(name, help string, h *histogram) {
		family(name, "histogram", help)
		var cum int64
		for i, bound := range bucketBounds {
			cum += h.counts[i].Load()
			sample(name+"_bucket", `le="`+strconv.FormatFloat(bound, 'g', -1, 64)+`"`, cum)
		}
		cum += h.counts[len(bucketBounds)].Load()
		sample(name+"_bucket", `le="+Inf"`, cum)
		fsample(name+"_sum", "", float64(h.sumNs.Load())/1e9)
		sample(name+"_count", "", cum)
	}
	hist("appserver_request_duration_seconds", "Time from a parsed request to its response sent.", &m.duration)
	hist("appserver_queue_wait_seconds", "Time a request waited for a free thread.", &m.queueWait)
	gauge := func(name, help string, v int64) {
		family(name, "gauge", help)
		sample(name, "", v)
	}
	counter := func(name, help string, v int64) {
		family(name, "counter", help)
		sample(name, "", v)
	}
	gauge("appserver_queue_depth", "Requests waiting for a thread.", s.waiting.Load())
	gauge("appserver_requests_in_flight", "Requests inside the application.", m.inFlight.Load())
	busy := int64(s.cfg.Threads)
	if s.slots != nil {
		busy -= int64(len(s.slots))
	}
	gauge("appserver_threads_busy", "Threads running the application.", busy)
	gauge("appserver_threads", "Threads allowed to run the application.", int64(s.cfg.Threads))
	family("appserver_gil_wait_seconds_total", "counter", "Time threads waited for the GIL before running a request.")
	fsample("appserver_gil_wait_seconds_total", "", float64(s.stats.gilWaitNs.Load())/1e9)
	s.mu.Lock()
	open := int64(len(s.live))
	s.mu.Unlock()
	gauge("appserver_connections_open", "Client connections open.", open)
	counter("appserver_connections_total", "Client connections accepted.", s.stats.accepted.Load())
	counter("appserver_received_bytes_total", "Request bytes received (heads and bodies).", m.bytesIn.Load())
	counter("appserver_sent_bytes_total", "Response bytes sent.", m.bytesOut.Load())
	counter("appserver_requests_canceled_total", "Requests dropped because the client left while they waited.", s.stats.canceled.Load())
	counter("appserver_requests_shed_total", "Requests answered 503 because the queue was full.", s.stats.shed.Load())
	counter("appserver_requests_rejected_total", "Malformed requests answered by the server.", s.stats.rejectedBad.Load())
	counter("appserver_app_errors_total", "Requests where the application failed (500).", s.stats.appErrors.Load())
	counter("appserver_request_timeouts_total", "Requests answered 504 after --request-timeout.", m.timeouts.Load())
	ready := int64(1)
	if s.draining.Load() {
		ready = 0
	}
	gauge("appserver_ready", "1 when this worker accepts new requests, 0 while draining.", ready)
	return b
}

// serveMetricsSocket answers each connection on a Unix socket with the
// metrics text and closes it (the supervisor aggregates the workers).
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
			c.SetWriteDeadline(time.Now().Add(2 * time.Second))
			c.Write(o.render(make([]byte, 0, 8192)))
			c.Close()
		}
	}()
}
