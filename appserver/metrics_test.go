package appserver

import (
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
