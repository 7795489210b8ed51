package xmlfast

import (
	"bytes"
	"unicode/utf8"

	"goaccel/python"
)

// xmltodict.parse semantics (xmltodict 1.0's _DictSAXHandler with
// item_depth=0): every element becomes {name: value}; attributes are
// prefixed keys, text is the value itself or cdata_key's value when the
// element also has attributes or children; repeated names become lists.
// The Python face handles the arguments Go does not (see __init__.py).

// DictParseOptions mirrors xmltodict.parse's keyword arguments.
type DictParseOptions struct {
	Limits          Limits
	AttrPrefix      []byte
	CDataKey        python.Object // str
	XMLAttribs      bool
	StripWhitespace bool
	Namespaces      bool   // process_namespaces
	NSSep           []byte // namespace_separator
	NSMap           map[string]*string
	HasNSMap        bool // namespaces is not None
	ForceListAll    bool
	ForceList       map[string]bool
	ForceListFn     python.Object // callable(path, key, value) or nil
	ForceCDataAll   bool
	ForceCData      map[string]bool
	ForceCDataFn    python.Object
	Postprocessor   python.Object // callable or nil
	Comments        bool
	CommentKey      python.Object // str
}

type dictFrame struct {
	name  python.Object // interned key
	item  python.Ref    // dict or nil
	text  []byte
	texts int // number of text pieces (0: no data at all)
}

type dictBuilder struct {
	opt    *DictParseOptions
	frames []dictFrame // frames[0] is the document level
	names  map[string]python.Ref
	ns     nsResolver
	nameb  []byte
	fullb  []byte
	path   python.Ref // list of (name, attrs|None), when a callback needs it
	decls  python.Ref // pending namespace declarations (dict)
}

// ParseDict parses doc into xmltodict's structure.
func ParseDict(doc []byte, opt *DictParseOptions) (python.Ref, error) {
	if tapeEligible(opt) {
		return parseDictTape(doc, opt)
	}
	b := &dictBuilder{opt: opt, names: make(map[string]python.Ref)}
	b.frames = append(b.frames, dictFrame{})
	defer func() {
		for _, r := range b.names {
			r.Release()
		}
		b.path.Release()
		b.decls.Release()
	}()
	if !opt.Postprocessor.IsNil() || !opt.ForceListFn.IsNil() || !opt.ForceCDataFn.IsNil() {
		var err error
		if b.path, err = python.NewList(0); err != nil {
			return python.Ref{}, err
		}
	}
	err := Scan(doc, b, opt.Limits)
	if err != nil {
		for i := range b.frames {
			b.frames[i].item.Release()
		}
		return python.Ref{}, PyError(err)
	}
	top := b.frames[0].item
	if top.IsNil() {
		return python.NoneRef(), nil
	}
	return top, nil
}

func (b *dictBuilder) intern(name []byte) (python.Object, error) {
	if r, ok := b.names[string(name)]; ok {
		return r.Object, nil
	}
	r, err := python.NewStr(name)
	if err != nil {
		return python.Object{}, err
	}
	b.names[string(name)] = r
	return r.Object, nil
}

// buildName is _build_name: with a namespaces mapping, the part before the
// last separator is replaced by its short name ("" or None drops it).
func (b *dictBuilder) buildName(dst, full []byte) []byte {
	if !b.opt.HasNSMap {
		return append(dst, full...)
	}
	i := bytes.LastIndex(full, b.opt.NSSep)
	if i < 0 {
		return append(dst, full...)
	}
	ns, local := full[:i], full[i+len(b.opt.NSSep):]
	short, ok := b.opt.NSMap[string(ns)]
	if !ok {
		return append(dst, full...)
	}
	if short == nil || *short == "" {
		return append(dst, local...)
	}
	dst = append(dst, *short...)
	dst = append(dst, b.opt.NSSep...)
	return append(dst, local...)
}

// fullName is the name expat reports: raw, or "uri<sep>local" when
// processing namespaces.
func (b *dictBuilder) fullName(dst, qname []byte, attr bool) ([]byte, error) {
	if !b.opt.Namespaces {
		return append(dst, qname...), nil
	}
	uri, local, ok := b.ns.resolve(qname, attr)
	if !ok {
		return dst, &SyntaxError{Kind: KindSyntax, Msg: "unbound prefix"}
	}
	if uri != nil {
		dst = append(dst, uri...)
		dst = append(dst, b.opt.NSSep...)
	}
	return append(dst, local...), nil
}

