package schemafast

import (
	"goaccel/python"
)

// maxDepth bounds the walk so deep or cyclic instances and schemas end in
// RecursionError instead of exhausting the goroutine stack.
const maxDepth = 2000

func (w *walker) object(n *node, o python.Object, depth int) bool {
	ok := true
	size := python.DictLen(o)
	if !w.collect && (size < n.fastMin || n.fastMax >= 0 && size > n.fastMax) {
		return false
	}
	if n.minProps >= 0 && size < n.minProps {
		if !w.collect {
			return false
		}
		w.fail(n, "minProperties", o, nil)
		ok = false
	}
	if n.maxProps >= 0 && size > n.maxProps {
		if !w.collect {
			return false
		}
		w.fail(n, "maxProperties", o, nil)
		ok = false
	}
	// One pass over the instance's items serves properties,
	// patternProperties, additionalProperties, propertyNames, required
	// (by marking which required names are present) and dependencies.
	var seenBuf [64]bool
	var seen []bool
	if len(n.required) > 0 {
		if len(n.required) <= len(seenBuf) {
			seen = seenBuf[:len(n.required)]
		} else {
			seen = make([]bool, len(n.required))
		}
	}
	needKeys := n.props != nil || n.patternProps != nil || n.addProps != nil || n.propertyNames != nil ||
		seen != nil || n.depRequired != nil || n.depSchemas != nil
	if !needKeys {
		return ok
	}
	var extras []python.Object
	// fastKeys: the is_valid walk may match keys by address; needBytes:
	// some keyword reads every key's text anyway.
	fastKeys := !w.collect && n.keyList != nil
	needBytes := w.collect || n.patternProps != nil || n.propertyNames != nil || n.depRequired != nil || n.depSchemas != nil
	var it python.DictIter
	it.Reset(o)
	for {
		key, val, more := it.Next()
		if !more {
			break
		}
		var ki keyInfo
		known := false
		var b []byte
		if fastKeys {
			// Most keys are objects seen before: matched by address.
			for i := range n.keyList {
				if n.keyList[i].seen == key {
					ki, known = n.keyList[i].info, true
					break
				}
			}
		}
		if !known || needBytes {
			if key.Type() != python.StrType && kindOf(key) != kStr {
				r, _ := python.Repr(key)
				w.err = python.Errorf(python.TypeError, "object keys must be str, not %s (%s)", key.TypeName(), r)
				return false
			}
			var err error
			if b, err = python.StrUTF8(key); err != nil {
				w.err = err
				return false
			}
		}
		if !known && n.keys != nil {
			// m[string(b)] does not allocate (b aliases the key's memory).
			if fastKeys {
				ki, known = n.remember(key, b)
			} else {
				ki, known = n.lookup(b)
			}
		}
		if known && ki.req >= 0 {
			seen[ki.req] = true
		}
		if n.propertyNames != nil && !w.sub(n, n.propertyNames, key, depth, noPel, step{kw: "propertyNames", kind: 1}) {
			if !w.collect {
				return false
			}
			ok = false
		}
		matched := false
		if known && ki.prop != nil {
			if s := ki.prop; true {
				matched = true
				if !w.collect && !w.dynamic {
					s = ki.fast
				}
				if !w.collect && s.typeOnly {
					if vk := kindOf(val); vk == kOther || !s.typeMatch(val, vk) {
						return w.valid(s, val, depth+1) // the slow path reports why
					}
				} else if !(w.collect && w.sub(n, s, val, depth, pel{key: key}, step{kw: "properties", keyb: b, kind: 2}) || !w.collect && w.valid(s, val, depth+1)) {
					if !w.collect {
						return false
					}
					ok = false
				}
			}
		}
		for _, pp := range n.patternProps {
			if pp.re.match(b) {
				matched = true
				if !(w.collect && w.sub(n, pp.n, val, depth, pel{key: key}, step{kw: "patternProperties", key: pp.src, kind: 2}) || !w.collect && w.valid(pp.n, val, depth+1)) {
					if !w.collect {
						return false
					}
					ok = false
				}
			}
		}
		if !matched && n.addProps != nil {
			if n.addProps.boolean == -1 {
				if !w.collect {
					return false
				}
				extras = append(extras, key)
				ok = false
			} else if !w.collect && n.addProps.typeOnly {
				if vk := kindOf(val); vk == kOther || !n.addProps.typeMatch(val, vk) {
					return w.valid(n.addProps, val, depth+1)
				}
			} else if !(w.collect && w.sub(n, n.addProps, val, depth, pel{key: key}, step{kw: "additionalProperties", kind: 1}) || !w.collect && w.valid(n.addProps, val, depth+1)) {
				if !w.collect {
					return false
				}
				ok = false
			}
		}
		if n.depRequired != nil || n.depSchemas != nil {
			if !w.dependencies(n, o, b, depth) {
				if !w.collect {
					return false
				}
				ok = false
			}
		}
	}
	if extras != nil {
		w.fail(n, "additionalProperties", o, extras)
	}
	for i := range seen {
		if !seen[n.reqSlot[i]] { // duplicates share their first slot
			if !w.collect {
				return false
			}
			w.fail(n, "required", o, n.required[i])
			ok = false
		}
	}
	return ok
}

func depKw(n *node, modern string) string {
	if n.depKeyword != "" {
		return n.depKeyword
	}
	return modern
}

