package jsonfast

import (
	"sort"

	"goaccel/python"
)

// Face 2: orjson's rules. Exact str/int/float/bool/None/list/dict/tuple
// first (type pointer compares), then orjson's other native types, then
// subclasses, then default.

// orjsonMaxDepth: orjson refuses a 255th nested container.
const orjsonMaxDepth = 254

// orjsonMaxDefault: how many default() results may chain.
const orjsonMaxDefault = 254

func encodeError(format string, args ...any) error {
	return python.Errorf(python.TypeError, format, args...)
}

func (e *Encoder) valueOrjson(o python.Object) error {
	switch o.Type() {
	case python.StrType:
		if s, ok := python.StrASCII(o); ok {
			e.buf = appendQuoted(e.buf, s, e.tbl, 0)
			return nil
		}
		return e.strOrjson(o)
	case python.IntType:
		return e.intOrjson(o)
	case python.FloatType:
		e.floatOrjson(python.FloatValue(o))
		return nil
	case python.NoneType:
		e.buf = append(e.buf, "null"...)
		return nil
	case python.BoolType:
		if o == python.True {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
		return nil
	case python.ListType:
		return e.listOrjson(o, python.ListItems(o))
	case python.DictType:
		return e.dictOrjson(o)
	case python.TupleType:
		return e.listOrjson(o, python.TupleItems(o))
	}
	return e.otherOrjson(o, 0)
}

func (e *Encoder) strOrjson(o python.Object) error {
	sur, err := e.appendStr(o)
	if err != nil {
		return err
	}
	if sur {
		return encodeError("str is not valid UTF-8: surrogates not allowed")
	}
	return nil
}

func (e *Encoder) intOrjson(o python.Object) error {
	if v, ok := python.LongInt64(o); ok {
		if e.Flags&OptStrictInteger != 0 && (v > 1<<53-1 || v < -(1<<53-1)) {
			return encodeError("Integer exceeds 53-bit range")
		}
		e.buf = appendInt64(e.buf, v)
		return nil
	}
	if v, ok := python.LongUint64(o); ok {
		if e.Flags&OptStrictInteger != 0 {
			return encodeError("Integer exceeds 53-bit range")
		}
		e.buf = appendUint64(e.buf, v)
		return nil
	}
	return encodeError("Integer exceeds 64-bit range")
}

func (e *Encoder) floatOrjson(f float64) {
	if e.float32 {
		e.buf = appendFloat32(e.buf, f)
		return
	}
	if f-f != 0 {
		e.buf = append(e.buf, "null"...)
		return
	}
	e.buf = appendFloat(e.buf, f, true)
}

func (e *Encoder) enterOrjson() error {
	e.depth++
	if e.depth > orjsonMaxDepth {
		return encodeError("Recursion limit reached")
	}
	return nil
}

func (e *Encoder) newlineOrjson() {
	e.buf = append(e.buf, '\n')
	for i := 0; i < e.depth; i++ {
		e.buf = append(e.buf, ' ', ' ')
	}
}

func (e *Encoder) listOrjson(o python.Object, items []python.Object) error {
	if len(items) == 0 && o.Type() == python.TupleType {
		// orjson does not count an empty tuple against its depth limit
		// (an empty list or dict counts).
		e.buf = append(e.buf, '[', ']')
		return nil
	}
	if err := e.enterOrjson(); err != nil {
		return err
	}
	if len(items) == 0 {
		e.depth--
		e.buf = append(e.buf, '[', ']')
		return nil
	}
	indent := e.Flags&OptIndent2 != 0
	// The output buffer lives in b (registers, no write barrier) and goes
	// back to e.buf only around calls that write through e.
	b := append(e.buf, '[')
	for i := 0; i < len(items); i++ {
		if i > 0 {
			b = append(b, ',')
		}
		if indent {
			e.buf = b
			e.newlineOrjson()
			b = e.buf
		}
		if nb, ok := e.scalarOrjson(b, items[i]); ok {
			b = nb
			continue
		}
		e.buf = b
		if err := e.nestedOrjson(items[i]); err != nil {
			return err
		}
		b = e.buf
		if e.calls != 0 { // a callback may have changed the sequence
			if o.Type().TypeFlags()&python.FlagListSubclass != 0 {
				items = python.ListItems(o)
			}
		}
	}
	e.buf = b
	e.depth--
	if indent {
		e.newlineOrjson()
	}
	e.buf = append(e.buf, ']')
	return nil
}

func (e *Encoder) dictOrjson(o python.Object) error {
	if err := e.enterOrjson(); err != nil {
		return err
	}
	if python.DictLen(o) == 0 {
		e.depth--
		e.buf = append(e.buf, '{', '}')
		return nil
	}
	e.buf = append(e.buf, '{')
	var err error
	if e.Flags&(OptSortKeys|OptNonStrKeys) != 0 {
		err = e.dictOrjsonKeyed(o)
	} else {
		err = e.dictOrjsonDirect(o)
	}
	if err != nil {
		return err
	}
	e.depth--
	if e.Flags&OptIndent2 != 0 {
		e.newlineOrjson()
	}
	e.buf = append(e.buf, '}')
	return nil
}

func (e *Encoder) keySepOrjson() {
	if e.Flags&OptIndent2 != 0 {
		e.buf = append(e.buf, ':', ' ')
	} else {
		e.buf = append(e.buf, ':')
	}
}

func (e *Encoder) dictOrjsonDirect(o python.Object) error {
	keysPtr, used, calls := python.DictKeysPointer(o), python.DictLen(o), e.calls
	t, ok := python.Table(o)
	if !ok {
		return e.dictOrjsonItems(o)
	}
	indent := e.Flags&OptIndent2 != 0
	// memberOrjson inlined, the output buffer kept in b as in listOrjson.
	b := e.buf
	first := true
	for i := 0; i < t.N; i++ {
		k, v := t.Entry(i)
		if v.IsNil() {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		if indent {
			e.buf = b
			e.newlineOrjson()
			b = e.buf
		}
		if k.Type() != python.StrType { // orjson: exact str only
			return encodeError("Dict key must be str")
		}
		if s, ok := python.StrASCII(k); ok {
			b = appendQuotedShort(b, s, e.tbl, ':')
		} else {
			e.buf = b
			if err := e.strOrjson(k); err != nil {
				return err
			}
			b = append(e.buf, ':')
		}
		if indent {
			b = append(b, ' ')
		}
		if nb, ok := e.scalarOrjson(b, v); ok { // runs no Python code
			b = nb
			continue
		}
		e.buf = b
		if err := e.nestedOrjson(v); err != nil {
			return err
		}
		b = e.buf
		if e.calls != calls && (python.DictKeysPointer(o) != keysPtr || python.DictLen(o) != used) {
			return errDictChanged()
		}
	}
	e.buf = b
	return nil
}

// dictOrjsonItems walks a split-table dict (an instance __dict__).
func (e *Encoder) dictOrjsonItems(o python.Object) error {
	keysPtr, used, calls := python.DictKeysPointer(o), python.DictLen(o), e.calls
	indent := e.Flags&OptIndent2 != 0
	it := python.Items(o)
	first := true
	for {
		k, v, ok := it.Next()
		if !ok {
			return nil
		}
		if err := e.memberOrjson(k, v, first, indent); err != nil {
			return err
		}
		first = false
		if e.calls != calls && (python.DictKeysPointer(o) != keysPtr || python.DictLen(o) != used) {
			return errDictChanged()
		}
	}
}

func (e *Encoder) memberOrjson(k, v python.Object, first, indent bool) error {
	if !first {
		e.buf = append(e.buf, ',')
	}
	if indent {
		e.newlineOrjson()
	}
	if k.Type() != python.StrType { // orjson: exact str only
		return encodeError("Dict key must be str")
	}
	if s, ok := python.StrASCII(k); ok {
		e.buf = appendQuotedShort(e.buf, s, e.tbl, ':')
	} else {
		if err := e.strOrjson(k); err != nil {
			return err
		}
		e.buf = append(e.buf, ':')
	}
	if indent {
		e.buf = append(e.buf, ' ')
	}
	if b, ok := e.scalarOrjson(e.buf, v); ok {
		e.buf = b
		return nil
	}
	return e.heldOrjson(v)
}

// nestedOrjson encodes a list item or dict value that scalarOrjson did not
// take. Exact lists and dicts go straight to their walkers instead of
// through heldOrjson and valueOrjson, which would dispatch on the type two
// more times; like heldOrjson, it holds a reference while walking them.
func (e *Encoder) nestedOrjson(o python.Object) error {
	var err error
	switch o.Type() {
	case python.DictType:
		r := python.NewRef(o)
		err = e.dictOrjson(o)
		r.Release()
	case python.ListType:
		items := python.ListItems(o)
		if e.depth < orjsonMaxDepth && e.Flags&OptIndent2 == 0 && !e.float32 {
			if b, ok := appendFloatsOrjson(e.buf, items); ok {
				e.buf = b
				return nil
			}
		}
		r := python.NewRef(o)
		err = e.listOrjson(o, items)
		r.Release()
	default:
		err = e.heldOrjson(o)
	}
	return err
}

// appendFloatsOrjson writes a non-empty list made only of exact floats
// (canada.json's coordinate pairs, a vector, a time series) in one tight
// loop: no per-item dispatch, no reference held (floats run no Python
// code), none of listOrjson's set-up. ok is false, with b as it was, when
// an item is anything else; the first and last items are checked before
// writing so that a mixed list is usually turned down at once.
func appendFloatsOrjson(b []byte, items []python.Object) ([]byte, bool) {
	if len(items) == 0 || items[0].Type() != python.FloatType || items[len(items)-1].Type() != python.FloatType {
		return b, false
	}
	mark := len(b)
	b = append(b, '[')
	for i, it := range items {
		if it.Type() != python.FloatType {
			return b[:mark], false
		}
		if i > 0 {
			b = append(b, ',')
		}
		if f := python.FloatValue(it); f-f == 0 {
			b = appendFloat(b, f, true)
		} else {
			b = append(b, "null"...) // NaN and infinities, as orjson
		}
	}
	return append(b, ']'), true
}

// scalarOrjson writes the common scalars — exact ASCII str, int below
// 2**63 (2**53 with OPT_STRICT_INTEGER), float, bool, None, and empty
// exact list, tuple and dict — in one call
// from the list and dict loops, instead of the chain heldOrjson ->
// valueOrjson -> intOrjson -> appendInt64 ...; ok is false for anything
// else, which the caller encodes the general way.
func (e *Encoder) scalarOrjson(b []byte, o python.Object) ([]byte, bool) {
	switch o.Type() {
	case python.StrType:
		if s, ok := python.StrASCII(o); ok {
			return appendQuotedShort(b, s, e.tbl, 0), true
		}
	case python.IntType:
		if v, ok := python.LongSmall(o); ok {
			return appendInt64(b, v), true
		}
		if v, ok := python.LongInt64(o); ok && e.Flags&OptStrictInteger == 0 {
			return appendInt64(b, v), true
		}
	case python.FloatType:
		if f := python.FloatValue(o); !e.float32 && f-f == 0 {
			return appendFloat(b, f, true), true
		}
	case python.NoneType:
		return append(b, "null"...), true
	case python.BoolType:
		if o == python.True {
			return append(b, "true"...), true
		}
		return append(b, "false"...), true
	case python.ListType:
		// Empty lists and dicts still count towards orjson's depth limit;
		// empty tuples do not (as in orjson).
		if python.ListLen(o) == 0 && e.depth < orjsonMaxDepth {
			return append(b, '[', ']'), true
		}
	case python.TupleType:
		if python.ListLen(o) == 0 {
			return append(b, '[', ']'), true
		}
	case python.DictType:
		if python.DictLen(o) == 0 && e.depth < orjsonMaxDepth {
			return append(b, '{', '}'), true
		}
	}
	return b, false
}

// orjsonKey is a key rendered to its JSON text (quoted) for sorting and
// for OPT_NON_STR_KEYS.
type orjsonKey struct {
	text  string // as written: quoted and escaped
	raw   string // the key's text unescaped, which orjson sorts by
	value python.Object
}

// dictOrjsonKeyed handles OPT_SORT_KEYS and OPT_NON_STR_KEYS: keys are
// rendered first (orjson sorts the rendered strings), then written.
func (e *Encoder) dictOrjsonKeyed(o python.Object) error {
	var keys []orjsonKey
	it := python.Items(o)
	for {
		k, v, ok := it.Next()
		if !ok {
			break
		}
		mark := len(e.buf)
		if err := e.keyOrjson(k); err != nil {
			return err
		}
		text := string(e.buf[mark:])
		raw := text[1 : len(text)-1]
		if k.Type() == python.StrType || k.Type().TypeFlags()&python.FlagStrSubclass != 0 {
			u, err := python.StrUTF8(k) // valid: keyOrjson rejected surrogates
			if err != nil {
				return err
			}
			raw = string(u)
		}
		keys = append(keys, orjsonKey{text, raw, v})
		e.buf = e.buf[:mark]
	}
	if e.Flags&OptSortKeys != 0 {
		sort.SliceStable(keys, func(i, j int) bool { return keys[i].raw < keys[j].raw })
	}
	indent := e.Flags&OptIndent2 != 0
	for i := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		if indent {
			e.newlineOrjson()
		}
		e.buf = append(e.buf, keys[i].text...)
		e.keySepOrjson()
		if err := e.valueOrjson(keys[i].value); err != nil {
			return err
		}
	}
	return nil
}

// keyOrjson writes a dict key as a JSON string.
func (e *Encoder) keyOrjson(k python.Object) error {
	kt := k.Type()
	if kt == python.StrType {
		return e.strOrjson(k)
	}
	if e.Flags&OptNonStrKeys == 0 {
		return encodeError("Dict key must be str")
	}
	if kt.TypeFlags()&python.FlagStrSubclass != 0 {
		return e.strOrjson(k)
	}
	switch {
	case k == python.None:
		e.buf = append(e.buf, `"null"`...)
		return nil
	case kt == python.BoolType:
		if k == python.True {
			e.buf = append(e.buf, `"true"`...)
		} else {
			e.buf = append(e.buf, `"false"`...)
		}
		return nil
	case kt == python.IntType || (kt.TypeFlags()&python.FlagLongSubclass != 0 && !isEnum(k)):
		// orjson: any 64-bit int (OPT_STRICT_INTEGER is for values only),
		// and its own message for the rest.
		if v, ok := python.LongInt64(k); ok {
			e.buf = append(appendInt64(append(e.buf, '"'), v), '"')
			return nil
		}
		if v, ok := python.LongUint64(k); ok {
			e.buf = append(appendUint64(append(e.buf, '"'), v), '"')
			return nil
		}
		return encodeError("Dict integer key must be within 64-bit range")
	case kt == python.FloatType || kt.IsSubtype(python.FloatType) && !isEnum(k):
		f := python.FloatValue(k)
		e.buf = append(e.buf, '"')
		e.floatOrjson(f)
		e.buf = append(e.buf, '"')
		return nil
	}
	// Datetimes, UUIDs and enums render as their JSON string or value.
	mark := len(e.buf)
	if ok, err := e.nativeOrjson(k, true); err != nil {
		return err
	} else if ok {
		if e.buf[mark] != '"' {
			s := string(e.buf[mark:])
			e.buf = append(append(append(e.buf[:mark], '"'), s...), '"')
		}
		return nil
	}
	return encodeError("Dict key must a type serializable with OPT_NON_STR_KEYS")
}
