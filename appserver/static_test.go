package appserver

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStaticRel(t *testing.T) {
	ok := map[string]string{
		"/a.txt": "a.txt", "/css/site.css": "css/site.css", "/a%20b": "a b", "/%41": "A",
	}
	for in, want := range ok {
		got, good := staticRel([]byte(in))
		if !good || got != want {
			t.Errorf("staticRel(%q) = %q, %v; want %q", in, got, good, want)
		}
	}
	for _, in := range []string{"", "/", "/..", "/../x", "/a/../b", "/%2e%2e/x", "/a%2f..%2fb/../c",
		"/a//b", "/./a", "/a/", "/%00", "/a%5cb", "/%zz", "/%2", "/a\\b"} {
		if got, good := staticRel([]byte(in)); good {
			t.Errorf("staticRel(%q) accepted as %q", in, got)
		}
	}
}

func TestParseRange(t *testing.T) {
	cases := []struct {
		h          string
		size, s, n int64
		ok         bool
	}{
		{"bytes=0-9", 100, 0, 10, true},
		{"bytes=90-", 100, 90, 10, true},
		{"bytes=90-200", 100, 90, 10, true},
		{"bytes=-10", 100, 90, 10, true},
		{"bytes=-200", 100, 0, 100, true},
		{"bytes=100-", 100, 0, -1, true}, // unsatisfiable
		{"bytes=-0", 100, 0, -1, true},
		{"bytes=5-1", 100, 0, 0, false},
		{"bytes=0-1,3-4", 100, 0, 0, false},
		{"items=0-1", 100, 0, 0, false},
		{"bytes=x-1", 100, 0, 0, false},
	}
	for _, c := range cases {
		s, n, ok := parseRange(c.h, c.size)
		if ok != c.ok || (ok && (s != c.s || n != c.n)) {
			t.Errorf("parseRange(%q, %d) = %d, %d, %v; want %d, %d, %v", c.h, c.size, s, n, ok, c.s, c.n, c.ok)
		}
	}
}

func TestAcceptsEncoding(t *testing.T) {
	if !acceptsEncoding([]byte("gzip, deflate, br"), "br") || acceptsEncoding([]byte("br;q=0"), "br") ||
		!acceptsEncoding([]byte("GZIP;q=0.5"), "gzip") || acceptsEncoding([]byte("gzipx"), "gzip") {
		t.Fatal("acceptsEncoding")
	}
}

// A server with only Go-answered routes (no app): static files, health.
func startOpsServer(t *testing.T, cfg OpsConfig) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ConfigureOps(cfg)
	defer pendingOps.Store(nil)
	c := DefaultConfig()
	c.GraceTimeout = 2 * time.Second
	s := NewServer(ln, c)
	go s.Accept()
	t.Cleanup(func() { s.Stop() })
	return s, "http://" + ln.Addr().String()
}

func TestStaticServerEscapes(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	os.Mkdir(root, 0o755)
	os.WriteFile(filepath.Join(root, "ok.txt"), []byte("fine"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret"), []byte("SECRET"), 0o644)
	os.Symlink(filepath.Join(dir, "secret"), filepath.Join(root, "abs"))
	os.Symlink("../secret", filepath.Join(root, "rel"))
	os.Symlink("ok.txt", filepath.Join(root, "inside"))
	_, base := startOpsServer(t, OpsConfig{WorkerID: "0", ControlFD: -1,
		Static: []StaticRoute{{Route: "/s", Mount: root}}, LivePath: "/live", ReadyPath: "/ready"})
	get := func(p string) (int, string) {
		r, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if st, b := get("/s/ok.txt"); st != 200 || b != "fine" {
		t.Fatalf("ok.txt: %d %q", st, b)
	}
	if st, b := get("/s/inside"); st != 200 || b != "fine" {
		t.Fatalf("inside link: %d %q", st, b)
	}
	for _, p := range []string{"/s/abs", "/s/rel", "/s/%2e%2e/secret", "/s/x/..%2f..%2fsecret"} {
		if st, b := get(p); st != 404 || strings.Contains(b, "SECRET") {
			t.Errorf("%s: %d %q", p, st, b)
		}
	}
	if st, _ := get("/live"); st != 200 {
		t.Errorf("live: %d", st)
	}
	if st, _ := get("/ready"); st != 200 {
		t.Errorf("ready: %d", st)
	}
}
