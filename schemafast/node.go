package schemafast

import (
	"math"
	"math/big"
	"strings"

	jsv6 "github.com/santhosh-tekuri/jsonschema/v6"

	"goaccel/python"
)

// Type bits of the JSON types; "integer" is its own bit because whether a
// float with no fraction counts depends on the draft.
const (
	tNull uint8 = 1 << iota
	tBool
	tInt
	tNum
	tStr
	tArr
	tObj
)

var typeBits = map[string]uint8{
	"null": tNull, "boolean": tBool, "integer": tInt, "number": tNum,
	"string": tStr, "array": tArr, "object": tObj,
}

// bound is a numeric limit kept both as float64 (fast path) and exactly.
//
// A schema number with a fraction was a float in the Python schema, and
// python-jsonschema compares with that float (1.1 <= 1.1 is true, 0.0075 /
// 0.0001 is 75.0); so such bounds act as their float64 value, and only
// integer bounds are compared exactly.
type bound struct {
	f     float64
	r     *big.Rat // exact: the integer, or the float's binary value
	isInt bool
	exact bool // f == r exactly (so float comparisons are exact)
}

func newBound(r *big.Rat) *bound {
	if r == nil {
		return nil
	}
	f, exact := r.Float64()
	b := &bound{f: f, r: r, isInt: r.IsInt(), exact: exact}
	if !b.isInt && !math.IsInf(f, 0) {
		b.r, b.exact = new(big.Rat).SetFloat64(f), true
	}
	return b
}

// node is one compiled subschema, mirroring v6's Schema with the lookups the
// direct walker needs precomputed. Nodes form a graph ($ref cycles allowed).
type node struct {
	src     *jsv6.Schema // nil once compiled (see Validator.shed)
	loc     string       // v6 Location: document URL '#' JSON pointer
	draft   int
	boolean int8 // 0: object schema; 1: true; -1: false

	ref      *node
	refOnly  bool // drafts before 2019 ignore $ref's siblings
	types    uint8
	hasTypes bool
	accept   [kDict + 1]uint8 // per Python kind: 1 matches "type", 2 if a whole float
	typeList []string
	enum     []any
	constV   *any
	not      *node
	allOf    []*node
	anyOf    []*node
	oneOf    []*node
	ifN      *node
	thenN    *node
	elseN    *node
	format   *jsv6.Format

	maxProps, minProps int // -1 when absent
	// fastMin/fastMax bound the property count for the is_valid walk:
	// minProperties and the distinct required names, maxProperties and,
	// for additionalProperties false without patternProperties, the
	// number of properties (a dict with more keys has an extra one). An
	// invalid object then fails before any of its values is read.
	fastMin, fastMax int  // fastMax -1: no bound
	simpleObj        bool // objectFast serves it (see walk_fast.go)
	simpleArr        bool // arrayOf serves it (see walk_fast.go)
	objOnly          bool // {"type": "object"} + simpleObj keywords: objectFast serves dicts
	required         []string
	reqIndex         map[string]int
	reqSlot          []int // reqIndex of each required entry
	propertyNames    *node
	props            map[string]*node
	patternProps     []patProp
	addProps         *node // nil: absent; boolean nodes for true/false
	depRequired      map[string][]string
	depSchemas       map[string]*node
	depKeyword       string // "dependencies" or "dependentRequired"/"dependentSchemas"

	minItems, maxItems int
	uniqueItems        bool
	contains           *node
	minContains        int // -1 absent
	maxContains        int
	itemsOne           *node   // items as a single schema (any draft) / items2020
	prefix             []*node // items array (draft<=2019) or prefixItems
	prefixKw           string  // "items" or "prefixItems"
	additionalItems    *node
	additionalItemsKw  string

	minLen, maxLen int
	pattern        *matcher

	minimum, maximum, exclMin, exclMax, multipleOf *bound
	exclMinBool, exclMaxBool                       bool // draft 4's boolean exclusives

	// needsV6 marks schemas that use keywords the walker does not
	// implement (unevaluated*, $dynamicRef, $recursiveRef, content,
	// vocabulary extensions); the root falls back to v6 if any
	// reachable node has it.
	needsV6 bool

	// Summary flags computed after build, so the walk skips whole groups.
	objKw, arrKw, strKw, numKw, combKw bool
	typeOnly                           bool  // "type" is the only keyword that asserts
	target                             *node // refOnly chains followed to the end
	keys                               map[string]keyInfo
	keyList                            []namedKey // the same, scanned when short
	order                              *keyOrder  // source order, for error order
	// propName is the name this node has under its parent's "properties",
	// boxed once for iter_errors' schema paths.
	propName    string
	propNameAny any

	// Dynamic references: the resource (schema with $id, or document root)
	// each node belongs to, and per resource its $dynamicAnchor names.
	recRef, dynRef *node
	dynAnchor      string
	// The source's $recursiveAnchor and $dynamicAnchor, kept for the walk.
	recursiveAnchor bool
	declaredAnchor  string
	resource        *node
	dynAnchors      map[string]*node
}

