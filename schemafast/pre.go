package schemafast

import (
	"runtime"
	"unsafe"

	"goaccel/python"
)

// The pre-check table (python/schema_pre.h): necessary conditions of the
// root schema that the C is_valid entry decides without entering Go. Each
// is a check the walker itself makes on the root (its "type", then the
// size bounds it checks before reading any key, item or character), so a
// table rejection is the walker's own verdict, False. The table can only
// say "invalid": every instance it passes, or cannot classify, is walked
// as before. One difference: when the root also has a $ref sibling
// (2019-09 on), the walker follows it before the size checks, so for an
// instance holding non-JSON values (a set) deep inside, Go may raise
// TypeError where C already answered False (python-jsonschema's verdict).

func init() {
	python.SchemaPreHook = func(h uintptr) (unsafe.Pointer, bool) {
		v, ok := python.HandleValueOf(h).(*Validator)
		if !ok {
			return nil, false
		}
		return v.preTable(), true
	}
}

// preTable returns the validator's table, built on first use (nil: the
// root has nothing C can check). The C memory lives as long as v.
func (v *Validator) preTable() unsafe.Pointer {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.preDone {
		return v.pre
	}
	v.preDone = true
	if p, ok := v.preConditions(); ok {
		v.pre = python.NewSchemaPre(p)
		runtime.AddCleanup(v, python.FreeSchemaPre, v.pre)
	}
	return v.pre
}

// preConditions derives the table from the compiled root; ok is false when
// there is nothing to check or the walker is not what validates (the v6
// fallback, dynamic scopes: left to Go entirely).
func (v *Validator) preConditions() (p python.SchemaPre, ok bool) {
	n := v.root
	if v.needsV6 || v.dynamic || n == nil {
		return p, false
	}
	if n.refOnly {
		n = n.target // the walker's is_valid jumps the same $ref-only chain
		if n == nil || n.refOnly {
			return p, false
		}
	}
	switch n.boolean {
	case 1:
		return p, false // true: nothing to reject
	case -1:
		return python.SchemaPre{MinProps: -1, MaxProps: -1, MinItems: -1, MaxItems: -1, MinLen: -1, MaxLen: -1}, true
	}
	for pk, k := range [python.PreKinds]int{
		python.PreNull: kNull, python.PreBool: kBool, python.PreInt: kInt, python.PreFloat: kFloat,
		python.PreStr: kStr, python.PreList: kList, python.PreDict: kDict,
	} {
		switch {
		case !n.hasTypes || n.accept[k] == 1:
			p.Kinds[pk] = python.PrePass
		case n.accept[k] == 2:
			p.Kinds[pk] = python.PreAsk // a float with no fraction may be an "integer"
		default:
			p.Kinds[pk] = python.PreReject
		}
	}
	p.MinProps, p.MaxProps = -1, -1
	if n.objKw {
		p.MinProps, p.MaxProps = n.fastMin, n.fastMax
	}
	p.MinItems, p.MaxItems = n.minItems, n.maxItems
	p.MinLen, p.MaxLen = n.minLen, n.maxLen
	return p, canReject(p)
}

// canReject: a table that passes every kind and bounds nothing is not
// worth the C side's few reads.
func canReject(p python.SchemaPre) bool {
	for _, k := range p.Kinds {
		if k == python.PreReject {
			return true
		}
	}
	return p.MinProps > 0 || p.MaxProps >= 0 || p.MinItems > 0 || p.MaxItems >= 0 || p.MinLen > 0 || p.MaxLen >= 0
}
