package python

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	if err := Embed(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// eval evaluates a Python expression (builtins only) and returns it owned.
func eval(t *testing.T, expr string) Ref {
	t.Helper()
	builtins, err := Import("builtins")
	require.NoError(t, err)
	defer builtins.Release()
	src, err := NewString(expr)
	require.NoError(t, err)
	defer src.Release()
	globals, err := NewDict()
	require.NoError(t, err)
	defer globals.Release()
	r, err := CallMethod(builtins.Object, "eval", src.Object, globals.Object)
	if err != nil {
		exc := Fetch()
		defer exc.Release()
		t.Fatalf("eval %s: %v", expr, exc)
	}
	return r
}

func TestLayoutVerifiedForRunningInterpreter(t *testing.T) {
	WithGIL(func() {
		assert.Equal(t, 3, lay.Major)
		assert.NoError(t, CheckLayout(lay))
	})
}

func TestLayoutCheckRefusesWrongTables(t *testing.T) {
	WithGIL(func() {
		bad := lay
		bad.FloatValue += 8
		assert.ErrorContains(t, CheckLayout(bad), "PyFloatObject.ob_fval")

		bad = lay
		bad.Minor = 12
		assert.ErrorContains(t, CheckLayout(bad), "headers are 3.11")

		// Internal fields are not in the public headers; the probes catch them.
		bad = lay
		bad.KeysNEntries = 16
		assert.ErrorContains(t, CheckLayout(bad), "dict probe")

		bad = lay
		bad.StateKindShift = 3
		assert.ErrorContains(t, CheckLayout(bad), "str")

		// A failed check leaves the active layout untouched.
		assert.NoError(t, CheckLayout(lay))
	})
}

func TestUnsupportedVersionIsNamed(t *testing.T) {
	WithGIL(func() {
		saved := layouts
		defer func() { layouts = saved }()
		layouts = nil
		err := selectLayout()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "does not support CPython "+RuntimeVersion())
	})
}

func TestDirectReadsMatchPython(t *testing.T) {
	WithGIL(func() {
		tree := eval(t, `{"s": "caf\u00e9 \U0001F600", "a": "ascii", "i": -(2**62), "f": 0.1, "l": [1, 2.5, None, True], "t": (1, "x"), "big": 2**64}`)
		defer tree.Release()
		v, err := ToGo(tree.Object)
		require.NoError(t, err)
		m := v.(map[string]any)
		assert.Equal(t, "caf\u00e9 \U0001F600", m["s"])
		assert.Equal(t, "ascii", m["a"])
		assert.Equal(t, int64(-(1 << 62)), m["i"])
		assert.Equal(t, 0.1, m["f"])
		assert.Equal(t, []any{int64(1), 2.5, nil, true}, m["l"])
		assert.Equal(t, []any{int64(1), "x"}, m["t"])
		assert.Equal(t, "18446744073709551616", m["big"].(interface{ String() string }).String())
	})
}

func TestSplitTableDictsAreRead(t *testing.T) {
	WithGIL(func() {
		// Instance __dict__s use split tables; they take the PyDict_Next path.
		r := eval(t, `(lambda C: (lambda o: (setattr(o, "x", 1), setattr(o, "y", "two"), o.__dict__)[-1])(C()))(type("C", (), {}))`)
		defer r.Release()
		v, err := ToGo(r.Object)
		require.NoError(t, err)
		assert.Equal(t, map[string]any{"x": int64(1), "y": "two"}, v)
	})
}

func TestRefcountsUnchangedAfterManyCalls(t *testing.T) {
	WithGIL(func() {
		tree := eval(t, `[{"k": "v" * 3, "n": 12345678, "f": 1.5, "l": [None, "x"]} for _ in range(3)]`)
		defer tree.Release()
		first := ListItems(tree.Object)[0]
		inner := ListItems(tree.Object)
		before := []int{tree.RefCount(), first.RefCount(), inner[1].RefCount()}
		for i := 0; i < 10000; i++ {
			_, err := ToGo(tree.Object)
			require.NoError(t, err)
			s, err := Str(first)
			require.NoError(t, err)
			require.NotEmpty(t, s)
			c := NewRef(first)
			c.Release()
			it := Items(first)
			for {
				if _, _, ok := it.Next(); !ok {
					break
				}
			}
		}
		after := []int{tree.RefCount(), first.RefCount(), inner[1].RefCount()}
		assert.Equal(t, before, after)
	})
}

