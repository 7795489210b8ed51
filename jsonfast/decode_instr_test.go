package jsonfast

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"goaccel/python"
)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestParseCPU prints the parser's and the builder's CPU time per corpus
// file when
// JSONDEC_CPU is set: thread CPU time is steadier than wall time on a
// shared machine (a development aid, not a check).
func TestParseCPU(t *testing.T) {
	if os.Getenv("JSONDEC_CPU") == "" {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	names := []string{"twitter", "github", "citm_catalog", "canada"}
	if only := os.Getenv("JSONDEC_ONLY"); only != "" {
		names = []string{only}
	}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(corpusDir(), name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var tp Tape
		best := time.Duration(1 << 62)
		for r := 0; r < 15; r++ {
			n := 20000000 / len(data)
			t0 := threadCPU()
			for i := 0; i < n; i++ {
				Parse(data, Options{Dialect: Orjson}, &tp)
			}
			if d := (threadCPU() - t0) / time.Duration(n); d < best {
				best = d
			}
		}
		var build [2]time.Duration
		needPython(t)
		python.WithGIL(func() {
			for k, cache := range []bool{true, false} {
				build[k] = 1 << 62
				for r := 0; r < 15; r++ {
					n := 20000000 / len(data)
					t0 := threadCPU()
					for i := 0; i < n; i++ {
						ref, err := python.JSONBuildTape(tp.Words, data, tp.Scratch, cache)
						if err != nil {
							t.Fatal(err)
						}
						ref.Release()
					}
					if d := (threadCPU() - t0) / time.Duration(n); d < build[k] {
						build[k] = d
					}
				}
			}
		})
		t.Logf("%-14s parse %8.1f us (%5.0f MB/s)  build+free %8.1f us (key cache off: %8.1f us)", name,
			float64(best)/1e3, float64(len(data))/float64(best)*1e3, float64(build[0])/1e3, float64(build[1])/1e3)
	}
}

// TestSmallCPU splits a 10-field record's loads into parse, build and the
// whole native call (JSONDEC_CPU=1; a development aid, not a check).
func TestSmallCPU(t *testing.T) {
	if os.Getenv("JSONDEC_CPU") == "" {
		return
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	data := []byte(`{"id": 12345, "name": "Ada Lovelace", "email": "ada@example.com", "active": true, "score": 98.5, "tags": ["x", "y"], "created": "2024-01-02T03:04:05Z", "parent": null, "count": 7, "ratio": 0.25}`)
	var tp Tape
	n := 200000
	best := time.Duration(1 << 62)
	for r := 0; r < 10; r++ {
		t0 := threadCPU()
		for i := 0; i < n; i++ {
			Parse(data, Options{Dialect: Orjson}, &tp)
		}
		best = min(best, (threadCPU()-t0)/time.Duration(n))
	}
	needPython(t)
	var build, full time.Duration = 1 << 62, 1 << 62
	python.WithGIL(func() {
		for r := 0; r < 10; r++ {
			t0 := threadCPU()
			for i := 0; i < n; i++ {
				ref, _ := python.JSONBuildTape(tp.Words, data, tp.Scratch, true)
				ref.Release()
			}
			build = min(build, (threadCPU()-t0)/time.Duration(n))
		}
		cls, _ := python.Import("json")
		exc, _ := python.GetAttr(cls.Object, "JSONDecodeError")
		SetOrjsonError(exc.Object)
		in, _ := python.NewBytes(data)
		for r := 0; r < 10; r++ {
			t0 := threadCPU()
			for i := 0; i < n; i++ {
				ref, _ := LoadsOrjson(in.Object)
				ref.Release()
			}
			full = min(full, (threadCPU()-t0)/time.Duration(n))
		}
	})
	t.Logf("parse %v build %v full %v words %d", best, build, full, len(tp.Words))
}
