package xmlfast

import (
	"strconv"
	"sync"

	"goaccel/python"
)

// xmltodict.unparse semantics (xmltodict 1.0's _emit on its XMLGenerator
// subclass): keys are element names, attr_prefix keys attributes, cdata_key
// the text, lists repeat the element, None is an empty element, bools are
// "true"/"false", other values str(). Names are validated as xmltodict
// does; text is escaped like xml.sax.saxutils (control characters pass).

// UnparseOptions mirrors xmltodict.unparse's keyword arguments.
type UnparseOptions struct {
	AttrPrefix   []byte
	CDataKey     python.Object
	CommentKey   python.Object
	Pretty       bool
	Newl, Indent []byte
	FullDocument bool
	ShortEmpty   bool
	Encoding     []byte
	ExpandIter   python.Object // str or nil
	Convert      python.Object // _convert_value_to_string for bytes-likes
}

type unparser struct {
	opt     *UnparseOptions
	buf     []byte
	pending bool
	depth   int
	refs    python.Refs
	// Shared stacks (by index ranges, since recursion may grow them):
	// per-element pairs, attributes and children without allocating.
	pairs [][2]python.Object
	attrs []attrKV
	kids  [][2]python.Object
	abase int // the current element's first attribute in attrs
}

var unparserPool = sync.Pool{New: func() any { return &unparser{} }}

type attrKV struct {
	name  python.Object
	value python.Object
}

// Unparse renders mapping as xmltodict.unparse would into a str.
func Unparse(mapping python.Object, opt *UnparseOptions) (python.Ref, error) {
	pooled := getBuf()
	u := unparserPool.Get().(*unparser)
	*u = unparser{opt: opt, buf: *pooled, refs: u.refs[:0], pairs: u.pairs[:0], attrs: u.attrs[:0], kids: u.kids[:0]}
	defer func() {
		*pooled = u.buf
		putBuf(pooled)
		u.refs.Release()
		clear(u.pairs[:cap(u.pairs)])
		clear(u.attrs[:cap(u.attrs)])
		clear(u.kids[:cap(u.kids)])
		u.opt, u.buf = nil, nil
		unparserPool.Put(u)
	}()
	if err := u.document(mapping); err != nil {
		if te, ok := err.(textError); ok && te == errSurrogate {
			return python.Ref{}, ErrFallback
		}
		return python.Ref{}, err
	}
	return python.NewStr(u.buf)
}

func (u *unparser) document(m python.Object) error {
	if u.opt.FullDocument {
		u.buf = append(u.buf, `<?xml version="1.0" encoding="`...)
		u.buf = append(u.buf, u.opt.Encoding...)
		u.buf = append(u.buf, "\"?>\n"...)
	}
	ps, pe, err := u.items(m)
	if err != nil {
		return err
	}
	seenRoot := false
	for i := ps; i < pe; i++ {
		kv := u.pairs[i]
		isComment := u.isCommentKey(kv[0])
		if !isComment && u.opt.FullDocument && seenRoot {
			return python.Errorf(python.ValueError, "Document must have exactly one root.")
		}
		if err := u.emit(kv[0], kv[1], 0); err != nil {
			return err
		}
		if !isComment {
			seenRoot = true
		}
	}
	if u.opt.FullDocument && !seenRoot {
		return python.Errorf(python.ValueError, "Document must have exactly one root.")
	}
	return nil
}

func isStrObj(o python.Object) bool {
	return o.Type() == python.StrType || o.Type().TypeFlags()&python.FlagStrSubclass != 0
}

func strEq(a, b python.Object) bool {
	if a == b {
		return true
	}
	if !isStrObj(a) || !isStrObj(b) {
		return false
	}
	x, err1 := python.StrUTF8(a)
	y, err2 := python.StrUTF8(b)
	if err1 != nil || err2 != nil {
		python.Fetch().Release()
		return false
	}
	return string(x) == string(y)
}

func (u *unparser) isCommentKey(k python.Object) bool { return strEq(k, u.opt.CommentKey) }

