// Command loadgen drives HTTP load for goaccel's server benchmarks, built on
// vegeta (request engine) with HDR histograms (latency).
//
// Two modes:
//
//   - closed loop (-connections N): N workers each send the next request as
//     soon as the previous answer arrives; this measures peak throughput, like
//     wrk.
//   - open loop (-rate R): requests start at a constant rate whatever the
//     server's speed, so a slow server cannot hide latency by slowing the
//     client down (coordinated omission).
//
// -ramp 1,50,100,200 runs one stage per concurrency level (closed loop), the
// shape of the load test behind the seed company's published table.
// Every stage prints one JSON object on stdout; loopback targets only.
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
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ", ") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

// Stage is the result of one load stage.
type Stage struct {
	Mode        string         `json:"mode"`
	Connections int            `json:"connections,omitempty"`
	Rate        float64        `json:"rate,omitempty"`
	Seconds     float64        `json:"seconds"`
	Requests    int64          `json:"requests"`
	OK          int64          `json:"ok"`
	RPS         float64        `json:"rps"`
	Status      map[string]int `json:"status"`
	Errors      int64          `json:"errors"`
	Served      Latency        `json:"served_ms"`
	All         Latency        `json:"all_ms"`
}

// Latency percentiles in milliseconds.
type Latency struct {
	Mean, P50, P90, P95, P99, P999, Max float64
}

func latency(h *hdrhistogram.Histogram) Latency {
	ms := func(v int64) float64 { return float64(v) / 1000 }
	return Latency{
		Mean: h.Mean() / 1000, P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)),
		P95: ms(h.ValueAtQuantile(95)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()),
	}
}

func main() {
	target := flag.String("url", "", "target URL (loopback only)")
	method := flag.String("method", "GET", "HTTP method")
	body := flag.String("body", "", "request body")
	var headers headerFlags
	flag.Var(&headers, "header", "request header 'Name: value' (repeatable)")
	connections := flag.Int("connections", 0, "closed loop: concurrent connections")
	rate := flag.Float64("rate", 0, "open loop: requests per second")
	ramp := flag.String("ramp", "", "closed-loop stages: comma-separated connection counts")
	duration := flag.Duration("duration", 10*time.Second, "duration of each stage")
	timeout := flag.Duration("timeout", 30*time.Second, "per-request timeout")
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

	var stages []Stage
	switch {
	case *ramp != "":
		for _, s := range strings.Split(*ramp, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				fmt.Fprintf(os.Stderr, "loadgen: bad ramp value %q\n", s)
				os.Exit(2)
			}
			stages = append(stages, Stage{Mode: "closed", Connections: n})
		}
	case *rate > 0:
		stages = []Stage{{Mode: "open", Rate: *rate}}
	case *connections > 0:
		stages = []Stage{{Mode: "closed", Connections: *connections}}
	default:
		fmt.Fprintln(os.Stderr, "loadgen: give -connections, -rate or -ramp")
		os.Exit(2)
	}
	enc := json.NewEncoder(os.Stdout)
	for _, st := range stages {
		run(&st, tgt, *duration, *timeout)
		if err := enc.Encode(st); err != nil {
			os.Exit(1)
		}
	}
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

func run(st *Stage, tgt vegeta.Target, duration, timeout time.Duration) {
	var pacer vegeta.Pacer
	opts := []func(*vegeta.Attacker){vegeta.Timeout(timeout), vegeta.KeepAlive(true), vegeta.Redirects(vegeta.NoFollow)}
	if st.Mode == "closed" {
		// Rate 0 with a fixed worker count: each worker sends back to back.
		pacer = vegeta.Rate{Freq: 0}
		opts = append(opts, vegeta.Workers(uint64(st.Connections)), vegeta.MaxWorkers(uint64(st.Connections)),
			vegeta.Connections(st.Connections), vegeta.MaxConnections(st.Connections))
	} else {
		pacer = vegeta.Rate{Freq: int(st.Rate), Per: time.Second}
		opts = append(opts, vegeta.Workers(64))
	}
	attacker := vegeta.NewAttacker(opts...)
	served := hdrhistogram.New(1, int64(5*time.Minute/time.Microsecond), 3)
	all := hdrhistogram.New(1, int64(5*time.Minute/time.Microsecond), 3)
	st.Status = map[string]int{}
	start := time.Now()
	for res := range attacker.Attack(vegeta.NewStaticTargeter(tgt), pacer, duration, "loadgen") {
		st.Requests++
		us := res.Latency.Microseconds()
		_ = all.RecordValue(us)
		if res.Error != "" && res.Code == 0 {
			st.Errors++
			st.Status["error"]++
			continue
		}
		st.Status[strconv.Itoa(int(res.Code))]++
		if res.Code >= 200 && res.Code < 400 {
			st.OK++
			_ = served.RecordValue(us)
		}
	}
	st.Seconds = time.Since(start).Seconds()
	st.RPS = float64(st.OK) / st.Seconds
	st.Served = latency(served)
	st.All = latency(all)
}
