package schemafast

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"

	"goaccel/python"
)

// JSON kinds of Python values, read from the type pointer (and subclass
// flags) without calling into Python.
const (
	kOther = iota
	kNull
	kBool
	kInt
	kFloat
	kStr
	kList
	kTuple
	kDict
)

// kindOf is small enough to inline (Go's budget) for the hottest exact
// type; kindOfType does the rest.
func kindOf(o python.Object) int {
	t := o.Type()
	if t == python.FloatType {
		return kFloat
	}
	return kindOfType(t)
}

func kindOfType(t python.Object) int {
	switch t {
	case python.DictType:
		return kDict
	case python.StrType:
		return kStr
	case python.IntType:
		return kInt
	case python.FloatType:
		return kFloat
	case python.ListType:
		return kList
	case python.BoolType:
		return kBool
	case python.NoneType:
		return kNull
	case python.TupleType:
		return kTuple
	}
	f := t.TypeFlags()
	switch {
	case t.IsNil():
		return kOther
	case f&python.FlagDictSubclass != 0:
		return kDict
	case f&python.FlagStrSubclass != 0:
		return kStr
	case f&python.FlagLongSubclass != 0:
		return kInt
	case f&python.FlagListSubclass != 0:
		return kList
	case f&python.FlagTupleSubclass != 0:
		return kTuple
	case t.IsSubtype(python.FloatType):
		return kFloat
	}
	return kOther
}

func seqItems(o python.Object, k int) []python.Object {
	if k == kList {
		return python.ListItems(o)
	}
	return python.TupleItems(o)
}

// strLen is len(str) in code points, as python-jsonschema counts.
func strLen(o python.Object) int {
	if _, n, _, _, ok := python.StrData(o); ok {
		return n
	}
	b, err := python.StrUTF8(o)
	if err != nil {
		return 0
	}
	n := 0
	for range string(b) {
		n++
	}
	return n
}

func goStr(o python.Object) (string, bool) {
	b, err := python.StrUTF8(o)
	if err != nil {
		python.Fetch().Release() // lone surrogates: treat as not matching
		return "", false
	}
	return string(b), true
}

// num is a Python number read directly: an int64, a float, or (rarely) an
// exact big value.
type num struct {
	isFloat bool
	i       int64
	f       float64
	big     *big.Rat // ints beyond 64 bits
}

func readNum(o python.Object, k int) num {
	if k == kFloat {
		return num{isFloat: true, f: python.FloatValue(o)}
	}
	if v, ok := python.LongInt64(o); ok {
		return num{i: v}
	}
	s, _ := python.Str(o)
	r, _ := new(big.Rat).SetString(s)
	if r == nil {
		r = new(big.Rat)
	}
	return num{big: r}
}

func (n num) rat() *big.Rat {
	switch {
	case n.big != nil:
		return n.big
	case n.isFloat:
		if math.IsInf(n.f, 0) || math.IsNaN(n.f) {
			return nil
		}
		return new(big.Rat).SetFloat64(n.f)
	}
	return new(big.Rat).SetInt64(n.i)
}

// cmp compares n with a bound: -1, 0, +1 (NaN compares as 0 = "no error").
func (n num) cmp(b *bound) int {
	if n.big == nil && b.exact {
		var x float64
		if n.isFloat {
			x = n.f
		} else if n.i > -(1<<53) && n.i < 1<<53 {
			x = float64(n.i)
		} else {
			goto exact
		}
		switch {
		case x < b.f:
			return -1
		case x > b.f:
			return 1
		}
		return 0
	}
exact:
	if n.isFloat && math.IsInf(n.f, 0) {
		if n.f > 0 {
			return 1
		}
		return -1
	}
	r := n.rat()
	if r == nil {
		return 0
	}
	return r.Cmp(b.r)
}

// isWhole reports whether the number has no fraction part.
func (n num) isWhole() bool {
	if n.isFloat {
		return !math.IsInf(n.f, 0) && n.f == math.Trunc(n.f)
	}
	return true
}

