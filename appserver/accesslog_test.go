package appserver

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func logLine(t *testing.T, format string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log")
	a := newAccessLog(path, format)
	c := &conn{srv: &Server{cfg: DefaultConfig()}, remoteAddr: []byte("10.0.0.1")}
	c.req = request{method: []byte("GET"), path: []byte("/p"), query: []byte("a=1"), minor: 1,
		headers: []header{{[]byte("User-Agent"), []byte("ua/1")}}}
	a.log(c, 201, 1500*time.Microsecond, 42)
	a.close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAccessLogDefaultFormat(t *testing.T) {
	line := logLine(t, "")
	re := `^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] 10\.0\.0\.1 - "GET /p HTTP/1\.1" 201 1\.500\n$`
	if !regexp.MustCompile(re).MatchString(line) {
		t.Fatalf("%q", line)
	}
}

func TestAccessLogAtoms(t *testing.T) {
	line := logLine(t, "%(method)s %(scheme)s %(query_string)s %(status)d %(dt_ms).0f %(header{user-agent})s %(header{x})s %(unknown)s 5%%")
	if line != "GET http a=1 201 2 ua/1 - %(unknown) 5%\n" {
		t.Fatalf("%q", line)
	}
}

func TestAccessLogJSON(t *testing.T) {
	var rec map[string]any
	line := logLine(t, "json")
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["status"].(float64) != 201 || rec["path"] != "/p" || rec["user_agent"] != "ua/1" || rec["dt_ms"].(float64) != 1.5 {
		t.Fatalf("%v", rec)
	}
}
