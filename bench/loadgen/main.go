// Command loadgen drives HTTP load for goaccel's server benchmarks, built on
// vegeta (request engine) with HDR histograms (latency). It is the one load
// generator under bench/ (wrk stays for closed-loop peak throughput).
//
// Modes:
//
//   - closed loop (-connections N, alias -c): N workers each send the next
//     request as soon as the previous answer arrives; peak throughput, like wrk.
//   - open loop (-rate R): requests start at a constant rate whatever the
//     server's speed, so a slow server cannot hide latency by slowing the
//     client down (coordinated omission).
//   - ramp (-ramp 10,50,100,200): closed-loop users added stage by stage
//     (-duration each) without stopping the ones already running, the shape
//     of the load test behind the seed company's published table (a ramp of
//     0-200 concurrent users). Each request counts in the stage it started
//     in; a "total" object over every request of the ramp follows.
//
// Served (2xx/3xx) and shed (503) latencies are kept apart: the backpressure
// benchmark needs the served p99 while the excess is turned away. With
// -backoff a closed-loop worker that got a 503 waits before its next request
// (real clients back off; an immediate retry turns shedding into a flood).
//
// Every stage prints one JSON object on stdout (-text: one summary line per
// class instead). Loopback targets only.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

// Stage is the result of one load stage (or, mode "total", of a whole ramp).
type Stage struct {
	Mode        string  `json:"mode"`
	Connections int     `json:"connections,omitempty"`
	Rate        float64 `json:"rate,omitempty"`
	Seconds     float64 `json:"seconds"`
	// Window is the load's length (a ramp: stages x duration). RPS is the
	// answered requests that completed within the window (a ramp's stage:
	// within the stage) per second: the final drain of in-flight requests
	// neither dilutes it nor counts as throughput.
	Window   float64        `json:"window_seconds,omitempty"`
	Requests int64          `json:"requests"`
	OK       int64          `json:"ok"`
	Shed     int64          `json:"shed"`
	RPS      float64        `json:"rps"`
	Status   map[string]int `json:"status"`
	Errors   int64          `json:"errors"`
	Served   Latency        `json:"served_ms"`
	ShedLat  Latency        `json:"shed_ms"`
	All      Latency        `json:"all_ms"`
	// Curve is the served latency at each of curveQuantiles, from the HDR
	// histogram: the data of the percentile plots.
	Curve [][2]float64 `json:"served_curve"`

	served, shed, all *hdrhistogram.Histogram
}

// Latency percentiles in milliseconds.
type Latency struct {
	Mean, P50, P90, P95, P99, P999, Max float64
}

var curveQuantiles = []float64{50, 75, 90, 95, 98, 99, 99.5, 99.9, 99.95, 99.99}

func newHist() *hdrhistogram.Histogram {
	return hdrhistogram.New(1, int64(5*time.Minute/time.Microsecond), 3)
}

func latency(h *hdrhistogram.Histogram) Latency {
	ms := func(v int64) float64 { return float64(v) / 1000 }
	return Latency{
		Mean: h.Mean() / 1000, P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)),
		P95: ms(h.ValueAtQuantile(95)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()),
	}
}

// finish fills the derived fields from the histograms.
func (st *Stage) finish() {
	st.RPS = float64(st.OK) / st.Seconds
	st.Served, st.ShedLat, st.All = latency(st.served), latency(st.shed), latency(st.all)
	st.Curve = nil
	for _, q := range curveQuantiles {
		st.Curve = append(st.Curve, [2]float64{q, float64(st.served.ValueAtQuantile(q)) / 1000})
	}
}

type options struct {
	duration, timeout, backoff time.Duration
}

