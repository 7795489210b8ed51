package main

import (
	"runtime/cgo"

	"goaccel/jsonfast"
	"goaccel/python"
)

// _goaccel.json, the log record renderer of jsonfast.logging (Register
// merges this table with json.go's and json_decode.go's).
func init() {
	python.Register(python.Module{
		Name: "json",
		Functions: []python.Function{
			{Name: "log_table", Doc: "log_table(ensure_ascii, default) -> handle of a formatter plan's compiled record shapes.", Fast: logTable},
			{Name: "log_add", Doc: "log_add(table, keys, ops) -> bool: compiles one record shape (False: not served here).", Fast: logAdd},
			{Name: "log_render", Doc: "log_render(table, record_dict) -> str, or None when no compiled shape matches.", Fast: logRender},
		},
	})
}

func logTableArg(fn string, o python.Object) (*jsonfast.LogTable, error) {
	v, err := python.HandleValue(o)
	if err != nil {
		return nil, err
	}
	t, ok := v.(*jsonfast.LogTable)
	if !ok {
		return nil, python.Errorf(python.TypeError, "%s(): not a log table", fn)
	}
	return t, nil
}

func logTable(args []python.Object) (python.Ref, error) {
	if len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "log_table() takes 2 arguments (%d given)", len(args))
	}
	return python.NewHandle(jsonfast.NewLogTable(args[0] == python.True, args[1]))
}

func logAdd(args []python.Object) (python.Ref, error) {
	if len(args) != 3 {
		return python.Ref{}, python.Errorf(python.TypeError, "log_add() takes 3 arguments (%d given)", len(args))
	}
	t, err := logTableArg("log_add", args[0])
	if err != nil {
		return python.Ref{}, err
	}
	ok, err := t.Add(args[1], args[2])
	if err != nil {
		return python.Ref{}, err
	}
	if ok {
		return python.True.IncRef(), nil
	}
	return python.False.IncRef(), nil
}

func logRender(args []python.Object) (python.Ref, error) {
	if len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "log_render() takes 2 arguments (%d given)", len(args))
	}
	t, err := logTableFast(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	if args[1].Type() != python.DictType {
		return python.Ref{}, python.Errorf(python.TypeError, "log_render(): a dict is required")
	}
	r, err := t.Render(args[1])
	if err != nil || r.Object.IsNil() {
		if err == nil {
			return python.None.IncRef(), nil
		}
		return python.Ref{}, err
	}
	return r, nil
}

// The table of the last log_render call. cgo handles are numbered from a
// counter and never reused, so an equal number is the same table; this
// skips the handle map's lookup for the common case of one busy formatter.
var (
	lastLogHandle uintptr
	lastLogTable  *jsonfast.LogTable
)

// logTableFast is logTableArg for the per-record call (runs with the GIL).
func logTableFast(o python.Object) (*jsonfast.LogTable, error) {
	h, ok := python.HandleOf(o)
	if !ok {
		return nil, python.ErrAlreadySet
	}
	if h == lastLogHandle && lastLogTable != nil {
		return lastLogTable, nil
	}
	t, ok := cgo.Handle(h).Value().(*jsonfast.LogTable)
	if !ok {
		return nil, python.Errorf(python.TypeError, "log_render(): not a log table")
	}
	lastLogHandle, lastLogTable = h, t
	return t, nil
}
