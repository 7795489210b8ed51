package main

import (
	"goaccel/jsonfast"
	"goaccel/python"
)

// _goaccel.json, the Django REST framework renderer's half (jsonfast/drf.py).
func init() {
	python.Register(python.Module{
		Name: "json",
		Functions: []python.Function{
			{Name: "drf_render", Doc: "drf_render(obj, flags, indent, item_sep, key_sep, default) -> bytes (a str when the text holds lone surrogates): DRF JSONRenderer's json.dumps, U+2028/U+2029 escapes and UTF-8.", Fast: drfRender},
			{Name: "drf_setup", Doc: "drf_setup(fallback): DRF's own JSONEncoder().default, for the types drf_default leaves to it.", Fast: drfSetup},
		},
		// drf_default, the encoder's default() for DRF: a C function
		// (python/jsondrf_default.c), because a Go one would be a nested
		// C->Go callback per object (docs/notes/jsonfast-drf.md).
		Init: func(m python.Object) error { return python.AddDRFDefault(m, "drf_default") },
	})
}

func drfRender(args []python.Object) (python.Ref, error) {
	opts, err := encodeOptions("drf_render", args)
	if err != nil {
		return python.Ref{}, err
	}
	return jsonfast.DumpsDRF(args[0], opts)
}

func drfSetup(args []python.Object) (python.Ref, error) {
	if len(args) != 1 || !python.Callable(args[0]) {
		return python.Ref{}, python.Errorf(python.TypeError, "drf_setup(fallback) expects a callable")
	}
	python.SetDRFFallback(args[0])
	return python.NoneRef(), nil
}
