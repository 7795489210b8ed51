package xmlfast

import (
	"sync"

	"goaccel/python"
)

// The fast path of ParseDict (no Python callbacks, no namespace
// processing): the scan writes a tape of build operations and one C call
// (python.BuildXMLTape) creates every Python object, instead of one Go->C
// crossing per element. The semantics are _DictSAXHandler's, split between
// the tape writer (which text, which flags) and the C builder (push_data).

type tapeFrame struct {
	key    int32
	opened bool // an OPEN op was written: the element has an item
	text   []byte
	texts  int
}

type tapeBuilder struct {
	opt     *DictParseOptions
	tape    []int64
	arena   []byte
	keyIdx  map[string]int32
	keys    []python.Object
	refs    python.Refs
	frames  []tapeFrame
	nameb   []byte
	open    int
	maxOpen int
	cdataFL bool
	comment int32
	commFL  bool
}

// tapeEligible reports whether opt can use the tape builder.
func tapeEligible(opt *DictParseOptions) bool {
	return opt.Postprocessor.IsNil() && opt.ForceListFn.IsNil() && opt.ForceCDataFn.IsNil() && !opt.Namespaces
}

// tapePool reuses builders (their tape, text arena and frames): a fresh
// megabyte-sized tape per parse kept the Go GC busy.
var tapePool = sync.Pool{New: func() any { return &tapeBuilder{} }}

func parseDictTape(doc []byte, opt *DictParseOptions) (python.Ref, error) {
	t := tapePool.Get().(*tapeBuilder)
	*t = tapeBuilder{opt: opt, keyIdx: make(map[string]int32), tape: t.tape[:0], arena: t.arena[:0],
		frames: t.frames[:0], keys: t.keys[:0], refs: t.refs[:0]}
	defer func() {
		t.refs.Release()
		t.opt = nil
		clear(t.keys[:cap(t.keys)])
		if cap(t.arena) <= maxPooled && cap(t.tape) <= maxPooled/8 {
			tapePool.Put(t)
		}
	}()
	cdata, err := python.StrUTF8(opt.CDataKey)
	if err != nil {
		return python.Ref{}, err
	}
	t.cdataFL = t.forceList(cdata)
	ck, err := python.StrUTF8(opt.CommentKey)
	if err != nil {
		return python.Ref{}, err
	}
	t.commFL = t.forceList(ck)
	t.comment = int32(len(t.keys))
	t.keys = append(t.keys, opt.CommentKey)
	if err := Scan(doc, t, opt.Limits); err != nil {
		return python.Ref{}, PyError(err)
	}
	return python.BuildXMLTape(t.tape, t.keys, t.arena, t.maxOpen, opt.CDataKey)
}

func (t *tapeBuilder) forceList(name []byte) bool {
	return t.opt.ForceListAll || (t.opt.ForceList != nil && t.opt.ForceList[string(name)])
}

func (t *tapeBuilder) key(name []byte) (int32, error) {
	if i, ok := t.keyIdx[string(name)]; ok {
		return i, nil
	}
	r, err := python.NewStr(name)
	if err != nil {
		return 0, err
	}
	i := int32(len(t.keys))
	t.keys = append(t.keys, t.refs.Add(r))
	t.keyIdx[string(name)] = i
	return i, nil
}

func (t *tapeBuilder) op(code int64, key int32, text []byte, hasText bool, flags int64) {
	off, n := int64(len(t.arena)), int64(-1)
	if hasText {
		t.arena = append(t.arena, text...)
		n = int64(len(text))
	}
	t.tape = append(t.tape, code, int64(key), off, n, flags)
}

// openTop gives the current element an item (its first child, attribute
// or comment is about to be stored in it).
func (t *tapeBuilder) openTop() {
	if len(t.frames) == 0 {
		return
	}
	f := &t.frames[len(t.frames)-1]
	if f.opened {
		return
	}
	f.opened = true
	t.tape = append(t.tape, python.TapeOpen, 0, 0, 0, 0)
	t.open++
	if t.open > t.maxOpen {
		t.maxOpen = t.open
	}
}

func (t *tapeBuilder) Start(qname []byte, attrs []Attr) error {
	t.openTop()
	d := &dictBuilder{opt: t.opt}
	t.nameb = d.buildName(t.nameb[:0], qname)
	k, err := t.key(t.nameb)
	if err != nil {
		return err
	}
	if len(t.frames) < cap(t.frames) {
		t.frames = t.frames[:len(t.frames)+1]
		f := &t.frames[len(t.frames)-1]
		*f = tapeFrame{key: k, text: f.text[:0]}
	} else {
		t.frames = append(t.frames, tapeFrame{key: k})
	}
	if t.opt.XMLAttribs && len(attrs) > 0 {
		t.openTop()
		for _, a := range attrs {
			t.nameb = append(t.nameb[:0], t.opt.AttrPrefix...)
			t.nameb = d.buildName(t.nameb, a.Name)
			ak, err := t.key(t.nameb)
			if err != nil {
				return err
			}
			t.op(python.TapeAttr, ak, a.Value, true, 0)
		}
	}
	return nil
}

func (t *tapeBuilder) Text(data []byte) error {
	if len(t.frames) == 0 {
		return nil
	}
	f := &t.frames[len(t.frames)-1]
	f.text = append(f.text, data...)
	f.texts++
	return nil
}

func (t *tapeBuilder) Comment(data []byte) error {
	if !t.opt.Comments {
		return nil
	}
	if t.opt.StripWhitespace {
		data = pyStrip(data)
	}
	t.openTop()
	var flags int64
	if t.commFL {
		flags = python.TapeForceList
	}
	t.op(python.TapeComment, t.comment, data, true, flags)
	return nil
}

func (t *tapeBuilder) End([]byte) error {
	f := &t.frames[len(t.frames)-1]
	text := f.text
	hasText := false
	if f.texts > 0 {
		if t.opt.StripWhitespace {
			text = pyStrip(text)
		}
		hasText = len(text) > 0
	}
	var flags int64
	name := t.keyName(f.key)
	if t.forceList(name) {
		flags |= python.TapeForceList
	}
	if hasText && (t.opt.ForceCDataAll || (t.opt.ForceCData != nil && t.opt.ForceCData[string(name)])) {
		flags |= python.TapeForceCData
	}
	if t.cdataFL {
		flags |= python.TapeCDataForceList
	}
	code := int64(python.TapeLeaf)
	if f.opened {
		code = python.TapeClose
		t.open--
	}
	t.op(code, f.key, text, hasText, flags)
	t.frames = t.frames[:len(t.frames)-1]
	return nil
}

// keyName returns the bytes of key i (the interned str's UTF-8).
func (t *tapeBuilder) keyName(i int32) []byte {
	b, _ := python.StrUTF8(t.keys[i])
	return b
}
