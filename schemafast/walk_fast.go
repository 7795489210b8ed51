package schemafast

import (
	"goaccel/python"
)

// objectFast is object() for the is_valid walk (no error collection, no
// dynamic scope) of nodes without patternProperties, propertyNames or
// dependencies — most object schemas. A separate small loop: the general
// object() keeps so many values live that Go spills them to the stack on
// every key (seen with perf as the loop's hottest instructions).
func (w *walker) objectFast(n *node, o python.Object, depth int) bool {
	if depth > maxDepth { // callers may skip check(), which guards depth
		return w.valid(n, o, depth)
	}
	size := python.DictLen(o)
	if size < n.fastMin || n.fastMax >= 0 && size > n.fastMax {
		return false
	}
	if n.keys == nil && n.addProps == nil {
		return true
	}
	// A dict has each key once, so counting required hits (duplicates
	// in required share one index) tells whether all are present.
	reqHits := 0
	add := n.addProps
	var it python.DictIter
	it.Reset(o)
	for {
		key, val, more := it.Next()
		if !more {
			break
		}
		var ki keyInfo
		known := false
		for i := range n.keyList {
			if n.keyList[i].seen == key {
				ki, known = n.keyList[i].info, true
				break
			}
		}
		if !known {
			if key.Type() != python.StrType && kindOf(key) != kStr {
				return w.object(n, o, depth) // reports the bad key
			}
			if n.keys != nil {
				b, err := python.StrUTF8(key)
				if err != nil {
					w.err = err
					return false
				}
				if n.keyList != nil {
					ki, known = n.remember(key, b)
				} else {
					ki, known = n.lookup(b)
				}
			}
		}
		s := add
		if known {
			if ki.req >= 0 {
				reqHits++
			}
			if ki.prop != nil {
				s = ki.fast
			}
		}
		if s == nil {
			continue
		}
		if s.typeOnly {
			if vk := kindOf(val); vk == kOther || !s.typeMatch(val, vk) {
				return w.valid(s, val, depth+1) // the slow path reports why
			}
		} else if s.objOnly && val.Type() == python.DictType {
			if !w.objectFast(s, val, depth+1) {
				return false
			}
		} else if s.boolean != 1 && !w.valid(s, val, depth+1) {
			return false
		}
	}
	return reqHits == len(n.reqIndex)
}

// arrayOf answers is_valid for every item of items under s, a simpleArr
// node ({"type": "array", "items": {"type": ...}, "minItems", "maxItems"}),
// without a call per item; anything unusual takes the general walk.
func (w *walker) arrayOf(s *node, items []python.Object, depth int) bool {
	e := s.itemsOne
	for _, it := range items {
		if it.Type() != python.ListType {
			if !w.valid(s, it, depth+1) {
				return false
			}
			continue
		}
		xs := python.ListItems(it)
		if len(xs) < s.minItems || s.maxItems >= 0 && len(xs) > s.maxItems {
			return false
		}
		if e == nil {
			continue
		}
		for _, x := range xs {
			xk := kFloat // kindOf by hand: it is just over Go's inlining budget
			if t := x.Type(); t != python.FloatType {
				xk = kindOfType(t)
			}
			if xk == kOther || !e.typeMatch(x, xk) {
				return w.valid(s, it, depth+1) // the general walk reports why
			}
		}
	}
	return true
}

// objectsOf answers is_valid for every item of items under s, an objOnly
// node ({"type": "object", ...} served by objectFast): dicts go straight
// to objectFast, anything else takes the general walk.
func (w *walker) objectsOf(s *node, items []python.Object, depth int) bool {
	for _, it := range items {
		if it.Type() == python.DictType {
			if !w.objectFast(s, it, depth+1) {
				return false
			}
		} else if !w.valid(s, it, depth+1) {
			return false
		}
	}
	return true
}
