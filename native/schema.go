package main

import (
	"errors"
	"sync/atomic"

	"goaccel/python"
	"goaccel/schemafast"
)

// _goaccel.schema: compile a schema to a handle, validate Python objects
// against it in place. The Python face (schemafast/) owns the API.
func init() {
	python.Register(python.Module{
		Name: "schema",
		Doc:  "schemafast: JSON Schema compiler and validator.",
		Functions: []python.Function{
			{Name: "set_exceptions", Doc: "set_exceptions(SchemaError, Unresolvable): the face's exception types.", Fast: schemaSetExceptions},
			{Name: "compile", Doc: "compile(schema, draft_url, registry|None, retrieve|None, user_formats[, meta]) -> handle", Fast: schemaCompile},
			{Name: "is_valid_go", Doc: "is_valid_go(handle, formats|None, instance) -> bool: the all-Go entry (is_valid is the C one)", Fast: schemaIsValid},
			{Name: "errors", Doc: "errors(handle, formats|None, instance) -> list of error tuples", Fast: schemaErrors},
			{Name: "uses_fallback", Doc: "uses_fallback(handle) -> bool: the schema needs the v6 (converting) path.", Fast: schemaUsesFallback},
		},
		Init: func(m python.Object) error {
			python.SchemaIsValidHook = schemaIsValidC
			return python.AddSchemaIsValid(m)
		},
	})
}

// lastHandle remembers the most recent handle -> validator: a hot loop
// validates against one schema, and cgo handles are never reused, so this
// skips the handle table's map lookup.
type handleEntry struct {
	h uintptr
	v *schemafast.Validator
}

var lastHandle atomic.Pointer[handleEntry]

// schemaIsValidC serves the C entry point (python/schema_entry.c), which
// has checked the argument count and that the handle is a capsule.
func schemaIsValidC(h uintptr, formats, instance python.Object) (bool, error) {
	if e := lastHandle.Load(); e != nil && e.h == h {
		return e.v.IsValid(instance, formats)
	}
	v, ok := python.HandleValueOf(h).(*schemafast.Validator)
	if !ok {
		return false, python.Errorf(python.TypeError, "is_valid() expects a compiled schema handle")
	}
	lastHandle.Store(&handleEntry{h, v})
	return v.IsValid(instance, formats)
}

var schemaErrorType, unresolvableType python.Ref

func schemaSetExceptions(args []python.Object) (python.Ref, error) {
	if err := wantArgs("set_exceptions", args, 2); err != nil {
		return python.Ref{}, err
	}
	schemaErrorType.Release()
	unresolvableType.Release()
	schemaErrorType, unresolvableType = python.NewRef(args[0]), python.NewRef(args[1])
	return python.NoneRef(), nil
}

func optional(o python.Object) python.Object {
	if o == python.None {
		return python.Object{}
	}
	return o
}

func schemaCompile(args []python.Object) (python.Ref, error) {
	if len(args) != 5 && len(args) != 6 {
		return python.Ref{}, python.Errorf(python.TypeError, "compile() takes 5 or 6 arguments (%d given)", len(args))
	}
	draft, err := python.Str(args[1])
	if err != nil {
		return python.Ref{}, err
	}
	reg := optional(args[2])
	if !reg.IsNil() && reg.Type() != python.DictType {
		return python.Ref{}, python.Errorf(python.TypeError, "registry must be a dict of uri -> schema")
	}
	opt := schemafast.Options{Draft: draft, Registry: reg, Retrieve: optional(args[3])}
	if args[4].Type() != python.TupleType {
		return python.Ref{}, python.Errorf(python.TypeError, "user_formats must be a tuple of str")
	}
	for _, f := range python.TupleItems(args[4]) {
		s, err := python.Str(f)
		if err != nil {
			return python.Ref{}, err
		}
		opt.UserFormats = append(opt.UserFormats, s)
	}
	opt.MetaRoot = len(args) == 6 && args[5] == python.True
	v, err := schemafast.Compile(args[0], opt)
	if err != nil {
		var ce *schemafast.CompileError
		if errors.As(err, &ce) && !schemaErrorType.IsNil() {
			if ce.Unresolved {
				return python.Ref{}, python.Errorf(unresolvableType.Object, "%s", ce.Msg)
			}
			return python.Ref{}, python.Errorf(schemaErrorType.Object, "%s", ce.Msg)
		}
		return python.Ref{}, err
	}
	return python.NewHandle(v)
}

func validatorArg(name string, args []python.Object) (*schemafast.Validator, error) {
	if err := wantArgs(name, args, 3); err != nil {
		return nil, err
	}
	h, err := python.HandleValue(args[0])
	if err != nil {
		return nil, err
	}
	v, ok := h.(*schemafast.Validator)
	if !ok {
		return nil, python.Errorf(python.TypeError, "%s() expects a compiled schema handle", name)
	}
	return v, nil
}

func schemaIsValid(args []python.Object) (python.Ref, error) {
	v, err := validatorArg("is_valid", args)
	if err != nil {
		return python.Ref{}, err
	}
	ok, err := v.IsValid(args[2], optional(args[1]))
	if err != nil {
		return python.Ref{}, err
	}
	return python.NewBool(ok), nil
}

func schemaErrors(args []python.Object) (python.Ref, error) {
	v, err := validatorArg("errors", args)
	if err != nil {
		return python.Ref{}, err
	}
	errs, err := v.Errors(args[2], optional(args[1]))
	if err != nil {
		return python.Ref{}, err
	}
	return schemafast.ErrorsToPython(errs)
}

func schemaUsesFallback(args []python.Object) (python.Ref, error) {
	if err := wantArgs("uses_fallback", args, 1); err != nil {
		return python.Ref{}, err
	}
	h, err := python.HandleValue(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	v, ok := h.(*schemafast.Validator)
	if !ok {
		return python.Ref{}, python.Errorf(python.TypeError, "expects a compiled schema handle")
	}
	return python.NewBool(v.UsesFallback()), nil
}
