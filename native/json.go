package main

import (
	"goaccel/jsonfast"
	"goaccel/python"
)

// _goaccel.json, encoder half: dumps for both faces. The decoder registers
// its functions in json_decode.go under the same module name.
func init() {
	python.Register(python.Module{
		Name: "json",
		Doc:  "jsonfast: JSON encoder and decoder.",
		Functions: []python.Function{
			{Name: "encode", Doc: "encode(obj, flags, indent, item_sep, key_sep, default) -> str: json.dumps's engine.", Fast: encodeJSON},
			{Name: "orjson_dumps_go", Doc: "orjson_dumps_go(obj, default=None, option=None) -> bytes (the all-Go entry; orjson_dumps is the C one)", Kw: orjsonDumps},
			{Name: "orjson_set_fragment", Doc: "registers jsonfast.orjson.Fragment", Fast: setFragment},
		},
		Init: func(m python.Object) error {
			python.OrjsonDumpsHook = orjsonDumpsInto
			return python.AddOrjsonDumps(m)
		},
	})
}

// orjsonDumpsInto serves the C entry point (python/jsonenc_entry.c), which
// has parsed and checked the arguments.
func orjsonDumpsInto(obj, def python.Object, option uint32, out []byte) (int, python.Ref, error) {
	return jsonfast.DumpsOrjsonInto(obj, def, option, out)
}

// Bits of encode()'s flags argument (jsonfast/encoder.py builds them).
const (
	flagSkipKeys = 1 << iota
	flagEnsureASCII
	flagCheckCircular
	flagAllowNaN
	flagSortKeys
)

func jsonStrArg(o python.Object, what string) ([]byte, error) {
	if o.Type() != python.StrType && o.Type().TypeFlags()&python.FlagStrSubclass == 0 {
		return nil, python.Errorf(python.TypeError, "%s must be a str, not %s", what, o.TypeName())
	}
	u, err := python.StrUTF8(o)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// encodeJSON is the fast path of jsonfast.dumps and JSONEncoder.encode:
// encode(obj, flags, indent_or_None, item_separator, key_separator, default_or_None).
func encodeJSON(args []python.Object) (python.Ref, error) {
	opts, err := encodeOptions("encode", args)
	if err != nil {
		return python.Ref{}, err
	}
	return jsonfast.Dumps(args[0], opts)
}

// encodeOptions reads the argument list shared by encode() and
// drf_render(): (obj, flags, indent_or_None, item_separator,
// key_separator, default_or_None).
func encodeOptions(fn string, args []python.Object) (jsonfast.EncodeOptions, error) {
	var opts jsonfast.EncodeOptions
	if len(args) != 6 {
		return opts, python.Errorf(python.TypeError, "%s() takes 6 arguments (%d given)", fn, len(args))
	}
	flags, ok := python.LongInt64(args[1])
	if !ok || args[1].Type() != python.IntType {
		return opts, python.Errorf(python.TypeError, "%s(): flags must be an int", fn)
	}
	opts = jsonfast.EncodeOptions{
		SkipKeys:      flags&flagSkipKeys != 0,
		EnsureASCII:   flags&flagEnsureASCII != 0,
		CheckCircular: flags&flagCheckCircular != 0,
		AllowNaN:      flags&flagAllowNaN != 0,
		SortKeys:      flags&flagSortKeys != 0,
	}
	var err error
	if args[2] != python.None {
		if opts.Indent, err = jsonStrArg(args[2], "indent"); err != nil {
			return opts, err
		}
	}
	if opts.ItemSep, err = jsonStrArg(args[3], "item_separator"); err != nil {
		return opts, err
	}
	if opts.KeySep, err = jsonStrArg(args[4], "key_separator"); err != nil {
		return opts, err
	}
	if args[5] != python.None {
		opts.Default = args[5]
	}
	return opts, nil
}

// jsonKwIs compares a keyword name with an ASCII literal without allocating.
func jsonKwIs(name python.Object, want string) bool {
	b, ok := python.StrASCII(name)
	return ok && string(b) == want
}

func orjsonDumps(args []python.Object, kw python.Kwargs) (python.Ref, error) {
	var obj, def, opt python.Object
	if len(args) > 3 {
		return python.Ref{}, python.Errorf(python.TypeError, "dumps() accepts only 1 positional argument")
	}
	if len(args) > 0 {
		obj = args[0]
	}
	if len(args) > 1 {
		def = args[1]
	}
	if len(args) > 2 {
		opt = args[2]
	}
	if kw.Len() > 0 {
		names := python.TupleItems(kw.Names)
		for i, v := range kw.Values {
			switch {
			case jsonKwIs(names[i], "default"):
				def = v
			case jsonKwIs(names[i], "option"):
				opt = v
			case jsonKwIs(names[i], "obj") && obj.IsNil():
				obj = v
			default:
				return python.Ref{}, python.Errorf(python.TypeError, "dumps() got an unexpected keyword argument '%s'", kw.Name(i))
			}
		}
	}
	if obj.IsNil() {
		return python.Ref{}, python.Errorf(python.TypeError, "dumps() missing 1 required positional argument: 'obj'")
	}
	var opts jsonfast.EncodeOptions
	if !opt.IsNil() && opt != python.None {
		v, ok := python.LongInt64(opt)
		if opt.Type() != python.IntType || !ok || v < 0 || v > jsonfast.OptAll {
			return python.Ref{}, python.Errorf(python.TypeError, "Invalid opts")
		}
		opts.Flags = uint32(v)
	}
	if !def.IsNil() && def != python.None {
		if !python.Callable(def) {
			return python.Ref{}, python.Errorf(python.TypeError, "default must be a callable")
		}
		opts.Default = def
	}
	return jsonfast.DumpsBytes(obj, opts)
}

func setFragment(args []python.Object) (python.Ref, error) {
	if len(args) != 1 || args[0].Type().TypeFlags()&python.FlagTypeSubclass == 0 {
		return python.Ref{}, python.Errorf(python.TypeError, "orjson_set_fragment(type)")
	}
	jsonfast.SetFragmentType(args[0])
	return python.NoneRef(), nil
}