func TestRefReleaseAndSteal(t *testing.T) {
	WithGIL(func() {
		obj := eval(t, `object()`)
		base := obj.RefCount()
		r := NewRef(obj.Object)
		assert.Equal(t, base+1, obj.RefCount())
		r.Release()
		r.Release() // a second Release is a no-op, not a double free
		assert.Equal(t, base, obj.RefCount())
		r = NewRef(obj.Object)
		stolen := r.Steal()
		r.Release() // nothing left to release
		assert.Equal(t, base+1, obj.RefCount())
		owned := Own(stolen)
		owned.Release()
		assert.Equal(t, base, obj.RefCount())
		var refs Refs
		refs.Add(NewRef(obj.Object))
		refs.Add(NewRef(obj.Object))
		assert.Equal(t, base+2, obj.RefCount())
		refs.Release()
		assert.Equal(t, base, obj.RefCount())
		obj.Release()
	})
}

func TestGoErrorsBecomePythonExceptions(t *testing.T) {
	WithGIL(func() {
		SetError(Errorf(ValueError, "bad value %d", 7))
		exc := Fetch()
		require.NotNil(t, exc)
		assert.True(t, exc.Matches(ValueError))
		assert.Equal(t, "ValueError: bad value 7", exc.Error())
		exc.Release()

		SetError(errors.New("plain go error"))
		exc = Fetch()
		require.NotNil(t, exc)
		assert.True(t, exc.Matches(RuntimeError))
		exc.Release()

		// A Python failure surfaces as ErrAlreadySet and fetches as the
		// original exception.
		_, err := Import("goaccel_no_such_module")
		assert.ErrorIs(t, err, ErrAlreadySet)
		exc = Fetch()
		require.NotNil(t, exc)
		assert.True(t, exc.Matches(ImportError))
		// Round trip: raise it again and fetch the same instance.
		v := exc.Value()
		exc.Raise()
		again := Fetch()
		assert.Equal(t, v, again.Value())
		again.Release()
		assert.False(t, Occurred())
	})
}

func TestPanicBecomesSystemError(t *testing.T) {
	WithGIL(func() {
		index := len(functions)
		functions = append(functions, Function{Name: "boom", Fast: func([]Object) (Ref, error) {
			var m map[string]int
			m["x"]++ // runtime panic
			return Ref{}, nil
		}})
		defer func() { functions = functions[:index] }()
		res := goaccelCall(ptrdiff(index), nil, 0, nil)
		assert.Nil(t, res)
		exc := Fetch()
		require.NotNil(t, exc)
		assert.True(t, exc.Matches(SystemError))
		assert.Contains(t, exc.Error(), "(Go panic): assignment to entry in nil map")
		exc.Release()
	})
}

func TestErrorWithoutExceptionIsReported(t *testing.T) {
	WithGIL(func() {
		index := len(functions)
		functions = append(functions, Function{Name: "liar", Fast: func([]Object) (Ref, error) {
			return Ref{}, ErrAlreadySet // claims an exception that is not there
		}})
		defer func() { functions = functions[:index] }()
		assert.Nil(t, goaccelCall(ptrdiff(index), nil, 0, nil))
		exc := Fetch()
		require.NotNil(t, exc)
		assert.True(t, exc.Matches(SystemError))
		exc.Release()
	})
}

func TestThreadStateKeptPerGoroutine(t *testing.T) {
	done := make(chan []int64)
	go func() {
		lockThread()
		defer unlockThread()
		th := NewThread()
		var ids []int64
		for i := 0; i < 100; i++ {
			th.Run(func() {
				threading, err := Import("threading")
				if err != nil {
					panic(err)
				}
				id, err := CallMethod(threading.Object, "get_ident")
				if err != nil {
					panic(err)
				}
				v, _ := LongInt64(id.Object)
				ids = append(ids, v)
				id.Release()
				threading.Release()
			})
		}
		th.Close()
		done <- ids
	}()
	ids := <-done
	require.Len(t, ids, 100)
	for _, id := range ids {
		assert.Equal(t, ids[0], id, "one OS thread, one thread state")
	}
}

func TestHandlesOwnGoValues(t *testing.T) {
	WithGIL(func() {
		type compiled struct{ name string }
		h, err := NewHandle(&compiled{"schema"})
		require.NoError(t, err)
		v, err := HandleValue(h.Object)
		require.NoError(t, err)
		assert.Equal(t, "schema", v.(*compiled).name)
		h.Release() // the capsule destructor deletes the handle

		notHandle := eval(t, `42`)
		_, err = HandleValue(notHandle.Object)
		assert.ErrorIs(t, err, ErrAlreadySet)
		Fetch().Release()
		notHandle.Release()
	})
}
