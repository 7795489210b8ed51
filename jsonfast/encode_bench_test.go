package jsonfast

import (
	"encoding/binary"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"goaccel/python"
)

// BenchmarkEncodeCorpus times the orjson face's encoder (DumpsBytes) and
// the json face's (Dumps) on the corpus files, loaded once with Python's
// json.loads. For profiling: go test -run X -bench EncodeCorpus -cpuprofile.
func BenchmarkEncodeCorpus(b *testing.B) {
	dir := corpusDir()
	if dir == "" {
		b.Skip("corpus not found (set GOACCEL_CORPUS)")
	}
	for _, name := range []string{"twitter", "github", "citm_catalog", "canada"} {
		path := filepath.Join(dir, name+".json")
		var obj python.Ref
		python.WithGIL(func() {
			obj = pyEval(b, `__import__("json").loads(open(`+"r'"+path+"'"+`, encoding="utf-8").read())`)
		})
		b.Run("orjson/"+name, func(b *testing.B) {
			python.WithGIL(func() {
				defer cpuMetric(b)()
				for i := 0; i < b.N; i++ {
					r, err := DumpsBytes(obj.Object, EncodeOptions{})
					if err != nil {
						b.Fatal(err)
					}
					r.Release()
				}
			})
		})
		b.Run("json/"+name, func(b *testing.B) {
			python.WithGIL(func() {
				defer cpuMetric(b)()
				for i := 0; i < b.N; i++ {
					r, err := Dumps(obj.Object, defaultOpts())
					if err != nil {
						b.Fatal(err)
					}
					r.Release()
				}
			})
		})
		python.WithGIL(func() { obj.Release() })
	}
}

// cpuMetric reports process CPU time per op (the machine is shared: wall
// time per op swings with the load, CPU time much less).
func cpuMetric(b *testing.B) func() {
	cpu := func() int64 {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return ru.Utime.Nano() + ru.Stime.Nano()
	}
	start := cpu()
	return func() { b.ReportMetric(float64(cpu()-start)/float64(b.N), "cpu-ns/op") }
}

func TestDecimalLen(t *testing.T) {
	for v, n := uint64(1), 1; ; v, n = v*10, n+1 {
		for _, x := range []uint64{v, v + 1, 2 * v, 10*v - 1} {
			if x/v >= 10 || x < v {
				continue
			}
			if got := decimalLen(x); got != n {
				t.Fatalf("decimalLen(%d) = %d, want %d", x, got, n)
			}
		}
		if n == 20 {
			break
		}
	}
	if got := decimalLen(^uint64(0)); got != 20 {
		t.Fatalf("decimalLen(max) = %d", got)
	}
}

// TestEscapeFree compares the word-at-a-time scan with a byte loop on
// strings of every length up to 40 with one special byte at each place.
func TestEscapeFree(t *testing.T) {
	for _, del := range []bool{false, true} {
		tbl := &escUTF8
		if del {
			tbl = &escASCII
		}
		for n := 0; n <= 40; n++ {
			for pos := -1; pos < n; pos++ {
				for _, c := range []byte{0, 0x1f, '"', '\\', 0x7f, 0x80, 0xe3, ' ', 'z'} {
					s := make([]byte, n)
					for i := range s {
						s[i] = 'a' + byte(i%26)
					}
					if pos >= 0 {
						s[pos] = c
					}
					want := true
					for _, x := range s {
						if x < 0x80 && tbl[x] {
							want = false
						}
					}
					if got := escapeFree(s, del); got != want {
						t.Fatalf("escapeFree(%q, %v) = %v", s, del, got)
					}
				}
			}
		}
	}
}

// TestAppendQuotedShort compares the word-at-a-time writer with
// appendQuoted on real str objects of every short length, with a byte
// needing an escape at each place, for both escape tables.
func TestAppendQuotedShort(t *testing.T) {
	python.WithGIL(func() {
		for _, tbl := range []*[128]bool{&escUTF8, &escASCII} {
			for n := 0; n <= 20; n++ {
				for pos := -1; pos < n; pos++ {
					for _, c := range []byte{0, 0x1f, '"', '\\', 0x7f, ' ', '~'} {
						s := make([]byte, n)
						for i := range s {
							s[i] = 'A' + byte(i)
						}
						if pos >= 0 {
							s[pos] = c
						}
						r, err := python.NewString(string(s))
						noErr(t, err)
						data, ok := python.StrASCII(r.Object)
						if !ok {
							t.Fatal("not a compact ASCII str")
						}
						for _, tail := range []byte{0, ':'} {
							want := string(appendQuoted([]byte("x"), data, tbl, tail))
							if got := string(appendQuotedShort([]byte("x"), data, tbl, tail)); got != want {
								t.Fatalf("%q tail %q: got %q want %q", s, tail, got, want)
							}
						}
						r.Release()
					}
				}
			}
		}
	})
}

// TestASCII8 checks the lane-parallel digit maker against strconv.
func TestASCII8(t *testing.T) {
	check := func(x uint32) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], ascii8(x))
		if want := strconv.FormatUint(uint64(x)+1e8, 10)[1:]; string(b[:]) != want {
			t.Fatalf("ascii8(%d) = %q", x, b)
		}
	}
	for x := uint32(0); x < 1e8; x += 997 {
		check(x)
	}
	for _, x := range []uint32{0, 9, 10, 99, 100, 9999, 10000, 99999999, 12345678, 90909090} {
		check(x)
	}
}

// TestAppendUint64Lengths checks every digit count around each power of
// ten (the word-wise path covers up to 16 digits).
func TestAppendUint64Lengths(t *testing.T) {
	for p := uint64(1); ; p *= 10 {
		for _, v := range []uint64{p, p + 1, p + p/3, 2*p - 1, p - 1, p*9 + p/7} {
			if got, want := string(appendUint64([]byte("x"), v)), "x"+strconv.FormatUint(v, 10); got != want {
				t.Fatalf("appendUint64(%d) = %q", v, got)
			}
		}
		if p > ^uint64(0)/10 {
			break
		}
	}
}

// BenchmarkDumpsIntoSmall times the Go side of the orjson face's entry for
// {"a": 1} (the C->Go transition itself is not in it).
func BenchmarkDumpsIntoSmall(b *testing.B) {
	benchDumpsInto(b, `{"a": 1}`)
}

// BenchmarkDumpsIntoRecord is BenchmarkDumpsIntoSmall for bench/json.py's
// 10-field API record.
func BenchmarkDumpsIntoRecord(b *testing.B) {
	benchDumpsInto(b, `{"id": 12345, "username": "alice_smith", "email": "alice@example.com", "active": True,
        "score": 98.5, "tags": ["admin", "staff"], "created": "2024-01-15T10:30:00Z",
        "manager_id": None, "ratio": 0.25, "address": {"city": "Paris", "zip": "75001"}}`)
}

func benchDumpsInto(b *testing.B, expr string) {
	var obj python.Ref
	python.WithGIL(func() { obj = pyEval(b, expr) })
	python.WithGIL(func() {
		var out [2048]byte
		defer cpuMetric(b)()
		for i := 0; i < b.N; i++ {
			if _, _, err := DumpsInto(obj.Object, EncodeOptions{}, out[:]); err != nil {
				b.Fatal(err)
			}
		}
	})
	python.WithGIL(func() { obj.Release() })
}