func (b *dictBuilder) Start(qname []byte, attrs []Attr) error {
	o := b.opt
	var err error
	if o.Namespaces {
		attrs = b.ns.push(attrs)
		if len(b.ns.decls) > 0 {
			if err := b.declare(); err != nil {
				return err
			}
		}
	}
	var name python.Object
	if !o.Namespaces && !o.HasNSMap {
		name, err = b.intern(qname)
	} else {
		full, err := b.fullName(b.fullb[:0], qname, false)
		if err != nil {
			return err
		}
		b.fullb = full
		b.nameb = b.buildName(b.nameb[:0], full)
		name, err = b.intern(b.nameb)
	}
	if err != nil {
		return err
	}
	var raw python.Ref // attrs as a dict of expat's names, for path / attrs
	needRaw := !b.path.IsNil() || (o.XMLAttribs && (len(attrs) > 0 || !b.decls.IsNil()))
	if needRaw && (len(attrs) > 0 || !b.decls.IsNil()) {
		if raw, err = python.NewDict(); err != nil {
			return err
		}
		defer raw.Release()
		for _, a := range attrs {
			an, err := b.fullName(nil, a.Name, true)
			if err != nil {
				return err
			}
			k, err := b.intern(an)
			if err != nil {
				return err
			}
			v, err := python.NewStr(a.Value)
			if err != nil {
				return err
			}
			err = python.DictSet(raw.Object, k, v.Object)
			v.Release()
			if err != nil {
				return err
			}
		}
		if !b.decls.IsNil() {
			k, err := b.intern([]byte("xmlns"))
			if err != nil {
				return err
			}
			err = python.DictSet(raw.Object, k, b.decls.Object)
			b.decls.Release()
			if err != nil {
				return err
			}
		}
	}
	if !b.path.IsNil() {
		if err := b.pushPath(name, raw.Object); err != nil {
			return err
		}
	}
	b.decls.Release() // consumed above, or unused (attributes ignored)
	var item python.Ref
	if o.XMLAttribs && !raw.IsNil() {
		if item, err = b.attrItem(raw.Object); err != nil {
			return err
		}
	}
	// Reuse the text buffer of a frame popped earlier at this depth.
	if len(b.frames) < cap(b.frames) {
		b.frames = b.frames[:len(b.frames)+1]
		f := &b.frames[len(b.frames)-1]
		*f = dictFrame{name: name, item: item, text: f.text[:0]}
	} else {
		b.frames = append(b.frames, dictFrame{name: name, item: item})
	}
	return nil
}