func main() {
	target := flag.String("url", "", "target URL (loopback only)")
	method := flag.String("method", "GET", "HTTP method")
	body := flag.String("body", "", "request body")
	var headers headerFlags
	flag.Var(&headers, "header", "request header 'Name: value' (repeatable)")
	var connections int
	flag.IntVar(&connections, "connections", 0, "closed loop: concurrent connections")
	flag.IntVar(&connections, "c", 0, "alias of -connections")
	rate := flag.Float64("rate", 0, "open loop: requests per second")
	ramp := flag.String("ramp", "", "closed-loop stages: comma-separated connection counts")
	var o options
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "duration of each stage")
	flag.DurationVar(&o.duration, "d", 10*time.Second, "alias of -duration")
	flag.DurationVar(&o.timeout, "timeout", 30*time.Second, "per-request timeout")
	flag.DurationVar(&o.backoff, "backoff", 0, "closed loop: wait this long after a 503 before the next request")
	text := flag.Bool("text", false, "print one summary line per answer class instead of JSON")
	flag.Parse()

	if err := checkLoopback(*target); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	hdr := http.Header{}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			fmt.Fprintf(os.Stderr, "loadgen: bad header %q\n", h)
			os.Exit(2)
		}
		hdr.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	tgt := vegeta.Target{Method: *method, URL: *target, Header: hdr, Body: []byte(*body)}

	var stages []*Stage
	switch {
	case *ramp != "":
		for _, s := range strings.Split(*ramp, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				fmt.Fprintf(os.Stderr, "loadgen: bad ramp value %q\n", s)
				os.Exit(2)
			}
			stages = append(stages, &Stage{Mode: "closed", Connections: n})
		}
	case *rate > 0:
		stages = []*Stage{{Mode: "open", Rate: *rate}}
	case connections > 0:
		stages = []*Stage{{Mode: "closed", Connections: connections}}
	default:
		fmt.Fprintln(os.Stderr, "loadgen: give -connections, -rate or -ramp")
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	if *ramp != "" {
		total := runRamp(stages, tgt, o)
		for _, st := range stages {
			emit(enc, st, *text)
		}
		emit(enc, total, *text)
		return
	}
	for _, st := range stages {
		run(st, tgt, o)
		emit(enc, st, *text)
	}
}

func emit(enc *json.Encoder, st *Stage, text bool) {
	if text {
		printText(st)
		return
	}
	if err := enc.Encode(st); err != nil {
		os.Exit(1)
	}
}

// printText prints the summary lines the backpressure benchmark shows.
func printText(st *Stage) {
	for _, c := range []struct {
		name string
		n    int64
		l    Latency
	}{{"served", st.OK, st.Served}, {"shed", st.Shed, st.ShedLat}} {
		if c.n > 0 {
			fmt.Printf("%s: %d (%.0f/s) p50 %.2f ms p99 %.2f ms max %.2f ms\n",
				c.name, c.n, float64(c.n)/st.Seconds, c.l.P50, c.l.P99, c.l.Max)
		}
	}
	if other := st.Requests - st.OK - st.Shed - st.Errors; other > 0 {
		fmt.Printf("other: %d\n", other)
	}
	fmt.Printf("errors: %d\n", st.Errors)
}

func checkLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("bad -url %q", target)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("refusing non-loopback target %s", host)
	}
	return nil
}

// backoffTransport makes the worker that got a 503 wait before its next
// request: vegeta's closed-loop worker runs the round trip, so sleeping
// here holds exactly that worker. The sleep is inside vegeta's measured
// latency; run() subtracts it from the shed latency.
type backoffTransport struct {
	next  http.RoundTripper
	delay time.Duration
}

func (t backoffTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil && resp.StatusCode == http.StatusServiceUnavailable {
		time.Sleep(t.delay)
	}
	return resp, err
}

// closedLoop is an attacker whose n workers each send back to back
// (vegeta's rate 0 with a fixed worker count), one connection each.
func closedLoop(n int, o options) *vegeta.Attacker {
	opts := []func(*vegeta.Attacker){vegeta.Timeout(o.timeout), vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow),
		vegeta.Workers(uint64(n)), vegeta.MaxWorkers(uint64(n))}
	if o.backoff > 0 {
		tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n, DisableCompression: true}
		opts = append(opts, vegeta.Client(&http.Client{
			Transport: backoffTransport{tr, o.backoff}, Timeout: o.timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}))
	} else {
		opts = append(opts, vegeta.Connections(n), vegeta.MaxConnections(n))
	}
	return vegeta.NewAttacker(opts...)
}

