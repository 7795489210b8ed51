package xmlfast

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"goaccel/python"
)

// DRF renderer semantics (djangorestframework-xml 2.0's XMLRenderer on
// Django's SimplerXMLGenerator): the XML declaration, then root, then per
// value: list/tuple → repeated item tags, dict → one element per key (the
// key written as is), None → nothing, anything else → force_str(value)
// escaped. The walk reads objects directly; only uncommon types go through
// the force_str callable the caller passes (Django's own).

// ErrFallback asks the Python face to render with its pure-Python copy of
// the reference algorithm (a lone surrogate, which has no UTF-8 form).
var ErrFallback = errors.New("xmlfast: use the Python fallback")

// MaxRenderDepth is where rendering stops with RecursionError (the
// reference hits Python's recursion limit near the same depth).
const MaxRenderDepth = 1000

// DRFRenderOptions configures RenderDRF.
type DRFRenderOptions struct {
	Root, Item   python.Object // str tag names
	ForceStr     python.Object // callable(value) -> str for uncommon types
	ControlError python.Object // exception type for control characters
	Sanitize     bool          // make invalid tag names valid (opt-in)
}

type drfWriter struct {
	DRFRenderOptions
	buf   []byte
	item  []byte
	depth int
	// calls counts calls into Python code (str(), force_str, items()):
	// after one, containers being read directly are re-validated, since
	// the callback may have mutated them.
	calls int
}

const xmlDecl = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

// RenderDRF renders data and returns the document as a str.
func RenderDRF(data python.Object, opt DRFRenderOptions) (python.Ref, error) {
	if data == python.None {
		return python.NewString("")
	}
	pooled := getBuf()
	w := drfWriter{DRFRenderOptions: opt, buf: *pooled}
	defer func() { *pooled = w.buf; putBuf(pooled) }()
	var err error
	if w.item, err = w.tagBytes(nil, opt.Item); err != nil {
		return python.Ref{}, w.fail(err)
	}
	w.buf = append(w.buf, xmlDecl...)
	root, err := w.tagBytes(nil, opt.Root)
	if err != nil {
		return python.Ref{}, w.fail(err)
	}
	w.open(root)
	if err := w.value(data); err != nil {
		return python.Ref{}, w.fail(err)
	}
	w.close(root)
	return python.NewStr(w.buf)
}

func (w *drfWriter) fail(err error) error {
	var te textError
	if errors.As(err, &te) {
		if te == errSurrogate {
			return ErrFallback
		}
		return python.Errorf(w.ControlError, "%s", te.Error())
	}
	return err
}

func (w *drfWriter) open(tag []byte) {
	w.buf = append(w.buf, '<')
	w.buf = append(w.buf, tag...)
	w.buf = append(w.buf, '>')
}

func (w *drfWriter) close(tag []byte) {
	w.buf = append(w.buf, '<', '/')
	w.buf = append(w.buf, tag...)
	w.buf = append(w.buf, '>')
}

// tagBytes appends a key's tag name to dst. A non-str key is the
// reference's TypeError (`'<' + name`) unless sanitizing is on.
func (w *drfWriter) tagBytes(dst []byte, key python.Object) ([]byte, error) {
	isStr := key.Type() == python.StrType || key.Type().TypeFlags()&python.FlagStrSubclass != 0
	if !w.Sanitize {
		if !isStr {
			return dst, python.Errorf(python.TypeError, "can only concatenate str (not \"%s\") to str", shortTypeName(key))
		}
		return appendRawStr(dst, key)
	}
	var raw []byte
	var err error
	if isStr {
		raw, err = appendRawStr(nil, key)
	} else {
		var s python.Ref
		s, err = w.forceStr(key)
		if err == nil {
			raw, err = appendRawStr(nil, s.Object)
			s.Release()
		}
	}
	if err != nil {
		return dst, err
	}
	return SanitizeName(dst, raw), nil
}

func shortTypeName(o python.Object) string {
	n := o.TypeName()
	for i := len(n) - 1; i >= 0; i-- {
		if n[i] == '.' {
			return n[i+1:]
		}
	}
	return n
}

