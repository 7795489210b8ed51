package jsonfast

import (
	"testing"

	"goaccel/python"
)

// FuzzEncode builds a Python object from each input (json.loads of it,
// when it is JSON) and checks both faces: face 1 must equal json.dumps
// (with and without ensure_ascii and indent), face 2 must read back (via
// json.loads) to an equal object. Seeds under testdata/fuzz/FuzzEncode are
// replayed by every plain `go test` run.
func FuzzEncode(f *testing.F) {
	for _, seed := range []string{
		`{"a": [1, 2.5, "x", null, true, false], "b": {"c": "\u00e9\u20ac\ud83d\ude00"}}`,
		`[1e16, 1e-05, 0.0001, -0.0, 5e-324, 1.7976931348623157e308, 123456789012345678901234567890]`,
		`"\u0000\u001f\"\\\/\b\f\n\r\t\u007f\u2028"`,
		`{"\ud800": "\udfff", "1": {}, "": []}`,
		`[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`,
		`[NaN, Infinity, -Infinity]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		python.WithGIL(func() { fuzzOne(t, data) })
	})
}

func fuzzOne(t *testing.T, data []byte) {
	json, err := python.Import("json")
	if err != nil {
		t.Fatal(err)
	}
	defer json.Release()
	text, err := python.NewStrSurrogates(data, true)
	if err != nil {
		python.Fetch().Release()
		return
	}
	defer text.Release()
	obj, err := python.CallMethod(json.Object, "loads", text.Object)
	if err != nil {
		python.Fetch().Release()
		return
	}
	defer obj.Release()

	for _, indent := range [][]byte{nil, []byte("  ")} {
		for _, ascii := range []bool{true, false} {
			opts := defaultOpts()
			opts.EnsureASCII = ascii
			opts.Indent = indent
			if indent != nil {
				opts.ItemSep = []byte(",")
			}
			got, err := Dumps(obj.Object, opts)
			if err != nil {
				t.Fatalf("Dumps(%q): %v", data, err)
			}
			kw, _ := python.NewDict()
			asciiObj := python.NewBool(ascii)
			key, _ := python.NewString("ensure_ascii")
			python.DictSet(kw.Object, key.Object, asciiObj.Object)
			if indent != nil {
				two, _ := python.NewInt64(2)
				ikey, _ := python.NewString("indent")
				python.DictSet(kw.Object, ikey.Object, two.Object)
				two.Release()
				ikey.Release()
			}
			dumps, _ := python.GetAttr(json.Object, "dumps")
			want, err := python.CallKw(dumps.Object, []python.Object{obj.Object}, kw.Object)
			if err != nil {
				t.Fatalf("json.dumps(%q): %v", data, python.Fetch())
			}
			g, _ := python.StrUTF8(got.Object)
			w, _ := python.StrUTF8(want.Object)
			if err != nil || string(g) != string(w) {
				// Surrogates make StrUTF8 fail on both: compare objects.
				if eq, _ := python.RichEqual(got.Object, want.Object); !eq {
					t.Fatalf("input %q ascii=%v indent=%q:\n got %q\nwant %q", data, ascii, indent, g, w)
				}
			}
			if python.Occurred() {
				python.Fetch().Release()
			}
			got.Release()
			want.Release()
			dumps.Release()
			kw.Release()
			key.Release()
			asciiObj.Release()
		}
	}

	b, err := DumpsBytes(obj.Object, EncodeOptions{})
	if err != nil {
		// Surrogates, NaN-free rules and 64-bit limits are face 2 errors.
		if python.Occurred() {
			python.Fetch().Release()
		}
		return
	}
	defer b.Release()
	back, err := python.CallMethod(json.Object, "loads", b.Object)
	if err != nil {
		t.Fatalf("face 2 output of %q is not JSON: %v (%q)", data, python.Fetch(), python.BytesData(b.Object))
	}
	defer back.Release()
	if eq, _ := python.RichEqual(back.Object, obj.Object); !eq {
		// NaN never equals itself and becomes null: only flag when none.
		if s, _ := python.Repr(obj.Object); !containsNaN(s) {
			t.Fatalf("face 2 round trip of %q: %q", data, python.BytesData(b.Object))
		}
	}
}

func containsNaN(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		if s[i:i+3] == "nan" || s[i:i+3] == "inf" {
			return true
		}
	}
	return false
}