// items appends a mapping's pairs to u.pairs and returns their range:
// direct reads for a dict, items() otherwise. The pairs are held (u.refs)
// until the document is written: str() callbacks run later could
// otherwise free them.
func (u *unparser) items(m python.Object) (int, int, error) {
	start := len(u.pairs)
	if m.Type() == python.DictType {
		it := python.Items(m)
		for {
			k, v, ok := it.Next()
			if !ok {
				return start, len(u.pairs), nil
			}
			u.pairs = append(u.pairs, [2]python.Object{u.refs.Add(python.NewRef(k)), u.refs.Add(python.NewRef(v))})
		}
	}
	view, err := python.CallMethod(m, "items")
	if err != nil {
		return 0, 0, err
	}
	l, err := python.Call(python.ListType, view.Object)
	view.Release()
	if err != nil {
		return 0, 0, err
	}
	u.refs.Add(l)
	for _, p := range python.ListItems(l.Object) {
		if p.Type() != python.TupleType || len(python.TupleItems(p)) != 2 {
			return 0, 0, python.Errorf(python.ValueError, "items() did not yield pairs")
		}
		t := python.TupleItems(p)
		u.pairs = append(u.pairs, [2]python.Object{t[0], t[1]})
	}
	return start, len(u.pairs), nil
}

// validateName is xmltodict's _validate_name.
func validateName(name python.Object, kind string) error {
	if !isStrObj(name) {
		return python.Errorf(python.ValueError, "%s name must be a string", kind)
	}
	data, n, k, _, ok := python.StrData(name)
	if !ok {
		return nil
	}
	at := func(i int) rune { return strRune(data, k, i) }
	if n > 0 && (at(0) == '?' || at(0) == '!') {
		return python.Errorf(python.ValueError, `Invalid %s name: cannot start with "?" or "!"`, kind)
	}
	var lt, slash, quote, eq, space bool
	for i := 0; i < n; i++ {
		switch r := at(i); {
		case r == '<' || r == '>':
			lt = true
		case r == '/':
			slash = true
		case r == '"' || r == '\'':
			quote = true
		case r == '=':
			eq = true
		case pySpace(r):
			space = true
		}
	}
	switch {
	case lt:
		return python.Errorf(python.ValueError, `Invalid %s name: "<" or ">" not allowed`, kind)
	case slash:
		return python.Errorf(python.ValueError, `Invalid %s name: "/" not allowed`, kind)
	case quote:
		return python.Errorf(python.ValueError, "Invalid %s name: quotes not allowed", kind)
	case eq:
		return python.Errorf(python.ValueError, `Invalid %s name: "=" not allowed`, kind)
	case space:
		return python.Errorf(python.ValueError, "Invalid %s name: whitespace not allowed", kind)
	}
	return nil
}

// toStr is _convert_value_to_string: str as is, bools lowercase,
// bytes-likes through the Python helper (encoding, bytes_errors), else str().
func (u *unparser) toStr(v python.Object) (python.Object, error) {
	t := v.Type()
	switch {
	case isStrObj(v):
		return v, nil
	case t == python.BoolType:
		s := "false"
		if v == python.True {
			s = "true"
		}
		r, err := python.NewString(s)
		if err != nil {
			return python.Object{}, err
		}
		return u.refs.Add(r), nil
	case t == python.BytesType || t == python.ByteArrayType || t == python.MemoryViewType ||
		t.TypeFlags()&python.FlagBytesSubclass != 0:
		r, err := python.Call(u.opt.Convert, v)
		if err != nil {
			return python.Object{}, err
		}
		return u.refs.Add(r), nil
	}
	r, err := python.StrObject(v)
	if err != nil {
		return python.Object{}, err
	}
	return u.refs.Add(r), nil
}

// writeText writes a scalar's string form escaped, without a temporary
// str for ints and floats.
func (u *unparser) writeText(v python.Object) error {
	var err error
	switch v.Type() {
	case python.StrType:
		u.buf, err = escapeStr(u.buf, v, &escLoose)
		return err
	case python.IntType:
		if n, ok := python.LongInt64(v); ok {
			u.buf = strconv.AppendInt(u.buf, n, 10)
			return nil
		}
	case python.FloatType:
		u.buf = appendFloatRepr(u.buf, python.FloatValue(v))
		return nil
	}
	s, err := u.toStr(v)
	if err != nil {
		return err
	}
	u.buf, err = escapeStr(u.buf, s, &escLoose)
	return err
}