func (w *drfWriter) forceStr(o python.Object) (python.Ref, error) {
	w.calls++
	s, err := python.Call(w.ForceStr, o)
	if err != nil {
		return s, err
	}
	if t := s.Type(); t != python.StrType && t.TypeFlags()&python.FlagStrSubclass == 0 {
		s.Release()
		return python.Ref{}, python.Errorf(python.TypeError, "force_str returned %s, not str", shortTypeName(s.Object))
	}
	return s, nil
}

func (w *drfWriter) value(o python.Object) error {
	var err error
	t := o.Type()
	switch t {
	case python.StrType:
		w.buf, err = appendEscapedStr(w.buf, o)
		return err
	case python.DictType:
		return w.dict(o)
	case python.ListType:
		return w.list(o)
	case python.TupleType:
		return w.seq(python.TupleItems(o))
	case python.NoneType:
		return nil
	case python.BoolType:
		if o == python.True {
			w.buf = append(w.buf, "True"...)
		} else {
			w.buf = append(w.buf, "False"...)
		}
		return nil
	case python.IntType:
		if v, ok := python.LongInt64(o); ok {
			w.buf = strconv.AppendInt(w.buf, v, 10)
			return nil
		}
	case python.FloatType:
		w.buf = appendFloatRepr(w.buf, python.FloatValue(o))
		return nil
	}
	flags := t.TypeFlags()
	switch {
	case flags&(python.FlagListSubclass|python.FlagTupleSubclass) != 0:
		// `for item in data` honours an overridden __iter__: list(data).
		w.calls++
		l, err := python.Call(python.ListType, o)
		if err != nil {
			return err
		}
		defer l.Release()
		return w.seq(python.ListItems(l.Object))
	case flags&python.FlagDictSubclass != 0:
		return w.dictItems(o)
	case flags&python.FlagStrSubclass != 0:
		// force_str returns str subclasses unchanged.
		w.buf, err = appendEscapedStr(w.buf, o)
		return err
	}
	if t == python.BytesType {
		// force_str decodes bytes as UTF-8; invalid bytes go to force_str
		// for its DjangoUnicodeDecodeError.
		if b := python.BytesData(o); utf8.Valid(b) {
			w.buf, err = appendEscapedBytes(w.buf, b)
			return err
		}
		s, err := w.forceStr(o)
		if err != nil {
			return err
		}
		w.buf, err = appendEscapedStr(w.buf, s.Object)
		s.Release()
		return err
	}
	if ok, err := w.temporal(o, t); ok || err != nil {
		return err
	}
	// force_str(x) is str(x) for every other type (lazy translation
	// strings included: their __str__ resolves them).
	w.calls++
	s, err := python.StrObject(o)
	if err != nil {
		return err
	}
	w.buf, err = appendEscapedStr(w.buf, s.Object)
	s.Release()
	return err
}

func (w *drfWriter) enter() error {
	w.depth++
	if w.depth > MaxRenderDepth {
		return python.Errorf(python.RecursionError, "maximum recursion depth exceeded while rendering XML")
	}
	return nil
}

func (w *drfWriter) seq(items []python.Object) error {
	if err := w.enter(); err != nil {
		return err
	}
	for _, it := range items {
		// Hold the item: a str() callback could drop it from its list.
		ref := python.NewRef(it)
		w.open(w.item)
		err := w.value(it)
		ref.Release()
		if err != nil {
			return err
		}
		w.close(w.item)
	}
	w.depth--
	return nil
}

// list walks a list by index on its live storage, as `for item in data`
// does, so that a callback that resizes it cannot leave a stale slice.
func (w *drfWriter) list(l python.Object) error {
	if err := w.enter(); err != nil {
		return err
	}
	for i := 0; ; i++ {
		items := python.ListItems(l)
		if i >= len(items) {
			break
		}
		ref := python.NewRef(items[i])
		w.open(w.item)
		err := w.value(ref.Object)
		ref.Release()
		if err != nil {
			return err
		}
		w.close(w.item)
	}
	w.depth--
	return nil
}

