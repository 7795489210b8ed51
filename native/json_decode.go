package main

import (
	"goaccel/jsonfast"
	"goaccel/python"
)

// _goaccel.json, decoding half (the encoder registers in json.go; Register
// merges the two tables).
func init() {
	python.Register(python.Module{
		Name: "json",
		Functions: []python.Function{
			{Name: "loads_std", Doc: "loads_std(s, allow_control=False) -> value, or NotImplemented when the standard library must decode s.", Fast: loadsStd},
			{Name: "loads_orjson", Doc: "loads_orjson(obj) -> value with orjson.loads semantics.", Fast: loadsOrjson},
			{Name: "loads", Doc: "loads(s, **kw): json.loads with every argument of the standard library (jsonfast.decoder.loads).", Kw: loadsFace},
			{Name: "loads_setup", Doc: "loads_setup(json_loads, python_loads): called once by jsonfast.decoder.", Fast: loadsSetup},
			{Name: "decoder_setup", Doc: "decoder_setup(orjson_error_class): called once by jsonfast.decoder.", Fast: decoderSetup},
			{Name: "decoder_clear_cache", Doc: "Drops the cached object-key strings.", Fast: decoderClearCache},
		},
		// loads_orjson_c and loads_c: both faces' loads as C functions
		// (python/jsondec_entry.c) that parse small documents in C and
		// call jsonfast.LoadsOrjson / jsonfast.LoadsFace for the rest.
		Init: func(m python.Object) error {
			python.OrjsonLoadsHook = jsonfast.LoadsOrjson
			python.StdLoadsHook = jsonfast.LoadsFace
			return python.AddJSONDecEntries(m)
		},
	})
}

func loadsStd(args []python.Object) (python.Ref, error) {
	if len(args) < 1 || len(args) > 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "loads_std() takes 1 or 2 arguments (%d given)", len(args))
	}
	allowControl := len(args) == 2 && args[1] == python.True
	return jsonfast.LoadsStd(args[0], allowControl)
}

func loadsOrjson(args []python.Object) (python.Ref, error) {
	if len(args) != 1 {
		return python.Ref{}, python.Errorf(python.TypeError, "loads() takes exactly 1 argument (%d given)", len(args))
	}
	return jsonfast.LoadsOrjson(args[0])
}

func decoderSetup(args []python.Object) (python.Ref, error) {
	if len(args) != 1 || args[0].Type().TypeFlags()&python.FlagTypeSubclass == 0 {
		return python.Ref{}, python.Errorf(python.TypeError, "decoder_setup() expects an exception class")
	}
	jsonfast.SetOrjsonError(args[0])
	return python.NoneRef(), nil
}

func decoderClearCache(args []python.Object) (python.Ref, error) {
	python.JSONDecClearKeyCache()
	return python.NoneRef(), nil
}

func loadsFace(args []python.Object, kw python.Kwargs) (python.Ref, error) {
	return jsonfast.LoadsFace(args, kw)
}

func loadsSetup(args []python.Object) (python.Ref, error) {
	if len(args) != 2 {
		return python.Ref{}, python.Errorf(python.TypeError, "loads_setup() takes 2 arguments")
	}
	jsonfast.SetLoadsFallbacks(args[0], args[1])
	return python.NoneRef(), nil
}