func (u *unparser) finishPending() {
	if u.pending {
		u.buf = append(u.buf, '>')
		u.pending = false
	}
}

func (u *unparser) whitespace(s []byte) {
	if len(s) > 0 {
		u.finishPending()
		u.buf = append(u.buf, s...)
	}
}

func (u *unparser) indent(depth int) {
	if len(u.opt.Indent) == 0 || depth == 0 {
		return
	}
	u.finishPending()
	for i := 0; i < depth; i++ {
		u.buf = append(u.buf, u.opt.Indent...)
	}
}

func (u *unparser) comments(value python.Object, depth int) error {
	list := []python.Object{value}
	if value.Type() == python.ListType || value.Type().TypeFlags()&python.FlagListSubclass != 0 {
		list = python.ListItems(value)
	}
	for _, c := range list {
		if c == python.None {
			continue
		}
		s, err := u.toStr(c)
		if err != nil {
			return err
		}
		if n, _ := python.Len(s); n == 0 {
			continue
		}
		if u.opt.Pretty {
			u.indent(depth)
		}
		b, err := python.StrUTF8(s)
		if err != nil {
			python.Fetch().Release()
			return errSurrogate
		}
		if containsDashDash(b) {
			return python.Errorf(python.ValueError, "Comment text cannot contain '--'")
		}
		if len(b) > 0 && b[len(b)-1] == '-' {
			return python.Errorf(python.ValueError, "Comment text cannot end with '-'")
		}
		// _XMLGenerator.comment writes without closing a pending start tag.
		u.buf = append(u.buf, "<!--"...)
		u.buf, _ = escapeBytes(u.buf, b, &escLoose)
		u.buf = append(u.buf, "-->"...)
		if u.opt.Pretty {
			u.whitespace(u.opt.Newl)
		}
	}
	return nil
}

func containsDashDash(b []byte) bool {
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '-' && b[i+1] == '-' {
			return true
		}
	}
	return false
}

// iterable reports whether _emit iterates value (it has __iter__ and is not
// a str, bytes-like or dict).
func iterable(value python.Object) bool {
	t := value.Type()
	switch {
	case t == python.ListType || t == python.TupleType:
		return true
	case t == python.DictType || isStrObj(value) || t == python.NoneType || t == python.IntType ||
		t == python.FloatType || t == python.BoolType || t == python.BytesType ||
		t == python.ByteArrayType || t == python.MemoryViewType ||
		t.TypeFlags()&(python.FlagDictSubclass|python.FlagBytesSubclass) != 0:
		return false
	}
	return python.HasAttr(value, "__iter__")
}

func (u *unparser) emit(key, value python.Object, depth int) error {
	if u.isCommentKey(key) {
		return u.comments(value, depth)
	}
	if err := validateName(key, "element"); err != nil {
		return err
	}
	u.depth++
	if u.depth > MaxRenderDepth {
		return python.Errorf(python.RecursionError, "maximum recursion depth exceeded while unparsing XML")
	}
	defer func() { u.depth-- }()
	if !iterable(value) {
		return u.element(key, value, depth)
	}
	list := value
	if t := value.Type(); t != python.ListType && t != python.TupleType {
		l, err := python.Call(python.ListType, value)
		if err != nil {
			return err
		}
		list = u.refs.Add(l)
	}
	// By index on the live sequence, as Python's iteration does; each item
	// is held while it is written.
	for index := 0; ; index++ {
		var items []python.Object
		if list.Type() == python.TupleType {
			items = python.TupleItems(list)
		} else {
			items = python.ListItems(list)
		}
		if index >= len(items) {
			return nil
		}
		if u.opt.FullDocument && depth == 0 && index > 0 {
			return python.Errorf(python.ValueError, "document with multiple roots")
		}
		ref := python.NewRef(items[index])
		err := u.element(key, ref.Object, depth)
		ref.Release()
		if err != nil {
			return err
		}
	}
}

