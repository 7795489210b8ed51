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
			{Name: "parse_dict", Doc: "parse_dict(data, max_depth, ...) -> dict (xmltodict.parse semantics; see xmlfast.parse).", Fast: parseDict},
			{Name: "unparse", Doc: "unparse(mapping, ...) -> str (xmltodict.unparse semantics; see xmlfast.unparse).", Fast: unparse},
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

// parse_dict(data, max_depth, attr_prefix, cdata_key, xml_attribs,
// strip_whitespace, process_namespaces, namespace_separator, namespaces,
// force_list, force_cdata, postprocessor, process_comments, comment_key):
// the Python face (xmlfast.parse) normalizes xmltodict's arguments into
// these; force_list/force_cdata are a bool, a tuple of str or a callable,
// and namespaces a dict or None.
func parseDict(args []python.Object) (python.Ref, error) {
	const fn = "parse_dict"
	if len(args) != 14 {
		return python.Ref{}, python.Errorf(python.TypeError, "%s() takes 14 arguments (%d given)", fn, len(args))
	}
	doc, err := bytesArg(fn, args[0])
	if err != nil {
		return python.Ref{}, err
	}
	depth, err := intArg(fn, args[1])
	if err != nil {
		return python.Ref{}, err
	}
	prefix, err := strArg(fn, args[2])
	if err != nil {
		return python.Ref{}, err
	}
	sep, err := strArg(fn, args[7])
	if err != nil {
		return python.Ref{}, err
	}
	if !isStr(args[3]) || !isStr(args[13]) {
		return python.Ref{}, python.Errorf(python.TypeError, "cdata_key and comment_key must be str")
	}
	opt := &xmlfast.DictParseOptions{
		Limits:          xmlfast.Limits{MaxDepth: depth},
		AttrPrefix:      prefix,
		CDataKey:        args[3],
		XMLAttribs:      args[4] == python.True,
		StripWhitespace: args[5] == python.True,
		Namespaces:      args[6] == python.True,
		NSSep:           sep,
		Comments:        args[12] == python.True,
		CommentKey:      args[13],
	}
	if args[8] != python.None {
		if args[8].Type() != python.DictType {
			return python.Ref{}, python.Errorf(python.TypeError, "namespaces must be a dict")
		}
		opt.HasNSMap = true
		opt.NSMap = map[string]*string{}
		it := python.Items(args[8])
		for {
			k, v, ok := it.Next()
			if !ok {
				break
			}
			kb, err := strArg(fn, k)
			if err != nil {
				return python.Ref{}, err
			}
			if v == python.None {
				opt.NSMap[string(kb)] = nil
				continue
			}
			vb, err := strArg(fn, v)
			if err != nil {
				return python.Ref{}, err
			}
			s := string(vb)
			opt.NSMap[string(kb)] = &s
		}
	}
	if opt.ForceListAll, opt.ForceList, opt.ForceListFn, err = forceArg(fn, args[9]); err != nil {
		return python.Ref{}, err
	}
	if opt.ForceCDataAll, opt.ForceCData, opt.ForceCDataFn, err = forceArg(fn, args[10]); err != nil {
		return python.Ref{}, err
	}
	if args[11] != python.None {
		opt.Postprocessor = args[11]
	}
	return xmlfast.ParseDict(doc, opt)
}

func strArg(fn string, o python.Object) ([]byte, error) {
	if !isStr(o) {
		return nil, python.Errorf(python.TypeError, "%s(): expected str, not %s", fn, o.TypeName())
	}
	return python.StrUTF8(o)
}

// forceArg reads a normalized force_list / force_cdata argument.
func forceArg(fn string, o python.Object) (all bool, set map[string]bool, call python.Object, err error) {
	switch {
	case o == python.True:
		return true, nil, python.Object{}, nil
	case o == python.False || o == python.None:
		return false, nil, python.Object{}, nil
	case o.Type() == python.TupleType:
		set = map[string]bool{}
		for _, it := range python.TupleItems(o) {
			b, err := strArg(fn, it)
			if err != nil {
				return false, nil, python.Object{}, err
			}
			set[string(b)] = true
		}
		return false, set, python.Object{}, nil
	}
	return false, nil, o, nil
}

// unparse(mapping, attr_prefix, cdata_key, comment_key, pretty, newl, indent,
// full_document, short_empty_elements, encoding, expand_iter, convert) -> str,
// or None when only the Python implementation can produce the result (a
// lone surrogate).
func unparse(args []python.Object) (python.Ref, error) {
	const fn = "unparse"
	if len(args) != 12 {
		return python.Ref{}, python.Errorf(python.TypeError, "%s() takes 12 arguments (%d given)", fn, len(args))
	}
	prefix, err := strArg(fn, args[1])
	if err != nil {
		return python.Ref{}, err
	}
	newl, err := strArg(fn, args[5])
	if err != nil {
		return python.Ref{}, err
	}
	indent, err := strArg(fn, args[6])
	if err != nil {
		return python.Ref{}, err
	}
	enc, err := strArg(fn, args[9])
	if err != nil {
		return python.Ref{}, err
	}
	opt := &xmlfast.UnparseOptions{
		AttrPrefix: prefix, CDataKey: args[2], CommentKey: args[3],
		Pretty: args[4] == python.True, Newl: newl, Indent: indent,
		FullDocument: args[7] == python.True, ShortEmpty: args[8] == python.True,
		Encoding: enc, Convert: args[11],
	}
	if args[10] != python.None {
		opt.ExpandIter = args[10]
	}
	r, err := xmlfast.Unparse(args[0], opt)
	if errors.Is(err, xmlfast.ErrFallback) {
		return python.NoneRef(), nil
	}
	return r, err
}
