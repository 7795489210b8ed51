package schemafast

import (
	"goaccel/python"
)

// ErrorsToPython builds the list the face turns into ValidationErrors:
// (keyword, location, path, schema_path, instance, extra, context,
// fallback_message, fallback_path) per error.
func ErrorsToPython(errs []*verr) (python.Ref, error) {
	list, err := python.NewList(len(errs))
	if err != nil {
		return python.Ref{}, err
	}
	for i, e := range errs {
		t, err := errToPython(e)
		if err != nil {
			list.Release()
			return python.Ref{}, err
		}
		python.ListSet(list.Object, i, t)
	}
	return list, nil
}

func errToPython(e *verr) (python.Ref, error) {
	var refs python.Refs
	defer refs.Release()
	var items [9]python.Ref
	var err error
	if items[0], err = internStr(e.kw); err != nil {
		return python.Ref{}, err
	}
	if items[1], err = internStr(e.loc); err != nil {
		return python.Ref{}, err
	}
	path, err := python.NewTuple(len(e.ipath))
	if err != nil {
		return python.Ref{}, err
	}
	items[2] = path
	for i, p := range e.ipath {
		var r python.Ref
		if !p.key.IsNil() {
			r = python.NewRef(p.key)
		} else if r, err = python.NewInt64(int64(p.idx)); err != nil {
			return python.Ref{}, err
		}
		python.TupleSet(path.Object, i, r)
	}
	if items[3], err = anyToPython(e.spath); err != nil {
		return python.Ref{}, err
	}
	if e.inst.IsNil() {
		items[4] = python.NoneRef()
	} else {
		items[4] = python.NewRef(e.inst)
	}
	items[7] = python.NoneRef()
	items[8] = python.NoneRef()
	switch x := e.extra.(type) {
	case fallbackInfo:
		items[5] = python.NoneRef()
		if items[7], err = python.NewString(x.msg); err != nil {
			return python.Ref{}, err
		}
		ps := make([]any, len(x.path))
		for i, s := range x.path {
			ps[i] = s
		}
		if items[8], err = anyToPython(ps); err != nil {
			return python.Ref{}, err
		}
	case []python.Object:
		l, err := python.NewList(len(x))
		if err != nil {
			return python.Ref{}, err
		}
		for i, k := range x {
			python.ListSet(l.Object, i, python.NewRef(k))
		}
		items[5] = l
	default:
		if items[5], err = anyToPython(e.extra); err != nil {
			return python.Ref{}, err
		}
	}
	if items[6], err = ErrorsToPython(e.ctx); err != nil {
		return python.Ref{}, err
	}
	t, err := python.NewTuple(len(items))
	if err != nil {
		for i := range items {
			items[i].Release()
		}
		return python.Ref{}, err
	}
	for i := range items {
		python.TupleSet(t.Object, i, items[i])
	}
	return t, nil
}

// anyToPython converts the small Go values errors carry.
func anyToPython(v any) (python.Ref, error) {
	switch x := v.(type) {
	case nil:
		return python.NoneRef(), nil
	case string:
		return internStr(x)
	case int:
		return python.NewInt64(int64(x))
	case [2]string:
		return anyToPython([]any{x[0], x[1]})
	case []int:
		l := make([]any, len(x))
		for i, n := range x {
			l[i] = n
		}
		return anyToPython(l)
	case []any:
		t, err := python.NewTuple(len(x))
		if err != nil {
			return python.Ref{}, err
		}
		for i, it := range x {
			r, err := anyToPython(it)
			if err != nil {
				t.Release()
				return python.Ref{}, err
			}
			python.TupleSet(t.Object, i, r)
		}
		return t, nil
	}
	return python.NoneRef(), nil
}

// interned keeps one Python str per keyword, schema location and schema
// path name seen in errors (a bounded set: they come from schemas), so
// building error records does not create the same strings again. Used only
// with the GIL held, which guards it.
var interned = map[string]python.Ref{}

const maxInterned = 16384

func internStr(s string) (python.Ref, error) {
	if r, ok := interned[s]; ok {
		return python.NewRef(r.Object), nil
	}
	r, err := python.NewString(s)
	if err != nil {
		return python.Ref{}, err
	}
	if len(interned) < maxInterned {
		interned[s] = python.NewRef(r.Object)
	}
	return r, nil
}
