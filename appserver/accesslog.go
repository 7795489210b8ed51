package appserver

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultAccessLogFmt is Granian's default access log format.
const DefaultAccessLogFmt = `[%(time)s] %(addr)s - "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).3f`

// accessLog writes one line per request from the connection goroutine
// (never holding the GIL) into a buffer flushed every 200 ms.
type accessLog struct {
	mu     sync.Mutex
	w      *bufio.Writer
	f      *os.File
	own    bool
	json   bool
	parts  []logPart
	quit   chan struct{}
	closed bool
}

// logPart is literal text or one atom with its printf-like spec.
type logPart struct {
	lit   string
	atom  string // "" for a literal; "header" with hdr set
	hdr   string
	prec  int  // digits for %f (-1: default 6)
	isInt bool // %d
	isFlt bool // %f
}

func newAccessLog(dest, format string) *accessLog {
	a := &accessLog{quit: make(chan struct{})}
	if dest == "-" {
		a.f = os.Stderr
	} else {
		f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			logf("access log %s: %v (logging to stderr)", dest, err)
			a.f = os.Stderr
		} else {
			a.f, a.own = f, true
		}
	}
	a.w = bufio.NewWriterSize(a.f, 64<<10)
	if format == "json" {
		a.json = true
	} else {
		if format == "" {
			format = DefaultAccessLogFmt
		}
		a.parts = parseLogFormat(format)
	}
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-a.quit:
				return
			case <-t.C:
				a.mu.Lock()
				a.w.Flush()
				a.mu.Unlock()
			}
		}
	}()
	return a
}

// parseLogFormat compiles Granian's Python %-style format:
// %(addr)s %(status)d %(dt_ms).3f %(header{user-agent})s ...
func parseLogFormat(f string) []logPart {
	var parts []logPart
	for len(f) > 0 {
		i := strings.Index(f, "%(")
		if i < 0 {
			parts = append(parts, logPart{lit: f})
			break
		}
		if i > 0 {
			parts = append(parts, logPart{lit: f[:i]})
		}
		j := strings.IndexByte(f[i:], ')')
		if j < 0 {
			parts = append(parts, logPart{lit: f[i:]})
			break
		}
		name := f[i+2 : i+j]
		rest := f[i+j+1:]
		p := logPart{atom: name, prec: -1}
		if h, ok := strings.CutPrefix(name, "header{"); ok && strings.HasSuffix(h, "}") {
			p.atom, p.hdr = "header", strings.ToLower(strings.TrimSuffix(h, "}"))
		}
		// The conversion: s, d, f, or .Nf.
		k := 0
		for k < len(rest) && (rest[k] == '.' || rest[k] >= '0' && rest[k] <= '9') {
			k++
		}
		if k < len(rest) {
			switch rest[k] {
			case 'd', 'i':
				p.isInt = true
			case 'f':
				p.isFlt = true
				p.prec = 6
				if strings.HasPrefix(rest[:k], ".") {
					if n, err := strconv.Atoi(rest[1:k]); err == nil {
						p.prec = n
					}
				}
			}
			rest = rest[k+1:]
		} else {
			rest = rest[k:]
		}
		parts = append(parts, p)
		f = rest
	}
	for i := range parts {
		if parts[i].atom == "" && parts[i].lit == "" {
			parts[i].lit = ""
		}
		parts[i].lit = strings.ReplaceAll(parts[i].lit, "%%", "%")
	}
	return parts
}

func (a *accessLog) log(c *conn, status int, dt time.Duration, sent int64) {
	now := time.Now()
	ms := float64(dt) / 1e6
	r := &c.req
	scheme := c.srv.cfg.URLScheme
	if c.ops.proto != nil {
		scheme = string(c.ops.proto)
	}
	proto := "HTTP/1." + strconv.Itoa(r.minor)
	if string(r.proto) == "HTTP/2.0" {
		proto = "HTTP/2.0"
	}
	line := make([]byte, 0, 256)
	if a.json {
		rec := map[string]any{
			"time": now.Format("2006-01-02T15:04:05.000Z07:00"), "addr": string(c.remoteAddr),
			"method": string(r.method), "path": string(r.path), "query_string": string(r.query),
			"scheme": scheme, "protocol": proto, "status": status,
			"dt_ms": float64(int64(ms*1000)) / 1000, "bytes": sent,
			"user_agent": string(reqHeader(c, "user-agent")), "referer": string(reqHeader(c, "referer")),
		}
		b, _ := json.Marshal(rec)
		line = append(b, '\n')
	} else {
		for _, p := range a.parts {
			switch p.atom {
			case "":
				line = append(line, p.lit...)
			case "addr":
				line = append(line, c.remoteAddr...)
			case "time":
				line = now.AppendFormat(line, "2006-01-02 15:04:05 -0700")
			case "dt_ms":
				prec := p.prec
				if !p.isFlt {
					prec = 3
				}
				line = strconv.AppendFloat(line, ms, 'f', prec, 64)
			case "status":
				line = strconv.AppendInt(line, int64(status), 10)
			case "path":
				line = append(line, r.path...)
			case "query_string":
				line = append(line, r.query...)
			case "method":
				line = append(line, r.method...)
			case "scheme":
				line = append(line, scheme...)
			case "protocol":
				line = append(line, proto...)
			case "bytes":
				line = strconv.AppendInt(line, sent, 10)
			case "header":
				if v := reqHeader(c, p.hdr); v != nil {
					line = append(line, v...)
				} else {
					line = append(line, '-')
				}
			default:
				line = append(line, "%("+p.atom+")"...)
			}
		}
		line = append(line, '\n')
	}
	a.mu.Lock()
	if !a.closed {
		a.w.Write(line)
	}
	a.mu.Unlock()
}

func (a *accessLog) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	a.closed = true
	close(a.quit)
	a.w.Flush()
	if a.own {
		a.f.Close()
	}
}
