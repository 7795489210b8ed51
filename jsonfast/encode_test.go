package jsonfast

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"goaccel/python"
)

// Plain testing helpers (no testify: go.mod stays free of test-only
// requirements that other branches may add differently).
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

func TestMain(m *testing.M) {
	if err := python.Embed(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// pyEval evaluates a Python expression (the test's object factory).
func pyEval(t testing.TB, expr string) python.Ref {
	t.Helper()
	b, err := python.Import("builtins")
	noErr(t, err)
	defer b.Release()
	src, err := python.NewString(expr)
	noErr(t, err)
	defer src.Release()
	globals, err := python.NewDict()
	noErr(t, err)
	defer globals.Release()
	r, err := python.CallMethod(b.Object, "eval", src.Object, globals.Object)
	if err != nil {
		t.Fatalf("eval %q: %v", expr, python.Fetch())
	}
	return r
}

func pyStr(t testing.TB, r python.Ref) string {
	b, err := python.StrUTF8(r.Object)
	noErr(t, err)
	return string(b)
}

func defaultOpts() EncodeOptions {
	return EncodeOptions{EnsureASCII: true, AllowNaN: true, CheckCircular: true, ItemSep: []byte(", "), KeySep: []byte(": ")}
}

func TestDumpsMatchesStdlib(t *testing.T) {
	python.WithGIL(func() {
		cases := []string{
			`[1, -2, 3.5, 1e16, 1e-05, 0.0001, -0.0, 1.2345678901234568e+17, 5e-324, True, False, None]`,
			`{"a": "caf\u00e9 \u20ac \U0001F600 \x00\x1f\x7f\"\\", "b": [[], {}, [1]]}`,
			`{1: 2, 1.5: 3, True: 4, None: 5}`,
			`[2**64, -2**70, float("nan"), float("inf"), -float("inf")]`,
		}
		for _, c := range cases {
			o := pyEval(t, c)
			got, err := Dumps(o.Object, defaultOpts())
			noErr(t, err)
			json, _ := python.Import("json")
			want, err := python.CallMethod(json.Object, "dumps", o.Object)
			noErr(t, err)
			if w, g := pyStr(t, want), pyStr(t, got); w != g {
				t.Errorf("%s: got %s want %s", c, g, w)
			}
			got.Release()
			want.Release()
			json.Release()
			o.Release()
		}
	})
}

func TestOrjsonErrors(t *testing.T) {
	python.WithGIL(func() {
		for expr, msg := range map[string]string{
			`2**64`:            "Integer exceeds 64-bit range",
			`{1: 2}`:           "Dict key must be str",
			`"\ud800"`:         "str is not valid UTF-8: surrogates not allowed",
			`object()`:         "Type is not JSON serializable: object",
			`[[[[[[[[]]]]]]]]`: "",
		} {
			o := pyEval(t, expr)
			r, err := DumpsBytes(o.Object, EncodeOptions{})
			if msg == "" {
				noErr(t, err)
				r.Release()
			} else {
				if err == nil || err.Error() != msg {
					t.Errorf("%s: got %v want %s", expr, err, msg)
				}
				if python.Occurred() {
					python.Fetch().Release()
				}
			}
			o.Release()
		}
	})
}

func loadCorpus(b testing.TB, name string) python.Ref {
	data, err := os.ReadFile(filepath.Join(corpusDir(), name))
	if err != nil {
		b.Skip("corpus not found: " + err.Error())
	}
	json, err := python.Import("json")
	noErr(b, err)
	defer json.Release()
	s, err := python.NewStr(data)
	noErr(b, err)
	defer s.Release()
	o, err := python.CallMethod(json.Object, "loads", s.Object)
	noErr(b, err)
	return o
}

func benchCorpus(b *testing.B, name string, orjson bool) {
	python.WithGIL(func() {
		o := loadCorpus(b, name)
		defer o.Release()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			var r python.Ref
			var err error
			if orjson {
				r, err = DumpsBytes(o.Object, EncodeOptions{})
			} else {
				r, err = Dumps(o.Object, defaultOpts())
			}
			if err != nil {
				b.Fatal(err)
			}
			r.Release()
		}
	})
}

func BenchmarkOrjsonCanada(b *testing.B)  { benchCorpus(b, "canada.json", true) }
func BenchmarkOrjsonCitm(b *testing.B)    { benchCorpus(b, "citm_catalog.json", true) }
func BenchmarkOrjsonTwitter(b *testing.B) { benchCorpus(b, "twitter.json", true) }
func BenchmarkJSONTwitter(b *testing.B)   { benchCorpus(b, "twitter.json", false) }

func BenchmarkJSONCitm(b *testing.B) { benchCorpus(b, "citm_catalog.json", false) }

// TestAppendFloatMatchesStrconv checks the Dragonbox digits against
// strconv's shortest formatting over many random and edge-case floats.
func TestAppendFloatMatchesStrconv(t *testing.T) {
	check := func(f float64) {
		got := string(appendFloat(nil, f, true))
		back, err := strconv.ParseFloat(got, 64)
		if err != nil || back != f {
			t.Fatalf("%v formatted as %q (parses to %v)", f, got, back)
		}
		want := strconv.FormatFloat(f, 'e', -1, 64)
		wantDigits := strings.Replace(strings.Split(strings.TrimPrefix(want, "-"), "e")[0], ".", "", 1)
		gotDigits := digitsOf(got)
		if gotDigits != wantDigits {
			t.Fatalf("%v: digits %q, strconv %q", f, gotDigits, wantDigits)
		}
		// No trailing zero after the point except orjson's ".0"
		// (digitsOf above ignores them; Dragonbox's paths must trim).
		mant, _, _ := strings.Cut(got, "e")
		if strings.Contains(mant, ".") && strings.HasSuffix(mant, "0") && !strings.HasSuffix(mant, ".0") {
			t.Fatalf("%v formatted as %q: trailing zero", f, got)
		}
	}
	for p := 1.0; p < 1e300; p *= 10 { // powers of ten and round multiples
		for _, m := range []float64{1, 1.5, 2, 25, 120, 1234500} {
			check(p * m)
			check(m / p)
		}
	}
	for _, f := range []float64{5e-324, math.SmallestNonzeroFloat64, math.MaxFloat64, 1, 0.1, 1e16, 1e-5, 1e23, 9007199254740993, 2.2250738585072014e-308} {
		check(f)
		check(-f)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		f := math.Float64frombits(r.Uint64())
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		check(f)
	}
	// Values with digits on both sides of the point (the layout's common
	// path, every digit count up to 17), and short decimals like canada's.
	for i := 0; i < 200000; i++ {
		f := r.Float64() * math.Pow(10, float64(r.IntN(19)-3))
		if i%2 == 0 {
			p := math.Pow(10, float64(r.IntN(12)))
			f = math.Round(f*p) / p
		}
		check(f)
		check(-f)
		if got, want := string(appendFloat(nil, f, false)), strconv.FormatFloat(f, 'f', -1, 64); f >= 1e-4 && f < 1e16 && got != want && got != want+".0" {
			t.Fatalf("%v: json face wrote %q, strconv 'f' %q", f, got, want)
		}
	}
}

// digitsOf extracts the significant digits from a formatted float.
func digitsOf(s string) string {
	s = strings.TrimPrefix(s, "-")
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		s = s[:i]
	}
	s = strings.Replace(s, ".", "", 1)
	s = strings.TrimLeft(s, "0")
	s = strings.TrimRight(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

func BenchmarkOrjsonSmall(b *testing.B) {
	python.WithGIL(func() {
		o := pyEval(b, `{"id": 12345, "username": "alice_smith", "email": "alice@example.com", "active": True, "score": 98.5, "tags": ["admin", "staff"], "created": "2024-01-15T10:30:00Z", "manager_id": None, "ratio": 0.25, "address": {"city": "Paris", "zip": "75001"}}`)
		defer o.Release()
		var out [2048]byte
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_, r, err := DumpsInto(o.Object, EncodeOptions{}, out[:])
			if err != nil {
				b.Fatal(err)
			}
			r.Release()
		}
	})
}

func TestAppendUint64(t *testing.T) {
	vals := []uint64{0, 9, 10, 99, 100, 999, 1000, 12345, 1<<63 - 1, 1 << 63, 1<<64 - 1, 10000000000000000000}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 100000; i++ {
		vals = append(vals, r.Uint64()>>(r.Uint64()%64))
	}
	for _, v := range vals {
		prefix := []byte("x")
		if got := string(appendUint64(prefix, v)); got != "x"+strconv.FormatUint(v, 10) {
			t.Fatalf("%d: %q", v, got)
		}
	}
}