func (u *unparser) element(key, v python.Object, depth int) error {
	var cdata python.Object // nil: no text
	ps, pe := len(u.pairs), len(u.pairs)
	as, ks := len(u.attrs), len(u.kids)
	u.abase = as
	defer func() {
		u.pairs, u.attrs, u.kids = u.pairs[:ps], u.attrs[:as], u.kids[:ks]
	}()
	t := v.Type()
	isDict := t == python.DictType || t.TypeFlags()&python.FlagDictSubclass != 0
	switch {
	case v == python.None:
	case isDict:
		var err error
		if ps, pe, err = u.items(v); err != nil {
			return err
		}
	case isStrObj(v) || t == python.IntType || t == python.FloatType:
		cdata = v
	default:
		if !u.opt.ExpandIter.IsNil() && t != python.BytesType && t != python.ByteArrayType &&
			t != python.MemoryViewType && python.HasAttr(v, "__iter__") {
			u.pairs = append(u.pairs, [2]python.Object{u.opt.ExpandIter, v})
			pe = len(u.pairs)
		} else {
			s, err := u.toStr(v)
			if err != nil {
				return err
			}
			cdata = s
		}
	}
	for i := ps; i < pe; i++ {
		ik, iv := u.pairs[i][0], u.pairs[i][1]
		if strEq(ik, u.opt.CDataKey) {
			if iv == python.None {
				cdata = python.Object{}
			} else if iv.Type() == python.IntType || iv.Type() == python.FloatType {
				cdata = iv
			} else {
				s, err := u.toStr(iv)
				if err != nil {
					return err
				}
				cdata = s
			}
			continue
		}
		if isStrObj(ik) {
			kb, err := python.StrUTF8(ik)
			if err != nil {
				python.Fetch().Release()
				return errSurrogate
			}
			if hasPrefix(kb, u.opt.AttrPrefix) {
				if err := u.attribute(ik, kb, iv); err != nil {
					return err
				}
				continue
			}
		}
		if (iv.Type() == python.ListType || iv.Type().TypeFlags()&python.FlagListSubclass != 0) && len(python.ListItems(iv)) == 0 {
			continue
		}
		u.kids = append(u.kids, [2]python.Object{ik, iv})
	}
	nattrs, nkids := len(u.attrs)-as, len(u.kids)-ks
	o := u.opt
	if o.Pretty {
		u.indent(depth)
	}
	// startElement
	u.finishPending()
	u.buf = append(u.buf, '<')
	var err error
	if u.buf, err = appendRawStr(u.buf, key); err != nil {
		return err
	}
	for i := as; i < as+nattrs; i++ {
		a := u.attrs[i]
		u.buf = append(u.buf, ' ')
		if u.buf, err = appendRawStr(u.buf, a.name); err != nil {
			return err
		}
		u.buf = append(u.buf, '=')
		if err := u.quoteAttr(a.value); err != nil {
			return err
		}
	}
	if o.ShortEmpty {
		u.pending = true
	} else {
		u.buf = append(u.buf, '>')
	}
	if o.Pretty && nkids > 0 {
		u.whitespace(o.Newl)
	}
	for i := ks; i < ks+nkids; i++ {
		c := u.kids[i] // by index: the recursion may grow (move) the stack
		if err := u.emit(c[0], c[1], depth+1); err != nil {
			return err
		}
	}
	if !cdata.IsNil() {
		mark := len(u.buf)
		wasPending := u.pending
		u.finishPending()
		start := len(u.buf)
		if err := u.writeText(cdata); err != nil {
			return err
		}
		if len(u.buf) == start && wasPending {
			// characters('') writes nothing and leaves the tag open.
			u.buf = u.buf[:mark]
			u.pending = true
		}
	}
	if o.Pretty && nkids > 0 {
		u.indent(depth)
	}
	// endElement
	if u.pending {
		u.buf = append(u.buf, '/', '>')
		u.pending = false
	} else {
		u.buf = append(u.buf, '<', '/')
		if u.buf, err = appendRawStr(u.buf, key); err != nil {
			return err
		}
		u.buf = append(u.buf, '>')
	}
	if o.Pretty && depth > 0 {
		u.whitespace(o.Newl)
	}
	return nil
}

