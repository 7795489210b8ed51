package appserver

import (
	"encoding/binary"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every line of the exposition is a HELP, a TYPE or a sample of the family
// announced last, as the Prometheus text format requires.
func TestMetricsTextFormat(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	s := NewServer(ln, DefaultConfig())
	defer ln.Close()
	o := s.ops
	o.m.count([]byte("GET"), 200)
	o.m.count([]byte("BREW"), 418)
	o.m.duration.observe(3 * time.Millisecond)
	o.m.duration.observe(2 * time.Second)
	text := string(o.render(nil))
	sample := regexp.MustCompile(`^([a-z_]+)\{worker="0"(,[a-z]+="[^"]*")*\} [0-9.e+-]+$`)
	family := ""
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if f, ok := strings.CutPrefix(line, "# HELP "); ok {
			family = strings.Fields(f)[0]
			continue
		}
		if strings.HasPrefix(line, "# TYPE "+family+" ") {
			continue
		}
		m := sample.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("bad line %q", line)
		}
		name := m[1]
		if name != family && strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "_bucket"), "_sum"), "_count") != family {
			t.Fatalf("sample %q outside its family %q", line, family)
		}
	}
	for _, want := range []string{
		`appserver_requests_total{worker="0",method="GET",status="200"} 1`,
		`appserver_requests_total{worker="0",method="OTHER",status="418"} 1`,
		`appserver_request_duration_seconds_bucket{worker="0",le="0.0025"} 0`,
		`appserver_request_duration_seconds_bucket{worker="0",le="0.005"} 1`,
		`appserver_request_duration_seconds_bucket{worker="0",le="+Inf"} 2`,
		`appserver_request_duration_seconds_count{worker="0"} 2`,
		`appserver_request_duration_seconds_sum{worker="0"} 2.003`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
}

// The scrape's cost in a worker (its share of CPU is this divided by the
// scrape interval); request counting is a few atomic adds.
func BenchmarkMetricsRender(b *testing.B) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	s := NewServer(ln, DefaultConfig())
	for _, st := range []int{200, 201, 204, 301, 304, 400, 403, 404, 500} {
		s.ops.m.count([]byte("GET"), st)
		s.ops.m.count([]byte("POST"), st)
	}
	buf := make([]byte, 0, 16384)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = s.ops.render(buf[:0])
	}
}

func BenchmarkRequestAccounting(b *testing.B) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	s := NewServer(ln, DefaultConfig())
	m := []byte("GET")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.ops.m.count(m, 200)
		s.ops.m.duration.observe(time.Duration(i%5000) * time.Microsecond)
		s.ops.m.queueWait.observe(0)
	}
}

// The socket protocol: one kept connection, a byte per scrape, each answer
// a 4-byte length and the text with a NUL after every family's head and
// samples; without the NULs it is exactly render's text.
func TestMetricsSocketProtocol(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	s := NewServer(ln, DefaultConfig())
	o := s.ops
	for _, st := range []int{100, 127, 128, 200, 404, 999, 5} { // word edges; 5 counts as 999
		o.m.count([]byte("POST"), st)
	}
	path := t.TempDir() + "/w.sock"
	o.serveMetricsSocket(path)
	defer close(o.quit)
	var c net.Conn
	var err error
	for i := 0; i < 100; i++ {
		if c, err = net.Dial("unix", path); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for round := 0; round < 2; round++ {
		if _, err := c.Write([]byte("m")); err != nil {
			t.Fatal(err)
		}
		var n [4]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			t.Fatal(err)
		}
		text := make([]byte, binary.BigEndian.Uint32(n[:]))
		if _, err := io.ReadFull(c, text); err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(string(text), "\x00")
		if len(parts)%2 != 1 || parts[len(parts)-1] != "" {
			t.Fatalf("want head/samples pairs ending in NUL, got %d parts", len(parts))
		}
		for i := 0; i+1 < len(parts); i += 2 {
			if !strings.HasPrefix(parts[i], "# HELP ") || strings.Count(parts[i], "\n") != 2 {
				t.Fatalf("part %d is not a HELP/TYPE head: %q", i, parts[i])
			}
			if strings.Contains(parts[i+1], "# ") {
				t.Fatalf("samples part %d holds a comment: %q", i+1, parts[i+1])
			}
		}
		plain := strings.ReplaceAll(string(text), "\x00", "")
		if want := string(o.render(nil)); plain != want {
			t.Fatalf("socket text differs from render:\n%s\nvs\n%s", plain, want)
		}
		if !strings.Contains(plain, `appserver_requests_total{worker="0",method="POST",status="100"} 1
appserver_requests_total{worker="0",method="POST",status="127"} 1
appserver_requests_total{worker="0",method="POST",status="128"} 1
appserver_requests_total{worker="0",method="POST",status="200"} 1
appserver_requests_total{worker="0",method="POST",status="404"} 1
appserver_requests_total{worker="0",method="POST",status="999"} 2
# HELP`) {
			t.Fatalf("request counters missing or out of order:\n%s", plain)
		}
	}
}

// A scrape allocates nothing (it runs on the cores that serve requests).
func TestMetricsRenderAllocs(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	s := NewServer(ln, DefaultConfig())
	s.ops.m.count([]byte("GET"), 200)
	buf := make([]byte, 0, 16384)
	if n := testing.AllocsPerRun(20, func() { buf = s.ops.renderSep(buf[:0], true) }); n != 0 {
		t.Fatalf("render allocates %v times", n)
	}
}

// The same accounting from every P at once: the counters are shared by the
// worker's connection goroutines, so this shows cache-line contention (run
// with -cpu 1,2,...: ns/op should not grow much with the P count).
func BenchmarkRequestAccountingParallel(b *testing.B) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	s := NewServer(ln, DefaultConfig())
	o := s.ops
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		m := []byte("GET")
		i := 0
		for pb.Next() {
			o.m.bytesIn.Add(100)
			o.m.inFlight.Add(1)
			o.m.queueWait.observe(0)
			o.m.inFlight.Add(-1)
			o.m.bytesOut.Add(100)
			o.m.count(m, 200)
			o.m.duration.observe(time.Duration(i%5000) * time.Microsecond)
			i++
		}
	})
}