type namedKey struct {
	name string
	info keyInfo
	// seen is the last Python str object that matched name, owned (a
	// reference is held so its address cannot be reused by another
	// object). Documents repeat key objects (json.loads memoises keys,
	// literals are interned), so the is_valid walk usually recognises a
	// key by its address without reading it. Written with the GIL held.
	seen python.Object
}

// maxScan is the key count up to which a node keeps keyList: scanned by
// address first (see namedKey.seen), then by length and bytes, which
// beats hashing the property name.
const maxScan = 16

// lookup finds what property name b means to n.
func (n *node) lookup(b []byte) (keyInfo, bool) {
	if n.keyList != nil {
		for i := range n.keyList {
			k := &n.keyList[i]
			if len(k.name) == len(b) && k.name == string(b) {
				return k.info, true
			}
		}
		return keyInfo{}, false
	}
	ki, ok := n.keys[string(b)]
	return ki, ok
}

// keyInfo is what one property name means to a node: its properties
// subschema, the node the is_valid walk runs for it (prop's $ref-only
// chain followed), and its index in required (-1 if not required).
type keyInfo struct {
	prop *node
	fast *node
	req  int
}

// finish computes the summary flags of every built node.
func (b *builder) finish() {
	defer b.linkTargets()
	for _, n := range b.seen {
		n.objKw = n.maxProps >= 0 || n.minProps >= 0 || n.required != nil || n.propertyNames != nil ||
			n.props != nil || n.patternProps != nil || n.addProps != nil || n.depRequired != nil || n.depSchemas != nil
		n.arrKw = n.minItems >= 0 || n.maxItems >= 0 || n.uniqueItems || n.contains != nil ||
			n.itemsOne != nil || n.prefix != nil || n.additionalItems != nil
		n.strKw = n.minLen >= 0 || n.maxLen >= 0 || n.pattern != nil
		n.numKw = n.minimum != nil || n.maximum != nil || n.exclMin != nil || n.exclMax != nil || n.multipleOf != nil
		n.combKw = n.recRef != nil || n.dynRef != nil || n.allOf != nil || n.anyOf != nil || n.oneOf != nil || n.not != nil || n.ifN != nil
		n.fastMin, n.fastMax = n.minProps, n.maxProps
		if len(n.reqIndex) > n.fastMin {
			n.fastMin = len(n.reqIndex)
		}
		if n.addProps != nil && n.addProps.boolean == -1 && n.patternProps == nil && (n.fastMax < 0 || len(n.props) < n.fastMax) {
			n.fastMax = len(n.props)
		}
		n.simpleObj = n.patternProps == nil && n.propertyNames == nil && n.depRequired == nil && n.depSchemas == nil
		n.reqSlot = make([]int, len(n.required))
		for i, r := range n.required {
			n.reqSlot[i] = n.reqIndex[r]
		}
		if n.props != nil || n.required != nil {
			n.keys = make(map[string]keyInfo, len(n.props)+len(n.required))
			for k, p := range n.props {
				n.keys[k] = keyInfo{prop: p, req: -1}
			}
			for k, i := range n.reqIndex {
				ki, ok := n.keys[k]
				if !ok {
					ki.req = -1
				}
				ki.req = i
				n.keys[k] = ki
			}
		}
		n.keyList = nil
		if len(n.keys) <= maxScan {
			for k, ki := range n.keys {
				n.keyList = append(n.keyList, namedKey{name: k, info: ki})
			}
		}
		// A node whose only assertion is $ref behaves as its target.
		if n.ref != nil && !n.hasTypes && !n.objKw && !n.arrKw && !n.strKw && !n.numKw && !n.combKw &&
			n.enum == nil && n.constV == nil && n.format == nil && !n.needsV6 {
			n.refOnly = true
		}
		n.simpleArr = n.boolean == 0 && n.hasTypes && n.types == tArr && !n.objKw && !n.strKw && !n.numKw && !n.combKw &&
			n.ref == nil && n.enum == nil && n.constV == nil && n.format == nil && !n.needsV6 &&
			!n.uniqueItems && n.contains == nil && n.prefix == nil && n.additionalItems == nil
		n.objOnly = n.boolean == 0 && n.hasTypes && n.types == tObj && n.simpleObj && !n.arrKw && !n.strKw && !n.numKw &&
			!n.combKw && n.ref == nil && n.enum == nil && n.constV == nil && n.format == nil && !n.needsV6
		n.typeOnly = n.boolean == 0 && n.hasTypes && !n.objKw && !n.arrKw && !n.strKw && !n.numKw && !n.combKw &&
			n.ref == nil && n.enum == nil && n.constV == nil && n.format == nil && !n.needsV6
	}
}

