package jsonfast

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"
)

// toFloats maps every number to float64 so that the tape's int/uint/float
// split and encoding/json's json.Number compare alike.
func toFloats(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case []any:
		for k := range x {
			x[k] = toFloats(x[k])
		}
	case map[string]any:
		for k := range x {
			x[k] = toFloats(x[k])
		}
	}
	return v
}

// FuzzParse: the parser never panics or hangs, accepts only valid JSON, and
// what it accepts (orjson dialect) decodes to what encoding/json decodes.
// The seeds in testdata/fuzz/FuzzParse run as regression tests with every
// `go test`.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"a":[1,2.5,-3e10,"x\u00e9\ud83d\ude00",true,false,null]}`,
		`[1,]`, `"\ud800"`, "\"\xff\"", `1e400`, `[[[[[[]]]]]]`, `{"a" 1}`,
		`-0.0`, `18446744073709551616`, `NaN`, `[Infinity,-Infinity]`,
		"\"\x01\"", `0.1e-400`, `"\\u0000"`, "\xef\xbb\xbf[]",
		"\"\xe0\x80\x80\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xc3\"", "\"\xe4\xb8\"",
		"\"\xc1\xbf\"", "[\"\xf0\x9f\x98\x80\xe4\xb8\xad\xc3\xa9\"]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var tp Tape
		stdErr := Parse(data, Options{Dialect: Stdlib, MaxDepth: StdMaxDepth}, &tp)
		if stdErr == nil {
			i := 0
			tapeValue(&tp, data, &i) // consistent tape (panics otherwise)
			if i != len(tp.Words) {
				t.Fatalf("stdlib tape not fully consumed: %d of %d", i, len(tp.Words))
			}
		}
		err := Parse(data, Options{Dialect: Orjson, MaxDepth: OrjsonMaxDepth}, &tp)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("non-syntax error %v", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted invalid JSON %q", data)
		}
		if !utf8.Valid(data) {
			t.Fatalf("accepted invalid UTF-8 %q", data)
		}
		i := 0
		got := toFloats(tapeValue(&tp, data, &i))
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("encoding/json rejects %q: %v", data, err)
		}
		want = toFloats(want)
		if !equalJSON(got, want) {
			t.Fatalf("%q: got %#v want %#v", data, got, want)
		}
	})
}

func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.IsNaN(x) && math.IsNaN(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !equalJSON(x[k], y[k]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !equalJSON(x[k], y[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}
