package main

import (
	"runtime"
	"time"

	"goaccel/python"
)

// _goaccel.core: versions and diagnostics. The tests drive the binding
// layer through these (refcounts, panics, exceptions, the GIL).
func init() {
	python.Register(python.Module{
		Name: "core",
		Doc:  "goaccel runtime information and diagnostics.",
		Functions: []python.Function{
			{Name: "go_version", Doc: "The Go version the library was built with.", Fast: goVersion},
			{Name: "python_version", Doc: "The CPython version whose layout is in use.", Fast: pythonVersion},
			{Name: "echo", Doc: "echo(x) -> x (the refcount round trip).", Fast: echo},
			{Name: "to_go", Doc: "to_go(obj) -> int: converts a JSON-shaped tree to Go values, returns the node count.", Fast: toGo},
			{Name: "sum_floats", Doc: "sum_floats(list) -> float, by direct reads.", Fast: sumFloats},
			{Name: "raise_error", Doc: "raise_error(kind, message): raises through the Go error path.", Fast: raiseError},
			{Name: "panic", Doc: "panic(message): a Go panic, which must arrive as SystemError.", Fast: goPanic},
			{Name: "sleep_nogil", Doc: "sleep_nogil(seconds): sleeps in Go with the GIL released.", Fast: sleepNoGIL},
			{Name: "call", Doc: "call(fn, *args): calls back into Python from Go.", Fast: callBack},
			{Name: "keywords", Doc: "keywords(*args, **kw) -> list of keyword names (the FASTCALL|KEYWORDS path).", Kw: keywords},
		},
	})
}

func goVersion(args []python.Object) (python.Ref, error) {
	return python.NewString(runtime.Version())
}

func pythonVersion(args []python.Object) (python.Ref, error) {
	return python.NewString(python.RuntimeVersion())
}

func wantArgs(name string, args []python.Object, n int) error {
	if len(args) != n {
		return python.Errorf(python.TypeError, "%s() takes exactly %d argument(s) (%d given)", name, n, len(args))
	}
	return nil
}

func echo(args []python.Object) (python.Ref, error) {
	if err := wantArgs("echo", args, 1); err != nil {
		return python.Ref{}, err
	}
	return python.NewRef(args[0]), nil
}

func countNodes(v any) int {
	switch t := v.(type) {
	case []any:
		n := 1
		for _, x := range t {
			n += countNodes(x)
		}
		return n
	case map[string]any:
		n := 1
		for _, x := range t {
			n += countNodes(x)
		}
		return n
	}
	return 1
}

func toGo(args []python.Object) (python.Ref, error) {
	if err := wantArgs("to_go", args, 1); err != nil {
		return python.Ref{}, err
	}
	v, err := python.ToGo(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	return python.NewInt64(int64(countNodes(v)))
}

func sumFloats(args []python.Object) (python.Ref, error) {
	if err := wantArgs("sum_floats", args, 1); err != nil {
		return python.Ref{}, err
	}
	if args[0].Type() != python.ListType {
		return python.Ref{}, python.Errorf(python.TypeError, "sum_floats() expects a list, not %s", args[0].TypeName())
	}
	total := 0.0
	for _, it := range python.ListItems(args[0]) {
		if it.Type() != python.FloatType {
			return python.Ref{}, python.Errorf(python.TypeError, "sum_floats() expects floats, found %s", it.TypeName())
		}
		total += python.FloatValue(it)
	}
	return python.NewFloat(total)
}

func raiseError(args []python.Object) (python.Ref, error) {
	if err := wantArgs("raise_error", args, 2); err != nil {
		return python.Ref{}, err
	}
	kind, err := python.Str(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	msg, err := python.Str(args[1])
	if err != nil {
		return python.Ref{}, err
	}
	types := map[string]python.Object{
		"TypeError": python.TypeError, "ValueError": python.ValueError,
		"OverflowError": python.OverflowError, "KeyError": python.KeyError,
	}
	if t, ok := types[kind]; ok {
		return python.Ref{}, python.Errorf(t, "%s", msg)
	}
	// Any other Go error becomes RuntimeError.
	return python.Ref{}, plainError(msg)
}

type plainError string

func (e plainError) Error() string { return string(e) }

func goPanic(args []python.Object) (python.Ref, error) {
	msg := "boom"
	if len(args) > 0 {
		msg, _ = python.Str(args[0])
	}
	var m map[string]int
	if msg == "nil-map" {
		m["x"] = 1 // a runtime panic, not only an explicit one
	}
	panic(msg)
}

func sleepNoGIL(args []python.Object) (python.Ref, error) {
	if err := wantArgs("sleep_nogil", args, 1); err != nil {
		return python.Ref{}, err
	}
	if args[0].Type() != python.FloatType {
		return python.Ref{}, python.Errorf(python.TypeError, "sleep_nogil() expects a float")
	}
	d := time.Duration(python.FloatValue(args[0]) * float64(time.Second))
	python.ReleaseGIL(func() { time.Sleep(d) })
	return python.NoneRef(), nil
}

func callBack(args []python.Object) (python.Ref, error) {
	if len(args) < 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "call() needs a callable")
	}
	return python.Call(args[0], args[1:]...)
}

func keywords(args []python.Object, kw python.Kwargs) (python.Ref, error) {
	list, err := python.NewList(kw.Len())
	if err != nil {
		return python.Ref{}, err
	}
	for i := 0; i < kw.Len(); i++ {
		name, err := python.NewString(kw.Name(i))
		if err != nil {
			list.Release()
			return python.Ref{}, err
		}
		python.ListSet(list.Object, i, name)
	}
	return list, nil
}