func (w *drfWriter) element(k, v python.Object) error {
	start := len(w.buf)
	w.buf = append(w.buf, '<')
	var err error
	w.buf, err = w.tagBytes(w.buf, k)
	if err != nil {
		return err
	}
	tag := start + 1
	tagEnd := len(w.buf)
	w.buf = append(w.buf, '>')
	if err := w.value(v); err != nil {
		return err
	}
	w.buf = append(w.buf, '<', '/')
	if k.Type() != python.StrType && !w.Sanitize {
		// The reference closes with '</%s>' % name: str() of a str
		// subclass, which may differ from its data.
		s, err := python.StrObject(k)
		if err != nil {
			return err
		}
		w.buf, err = appendRawStr(w.buf, s.Object)
		s.Release()
		if err != nil {
			return err
		}
	} else {
		w.buf = append(w.buf, w.buf[tag:tagEnd]...)
	}
	w.buf = append(w.buf, '>')
	return nil
}

func (w *drfWriter) dict(d python.Object) error {
	if err := w.enter(); err != nil {
		return err
	}
	it := python.Items(d)
	keys, used := python.DictState(d)
	for {
		k, v, ok := it.Next()
		if !ok {
			break
		}
		before := w.calls
		kr, vr := python.NewRef(k), python.NewRef(v)
		err := w.element(k, v)
		kr.Release()
		vr.Release()
		if err != nil {
			return err
		}
		if w.calls != before {
			if k2, u2 := python.DictState(d); k2 != keys || u2 != used {
				return python.Errorf(python.RuntimeError, "dictionary changed size during iteration")
			}
		}
	}
	w.depth--
	return nil
}

// dictItems walks a dict subclass through its items() (OrderedDict keeps
// its own order; a subclass may override items).
func (w *drfWriter) dictItems(d python.Object) error {
	if err := w.enter(); err != nil {
		return err
	}
	w.calls++
	view, err := python.CallMethod(d, "items")
	if err != nil {
		return err
	}
	l, err := python.Call(python.ListType, view.Object)
	view.Release()
	if err != nil {
		return err
	}
	defer l.Release()
	for _, pair := range python.ListItems(l.Object) {
		if pair.Type() != python.TupleType || len(python.TupleItems(pair)) != 2 {
			return python.Errorf(python.ValueError, "items() of %s did not yield pairs", shortTypeName(d))
		}
		kv := python.TupleItems(pair)
		if err := w.element(kv[0], kv[1]); err != nil {
			return err
		}
	}
	w.depth--
	return nil
}

// temporal writes str() of an exact datetime (naive) or date directly:
// 'YYYY-MM-DD HH:MM:SS[.ffffff]' and 'YYYY-MM-DD'.
func (w *drfWriter) temporal(o, t python.Object) (bool, error) {
	dtType, dateType, err := python.DateTimeTypes()
	if err != nil {
		return false, err
	}
	switch t {
	case dtType:
		f := python.DateTimeFields(o)
		if f.TZInfo != python.None {
			return false, nil
		}
		h, mi, s, us := f.Hour, f.Minute, f.Second, f.Microsecond
		w.buf = appendDate(w.buf, f.Year, f.Month, f.Day)
		w.buf = append(w.buf, ' ')
		w.buf = append2(w.buf, h)
		w.buf = append(w.buf, ':')
		w.buf = append2(w.buf, mi)
		w.buf = append(w.buf, ':')
		w.buf = append2(w.buf, s)
		if us != 0 {
			w.buf = append(w.buf, '.')
			w.buf = append2(w.buf, us/10000)
			w.buf = append2(w.buf, us/100%100)
			w.buf = append2(w.buf, us%100)
		}
		return true, nil
	case dateType:
		f := python.DateFields(o)
		w.buf = appendDate(w.buf, f.Year, f.Month, f.Day)
		return true, nil
	}
	return false, nil
}

func append2(buf []byte, v int) []byte { return append(buf, byte('0'+v/10), byte('0'+v%10)) }

func appendDate(buf []byte, y, mo, d int) []byte {
	buf = append2(buf, y/100)
	buf = append2(buf, y%100)
	buf = append(buf, '-')
	buf = append2(buf, mo)
	buf = append(buf, '-')
	return append2(buf, d)
}
