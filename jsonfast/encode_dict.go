package jsonfast

import (
	"sort"
	"unsafe"

	"goaccel/python"
)

// Face 1 dicts. Exact dicts with str keys are read entry by entry from the
// dict's own table; sort_keys sorts those entries in Go by code point (what
// Python's str comparison does). Anything else — a dict subclass, whose
// items() may be overridden, or sort_keys over mixed key types — goes
// through PyMapping_Items (and list.sort) exactly as _json.c does, so the
// results and errors are the standard library's.

type sortKey struct {
	key, value python.Object
}

// errDictChanged is built when needed: exception types exist only after init.
func errDictChanged() error {
	return python.Errorf(python.RuntimeError, "dictionary changed size during iteration")
}

func (e *Encoder) dict(o python.Object) error {
	if python.DictLen(o) == 0 {
		e.buf = append(e.buf, '{', '}')
		return nil
	}
	if err := e.enter(o); err != nil {
		return err
	}
	e.buf = append(e.buf, '{')
	e.level++
	open := len(e.buf)
	var err error
	switch {
	case o.Type() != python.DictType:
		err = e.dictItems(o)
	case e.SortKeys:
		err = e.dictSorted(o)
	default:
		err = e.dictDirect(o)
	}
	if err != nil {
		return err
	}
	if e.Indent != nil && len(e.buf) == open {
		// Every key was skipped: the pure-Python encoder has already
		// written the first line break and indent.
		e.newline()
	}
	e.leave()
	e.level--
	if e.Indent != nil {
		e.newline()
	}
	e.buf = append(e.buf, '}')
	return nil
}

// dictDirect walks an exact dict in insertion order.
func (e *Encoder) dictDirect(o python.Object) error {
	keysPtr, used, calls := python.DictKeysPointer(o), python.DictLen(o), e.calls
	t, ok := python.Table(o)
	if !ok {
		return e.dictIter(o)
	}
	first := true
	flat := e.Indent == nil
	for i := 0; i < t.N; i++ {
		k, v := t.Entry(i)
		if v.IsNil() {
			continue
		}
		if flat && k.Type() == python.StrType {
			// member() inlined for the common case (no indent, exact
			// ASCII str key, scalar value), the output kept in b as the
			// orjson face's loop does.
			if s, ok := python.StrASCII(k); ok {
				b := e.buf
				if !first {
					b = appendSep(b, e.ItemSep)
				}
				first = false
				b = appendSep(appendQuotedShort(b, s, e.tbl, 0), e.KeySep)
				if nb, ok := e.scalarJSON(b, v); ok {
					e.buf = nb
					continue
				}
				e.buf = b
				if err := e.heldValue(v); err != nil {
					return err
				}
				if e.calls != calls && (python.DictKeysPointer(o) != keysPtr || python.DictLen(o) != used) {
					return errDictChanged()
				}
				continue
			}
		}
		wrote, err := e.member(k, v, first)
		if err != nil {
			return err
		}
		if wrote {
			first = false
		}
		if e.calls != calls && (python.DictKeysPointer(o) != keysPtr || python.DictLen(o) != used) {
			return errDictChanged()
		}
	}
	return nil
}

// dictIter walks a split-table dict (an instance __dict__).
func (e *Encoder) dictIter(o python.Object) error {
	keysPtr, used, calls := python.DictKeysPointer(o), python.DictLen(o), e.calls
	it := python.Items(o)
	first := true
	for {
		k, v, ok := it.Next()
		if !ok {
			return nil
		}
		wrote, err := e.member(k, v, first)
		if err != nil {
			return err
		}
		if wrote {
			first = false
		}
		if e.calls != calls && (python.DictKeysPointer(o) != keysPtr || python.DictLen(o) != used) {
			return errDictChanged()
		}
	}
}

// dictSorted sorts an exact dict's str keys in Go; a non-str key sends
// the dict to dictItems, which sorts with Python's comparisons.
func (e *Encoder) dictSorted(o python.Object) error {
	start := len(e.keys)
	defer func() { e.keys = e.keys[:start] }()
	it := python.Items(o)
	for {
		k, v, ok := it.Next()
		if !ok {
			break
		}
		if k.Type() != python.StrType && k.Type().TypeFlags()&python.FlagStrSubclass == 0 {
			e.keys = e.keys[:start]
			return e.dictItems(o)
		}
		e.keys = append(e.keys, sortKey{k, v})
	}
	keys := e.keys[start:]
	sort.Slice(keys, func(i, j int) bool { return strLess(keys[i].key, keys[j].key) })
	keysPtr, used, calls := python.DictKeysPointer(o), python.DictLen(o), e.calls
	for i := range keys {
		if _, err := e.member(keys[i].key, keys[i].value, i == 0); err != nil {
			return err
		}
		if e.calls != calls && (python.DictKeysPointer(o) != keysPtr || python.DictLen(o) != used) {
			return errDictChanged()
		}
	}
	return nil
}