func run(st *Stage, tgt vegeta.Target, o options) {
	var attacker *vegeta.Attacker
	var pacer vegeta.Pacer
	if st.Mode == "closed" {
		attacker, pacer = closedLoop(st.Connections, o), vegeta.Rate{Freq: 0}
	} else {
		attacker = vegeta.NewAttacker(vegeta.Timeout(o.timeout), vegeta.KeepAlive(true),
			vegeta.Redirects(vegeta.NoFollow), vegeta.Workers(64))
		pacer = vegeta.Rate{Freq: int(st.Rate), Per: time.Second}
		o.backoff = 0
	}
	st.reset()
	start := time.Now()
	var done int64 // 2xx/3xx answers completed within the window
	for res := range attacker.Attack(vegeta.NewStaticTargeter(tgt), pacer, o.duration, "loadgen") {
		st.observe(res, o.backoff)
		if res.Timestamp.Add(res.Latency).Sub(start) <= o.duration && res.Code >= 200 && res.Code < 400 {
			done++
		}
	}
	st.Seconds = time.Since(start).Seconds()
	st.finish()
	// Every request started in the window is waited for (up to -timeout), so
	// a server that leaves some connections unanswered shows them in the
	// latencies (wrk drops them uncounted at its end); throughput is the
	// answers completed within the window, so that drain does not dilute it.
	st.Window = o.duration.Seconds()
	st.RPS = float64(done) / st.Window
}

// runRamp starts stage i's extra users (Connections[i] - Connections[i-1])
// at i x duration and keeps them until the ramp ends: users only ever join,
// like a ramp of virtual users, with one drain at the very end.
func runRamp(stages []*Stage, tgt vegeta.Target, o options) *Stage {
	total := &Stage{Mode: "total"}
	total.reset()
	for _, st := range stages {
		st.reset()
	}
	results := make(chan *vegeta.Result, 1024)
	var wg sync.WaitGroup
	start := time.Now()
	prev := 0
	for i, st := range stages {
		if extra := st.Connections - prev; extra > 0 {
			wg.Add(1)
			go func(i, n int) {
				defer wg.Done()
				time.Sleep(time.Until(start.Add(time.Duration(i) * o.duration)))
				attacker := closedLoop(n, o)
				left := time.Duration(len(stages)-i) * o.duration
				for res := range attacker.Attack(vegeta.NewStaticTargeter(tgt), vegeta.Rate{Freq: 0}, left, "loadgen") {
					results <- res
				}
			}(i, extra)
		}
		prev = max(prev, st.Connections)
	}
	go func() { wg.Wait(); close(results) }()
	window := time.Duration(len(stages)) * o.duration
	done := make([]int64, len(stages)) // 2xx/3xx answers completed in each stage
	var doneTotal int64
	for res := range results {
		// Latencies go to the stage the request started in (its number of
		// users); throughput to the stage it completed in.
		i := int(res.Timestamp.Sub(start) / o.duration)
		st := stages[min(max(i, 0), len(stages)-1)]
		st.observe(res, o.backoff)
		total.observe(res, o.backoff)
		if end := res.Timestamp.Add(res.Latency).Sub(start); end < window && res.Code >= 200 && res.Code < 400 {
			done[int(end/o.duration)]++
			doneTotal++
		}
	}
	total.Seconds = time.Since(start).Seconds()
	total.Connections = prev
	total.finish()
	total.Window = window.Seconds()
	total.RPS = float64(doneTotal) / total.Window
	for i, st := range stages {
		st.Seconds = o.duration.Seconds()
		st.finish()
		st.RPS = float64(done[i]) / st.Seconds
	}
	return total
}

func (st *Stage) reset() {
	st.served, st.shed, st.all = newHist(), newHist(), newHist()
	st.Status = map[string]int{}
}

// observe counts one result; a shed answer's latency leaves out the
// backoff the worker then slept (see backoffTransport).
func (st *Stage) observe(res *vegeta.Result, backoff time.Duration) {
	st.Requests++
	us := res.Latency.Microseconds()
	if res.Code == 0 {
		_ = st.all.RecordValue(max(us, 1))
		st.Errors++
		st.Status["error"]++
		return
	}
	st.Status[strconv.Itoa(int(res.Code))]++
	switch {
	case res.Code >= 200 && res.Code < 400:
		st.OK++
		_ = st.served.RecordValue(max(us, 1))
	case res.Code == http.StatusServiceUnavailable:
		us -= backoff.Microseconds()
		st.Shed++
		_ = st.shed.RecordValue(max(us, 1))
	}
	_ = st.all.RecordValue(max(us, 1))
}