type patProp struct {
	re  *matcher
	src string
	n   *node
}

var trueNode = &node{boolean: 1}
var falseNode = &node{boolean: -1}

func intOr(p *int, d int) int {
	if p == nil {
		return d
	}
	return *p
}

// builder converts a v6 schema graph into nodes, memoised so cycles close.
type builder struct {
	seen    map[*jsv6.Schema]*node
	needsV6 bool
	dynamic bool // some node uses $dynamicRef or $recursiveRef
}

// linkResources finds each node's resource root by walking its JSON
// pointer up to the nearest schema with an $id (or the document root),
// and indexes $dynamicAnchor names per resource.
func (b *builder) linkResources() {
	byLoc := make(map[string]*node, len(b.seen))
	for _, n := range b.seen {
		byLoc[n.loc] = n
	}
	for _, n := range b.seen {
		url, ptr := splitLoc(n.loc)
		for {
			if m, ok := byLoc[url+"#"+ptr]; ok && (ptr == "" || m.src.ID != "") {
				n.resource = m
				break
			}
			if ptr == "" {
				break
			}
			ptr = ptr[:strings.LastIndexByte(ptr, '/')]
		}
	}
	for _, n := range b.seen {
		if a := n.src.DynamicAnchor; a != "" && n.resource != nil {
			if n.resource.dynAnchors == nil {
				n.resource.dynAnchors = map[string]*node{}
			}
			n.resource.dynAnchors[a] = n
		}
	}
}

