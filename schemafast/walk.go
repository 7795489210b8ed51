package schemafast

import (
	"math"

	"goaccel/python"
)

// pel is one step of an instance path: a dict key (a borrowed Python str)
// or a list index.
type pel struct {
	key python.Object
	idx int
}

// verr is one validation error in python-jsonschema's shape: the keyword,
// the subschema's location (Python resolves it to validator_value and
// schema), the instance path and the schema path relative to where the
// walk started, the failing instance, keyword-specific detail, and the
// sub-errors of anyOf/oneOf (context).
type verr struct {
	kw    string
	loc   string
	ipath []pel
	spath []any // string keywords and int indices
	inst  python.Object
	extra any
	ctx   []*verr
	order []uint32

	ipBuf [4]pel
	spBuf [8]any
	orBuf [6]uint32
}

// walker validates Python objects in place against compiled nodes. With
// collect false it stops at the first failure (is_valid); with collect
// true it gathers every error like python-jsonschema's iter_errors.
type walker struct {
	collect bool
	formats python.Object // dict name -> callable|None, or nil: no assertion
	fmtMap  map[string]python.Object
	errs    []*verr
	ipath   []pel
	spath   []any
	order   []uint32 // the sort key of the current position (see order.go)
	dynamic bool
	scope   []*node // nodes being evaluated, outermost first (dynamic refs only)
	err     error   // a Python exception from a format callback, or a bad value
}

func (w *walker) fail(n *node, kw string, o python.Object, extra any) {
	if !w.collect {
		return
	}
	// One allocation per error: the paths live in the record's own
	// buffers unless they are longer.
	e := &verr{kw: kw, loc: n.loc, inst: o, extra: extra}
	e.ipath = append(e.ipBuf[:0], w.ipath...)
	pathKw := kw
	if kw == "minContains" || kw == "maxContains" {
		pathKw = "contains" // python-jsonschema reports them from contains
	}
	e.spath = append(append(e.spBuf[:0], w.spath...), boxKw(pathKw))
	e.order = append(append(e.orBuf[:0], w.order...), n.rank(step{kw: pathKw}, noPel))
	w.errs = append(w.errs, e)
}

// step is a schema path step: a keyword, optionally followed by a property
// name (key, or keyb while it aliases a Python str) or an index. It is a
// plain struct so the is_valid path builds no interface values.
type step struct {
	kw   string
	key  string
	keyb []byte
	idx  int
	kind uint8 // 0: none, 1: kw, 2: kw+key, 3: kw+idx
}

var noPel = pel{idx: -1}

// Hot call sites write `w.collect && w.sub(...) || !w.collect && w.valid(...)`:
// the fast walk then never builds the step/pel arguments (copying them was
// a quarter of object()'s time, measured with perf).

// sub validates o against n with a schema path step (and an instance path
// step unless ip is noPel), restoring the paths afterwards.
func (w *walker) sub(p, n *node, o python.Object, depth int, ip pel, st step) bool {
	if !w.collect {
		return w.valid(n, o, depth+1)
	}
	return w.subCollect(p, n, o, depth, ip, st)
}

func (w *walker) subCollect(p, n *node, o python.Object, depth int, ip pel, st step) bool {
	// Most of a document is valid: answer those subtrees with the fast
	// walk and collect (paths, ranks, errors) only where something fails.
	if w.probe(n, o, depth) {
		return true
	}
	if w.err != nil {
		return false
	}
	il, sl, ol := len(w.ipath), len(w.spath), len(w.order)
	w.order = append(w.order, p.rank(st, ip))
	if n.boolean == -1 {
		// python-jsonschema's descend() adds neither path nor schema path
		// for a false subschema: only the keyword that descended remains.
		ip = noPel
		if st.kind > 1 {
			st.kind = 1
		}
	}
	if !ip.key.IsNil() || ip.idx >= 0 {
		w.ipath = append(w.ipath, ip)
	}
	if st.kind > 0 {
		w.spath = append(w.spath, boxKw(st.kw))
	}
	switch st.kind {
	case 2:
		if st.keyb != nil {
			if n.propName == string(st.keyb) && n.propNameAny != nil {
				w.spath = append(w.spath, n.propNameAny) // boxed once at compile
			} else {
				w.spath = append(w.spath, string(st.keyb))
			}
		} else {
			w.spath = append(w.spath, st.key)
		}
	case 3:
		w.spath = append(w.spath, st.idx)
	}
	ok := w.valid(n, o, depth+1)
	w.ipath, w.spath, w.order = w.ipath[:il], w.spath[:sl], w.order[:ol]
	return ok
}

