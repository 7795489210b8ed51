package xmlfast

import (
	"strconv"

	"goaccel/python"
)

// DRF parser semantics (djangorestframework-xml 2.0's XMLParser on
// defusedxml's ElementTree): the root's content converted recursively; an
// element without children gives its converted text (None when it has no
// text); with children, a list when the first child is the item tag, else a
// dict from child tag to value (a later duplicate overwrites). Tags in a
// namespace are "{uri}local", as ElementTree names them.

// DRFParseOptions configures ParseDRF.
type DRFParseOptions struct {
	ItemTag []byte
	Limits  Limits
}

type drfFrame struct {
	tag       python.Object // interned, borrowed from the builder
	container bool
	isList    bool
	dict      python.Ref
	items     []python.Ref
	text      []byte
	hasText   bool
}

type drfBuilder struct {
	opt    DRFParseOptions
	frames []drfFrame
	names  map[string]python.Ref
	ns     nsResolver
	nameb  []byte
	result python.Ref
}

// ParseDRF parses doc and returns the converted data.
func ParseDRF(doc []byte, opt DRFParseOptions) (python.Ref, error) {
	if !Configured() {
		return python.Ref{}, python.Errorf(python.RuntimeError, "xmlfast is not configured (import xmlfast first)")
	}
	b := &drfBuilder{opt: opt, names: make(map[string]python.Ref)}
	err := Scan(doc, b, opt.Limits)
	for _, r := range b.names {
		r.Release()
	}
	if err != nil {
		for i := range b.frames {
			b.frames[i].release()
		}
		b.result.Release()
		return python.Ref{}, PyError(err)
	}
	return b.result, nil
}

func (f *drfFrame) release() {
	f.dict.Release()
	for i := range f.items {
		f.items[i].Release()
	}
	f.items = f.items[:0]
}

// tag returns the interned str for a resolved element name.
func (b *drfBuilder) tag(name []byte) (python.Object, error) {
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

func (b *drfBuilder) Start(name []byte, attrs []Attr) error {
	b.ns.push(attrs)
	uri, local, ok := b.ns.resolve(name, false)
	if !ok {
		return &SyntaxError{Kind: KindSyntax, Msg: "unbound prefix", Line: 0}
	}
	full := local
	if uri != nil {
		b.nameb = append(append(append(append(b.nameb[:0], '{'), uri...), '}'), local...)
		full = b.nameb
	}
	tag, err := b.tag(full)
	if err != nil {
		return err
	}
	if n := len(b.frames); n > 0 {
		p := &b.frames[n-1]
		if !p.container {
			p.container = true
			if string(full) == string(b.opt.ItemTag) {
				p.isList = true
			} else if p.dict, err = python.NewDict(); err != nil {
				return err
			}
		}
	}
	if len(b.frames) < cap(b.frames) {
		b.frames = b.frames[:len(b.frames)+1]
		f := &b.frames[len(b.frames)-1]
		*f = drfFrame{tag: tag, text: f.text[:0], items: f.items[:0]}
	} else {
		b.frames = append(b.frames, drfFrame{tag: tag})
	}
	return nil
}

func (b *drfBuilder) Text(data []byte) error {
	f := &b.frames[len(b.frames)-1]
	if !f.container {
		f.text = append(f.text, data...)
		f.hasText = true
	}
	return nil
}

func (b *drfBuilder) Comment([]byte) error { return nil }

func (b *drfBuilder) End([]byte) error {
	b.ns.pop()
	f := &b.frames[len(b.frames)-1]
	var v python.Ref
	var err error
	switch {
	case f.isList:
		v, err = python.NewList(len(f.items))
		if err != nil {
			return err
		}
		for i := range f.items {
			python.ListSet(v.Object, i, f.items[i])
		}
		f.items = f.items[:0]
	case f.container:
		v = f.dict
		f.dict = python.Ref{}
		python.DictMaybeUntrack(v.Object)
	case !f.hasText:
		v = python.NoneRef()
	default:
		if done, err := b.leafIntoDict(f); done || err != nil {
			return err
		}
		v, err = b.leaf(f.text)
		if err != nil {
			return err
		}
	}
	tag := f.tag
	b.frames = b.frames[:len(b.frames)-1]
	if len(b.frames) == 0 {
		b.result = v
		return nil
	}
	p := &b.frames[len(b.frames)-1]
	if p.isList {
		p.items = append(p.items, v)
		return nil
	}
	err = python.DictSet(p.dict.Object, tag, v.Object)
	v.Release()
	return err
}

// leafIntoDict stores the common leaves (str, small int) of a dict parent
// with one C call each; it reports whether it did.
func (b *drfBuilder) leafIntoDict(f *drfFrame) (bool, error) {
	n := len(b.frames)
	if n < 2 || b.frames[n-2].isList {
		return false, nil
	}
	parent := b.frames[n-2].dict.Object
	kind, _, digits := classifyLeaf(f.text)
	switch {
	case kind == leafStr:
		err := python.DictSetText(parent, f.tag, f.text)
		b.frames = b.frames[:n-1]
		return true, err
	case kind == leafInt && len(digits) <= 18:
		v, _ := strconv.ParseInt(string(digits), 10, 64)
		err := python.DictSetInt(parent, f.tag, v)
		b.frames = b.frames[:n-1]
		return true, err
	}
	return false, nil
}

// leaf converts text as _type_convert does.
func (b *drfBuilder) leaf(text []byte) (python.Ref, error) {
	kind, dt, digits := classifyLeaf(text)
	switch kind {
	case leafDateTime:
		r, err := python.NewDateTime(dt.y, dt.mo, dt.d, dt.h, dt.mi, dt.s, 0)
		if err == nil {
			return r, nil
		}
		// strptime's ValueError (e.g. February 30): try the next types.
		if exc := python.Fetch(); exc != nil {
			if !exc.Matches(python.ValueError) {
				return python.Ref{}, exc
			}
			exc.Release()
		}
		// A date-shaped text ('-' and ':' inside) is never an int or a
		// Decimal either: it stays a str.
		return python.NewStr(text)
	case leafInt:
		if len(digits) <= 18 {
			v, _ := strconv.ParseInt(string(digits), 10, 64)
			return python.NewInt64(v)
		}
		r, err := python.NewIntFromDecimal(string(digits))
		if err == nil {
			return r, nil
		}
		// int()'s digit limit: ValueError, then Decimal takes it.
		if exc := python.Fetch(); exc != nil {
			if !exc.Matches(python.ValueError) {
				return python.Ref{}, exc
			}
			exc.Release()
		}
		return b.decimal(text)
	case leafDecimal:
		return b.decimal(text)
	case leafPython:
		s, err := python.NewStr(text)
		if err != nil {
			return s, err
		}
		defer s.Release()
		return python.Call(drfConvert.Object, s.Object)
	}
	return python.NewStr(text)
}

func (b *drfBuilder) decimal(text []byte) (python.Ref, error) {
	s, err := python.NewStr(text)
	if err != nil {
		return s, err
	}
	d, err := python.Call(decimalType.Object, s.Object)
	if err == nil {
		s.Release()
		return d, nil
	}
	if exc := python.Fetch(); exc != nil {
		if !exc.Matches(invalidOperation.Object) {
			s.Release()
			return python.Ref{}, exc
		}
		exc.Release()
	}
	return s, nil
}