func (b *builder) build(s *jsv6.Schema) *node {
	if s == nil {
		return nil
	}
	if n, ok := b.seen[s]; ok {
		return n
	}
	n := &node{src: s, loc: s.Location, draft: s.DraftVersion, recursiveAnchor: s.RecursiveAnchor, declaredAnchor: s.DynamicAnchor}
	b.seen[s] = n
	if s.Bool != nil {
		if *s.Bool {
			n.boolean = 1
		} else {
			n.boolean = -1
		}
		return n
	}
	n.ref = b.build(s.Ref)
	n.refOnly = s.Ref != nil && s.DraftVersion < 2019
	if s.Types != nil && !s.Types.IsEmpty() {
		n.hasTypes = true
		n.typeList = s.Types.ToStrings()
		for _, t := range n.typeList {
			n.types |= typeBits[t]
		}
		n.accept = acceptTable(n.types, s.DraftVersion)
	}
	if s.Enum != nil {
		n.enum = s.Enum.Values
	}
	n.constV = s.Const
	n.not = b.build(s.Not)
	n.allOf = b.list(s.AllOf)
	n.anyOf = b.list(s.AnyOf)
	n.oneOf = b.list(s.OneOf)
	n.ifN, n.thenN, n.elseN = b.build(s.If), b.build(s.Then), b.build(s.Else)
	n.format = s.Format
	if s.Format != nil && s.Format.Name == "regex" {
		n.format = regexFormat // v6 checks "regex" with Go's RE2 syntax
	}

	n.maxProps, n.minProps = intOr(s.MaxProperties, -1), intOr(s.MinProperties, -1)
	n.required = s.Required
	if len(s.Required) > 0 {
		n.reqIndex = make(map[string]int, len(s.Required))
		for i, r := range s.Required {
			if _, dup := n.reqIndex[r]; !dup {
				n.reqIndex[r] = i
			}
		}
	}
	n.propertyNames = b.build(s.PropertyNames)
	if len(s.Properties) > 0 {
		n.props = make(map[string]*node, len(s.Properties))
		for k, v := range s.Properties {
			c := b.build(v)
			n.props[k] = c
			if c.propNameAny == nil && c.boolean == 0 {
				c.propName, c.propNameAny = k, k
			}
		}
	}
	for re, v := range s.PatternProperties {
		n.patternProps = append(n.patternProps, patProp{re: newMatcher(re), src: re.String(), n: b.build(v)})
	}
	n.addProps = b.boolOrSchema(s.AdditionalProperties)
	if s.Dependencies != nil && s.DraftVersion < 2019 { // python-jsonschema ignores it from 2019-09 on
		n.depKeyword = "dependencies"
		for k, v := range s.Dependencies {
			switch d := v.(type) {
			case []string:
				if n.depRequired == nil {
					n.depRequired = map[string][]string{}
				}
				n.depRequired[k] = d
			case *jsv6.Schema:
				if n.depSchemas == nil {
					n.depSchemas = map[string]*node{}
				}
				n.depSchemas[k] = b.build(d)
			}
		}
	}
	if s.DependentRequired != nil {
		n.depRequired = s.DependentRequired
	}
	if s.DependentSchemas != nil {
		n.depSchemas = map[string]*node{}
		for k, v := range s.DependentSchemas {
			n.depSchemas[k] = b.build(v)
		}
	}

	n.minItems, n.maxItems = intOr(s.MinItems, -1), intOr(s.MaxItems, -1)
	n.uniqueItems = s.UniqueItems
	n.contains = b.build(s.Contains)
	n.minContains, n.maxContains = intOr(s.MinContains, -1), intOr(s.MaxContains, -1)
	switch it := s.Items.(type) {
	case *jsv6.Schema:
		n.itemsOne = b.build(it)
	case []*jsv6.Schema:
		n.prefix = b.list(it)
		n.prefixKw = "items"
		n.additionalItems = b.boolOrSchema(s.AdditionalItems)
		n.additionalItemsKw = "additionalItems"
	}
	if s.PrefixItems != nil {
		n.prefix = b.list(s.PrefixItems)
		n.prefixKw = "prefixItems"
	}
	if s.Items2020 != nil {
		if s.PrefixItems != nil {
			n.additionalItems = b.build(s.Items2020)
			n.additionalItemsKw = "items"
		} else {
			n.itemsOne = b.build(s.Items2020)
		}
	}

	n.minLen, n.maxLen = intOr(s.MinLength, -1), intOr(s.MaxLength, -1)
	n.pattern = newMatcher(s.Pattern)
	n.minimum, n.maximum = newBound(s.Minimum), newBound(s.Maximum)
	n.exclMin, n.exclMax = newBound(s.ExclusiveMinimum), newBound(s.ExclusiveMaximum)
	n.multipleOf = newBound(s.MultipleOf)
	if s.DraftVersion == 4 {
		// v6 folds draft 4's boolean exclusiveMinimum into ExclusiveMinimum.
		if n.exclMin != nil && n.minimum == nil {
			n.minimum, n.exclMin, n.exclMinBool = n.exclMin, nil, true
		}
		if n.exclMax != nil && n.maximum == nil {
			n.maximum, n.exclMax, n.exclMaxBool = n.exclMax, nil, true
		}
	}

	n.recRef = b.build(s.RecursiveRef)
	if s.DynamicRef != nil {
		n.dynRef, n.dynAnchor = b.build(s.DynamicRef.Ref), s.DynamicRef.Anchor
	}
	if n.recRef != nil || n.dynRef != nil {
		b.dynamic = true
	}
	if s.UnevaluatedItems != nil || s.UnevaluatedProperties != nil || len(s.Extensions) > 0 || s.ContentSchema != nil ||
		s.ContentEncoding != nil || s.ContentMediaType != nil {
		n.needsV6 = true
		b.needsV6 = true
	}
	return n
}

func (b *builder) list(ss []*jsv6.Schema) []*node {
	if ss == nil {
		return nil
	}
	out := make([]*node, len(ss))
	for i, s := range ss {
		out[i] = b.build(s)
	}
	return out
}

func (b *builder) boolOrSchema(v any) *node {
	switch t := v.(type) {
	case bool:
		if t {
			return trueNode
		}
		return falseNode
	case *jsv6.Schema:
		return b.build(t)
	}
	return nil
}

// linkTargets follows chains of $ref-only nodes, so the fast walk jumps
// straight to the schema that asserts something (cycles stop the chase).
func (b *builder) linkTargets() {
	for _, n := range b.seen {
		t := n
		for i := 0; t.refOnly && t.ref != nil && i < 64; i++ {
			t = t.ref
		}
		n.target = t
	}
	for _, n := range b.seen {
		// typeOnly of every node is known now (finish ran).
		n.simpleArr = n.simpleArr && (n.itemsOne == nil || n.itemsOne.typeOnly)
		for k, ki := range n.keys {
			ki.fast = fastNode(ki.prop)
			n.keys[k] = ki
		}
		for i := range n.keyList {
			n.keyList[i].info.fast = fastNode(n.keyList[i].info.prop)
		}
	}
}

// fastNode is the node the is_valid walk (no dynamic scope) runs for n.
func fastNode(n *node) *node {
	if n != nil && n.target != nil {
		return n.target
	}
	return n
}