// dictItems is _json.c's path: items = PyMapping_Items(o), sorted with
// list.sort when sort_keys. The list owns its items, so callbacks may
// mutate the dict freely.
func (e *Encoder) dictItems(o python.Object) error {
	e.calls++ // items() of a dict subclass is Python code
	items, err := python.MappingItems(o)
	if err != nil {
		return err
	}
	defer items.Release()
	if e.SortKeys {
		if err := python.ListSort(items.Object); err != nil {
			return err
		}
	}
	first := true
	for i := 0; i < python.ListLen(items.Object); i++ {
		pair := python.ListItems(items.Object)[i]
		if pair.Type() != python.TupleType || python.ListLen(pair) != 2 {
			return python.Errorf(python.ValueError, "items must return 2-tuples")
		}
		kv := python.TupleItems(pair)
		wrote, err := e.member(kv[0], kv[1], first)
		if err != nil {
			return err
		}
		if wrote {
			first = false
		}
	}
	return nil
}

// member writes one "key": value pair; wrote is false when skipkeys
// dropped it.
func (e *Encoder) member(k, v python.Object, first bool) (wrote bool, err error) {
	mark := len(e.buf)
	if !first {
		e.buf = appendSep(e.buf, e.ItemSep)
	}
	if e.Indent != nil {
		e.newline()
	}
	kt := k.Type()
	switch {
	case kt == python.StrType:
		if s, ok := python.StrASCII(k); ok {
			e.buf = appendQuotedShort(e.buf, s, e.tbl, 0)
		} else if _, err := e.appendStr(k); err != nil {
			return false, err
		}
	case kt.TypeFlags()&python.FlagStrSubclass != 0:
		if _, err := e.appendStr(k); err != nil {
			return false, err
		}
	case kt == python.FloatType || kt.IsSubtype(python.FloatType):
		e.buf = append(e.buf, '"')
		if err := e.appendFloatJSON(k); err != nil {
			return false, err
		}
		e.buf = append(e.buf, '"')
	case k == python.True:
		e.buf = append(e.buf, `"true"`...)
	case k == python.False:
		e.buf = append(e.buf, `"false"`...)
	case k == python.None:
		e.buf = append(e.buf, `"null"`...)
	case kt == python.IntType || kt.TypeFlags()&python.FlagLongSubclass != 0:
		e.buf = append(e.buf, '"')
		if err := e.appendInt(k); err != nil {
			return false, err
		}
		e.buf = append(e.buf, '"')
	case e.SkipKeys:
		e.buf = e.buf[:mark]
		return false, nil
	default:
		return false, python.Errorf(python.TypeError, "keys must be str, int, float, bool or None, not %s", typeShortName(k))
	}
	b := appendSep(e.buf, e.KeySep)
	if b, ok := e.scalarJSON(b, v); ok {
		e.buf = b
		return true, nil
	}
	e.buf = b
	return true, e.heldValue(v)
}

// strLess orders two strs by code point, as Python's < does.
func strLess(a, b python.Object) bool {
	ad, an, ak, _, aok := python.StrData(a)
	bd, bn, bk, _, bok := python.StrData(b)
	if !aok || !bok {
		ua, _ := python.StrUTF8(a)
		ub, _ := python.StrUTF8(b)
		return string(ua) < string(ub)
	}
	if ak == 1 && bk == 1 {
		return string(unsafe.Slice((*byte)(ad), an)) < string(unsafe.Slice((*byte)(bd), bn))
	}
	n := an
	if bn < n {
		n = bn
	}
	for i := 0; i < n; i++ {
		ca, cb := codeAt(ad, ak, i), codeAt(bd, bk, i)
		if ca != cb {
			return ca < cb
		}
	}
	return an < bn
}

func codeAt(p unsafe.Pointer, kind, i int) uint32 {
	switch kind {
	case 1:
		return uint32(*(*uint8)(unsafe.Add(p, i)))
	case 2:
		return uint32(*(*uint16)(unsafe.Add(p, 2*i)))
	}
	return *(*uint32)(unsafe.Add(p, 4*i))
}
