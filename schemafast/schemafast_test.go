package schemafast

import (
	"bytes"
	"encoding/json"
	"math/big"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"goaccel/python"
)

func TestMain(m *testing.M) {
	if err := python.Embed(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// eval evaluates a Python expression into an owned object.
func eval(t *testing.T, expr string) python.Ref {
	t.Helper()
	b, err := python.Import("builtins")
	require.NoError(t, err)
	defer b.Release()
	src, err := python.NewString(expr)
	require.NoError(t, err)
	defer src.Release()
	g, err := python.NewDict()
	require.NoError(t, err)
	defer g.Release()
	r, err := python.CallMethod(b.Object, "eval", src.Object, g.Object)
	require.NoError(t, err, "eval %q", expr)
	return r
}

func compile(t *testing.T, schema string) *Validator {
	t.Helper()
	s := eval(t, schema)
	defer s.Release()
	v, err := Compile(s.Object, Options{Draft: "https://json-schema.org/draft/2020-12/schema"})
	require.NoError(t, err)
	return v
}

func valid(t *testing.T, v *Validator, instance string) bool {
	t.Helper()
	o := eval(t, instance)
	defer o.Release()
	ok, err := v.IsValid(o.Object, python.Object{})
	require.NoError(t, err)
	return ok
}

func TestToJSONBigIntsBecomeNumbers(t *testing.T) {
	python.WithGIL(func() {
		o := eval(t, "{'a': [1, 2.5, 2**70, None, True]}")
		defer o.Release()
		v, err := toJSON(o.Object)
		require.NoError(t, err)
		a := v.(map[string]any)["a"].([]any)
		assert.Equal(t, int64(1), a[0])
		assert.Equal(t, 2.5, a[1])
		assert.Equal(t, json.Number("1180591620717411303424"), a[2])
		assert.Nil(t, a[3])
		assert.Equal(t, true, a[4])
	})
}

func TestBoundsFollowPythonFloats(t *testing.T) {
	b := newBound(big.NewRat(11, 10)) // schema 1.1 was a Python float
	assert.Equal(t, 0, num{isFloat: true, f: 1.1}.cmp(b))
	assert.True(t, num{isFloat: true, f: 0.0075}.multipleOf(newBound(big.NewRat(1, 10000))))
	assert.False(t, num{i: 7}.multipleOf(newBound(big.NewRat(2, 1))))
	assert.True(t, num{i: 8}.multipleOf(newBound(big.NewRat(2, 1))))
	assert.Equal(t, -1, num{i: 1<<62 - 1}.cmp(newBound(new(big.Rat).SetInt64(1<<62))))
}

func TestWalkVerdicts(t *testing.T) {
	python.WithGIL(func() {
		v := compile(t, `{"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}, "b": {"enum": [1, "x"]}}, "additionalProperties": False}`)
		assert.True(t, valid(t, v, `{"a": 1}`))
		assert.True(t, valid(t, v, `{"a": 1.0, "b": 1.0}`))
		assert.False(t, valid(t, v, `{"a": True}`))
		assert.False(t, valid(t, v, `{"b": "x"}`))
		assert.False(t, valid(t, v, `{"a": 1, "c": 2}`))
		assert.False(t, valid(t, v, `{"a": 1, "b": True}`))
		assert.False(t, v.UsesFallback())
	})
}

func TestErrorsCarryPathsInSchemaOrder(t *testing.T) {
	python.WithGIL(func() {
		v := compile(t, `{"required": ["z"], "properties": {"b": {"minimum": 3}, "a": {"type": "string"}}}`)
		o := eval(t, `{"a": 1, "b": 1}`)
		defer o.Release()
		errs, err := v.Errors(o.Object, python.Object{})
		require.NoError(t, err)
		require.Len(t, errs, 3)
		assert.Equal(t, "required", errs[0].kw)
		assert.Equal(t, []any{"properties", "b", "minimum"}, errs[1].spath) // "properties" order: b, a
		assert.Equal(t, []any{"properties", "a", "type"}, errs[2].spath)
		assert.Len(t, errs[2].ipath, 1)
	})
}

func TestUnevaluatedUsesFallback(t *testing.T) {
	python.WithGIL(func() {
		v := compile(t, `{"properties": {"a": {}}, "unevaluatedProperties": False}`)
		assert.True(t, v.UsesFallback())
		assert.True(t, valid(t, v, `{"a": 1}`))
		assert.False(t, valid(t, v, `{"a": 1, "b": 2}`))
	})
}

func TestBadInputIsAnError(t *testing.T) {
	python.WithGIL(func() {
		v := compile(t, `{"type": "array"}`)
		o := eval(t, `{1, 2}`)
		defer o.Release()
		_, err := v.IsValid(o.Object, python.Object{})
		assert.Error(t, err)
	})
}

func TestCompileCache(t *testing.T) {
	python.WithGIL(func() {
		a := compile(t, `{"type": "string", "minLength": 2}`)
		b := compile(t, `{"minLength": 2, "type": "string"}`)
		assert.Same(t, a, b)
	})
}

func TestSchemaErrors(t *testing.T) {
	python.WithGIL(func() {
		s := eval(t, `{"type": 12}`)
		defer s.Release()
		_, err := Compile(s.Object, Options{Draft: "http://json-schema.org/draft-07/schema#"})
		var ce *CompileError
		require.ErrorAs(t, err, &ce)
		assert.False(t, ce.Unresolved)
		r := eval(t, `{"$ref": "http://x.example/y"}`)
		defer r.Release()
		_, err = Compile(r.Object, Options{Draft: "http://json-schema.org/draft-07/schema#"})
		require.ErrorAs(t, err, &ce)
		assert.True(t, ce.Unresolved)
		assert.Contains(t, ce.Msg, "http://x.example/y")
	})
}

// The is_valid walk rejects objects by key count before reading values
// (fastMin/fastMax); the verdicts must not change.
func TestCountBoundsKeepVerdicts(t *testing.T) {
	python.WithGIL(func() {
		closed := compile(t, `{"properties": {"a": {}, "b": {}}, "additionalProperties": False, "required": ["a"]}`)
		assert.True(t, valid(t, closed, `{"a": 1, "b": 2}`))
		assert.True(t, valid(t, closed, `{"a": 1}`))
		assert.False(t, valid(t, closed, `{"a": 1, "b": 2, "c": 3}`))
		assert.False(t, valid(t, closed, `{}`))
		patterned := compile(t, `{"properties": {"a": {}}, "patternProperties": {"^x": {}}, "additionalProperties": False}`)
		assert.True(t, valid(t, patterned, `{"a": 1, "x1": 2, "x2": 3}`))
		assert.False(t, valid(t, patterned, `{"a": 1, "y": 2}`))
		bounded := compile(t, `{"maxProperties": 1, "additionalProperties": False, "properties": {"a": {}, "b": {}}}`)
		assert.True(t, valid(t, bounded, `{"b": 1}`))
		assert.False(t, valid(t, bounded, `{"a": 1, "b": 1}`))
		assert.True(t, valid(t, bounded, `[1, 2, 3]`)) // not an object: no count applies
	})
}

// The is_valid walk keeps the last matching key object per property; the
// reference moves to newer key objects and is dropped with the Validator.
func TestSeenKeysAreReleased(t *testing.T) {
	python.WithGIL(func() {
		s := eval(t, `{"properties": {"key": {"type": "integer"}}, "required": ["key"]}`)
		defer s.Release()
		reg := eval(t, `{}`) // a registry bypasses the compile cache
		defer reg.Release()
		v, err := Compile(s.Object, Options{Draft: "https://json-schema.org/draft/2020-12/schema", Registry: reg.Object})
		require.NoError(t, err)
		first := eval(t, `{''.join(['k', 'ey']): 1}`) // a key object that is not interned
		defer first.Release()
		it := python.Items(first.Object)
		key, _, _ := it.Next()
		before := key.RefCount()
		ok, err := v.IsValid(first.Object, python.Object{})
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, before+1, key.RefCount(), "kept for address matches")
		second := eval(t, `{''.join(['k', 'ey']): 'x'}`)
		defer second.Release()
		ok, _ = v.IsValid(second.Object, python.Object{})
		assert.False(t, ok, "a new key object with the same text matches by bytes")
		assert.Equal(t, before, key.RefCount(), "the reference moved to the newer key object")
		ok, _ = v.IsValid(first.Object, python.Object{})
		assert.True(t, ok)
		assert.Equal(t, before+1, key.RefCount())
		v = nil
		for i := 0; i < 50 && key.RefCount() != before; i++ {
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
			releaseStaleKeys()
		}
		assert.Equal(t, before, key.RefCount(), "released after the Validator was collected")
	})
}

// Arrays of small arrays take arrayOf in is_valid; verdicts must match.
func TestArrayOfKeepsVerdicts(t *testing.T) {
	python.WithGIL(func() {
		v := compile(t, `{"type": "array", "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 3}}`)
		assert.True(t, valid(t, v, `[[1, 2.5], [3, 4, 5], ([1, 2])]`))
		assert.False(t, valid(t, v, `[[1, 2], [1]]`))
		assert.False(t, valid(t, v, `[[1, 2], [1, 2, 3, 4]]`))
		assert.False(t, valid(t, v, `[[1, 2], [1, "x"]]`))
		assert.False(t, valid(t, v, `[[1, 2], [1, True]]`))
		assert.False(t, valid(t, v, `[[1, 2], {"a": 1}]`))
		assert.False(t, valid(t, v, `[[1, 2], ([1],)]`)) // a tuple takes the general walk
	})
}

// The compile cache keys schemas by a canonical form read from the Python
// objects: equal schemas share a validator, different ones never do.
func TestCanonicalCacheKey(t *testing.T) {
	python.WithGIL(func() {
		key := func(expr string) (string, bool) {
			o := eval(t, expr)
			defer o.Release()
			var buf bytes.Buffer
			ok := canonKey(&buf, o.Object, 0)
			return buf.String(), ok
		}
		same := [][2]string{
			{`{"a": 1, "b": [True, None, "x"]}`, `{"b": [True, None, "x"], "a": 1}`},
			{`{"a": {"c": 1.5, "d": "é"}}`, `{"a": {"d": "é", "c": 1.5}}`},
		}
		for _, p := range same {
			a, okA := key(p[0])
			b, okB := key(p[1])
			assert.True(t, okA && okB)
			assert.Equal(t, a, b, p[0])
		}
		distinct := []string{`{"a": 1}`, `{"a": 1.0}`, `{"a": True}`, `{"a": "1"}`, `{"a": [1]}`, `{"a": None}`,
			`{"ab": ""}`, `{"a": "b"}`, `{"a": {}}`, `{"a": []}`, `[{"a": 1}]`, `{"a": 1, "b": 1}`, `{"a": [1, [2]]}`, `{"a": [[1], 2]}`}
		seen := map[string]string{}
		for _, e := range distinct {
			k, ok := key(e)
			require.True(t, ok, e)
			if prev, dup := seen[k]; dup {
				t.Errorf("%s and %s share a cache key", prev, e)
			}
			seen[k] = e
		}
		_, ok := key(`{"a": 2**80}`)
		assert.False(t, ok, "big ints take the JSON-text key")
		_, ok = key(`{1: 2}`)
		assert.False(t, ok)
	})
}

func TestCanonicalKeySortsLargeObjects(t *testing.T) {
	python.WithGIL(func() {
		key := func(expr string) string {
			o := eval(t, expr)
			defer o.Release()
			var buf bytes.Buffer
			require.True(t, canonKey(&buf, o.Object, 0))
			return buf.String()
		}
		assert.Equal(t, key(`{f"k{i}": i for i in range(100)}`), key(`{f"k{i}": i for i in reversed(range(100))}`))
		assert.NotEqual(t, key(`{f"k{i}": i for i in range(100)}`), key(`{f"k{i}": i + (i == 50) for i in range(100)}`))
	})
}