// probe answers "is o valid under n" without recording errors (not, if,
// contains, oneOf's second match).
func (w *walker) probe(n *node, o python.Object, depth int) bool {
	if !w.collect {
		return w.valid(n, o, depth+1)
	}
	p := walker{formats: w.formats, fmtMap: w.fmtMap, dynamic: w.dynamic, scope: w.scope}
	ok := p.valid(n, o, depth+1)
	w.fmtMap = p.fmtMap
	if p.err != nil && w.err == nil {
		w.err = p.err
	}
	return ok
}

// context runs n on o as a fresh walk whose paths start empty (the
// context errors of anyOf/oneOf are relative to their parent error).
func (w *walker) context(n *node, o python.Object, depth int, index int) (bool, []*verr) {
	p := walker{collect: true, formats: w.formats, fmtMap: w.fmtMap, dynamic: w.dynamic, scope: w.scope, spath: append(make([]any, 0, 16), index), order: append(make([]uint32, 0, 8), uint32(index))}
	ok := p.valid(n, o, depth+1)
	w.fmtMap = p.fmtMap
	if p.err != nil && w.err == nil {
		w.err = p.err
	}
	return ok, p.errs
}

// resolveDynamic picks, for $dynamicRef, the outermost resource in the
// dynamic scope that declares the anchor (as v6 and the spec do).
func (w *walker) resolveDynamic(name string, fallback *node) *node {
	for _, s := range w.scope {
		if r := s.resource; r != nil {
			if d, ok := r.dynAnchors[name]; ok {
				return d
			}
		}
	}
	return fallback
}

// resolveRecursive picks, for $recursiveRef, the outermost scope whose
// resource has $recursiveAnchor: true.
func (w *walker) resolveRecursive(fallback *node) *node {
	for _, s := range w.scope {
		if r := s.resource; r != nil && r.recursiveAnchor {
			return s
		}
	}
	return fallback
}

// valid validates o against n; with dynamic references in the schema it
// also keeps the dynamic scope.
func (w *walker) valid(n *node, o python.Object, depth int) bool {
	if w.dynamic {
		w.scope = append(w.scope, n)
		ok := w.check(n, o, depth)
		w.scope = w.scope[:len(w.scope)-1]
		return ok
	}
	return w.check(n, o, depth)
}