func hasPrefix(b, p []byte) bool { return len(b) >= len(p) && string(b[:len(p)]) == string(p) }

// attribute adds one attr_prefix key: '@xmlns' with a dict declares
// namespaces; None is the empty string; other values go through toStr.
func (u *unparser) attribute(ik python.Object, kb []byte, iv python.Object) error {
	attrs, err := u.attributeKV(u.attrs, ik, kb, iv)
	u.attrs = attrs
	return err
}

func (u *unparser) attributeKV(attrs []attrKV, ik python.Object, kb []byte, iv python.Object) ([]attrKV, error) {
	if string(kb) == "@xmlns" && (iv.Type() == python.DictType || iv.Type().TypeFlags()&python.FlagDictSubclass != 0) {
		ps, pe, err := u.items(iv)
		if err != nil {
			return attrs, err
		}
		for i := ps; i < pe; i++ {
			kv := u.pairs[i]
			if err := validateName(kv[0], "attribute"); err != nil {
				return attrs, err
			}
			nb, err := python.StrUTF8(kv[0])
			if err != nil {
				python.Fetch().Release()
				return attrs, errSurrogate
			}
			name := "xmlns"
			if len(nb) > 0 {
				name += ":" + string(nb)
			}
			nr, err := python.NewString(name)
			if err != nil {
				return attrs, err
			}
			val := kv[1]
			if val == python.None {
				val = u.refs.Add(mustStr(""))
			} else if val, err = u.toStr(val); err != nil {
				return attrs, err
			}
			attrs = setAttr(attrs, u.abase, u.refs.Add(nr), val)
		}
		return attrs, nil
	}
	var val python.Object
	var err error
	if iv == python.None {
		val = u.refs.Add(mustStr(""))
	} else if val, err = u.toStr(iv); err != nil {
		return attrs, err
	}
	nr, err := python.NewStr(kb[len(u.opt.AttrPrefix):])
	if err != nil {
		return attrs, err
	}
	name := u.refs.Add(nr)
	if err := validateName(name, "attribute"); err != nil {
		return attrs, err
	}
	return setAttr(attrs, u.abase, name, val), nil
}

func mustStr(s string) python.Ref {
	r, _ := python.NewString(s)
	return r
}

// setAttr is attrs[name] = value on an insertion-ordered dict.
func setAttr(attrs []attrKV, base int, name, value python.Object) []attrKV {
	for i := base; i < len(attrs); i++ {
		if strEq(attrs[i].name, name) {
			attrs[i].value = value
			return attrs
		}
	}
	return append(attrs, attrKV{name, value})
}

// quoteAttr is xml.sax.saxutils.quoteattr.
func (u *unparser) quoteAttr(v python.Object) error {
	b, err := python.StrUTF8(v)
	if err != nil {
		python.Fetch().Release()
		return errSurrogate
	}
	hasDQ, hasSQ := false, false
	for _, c := range b {
		if c == '"' {
			hasDQ = true
		} else if c == '\'' {
			hasSQ = true
		}
	}
	q := byte('"')
	if hasDQ && !hasSQ {
		q = '\''
	}
	u.buf = append(u.buf, q)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '&':
			u.buf = append(u.buf, "&amp;"...)
		case '<':
			u.buf = append(u.buf, "&lt;"...)
		case '>':
			u.buf = append(u.buf, "&gt;"...)
		case '\n':
			u.buf = append(u.buf, "&#10;"...)
		case '\r':
			u.buf = append(u.buf, "&#13;"...)
		case '\t':
			u.buf = append(u.buf, "&#9;"...)
		case '"':
			if q == '"' {
				u.buf = append(u.buf, "&quot;"...)
			} else {
				u.buf = append(u.buf, c)
			}
		default:
			u.buf = append(u.buf, c)
		}
	}
	u.buf = append(u.buf, q)
	return nil
}
