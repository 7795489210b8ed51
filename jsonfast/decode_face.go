package jsonfast

import "goaccel/python"

// The standard library face's loads as a native function. As a Python
// function (a frame, seven `is None` checks and the **kw dict the
// signature makes on every call) it cost ~170 ns a call more than the
// native fast path: 369 vs 198 ns for {"a": 1}, 792 vs 587 ns for a
// 10-field record (process CPU, best of 5 x 100,000 calls).
//
// LoadsFace takes the fast path for loads(s) alone; anything else —
// keyword arguments (cls, hooks, parse_*, s=...), a wrong argument count —
// goes to jsonfast.decoder's Python loads, and input the fast path
// declines goes to the standard library's json.loads, so errors and
// results are exactly theirs.
var stdLoads, pyLoads python.Ref

// SetLoadsFallbacks keeps json.loads and jsonfast.decoder's Python loads.
func SetLoadsFallbacks(std, py python.Object) {
	stdLoads.Release()
	pyLoads.Release()
	stdLoads, pyLoads = python.NewRef(std), python.NewRef(py)
}

// LoadsFace is jsonfast.loads(s, **kw).
func LoadsFace(args []python.Object, kw python.Kwargs) (python.Ref, error) {
	if stdLoads.IsNil() {
		return python.Ref{}, python.Errorf(python.RuntimeError, "jsonfast: decoder not initialised (import jsonfast.decoder)")
	}
	if len(args) == 1 && kw.Len() == 0 {
		r, err := LoadsStd(args[0], false)
		if err != nil || !python.IsNotImplemented(r.Object) {
			return r, err
		}
		r.Release()
		return python.Call(stdLoads.Object, args[0])
	}
	var kwargs python.Ref
	if kw.Len() > 0 {
		d, err := python.NewDict()
		if err != nil {
			return python.Ref{}, err
		}
		defer d.Release()
		for i, name := range python.TupleItems(kw.Names) {
			if err := python.DictSet(d.Object, name, kw.Values[i]); err != nil {
				return python.Ref{}, err
			}
		}
		kwargs = d
	}
	return python.CallKw(pyLoads.Object, args, kwargs.Object)
}