func (w *walker) check(n *node, o python.Object, depth int) bool {
	if w.err != nil {
		return false
	}
	if depth > maxDepth {
		w.err = python.Errorf(python.RecursionError, "maximum recursion depth exceeded while validating (schema or instance nested deeper than %d)", maxDepth)
		return false
	}
	switch n.boolean {
	case 1:
		return true
	case -1:
		w.fail(n, "", o, nil)
		return false
	}
	if n.refOnly && !w.collect && !w.dynamic {
		n = n.target // same verdict, one call instead of a chain
		if n.boolean != 0 {
			return n.boolean == 1
		}
	}
	k := kindOf(o)
	if k == kOther {
		r, _ := python.Repr(o)
		w.err = python.Errorf(python.TypeError, "%s is not a JSON value (type %s)", r, o.TypeName())
		return false
	}
	if n.refOnly {
		if w.collect {
			return w.sub(n, n.ref, o, depth, noPel, step{kw: "$ref"})
		}
		return w.valid(n.ref, o, depth+1)
	}
	ok := true
	if n.hasTypes && !n.typeMatch(o, k) {
		if !w.collect {
			return false
		}
		w.fail(n, "type", o, nil)
		ok = false
	}
	if n.ref != nil && !(w.collect && w.sub(n, n.ref, o, depth, noPel, step{kw: "$ref"}) || !w.collect && w.valid(n.ref, o, depth+1)) {
		if !w.collect {
			return false
		}
		ok = false
	}
	if n.constV != nil && !eqGo(o, *n.constV, 0) {
		if !w.collect {
			return false
		}
		w.fail(n, "const", o, nil)
		ok = false
	}
	if n.enum != nil {
		found := false
		for _, e := range n.enum {
			if eqGo(o, e, 0) {
				found = true
				break
			}
		}
		if !found {
			if !w.collect {
				return false
			}
			w.fail(n, "enum", o, nil)
			ok = false
		}
	}
	switch k {
	case kDict:
		if n.objKw && n.simpleObj && !w.collect && !w.dynamic {
			if !w.objectFast(n, o, depth) {
				return false
			}
		} else if n.objKw && !w.object(n, o, depth) {
			if !w.collect {
				return false
			}
			ok = false
		}
	case kList, kTuple:
		if !n.arrKw {
			break
		}
		var items []python.Object
		if k == kList {
			items = python.ListItems(o)
		} else {
			items = python.TupleItems(o)
		}
		if !w.array(n, o, items, depth) {
			if !w.collect {
				return false
			}
			ok = false
		}
	case kStr:
		if n.strKw && !w.str(n, o, depth) {
			if !w.collect {
				return false
			}
			ok = false
		}
	case kInt, kFloat:
		if n.numKw && !w.number(n, o, k) {
			if !w.collect {
				return false
			}
			ok = false
		}
	}
	if n.format != nil && w.formats.IsNil() == false && !w.checkFormat(n, o) {
		if !w.collect {
			return false
		}
		w.fail(n, "format", o, nil)
		ok = false
	}
	if n.combKw && !w.combinators(n, o, depth) {
		ok = false
	}
	return ok && w.err == nil
}

// typeMatch follows python-jsonschema's type checkers: bool is not a
// number; from draft 6 on a float with no fraction is an integer. The
// per-kind answer is precomputed (accept: 1 yes, 2 only if whole).
func (n *node) typeMatch(o python.Object, k int) bool {
	a := n.accept[k]
	return a == 1 || a == 2 && wholeFloat(python.FloatValue(o))
}

func wholeFloat(f float64) bool { return !math.IsInf(f, 0) && f == math.Trunc(f) }

func acceptTable(types uint8, draft int) (a [kDict + 1]uint8) {
	set := func(k int, bit uint8) {
		if types&bit != 0 {
			a[k] = 1
		}
	}
	set(kNull, tNull)
	set(kBool, tBool)
	set(kInt, tInt|tNum)
	set(kFloat, tNum)
	set(kStr, tStr)
	set(kList, tArr)
	set(kTuple, tArr)
	set(kDict, tObj)
	if a[kFloat] == 0 && types&tInt != 0 && draft > 4 {
		a[kFloat] = 2
	}
	return a
}

func (w *walker) combinators(n *node, o python.Object, depth int) bool {
	ok := true
	if n.recRef != nil {
		t := n.recRef
		if t.recursiveAnchor {
			t = w.resolveRecursive(t)
		}
		if !w.sub(n, t, o, depth, noPel, step{kw: "$recursiveRef", kind: 1}) {
			if !w.collect {
				return false
			}
			ok = false
		}
	}
	if n.dynRef != nil {
		t := n.dynRef
		if n.dynAnchor != "" && t.declaredAnchor == n.dynAnchor {
			t = w.resolveDynamic(n.dynAnchor, t)
		}
		if !w.sub(n, t, o, depth, noPel, step{kw: "$dynamicRef", kind: 1}) {
			if !w.collect {
				return false
			}
			ok = false
		}
	}
	for i, s := range n.allOf {
		if !(w.collect && w.sub(n, s, o, depth, noPel, step{kw: "allOf", idx: i, kind: 3}) || !w.collect && w.valid(s, o, depth+1)) {
			if !w.collect {
				return false
			}
			ok = false
		}
	}
	if n.anyOf != nil {
		if !w.anyOf(n, o, depth) {
			if !w.collect {
				return false
			}
			ok = false
		}
	}
	if n.oneOf != nil {
		if !w.oneOf(n, o, depth) {
			if !w.collect {
				return false
			}
			ok = false
		}
	}
	if n.not != nil && w.probe(n.not, o, depth) {
		if !w.collect {
			return false
		}
		w.fail(n, "not", o, nil)
		ok = false
	}
	if n.ifN != nil && (n.thenN != nil || n.elseN != nil) {
		if w.probe(n.ifN, o, depth) {
			if n.thenN != nil && !w.sub(n, n.thenN, o, depth, noPel, step{kw: "then", kind: 1}) {
				ok = false
			}
		} else if n.elseN != nil && !w.sub(n, n.elseN, o, depth, noPel, step{kw: "else", kind: 1}) {
			ok = false
		}
	}
	return ok
}

