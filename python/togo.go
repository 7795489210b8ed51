package python

import (
	"fmt"
	"math/big"
)

// ToGo converts a JSON-shaped Python value into plain Go values by direct
// reads: None → nil, bool, int → int64 (or *big.Int beyond 64 bits),
// float → float64, str → string, list/tuple → []any, dict with str keys →
// map[string]any. Other types (and subclasses of these, except bool/int/
// str/dict/list subclasses, which are read as their base) give a TypeError.
// The GIL must be held; the result is independent of Python.
func ToGo(o Object) (any, error) {
	return toGo(o, 0)
}

// MaxDepth bounds recursion of tree walks (ToGo and the products' walkers).
const MaxDepth = 10000

func toGo(o Object, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, Errorf(RecursionError, "maximum nesting depth exceeded (%d)", MaxDepth)
	}
	t := o.Type()
	switch t {
	case StrType:
		b, err := StrUTF8(o)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case IntType:
		if v, ok := LongInt64(o); ok {
			return v, nil
		}
		return bigInt(o)
	case FloatType:
		return FloatValue(o), nil
	case BoolType:
		return o == True, nil
	case NoneType:
		return nil, nil
	case ListType:
		return seqToGo(ListItems(o), depth)
	case TupleType:
		return seqToGo(TupleItems(o), depth)
	case DictType:
		return dictToGo(o, depth)
	}
	flags := t.TypeFlags()
	switch {
	case flags&FlagStrSubclass != 0:
		b, err := StrUTF8(o)
		if err != nil {
			return nil, err
		}
		return string(b), nil
	case flags&FlagLongSubclass != 0:
		if v, ok := LongInt64(o); ok {
			return v, nil
		}
		return bigInt(o)
	case flags&FlagDictSubclass != 0:
		return dictToGo(o, depth)
	case flags&FlagListSubclass != 0:
		return seqToGo(ListItems(o), depth)
	case flags&FlagTupleSubclass != 0:
		return seqToGo(TupleItems(o), depth)
	case t.IsSubtype(FloatType):
		return FloatValue(o), nil
	}
	return nil, Errorf(TypeError, "Object of type %s is not JSON serializable", o.TypeName())
}

func bigInt(o Object) (any, error) {
	s, err := Str(o)
	if err != nil {
		return nil, err
	}
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, fmt.Errorf("cannot read int %s", s)
	}
	return n, nil
}

func seqToGo(items []Object, depth int) (any, error) {
	out := make([]any, len(items))
	for i, it := range items {
		v, err := toGo(it, depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func dictToGo(o Object, depth int) (any, error) {
	out := make(map[string]any, DictLen(o))
	it := Items(o)
	for {
		k, v, ok := it.Next()
		if !ok {
			break
		}
		if k.Type() != StrType && k.Type().TypeFlags()&FlagStrSubclass == 0 {
			r, _ := Repr(k)
			return nil, Errorf(TypeError, "keys must be str, not %s (%s)", k.TypeName(), r)
		}
		kb, err := StrUTF8(k)
		if err != nil {
			return nil, err
		}
		gv, err := toGo(v, depth+1)
		if err != nil {
			return nil, err
		}
		out[string(kb)] = gv
	}
	return out, nil
}