// multipleOf follows python-jsonschema: float division with an exact
// fallback when the quotient overflows; exact for ints.
func (n num) multipleOf(b *bound) bool {
	if !n.isFloat && n.big == nil && b.r.IsInt() && b.r.Num().IsInt64() {
		d := b.r.Num().Int64()
		return d != 0 && n.i%d == 0
	}
	if n.big == nil && (b.exact || !b.isInt) {
		var x float64
		if n.isFloat {
			x = n.f
		} else {
			x = float64(n.i)
		}
		q := x / b.f
		if !math.IsInf(q, 0) && !math.IsNaN(q) {
			return q == math.Trunc(q)
		}
	}
	r := n.rat()
	if r == nil {
		return false
	}
	return new(big.Rat).Quo(r, b.r).IsInt()
}

// goNum turns a Go number from the compiled schema (int64, float64,
// json.Number) into a num for equality checks.
func goNum(v any) (num, bool) {
	switch t := v.(type) {
	case int64:
		return num{i: t}, true
	case int:
		return num{i: int64(t)}, true
	case float64:
		return num{isFloat: true, f: t}, true
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return num{i: i}, true
		}
		r, ok := new(big.Rat).SetString(string(t))
		if !ok {
			return num{}, false
		}
		return num{big: r}, true
	}
	return num{}, false
}

func numEq(a, b num) bool {
	if a.big == nil && b.big == nil {
		switch {
		case !a.isFloat && !b.isFloat:
			return a.i == b.i
		case a.isFloat && b.isFloat:
			return a.f == b.f
		}
	}
	ra, rb := a.rat(), b.rat()
	if ra == nil || rb == nil {
		return false
	}
	return ra.Cmp(rb) == 0
}

// eqGo compares a Python value with a Go value from the schema (enum,
// const) with JSON semantics: true is not 1, 1 equals 1.0, dicts by keys.
func eqGo(o python.Object, v any, depth int) bool {
	if depth > python.MaxDepth {
		return false
	}
	k := kindOf(o)
	switch t := v.(type) {
	case nil:
		return k == kNull
	case bool:
		return k == kBool && (o == python.True) == t
	case string:
		if k != kStr {
			return false
		}
		b, err := python.StrUTF8(o)
		if err != nil {
			python.Fetch().Release()
			return false
		}
		return string(b) == t // compares without allocating
	case []any:
		if k != kList && k != kTuple {
			return false
		}
		items := seqItems(o, k)
		if len(items) != len(t) {
			return false
		}
		for i := range items {
			if !eqGo(items[i], t[i], depth+1) {
				return false
			}
		}
		return true
	case map[string]any:
		if k != kDict || python.DictLen(o) != len(t) {
			return false
		}
		it := python.Items(o)
		for {
			key, val, ok := it.Next()
			if !ok {
				return true
			}
			if kindOf(key) != kStr {
				return false
			}
			ks, _ := goStr(key)
			gv, present := t[ks]
			if !present || !eqGo(val, gv, depth+1) {
				return false
			}
		}
	}
	if k != kInt && k != kFloat {
		return false
	}
	b, ok := goNum(v)
	return ok && numEq(readNum(o, k), b)
}

// eqPy compares two Python values with JSON semantics (uniqueItems).
func eqPy(a, b python.Object, depth int) bool {
	if depth > python.MaxDepth {
		return false
	}
	ka, kb := kindOf(a), kindOf(b)
	if ka == kTuple {
		ka = kList
	}
	if kb == kTuple {
		kb = kList
	}
	numA, numB := ka == kInt || ka == kFloat, kb == kInt || kb == kFloat
	if numA && numB {
		return numEq(readNum(a, ka), readNum(b, kb))
	}
	if ka != kb {
		return false
	}
	switch ka {
	case kNull:
		return true
	case kBool:
		return a == b
	case kStr:
		x, err1 := python.StrUTF8(a)
		if err1 != nil {
			python.Fetch().Release()
			return false
		}
		y, err2 := python.StrUTF8(b)
		if err2 != nil {
			python.Fetch().Release()
			return false
		}
		return string(x) == string(y)
	case kList:
		ia, ib := seqItems(a, kindOf(a)), seqItems(b, kindOf(b))
		if len(ia) != len(ib) {
			return false
		}
		for i := range ia {
			if !eqPy(ia[i], ib[i], depth+1) {
				return false
			}
		}
		return true
	case kDict:
		if python.DictLen(a) != python.DictLen(b) {
			return false
		}
		it := python.Items(a)
		for {
			key, va, ok := it.Next()
			if !ok {
				return true
			}
			vb, err := python.DictGet(b, key)
			if err != nil || vb.IsNil() || !eqPy(va, vb, depth+1) {
				return false
			}
		}
	}
	return a == b
}