func (w *walker) anyOf(n *node, o python.Object, depth int) bool {
	if !w.collect {
		for _, s := range n.anyOf {
			if w.valid(s, o, depth+1) {
				return true
			}
			if w.err != nil {
				return false
			}
		}
		return false
	}
	var all []*verr
	for i, s := range n.anyOf {
		ok, errs := w.context(s, o, depth, i)
		if ok {
			return true
		}
		all = append(all, errs...)
	}
	w.fail(n, "anyOf", o, nil)
	w.errs[len(w.errs)-1].ctx = all
	return false
}

func (w *walker) oneOf(n *node, o python.Object, depth int) bool {
	first := -1
	var all []*verr
	for i, s := range n.oneOf {
		var ok bool
		if w.collect {
			var errs []*verr
			ok, errs = w.context(s, o, depth, i)
			if !ok {
				all = append(all, errs...)
			}
		} else {
			ok = w.valid(s, o, depth+1)
		}
		if w.err != nil {
			return false
		}
		if ok {
			first = i
			break
		}
	}
	if first < 0 {
		w.fail(n, "oneOf", o, nil)
		if w.collect {
			w.errs[len(w.errs)-1].ctx = all
		}
		return false
	}
	var more []int
	for i := first + 1; i < len(n.oneOf); i++ {
		if w.probe(n.oneOf[i], o, depth) {
			if !w.collect {
				return false
			}
			more = append(more, i)
		}
	}
	if more != nil {
		w.fail(n, "oneOf", o, append(more, first))
		return false
	}
	return true
}

func (w *walker) str(n *node, o python.Object, depth int) bool {
	ok := true
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := strLen(o)
		if n.minLen >= 0 && l < n.minLen {
			if !w.collect {
				return false
			}
			w.fail(n, "minLength", o, nil)
			ok = false
		}
		if n.maxLen >= 0 && l > n.maxLen {
			if !w.collect {
				return false
			}
			w.fail(n, "maxLength", o, nil)
			ok = false
		}
	}
	if n.pattern != nil {
		b, err := python.StrUTF8(o)
		if err != nil {
			python.Fetch().Release() // lone surrogates: no match
		}
		if err != nil || !n.pattern.match(b) {
			if !w.collect {
				return false
			}
			w.fail(n, "pattern", o, nil)
			ok = false
		}
	}
	return ok
}

func (w *walker) number(n *node, o python.Object, k int) bool {
	if n.minimum == nil && n.maximum == nil && n.exclMin == nil && n.exclMax == nil && n.multipleOf == nil {
		return true
	}
	v := readNum(o, k)
	ok := true
	check := func(bad bool, kw string) {
		if bad {
			ok = false
			w.fail(n, kw, o, nil)
		}
	}
	if n.minimum != nil {
		c := v.cmp(n.minimum)
		check(c < 0 || (n.exclMinBool && c == 0), "minimum")
	}
	if n.maximum != nil {
		c := v.cmp(n.maximum)
		check(c > 0 || (n.exclMaxBool && c == 0), "maximum")
	}
	if n.exclMin != nil {
		check(v.cmp(n.exclMin) <= 0, "exclusiveMinimum")
	}
	if n.exclMax != nil {
		check(v.cmp(n.exclMax) >= 0, "exclusiveMaximum")
	}
	if n.multipleOf != nil {
		check(!v.multipleOf(n.multipleOf), "multipleOf")
	}
	return ok
}
