package jsonfast

import (
	"goaccel/python"
)

// The JSON text of a log record, written from the record's __dict__ for
// jsonfast.logging's direct renderer (jsonfast/logging.py). Python compiles
// each record shape (the tuple of the __dict__'s keys) into a list of ops:
// literal JSON text (keys, separators, pre-encoded constants), "the value
// of key i", "the timestamp text", "this constant object". Here one call
// finds the shape by the key objects' identity and writes the text; the
// Python side would spend ~0.3 µs on tuple(d) + a dict lookup and ~0.7 µs
// on its f-string renderer per record.
//
// Nothing here owns a reference: the Python plan keeps every shape tuple
// and constant alive for as long as it keeps this table, and drops both
// together.

// LogTable holds the compiled shapes of one formatter plan.
type LogTable struct {
	ascii  bool
	enc    python.Object // the plan's value encoder: obj -> JSON text (borrowed)
	byLen  map[int][]*logShape
	spare  []python.Object // a reusable items buffer (nil while in use)
	shapes int
}

type logShape struct {
	keys     []python.Object // the shape tuple's items (borrowed)
	ops      []logOp
	nonASCII bool // a literal holds UTF-8 beyond ASCII (ensure_ascii=False)
}

const (
	opSlot = iota // the value of keys[arg]
	opTS          // the timestamp text passed in
	opObj         // a constant object, encoded from its current state
	opNone        // literal text only
)

type logOp struct {
	lit  []byte // written before the value
	kind int
	arg  int
	obj  python.Object
}

// MaxLogShapes bounds a table; Python replaces the table when it is full.
const MaxLogShapes = 256

// NewLogTable makes the table of a plan whose output is ASCII-escaped when ascii.
func NewLogTable(ascii bool, enc python.Object) *LogTable {
	return &LogTable{ascii: ascii, enc: enc, byLen: map[int][]*logShape{}}
}

// Add compiles one shape. ops items: str (literal JSON text), int (slot:
// index in keys), None (the timestamp text), 1-tuple (a constant object).
// It reports false (nothing added) for a program it cannot serve exactly.
func (t *LogTable) Add(keys python.Object, ops python.Object) (bool, error) {
	if t.shapes >= MaxLogShapes || keys.Type() != python.TupleType || ops.Type() != python.ListType {
		return false, nil
	}
	ks := python.TupleItems(keys)
	for _, k := range ks {
		if k.Type() != python.StrType {
			return false, nil
		}
	}
	sh := &logShape{keys: append([]python.Object(nil), ks...)}
	var lit []byte
	for _, op := range python.ListItems(ops) {
		switch {
		case op.Type() == python.StrType:
			u, err := python.StrUTF8(op)
			if err != nil { // lone surrogates: leave it to Python
				if exc := python.Fetch(); exc != nil {
					exc.Release()
				}
				return false, nil
			}
			if _, ok := python.StrASCII(op); !ok {
				if t.ascii {
					return false, nil
				}
				sh.nonASCII = true
			}
			lit = append(lit, u...)
		case op.Type() == python.IntType:
			i, ok := python.LongInt64(op)
			if !ok || i < 0 || int(i) >= len(ks) {
				return false, nil
			}
			sh.ops = append(sh.ops, logOp{lit: lit, kind: opSlot, arg: int(i)})
			lit = nil
		case op == python.None:
			sh.ops = append(sh.ops, logOp{lit: lit, kind: opTS})
			lit = nil
		case op.Type() == python.TupleType && len(python.TupleItems(op)) == 1:
			sh.ops = append(sh.ops, logOp{lit: lit, kind: opObj, obj: python.TupleItems(op)[0]})
			lit = nil
		default:
			return false, nil
		}
	}
	sh.ops = append(sh.ops, logOp{lit: lit, kind: opNone})
	t.byLen[len(ks)] = append(t.byLen[len(ks)], sh)
	t.shapes++
	return true, nil
}

