// Command loadgen is a closed-loop HTTP/1.1 load generator that reports
// latency percentiles separately for served (2xx) and shed (503) answers,
// which wrk cannot: the appserver backpressure benchmark needs the served
// p99 while the excess is turned away. A client that gets a 503 waits
// -backoff before its next request (real clients back off; wrk retries at
// once and turns shedding into a flood).
//
//	go run ./bench/server/loadgen -url http://127.0.0.1:8000/ -c 200 -d 5s -backoff 100ms
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type sample struct {
	status int
	lat    time.Duration
}

func main() {
	target := flag.String("url", "http://127.0.0.1:8000/", "URL to GET")
	conns := flag.Int("c", 64, "connections")
	dur := flag.Duration("d", 5*time.Second, "duration")
	backoff := flag.Duration("backoff", 100*time.Millisecond, "wait after a 503")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	path := u.RequestURI()
	req := []byte("GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\n\r\n")
	deadline := time.Now().Add(*dur)
	var mu sync.Mutex
	var all []sample
	errs := 0
	var wg sync.WaitGroup
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var local []sample
			defer func() { mu.Lock(); all = append(all, local...); mu.Unlock() }()
			for time.Now().Before(deadline) {
				nc, err := net.Dial("tcp", u.Host)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					time.Sleep(10 * time.Millisecond)
					continue
				}
				br := bufio.NewReader(nc)
				for time.Now().Before(deadline) {
					t0 := time.Now()
					if _, err := nc.Write(req); err != nil {
						break
					}
					status, closeAfter, err := readResponse(br)
					if err != nil {
						mu.Lock()
						errs++
						mu.Unlock()
						break
					}
					local = append(local, sample{status, time.Since(t0)})
					if closeAfter {
						break
					}
					if status == 503 {
						time.Sleep(*backoff)
					}
				}
				nc.Close()
			}
		}()
	}
	wg.Wait()
	by := map[string][]time.Duration{}
	for _, s := range all {
		k := "other"
		switch {
		case s.status >= 200 && s.status < 300:
			k = "served"
		case s.status == 503:
			k = "shed"
		}
		by[k] = append(by[k], s.lat)
	}
	secs := dur.Seconds()
	for _, k := range []string{"served", "shed", "other"} {
		l := by[k]
		if len(l) == 0 {
			continue
		}
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		p := func(q float64) float64 { return float64(l[int(q*float64(len(l)-1))]) / 1e6 }
		fmt.Printf("%s: %d (%.0f/s) p50 %.2f ms p99 %.2f ms max %.2f ms\n", k, len(l), float64(len(l))/secs, p(0.5), p(0.99), p(1))
	}
	fmt.Printf("errors: %d\n", errs)
}

func readResponse(br *bufio.Reader) (status int, closeAfter bool, err error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return 0, false, err
	}
	parts := strings.SplitN(line, " ", 3)
	if len(parts) < 2 {
		return 0, false, fmt.Errorf("bad status line %q", line)
	}
	status, _ = strconv.Atoi(parts[1])
	length := -1
	for {
		h, err := br.ReadString('\n')
		if err != nil {
			return 0, false, err
		}
		h = strings.TrimRight(h, "\r\n")
		if h == "" {
			break
		}
		k, v, _ := strings.Cut(h, ":")
		v = strings.TrimSpace(v)
		switch strings.ToLower(k) {
		case "content-length":
			length, _ = strconv.Atoi(v)
		case "connection":
			closeAfter = strings.EqualFold(v, "close")
		case "transfer-encoding":
			return 0, false, fmt.Errorf("chunked responses are not supported")
		}
	}
	if length < 0 {
		return 0, false, fmt.Errorf("no Content-Length")
	}
	_, err = io.CopyN(io.Discard, br, int64(length))
	return status, closeAfter, err
}
