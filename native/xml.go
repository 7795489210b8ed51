package main

import (
	"errors"

	"goaccel/python"
	"goaccel/xmlfast"
)

// _goaccel.xml: the native side of xmlfast (see xmlfast/*.py for the faces).
func init() {
	python.Register(python.Module{
		Name: "xml",
		Doc:  "xmlfast: XML writer and parser.",
		Functions: []python.Function{
			{Name: "configure", Doc: "configure(syntax_error, dtd_forbidden, entities_forbidden, limit_exceeded, Decimal, InvalidOperation, drf_convert): called once by xmlfast.", Fast: configure},
			{Name: "parse_drf", Doc: "parse_drf(data: bytes, item_tag: str, max_depth: int) -> object (djangorestframework-xml semantics).", Fast: parseDRF},
			{Name: "sanitize_name", Doc: "sanitize_name(name: str) -> str: a valid XML element name.", Fast: sanitizeName},
			{Name: "render_drf", Doc: "render_drf(data, root_tag, item_tag, force_str, control_error, sanitize) -> str, or None to use the Python fallback.", Fast: renderDRF},
		},
	})
}

func isStr(o python.Object) bool {
	return o.Type() == python.StrType || o.Type().TypeFlags()&python.FlagStrSubclass != 0
}

func renderDRF(args []python.Object) (python.Ref, error) {
	if len(args) != 6 {
		return python.Ref{}, python.Errorf(python.TypeError, "render_drf() takes 6 arguments (%d given)", len(args))
	}
	if !isStr(args[1]) || !isStr(args[2]) {
		return python.Ref{}, python.Errorf(python.TypeError, "root_tag_name and item_tag_name must be str")
	}
	r, err := xmlfast.RenderDRF(args[0], xmlfast.DRFRenderOptions{
		Root: args[1], Item: args[2], ForceStr: args[3], ControlError: args[4],
		Sanitize: args[5] == python.True,
	})
	if errors.Is(err, xmlfast.ErrFallback) {
		return python.NoneRef(), nil
	}
	return r, err
}

func configure(args []python.Object) (python.Ref, error) {
	if len(args) != 7 {
		return python.Ref{}, python.Errorf(python.TypeError, "configure() takes 7 arguments (%d given)", len(args))
	}
	xmlfast.Configure(args[0], args[1], args[2], args[3], args[4], args[5], args[6])
	return python.NoneRef(), nil
}

// bytesArg reads a bytes-like argument (bytes or bytearray) without copying.
func bytesArg(fn string, o python.Object) ([]byte, error) {
	switch {
	case o.Type() == python.BytesType || o.Type().TypeFlags()&python.FlagBytesSubclass != 0:
		return python.BytesData(o), nil
	case o.Type() == python.ByteArrayType:
		return python.ByteArrayData(o), nil
	}
	return nil, python.Errorf(python.TypeError, "%s() expects bytes, not %s", fn, o.TypeName())
}

func intArg(fn string, o python.Object) (int, error) {
	if o.Type() != python.IntType {
		return 0, python.Errorf(python.TypeError, "%s() expects an int, not %s", fn, o.TypeName())
	}
	v, ok := python.LongInt64(o)
	if !ok {
		return 0, python.Errorf(python.OverflowError, "%s(): int too large", fn)
	}
	return int(v), nil
}

func parseDRF(args []python.Object) (python.Ref, error) {
	if len(args) != 3 {
		return python.Ref{}, python.Errorf(python.TypeError, "parse_drf() takes 3 arguments (%d given)", len(args))
	}
	doc, err := bytesArg("parse_drf", args[0])
	if err != nil {
		return python.Ref{}, err
	}
	if !isStr(args[1]) {
		return python.Ref{}, python.Errorf(python.TypeError, "item_tag must be str")
	}
	item, err := python.StrUTF8(args[1])
	if err != nil {
		return python.Ref{}, err
	}
	depth, err := intArg("parse_drf", args[2])
	if err != nil {
		return python.Ref{}, err
	}
	return xmlfast.ParseDRF(doc, xmlfast.DRFParseOptions{ItemTag: item, Limits: xmlfast.Limits{MaxDepth: depth}})
}

func sanitizeName(args []python.Object) (python.Ref, error) {
	if len(args) != 1 || !isStr(args[0]) {
		return python.Ref{}, python.Errorf(python.TypeError, "sanitize_name() takes one str")
	}
	b, err := python.StrUTF8(args[0])
	if err != nil {
		return python.Ref{}, err
	}
	return python.NewStr(xmlfast.SanitizeName(nil, b))
}