// match returns the shape whose keys are exactly pairs' keys (by identity).
func (t *LogTable) match(pairs []python.Object) *logShape {
	n := len(pairs) / 2
outer:
	for _, sh := range t.byLen[n] {
		// From the end: records differ in their extras, after the
		// attributes every LogRecord sets in the same order.
		for i := n - 1; i >= 0; i-- {
			if pairs[2*i] != sh.keys[i] {
				continue outer
			}
		}
		return sh
	}
	return nil
}

// Render writes the record's JSON text, or returns a NULL Ref (no error)
// when no compiled shape has exactly d's keys: Python then takes its path.
func (t *LogTable) Render(d, ts python.Object) (python.Ref, error) {
	n := python.DictLen(d)
	if len(t.byLen[n]) == 0 {
		return python.Ref{}, nil
	}
	pairs := t.spare
	t.spare = nil // a callback below may log again: a nested call allocates its own
	if cap(pairs) < 2*n {
		pairs = make([]python.Object, 2*n)
	}
	pairs = python.DictItemsInto(d, pairs[:2*n])
	defer func() { t.spare = pairs[:0] }()
	if len(pairs) != 2*n {
		return python.Ref{}, nil
	}
	sh := t.match(pairs)
	if sh == nil {
		return python.Ref{}, nil
	}
	e := getEncoder(&EncodeOptions{EnsureASCII: t.ascii, AllowNaN: true})
	defer putEncoder(e)
	e.nonASCII = sh.nonASCII // else the text would be made an ASCII str
	var held []python.Ref    // values kept alive once Python code may run
	defer func() {
		for _, r := range held {
			r.Release()
		}
	}()
	for i := range sh.ops {
		op := &sh.ops[i]
		e.buf = append(e.buf, op.lit...)
		var v python.Object
		switch op.kind {
		case opNone:
			continue
		case opTS:
			s, ok := python.StrASCII(ts)
			if !ok || ts.Type() != python.StrType {
				return python.Ref{}, python.Errorf(python.TypeError, "log_render: timestamp must be an ASCII str")
			}
			e.buf = append(e.buf, s...)
			continue
		case opSlot:
			v = pairs[2*op.arg+1]
		case opObj:
			v = op.obj
		}
		if b, ok := e.scalarJSON(e.buf, v); ok {
			e.buf = b
			continue
		}
		switch v.Type() {
		case python.StrType:
			if _, err := e.appendStr(v); err != nil {
				return python.Ref{}, err
			}
			continue
		case python.IntType:
			if err := e.appendInt(v); err != nil {
				return python.Ref{}, err
			}
			continue
		}
		// Anything else: the plan's encoder (json's rules, its default).
		// It runs Python code, which could change the record: keep the
		// values this call still reads alive.
		if held == nil {
			for j := i; j < len(sh.ops); j++ {
				if sh.ops[j].kind == opSlot {
					held = append(held, pairs[2*sh.ops[j].arg+1].IncRef())
				}
			}
		}
		r, err := python.Call(t.enc, v)
		if err != nil {
			return python.Ref{}, err
		}
		if r.Type() != python.StrType {
			r.Release()
			return python.Ref{}, python.Errorf(python.TypeError, "log_render: the encoder returned %s, not str", r.TypeName())
		}
		if s, ok := python.StrASCII(r.Object); ok {
			e.buf = append(e.buf, s...)
		} else {
			u, err := python.StrUTF8(r.Object)
			if err != nil { // lone surrogates (ensure_ascii=False): Python's path writes them
				if exc := python.Fetch(); exc != nil {
					exc.Release()
				}
				r.Release()
				return python.Ref{}, nil
			}
			e.buf = append(e.buf, u...)
			e.nonASCII = true
		}
		r.Release()
	}
	if !e.nonASCII {
		return python.NewASCIIStr(e.buf)
	}
	return python.NewStrSurrogates(e.buf, e.surrogates)
}
