package jsonfast

import (
	"goaccel/python"
)

// Face 1: the standard library's rules, as json's C encoder (and, with
// indent, its pure-Python encoder) apply them. The order of checks follows
// _json.c: None, True, False, str, int, float, list/tuple, dict, default.

// recursionFree is how deep containers nest before each further level is
// registered with Py_EnterRecursiveCall, so that deep or endless nesting
// raises RecursionError at the interpreter's limit as json does, while
// ordinary documents never pay for the call.
const recursionFree = 50

func (e *Encoder) value(o python.Object) error {
	t := o.Type()
	switch t {
	case python.StrType:
		if s, ok := python.StrASCII(o); ok {
			e.buf = appendQuotedShort(e.buf, s, e.tbl, 0)
			return nil
		}
		_, err := e.appendStr(o)
		return err
	case python.IntType:
		return e.appendInt(o)
	case python.FloatType:
		return e.appendFloatJSON(o)
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
	case python.ListType, python.TupleType:
		return e.list(o)
	case python.DictType:
		return e.dict(o)
	}
	flags := t.TypeFlags()
	switch {
	case flags&python.FlagStrSubclass != 0:
		_, err := e.appendStr(o)
		return err
	case flags&python.FlagLongSubclass != 0:
		return e.appendInt(o)
	case t.IsSubtype(python.FloatType):
		return e.appendFloatJSON(o)
	case flags&(python.FlagListSubclass|python.FlagTupleSubclass) != 0:
		return e.list(o)
	case flags&python.FlagDictSubclass != 0:
		return e.dict(o)
	}
	return e.callDefault(o)
}

// scalarJSON writes the common scalars — exact ASCII str, int within
// int64, finite float, bool, None — in one call from the list and dict
// loops (as scalarOrjson does for face 2); ok is false for anything else,
// which goes through heldValue -> value.
func (e *Encoder) scalarJSON(b []byte, o python.Object) ([]byte, bool) {
	switch o.Type() {
	case python.StrType:
		if s, ok := python.StrASCII(o); ok {
			return appendQuotedShort(b, s, e.tbl, 0), true
		}
	case python.IntType:
		if v, ok := python.LongSmall(o); ok {
			return appendInt64(b, v), true
		}
		if v, ok := python.LongInt64(o); ok {
			return appendInt64(b, v), true
		}
	case python.FloatType:
		if f := python.FloatValue(o); f-f == 0 {
			return appendFloat(b, f, false), true
		}
	case python.NoneType:
		return append(b, "null"...), true
	case python.BoolType:
		if o == python.True {
			return append(b, "true"...), true
		}
		return append(b, "false"...), true
	}
	return b, false
}

// appendInt writes an int (or subclass) as int.__repr__ does.
func (e *Encoder) appendInt(o python.Object) error {
	if v, ok := python.LongInt64(o); ok {
		e.buf = appendInt64(e.buf, v)
		return nil
	}
	if v, ok := python.LongUint64(o); ok {
		e.buf = appendUint64(e.buf, v)
		return nil
	}
	r, err := python.LongRepr(o)
	if err != nil {
		return err
	}
	defer r.Release()
	s, _ := python.StrASCII(r.Object)
	e.buf = append(e.buf, s...)
	return nil
}

func (e *Encoder) appendFloatJSON(o python.Object) error {
	f := python.FloatValue(o)
	if f-f != 0 { // NaN or ±Inf
		if !e.AllowNaN {
			if e.Indent != nil { // the pure-Python encoder's message
				r, _ := python.Repr(o)
				return python.Errorf(python.ValueError, "Out of range float values are not JSON compliant: %s", r)
			}
			return python.Errorf(python.ValueError, "Out of range float values are not JSON compliant")
		}
		switch {
		case f != f:
			e.buf = append(e.buf, "NaN"...)
		case f > 0:
			e.buf = append(e.buf, "Infinity"...)
		default:
			e.buf = append(e.buf, "-Infinity"...)
		}
		return nil
	}
	e.buf = appendFloat(e.buf, f, false)
	return nil
}

// enter marks the start of a container: cycle check, and recursion
// accounting past recursionFree levels.
func (e *Encoder) enter(o python.Object) error {
	if e.CheckCircular {
		p := o.Ptr()
		for _, a := range e.stack {
			if a == p {
				return python.Errorf(python.ValueError, "Circular reference detected")
			}
		}
		e.stack = append(e.stack, p)
	}
	e.depth++
	if e.depth > recursionFree {
		if err := python.JSONEnterRecursiveCall(); err != nil {
			e.depth--
			if e.CheckCircular {
				e.stack = e.stack[:len(e.stack)-1]
			}
			return err
		}
		e.recursion++
	}
	return nil
}

func (e *Encoder) leave() {
	if e.depth > recursionFree {
		python.LeaveRecursiveCall()
		e.recursion--
	}
	e.depth--
	if e.CheckCircular {
		e.stack = e.stack[:len(e.stack)-1]
	}
}

// leaveAllRecursion undoes recursion accounting left by an error return.
func (e *Encoder) leaveAllRecursion() {
	for ; e.recursion > 0; e.recursion-- {
		python.LeaveRecursiveCall()
	}
}

func (e *Encoder) newline() {
	e.buf = append(e.buf, '\n')
	for i := 0; i < e.level; i++ {
		e.buf = appendSep(e.buf, e.Indent)
	}
}

func (e *Encoder) list(o python.Object) error {
	if python.ListLen(o) == 0 {
		e.buf = append(e.buf, '[', ']')
		return nil
	}
	if err := e.enter(o); err != nil {
		return err
	}
	e.buf = append(e.buf, '[')
	e.level++
	isList := o.Type().TypeFlags()&python.FlagListSubclass != 0
	for i := 0; ; i++ {
		// Re-read length and items each time: default() may mutate the list.
		var items []python.Object
		if isList {
			items = python.ListItems(o)
		} else {
			items = python.TupleItems(o)
		}
		if i >= len(items) {
			break
		}
		if i > 0 {
			e.buf = appendSep(e.buf, e.ItemSep)
		}
		if e.Indent != nil {
			e.newline()
		}
		if b, ok := e.scalarJSON(e.buf, items[i]); ok {
			e.buf = b
			continue
		}
		if err := e.heldValue(items[i]); err != nil {
			return err
		}
	}
	e.leave()
	e.level--
	if e.Indent != nil {
		e.newline()
	}
	e.buf = append(e.buf, ']')
	return nil
}

// callDefault encodes default(o), marking o as in progress for the cycle
// check as json does.
func (e *Encoder) callDefault(o python.Object) error {
	if e.Default.IsNil() {
		return python.Errorf(python.TypeError, "Object of type %s is not JSON serializable", typeShortName(o))
	}
	if err := e.enter(o); err != nil {
		return err
	}
	e.calls++
	r, err := python.Call(e.Default, o)
	if err != nil {
		return err
	}
	err = e.value(r.Object)
	r.Release()
	if err != nil {
		return err
	}
	e.leave()
	return nil
}

// typeShortName is o.__class__.__name__.
func typeShortName(o python.Object) string {
	n := o.TypeName()
	for i := len(n) - 1; i >= 0; i-- {
		if n[i] == '.' {
			return n[i+1:]
		}
	}
	return n
}

// appendSep appends a separator or indent. They are almost always one or
// two bytes (", ", ": ", ","), where a slice append would call memmove.
func appendSep(b, sep []byte) []byte {
	switch len(sep) {
	case 1:
		return append(b, sep[0])
	case 2:
		return append(b, sep[0], sep[1])
	}
	return append(b, sep...)
}