// declare records the element's namespace declarations for the 'xmlns'
// attribute (StartNamespaceDeclHandler: prefix or ” → uri).
func (b *dictBuilder) declare() error {
	if b.decls.IsNil() {
		d, err := python.NewDict()
		if err != nil {
			return err
		}
		b.decls = d
	}
	for _, dcl := range b.ns.decls {
		k, err := b.intern(dcl.prefix)
		if err != nil {
			return err
		}
		v, err := python.NewStr(dcl.uri)
		if err != nil {
			return err
		}
		err = python.DictSet(b.decls.Object, k, v.Object)
		v.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *dictBuilder) pushPath(name, raw python.Object) error {
	t, err := python.NewTuple(2)
	if err != nil {
		return err
	}
	python.TupleSet(t.Object, 0, python.NewRef(name))
	if raw.IsNil() || python.DictLen(raw) == 0 {
		python.TupleSet(t.Object, 1, python.NoneRef())
	} else {
		python.TupleSet(t.Object, 1, python.NewRef(raw))
	}
	err = python.ListAppend(b.path.Object, t.Object)
	t.Release()
	return err
}

func (b *dictBuilder) popPath() error {
	if b.path.IsNil() {
		return nil
	}
	last, err := python.CallMethod(b.path.Object, "pop")
	last.Release()
	return err
}

// attrItem builds the element's initial item from its attributes:
// {attr_prefix + name: value}, through the postprocessor when set; None
// when nothing remains.
func (b *dictBuilder) attrItem(raw python.Object) (python.Ref, error) {
	d, err := python.NewDict()
	if err != nil {
		return d, err
	}
	it := python.Items(raw)
	for {
		k, v, ok := it.Next()
		if !ok {
			break
		}
		kb, err := python.StrUTF8(k)
		if err != nil {
			d.Release()
			return python.Ref{}, err
		}
		b.nameb = append(b.nameb[:0], b.opt.AttrPrefix...)
		b.nameb = b.buildName(b.nameb, kb)
		key, err := b.intern(b.nameb)
		if err != nil {
			d.Release()
			return python.Ref{}, err
		}
		if !b.opt.Postprocessor.IsNil() {
			r, err := python.Call(b.opt.Postprocessor, b.path.Object, key, v)
			if err != nil {
				d.Release()
				return python.Ref{}, err
			}
			ok, err := python.IsTrue(r.Object)
			if err != nil || !ok {
				r.Release()
				if err != nil {
					d.Release()
					return python.Ref{}, err
				}
				continue
			}
			k2, v2, err := unpackPair(r.Object)
			if err != nil {
				r.Release()
				d.Release()
				return python.Ref{}, err
			}
			err = python.DictSet(d.Object, k2, v2)
			r.Release()
			if err != nil {
				d.Release()
				return python.Ref{}, err
			}
			continue
		}
		if err := python.DictSet(d.Object, key, v); err != nil {
			d.Release()
			return python.Ref{}, err
		}
	}
	if python.DictLen(d.Object) == 0 {
		d.Release()
		return python.Ref{}, nil
	}
	return d, nil
}

// unpackPair reads a postprocessor's (key, value) result.
func unpackPair(r python.Object) (python.Object, python.Object, error) {
	var items []python.Object
	switch {
	case r.Type() == python.TupleType:
		items = python.TupleItems(r)
	case r.Type() == python.ListType:
		items = python.ListItems(r)
	default:
		return python.Object{}, python.Object{}, python.Errorf(python.TypeError, "postprocessor must return a (key, value) pair, not %s", r.TypeName())
	}
	if len(items) != 2 {
		return python.Object{}, python.Object{}, python.Errorf(python.ValueError, "postprocessor must return a (key, value) pair (got %d items)", len(items))
	}
	return items[0], items[1], nil
}

func (b *dictBuilder) Text(data []byte) error {
	f := &b.frames[len(b.frames)-1]
	if len(b.frames) == 1 {
		return nil // text outside the root: only whitespace reaches here
	}
	f.text = append(f.text, data...)
	f.texts++
	return nil
}

func (b *dictBuilder) Comment(data []byte) error {
	if !b.opt.Comments {
		return nil
	}
	if b.opt.StripWhitespace {
		data = pyStrip(data)
	}
	s, err := python.NewStr(data)
	if err != nil {
		return err
	}
	defer s.Release()
	f := &b.frames[len(b.frames)-1]
	return b.pushData(&f.item, b.opt.CommentKey, s.Object)
}

func (b *dictBuilder) End([]byte) error {
	if b.opt.Namespaces {
		b.ns.pop()
	}
	f := b.frames[len(b.frames)-1]
	b.frames = b.frames[:len(b.frames)-1]
	parent := &b.frames[len(b.frames)-1]
	defer f.item.Release()
	// data: None, or the joined text (stripped, and None if that empties it).
	var data python.Ref
	if f.item.IsNil() && b.fast() {
		// The common leaf: one C call builds the str and stores it.
		text := f.text
		if f.texts > 0 && b.opt.StripWhitespace {
			text = pyStrip(text)
		}
		if len(text) > 0 && !b.opt.ForceCDataAll && b.opt.ForceCData == nil {
			if err := b.ensureDict(&parent.item); err != nil {
				return err
			}
			if err := python.DictPushText(parent.item.Object, f.name, text, b.forceListSet(f.name)); err != nil {
				return err
			}
			return nil
		}
	}
	if f.texts > 0 {
		text := f.text
		if b.opt.StripWhitespace {
			text = pyStrip(text)
		}
		if len(text) > 0 {
			var err error
			if data, err = python.NewStr(text); err != nil {
				return err
			}
			defer data.Release()
		}
	}
	hasData := !data.IsNil()
	if hasData && f.item.IsNil() {
		force, err := b.forced(b.opt.ForceCDataAll, b.opt.ForceCData, b.opt.ForceCDataFn, f.name, data.Object)
		if err != nil {
			return err
		}
		if force {
			if f.item, err = python.NewDict(); err != nil {
				return err
			}
		}
	}
	var err error
	switch {
	case !f.item.IsNil():
		if hasData {
			if err := b.pushData(&f.item, b.opt.CDataKey, data.Object); err != nil {
				return err
			}
		}
		if f.item.Type() == python.DictType {
			python.DictMaybeUntrack(f.item.Object)
		}
		err = b.pushData(&parent.item, f.name, f.item.Object)
	case hasData:
		err = b.pushData(&parent.item, f.name, data.Object)
	default:
		err = b.pushData(&parent.item, f.name, python.None)
	}
	if err != nil {
		return err
	}
	return b.popPath()
}

// pushData is _DictSAXHandler.push_data.
func (b *dictBuilder) pushData(item *python.Ref, key, data python.Object) error {
	if !b.opt.Postprocessor.IsNil() {
		r, err := python.Call(b.opt.Postprocessor, b.path.Object, key, data)
		if err != nil {
			return err
		}
		defer r.Release()
		if r.Object == python.None {
			return nil
		}
		if key, data, err = unpackPair(r.Object); err != nil {
			return err
		}
	}
	if err := b.ensureDict(item); err != nil {
		return err
	}
	if b.fast() {
		return python.DictPush(item.Object, key, data, b.forceListSet(key))
	}
	old, err := python.DictGet(item.Object, key)
	if err != nil {
		return err
	}
	if !old.IsNil() {
		if old.Type() == python.ListType || old.Type().TypeFlags()&python.FlagListSubclass != 0 {
			return python.ListAppend(old, data)
		}
		l, err := python.NewList(2)
		if err != nil {
			return err
		}
		python.ListSet(l.Object, 0, python.NewRef(old))
		python.ListSet(l.Object, 1, python.NewRef(data))
		err = python.DictSet(item.Object, key, l.Object)
		l.Release()
		return err
	}
	force, err := b.forced(b.opt.ForceListAll, b.opt.ForceList, b.opt.ForceListFn, key, data)
	if err != nil {
		return err
	}
	if force {
		l, err := python.NewList(1)
		if err != nil {
			return err
		}
		python.ListSet(l.Object, 0, python.NewRef(data))
		err = python.DictSet(item.Object, key, l.Object)
		l.Release()
		return err
	}
	return python.DictSet(item.Object, key, data)
}

// fast reports that no Python callback is involved (push_data needs no
// path and no postprocessor).
func (b *dictBuilder) fast() bool {
	return b.path.IsNil()
}

// forceListSet decides force_list without callbacks (fast mode only).
func (b *dictBuilder) forceListSet(key python.Object) bool {
	if b.opt.ForceListAll {
		return true
	}
	if b.opt.ForceList == nil {
		return false
	}
	k, err := python.StrUTF8(key)
	return err == nil && b.opt.ForceList[string(k)]
}

func (b *dictBuilder) ensureDict(item *python.Ref) error {
	if !item.IsNil() {
		return nil
	}
	d, err := python.NewDict()
	if err != nil {
		return err
	}
	*item = d
	return nil
}

// forced is _should_force_list / _should_force_cdata: all, a set of
// names, or a callable(path[:-1], key, value).
func (b *dictBuilder) forced(all bool, set map[string]bool, fn, key, value python.Object) (bool, error) {
	if all {
		return true, nil
	}
	if set != nil {
		k, err := python.StrUTF8(key)
		if err != nil {
			return false, err
		}
		return set[string(k)], nil
	}
	if fn.IsNil() {
		return false, nil
	}
	sl, err := pathPrefix(b.path.Object)
	if err != nil {
		return false, err
	}
	defer sl.Release()
	r, err := python.Call(fn, sl.Object, key, value)
	if err != nil {
		return false, err
	}
	defer r.Release()
	return python.IsTrue(r.Object)
}

// pathPrefix is path[:-1] as a new list.
func pathPrefix(path python.Object) (python.Ref, error) {
	items := python.ListItems(path)
	n := len(items) - 1
	if n < 0 {
		n = 0
	}
	l, err := python.NewList(n)
	if err != nil {
		return l, err
	}
	for i := 0; i < n; i++ {
		python.ListSet(l.Object, i, python.NewRef(items[i]))
	}
	return l, nil
}

// pyStrip is str.strip(): Python's whitespace at both ends.
func pyStrip(b []byte) []byte {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if !pySpace(r) {
			break
		}
		b = b[n:]
	}
	for len(b) > 0 {
		r, n := utf8.DecodeLastRune(b)
		if !pySpace(r) {
			break
		}
		b = b[:len(b)-n]
	}
	return b
}

// pySpace is Py_UNICODE_ISSPACE.
func pySpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x1c, 0x1d, 0x1e, 0x1f, 0x85, 0xa0, 0x1680,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}