// hasKey looks a Go string up in a Python dict by walking it (dependency
// checks are rare; this avoids creating Python strings).
func hasKey(o python.Object, name string) bool {
	it := python.Items(o)
	for {
		key, _, more := it.Next()
		if !more {
			return false
		}
		if b, err := python.StrUTF8(key); err == nil && string(b) == name {
			return true
		}
	}
}

func (w *walker) array(n *node, o python.Object, items []python.Object, depth int) bool {
	ok := true
	if n.minItems >= 0 && len(items) < n.minItems {
		if !w.collect {
			return false
		}
		w.fail(n, "minItems", o, nil)
		ok = false
	}
	if n.maxItems >= 0 && len(items) > n.maxItems {
		if !w.collect {
			return false
		}
		w.fail(n, "maxItems", o, nil)
		ok = false
	}
	if n.uniqueItems && !unique(items) {
		if !w.collect {
			return false
		}
		w.fail(n, "uniqueItems", o, nil)
		ok = false
	}
	start := 0
	if n.prefix != nil {
		for i, s := range n.prefix {
			if i >= len(items) {
				break
			}
			if !(w.collect && w.sub(n, s, items[i], depth, pel{idx: i}, step{kw: n.prefixKw, idx: i, kind: 3}) || !w.collect && w.valid(s, items[i], depth+1)) {
				if !w.collect {
					return false
				}
				ok = false
			}
		}
		start = len(n.prefix)
		if a := n.additionalItems; a != nil && len(items) > start {
			if a.boolean == -1 {
				if !w.collect {
					return false
				}
				w.fail(n, n.additionalItemsKw, o, start)
				ok = false
			} else {
				for i := start; i < len(items); i++ {
					if !(w.collect && w.sub(n, a, items[i], depth, pel{idx: i}, step{kw: n.additionalItemsKw, kind: 1}) || !w.collect && w.valid(a, items[i], depth+1)) {
						if !w.collect {
							return false
						}
						ok = false
					}
				}
			}
		}
	} else if s := n.itemsOne; s != nil {
		if s.boolean == -1 && len(items) > 0 && (n.draft >= 2020 || !w.collect) {
			if !w.collect {
				return false
			}
			w.fail(n, "items", o, 0)
			ok = false
		} else if !w.collect && !w.dynamic && fastNode(s).simpleArr {
			// Arrays of small arrays (coordinates, matrices): no call per item.
			if !w.arrayOf(fastNode(s), items, depth) {
				return false
			}
		} else if !w.collect && !w.dynamic && fastNode(s).objOnly {
			if !w.objectsOf(fastNode(s), items, depth) {
				return false
			}
		} else if !w.collect && s.typeOnly {
			// The common "items": {"type": ...}: no call per item.
			for _, it := range items {
				ik := kFloat // kindOf by hand: it is just over Go's inlining budget
				if t := it.Type(); t != python.FloatType {
					ik = kindOfType(t)
				}
				if ik == kOther || !s.typeMatch(it, ik) {
					return w.valid(s, it, depth+1)
				}
			}
		} else if s.boolean != 1 {
			for i := range items {
				if !(w.collect && w.sub(n, s, items[i], depth, pel{idx: i}, step{kw: "items", kind: 1}) || !w.collect && w.valid(s, items[i], depth+1)) {
					if !w.collect {
						return false
					}
					ok = false
				}
			}
		}
	}
	if n.contains != nil && !w.containsCheck(n, o, items, depth) {
		ok = false
	}
	return ok
}

func (w *walker) containsCheck(n *node, o python.Object, items []python.Object, depth int) bool {
	minC, maxC := 1, -1
	if n.draft >= 2019 {
		if n.minContains >= 0 {
			minC = n.minContains
		}
		maxC = n.maxContains
	}
	matches := 0
	for _, it := range items {
		if w.probe(n.contains, it, depth) {
			matches++
			if maxC >= 0 && matches > maxC {
				w.fail(n, "maxContains", o, maxC)
				return false
			}
		}
		if w.err != nil {
			return false
		}
	}
	if matches < minC {
		if matches == 0 {
			w.fail(n, "contains", o, 0)
		} else {
			w.fail(n, "minContains", o, matches)
		}
		return false
	}
	return true
}

// unique reports whether no two items are equal with JSON semantics.
func unique(items []python.Object) bool {
	for i := 1; i < len(items); i++ {
		for j := 0; j < i; j++ {
			if eqPy(items[i], items[j], 0) {
				return false
			}
		}
	}
	return true
}

// dependencies applies dependentRequired/dependentSchemas (or draft 4-7
// dependencies) for the present property b.
func (w *walker) dependencies(n *node, o python.Object, b []byte, depth int) bool {
	ok := true
	if reqs, found := n.depRequired[string(b)]; found {
		for _, r := range reqs {
			if !hasKey(o, r) {
				if !w.collect {
					return false
				}
				w.fail(n, depKw(n, "dependentRequired"), o, [2]string{r, string(b)})
				ok = false
			}
		}
	}
	if s, found := n.depSchemas[string(b)]; found {
		if !w.sub(n, s, o, depth, noPel, step{kw: depKw(n, "dependentSchemas"), keyb: b, kind: 2}) {
			ok = false
		}
	}
	return ok
}
