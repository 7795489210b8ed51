package jsonfast

import (
	"math"
	"time"

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
	ascii   bool
	def     python.Object // json's default for values it cannot encode (borrowed)
	byLen   map[int][]*logShape
	spare   []python.Object // a reusable items buffer (nil while in use)
	shapes  int
	isoSec  float64 // the second isoBase is the text of
	isoBase []byte  // "YYYY-MM-DDTHH:MM:SS" of isoSec
}

type logShape struct {
	keys     []python.Object // the shape tuple's items (borrowed)
	ops      []logOp
	nonASCII bool  // a literal holds UTF-8 beyond ASCII (ensure_ascii=False)
	none     []int // keys whose values must be None (exc_info, exc_text, stack_info), else Python's path
}

const (
	opSlot = iota // the value of keys[arg]
	opTS          // record.created (keys[arg]) as a UTC isoformat() string
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

// NewLogTable makes the table of a plan whose output is ASCII-escaped when
// ascii; def is the default json calls for values it cannot encode.
func NewLogTable(ascii bool, def python.Object) *LogTable {
	return &LogTable{ascii: ascii, def: def, byLen: map[int][]*logShape{}, isoSec: -1}
}

// Add compiles one shape. ops items: str (literal JSON text), int (slot:
// index in keys), 2-tuple ("ts", i) (keys[i] is created: the timestamp
// text), 1-tuple (a constant object).
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
		case op.Type() == python.TupleType && len(python.TupleItems(op)) == 2:
			it := python.TupleItems(op)
			name, _ := python.StrASCII(it[0])
			i, ok := python.LongInt64(it[1])
			if !ok || i < 0 || int(i) >= len(ks) || it[0].Type() != python.StrType {
				return false, nil
			}
			switch string(name) {
			case "ts":
				sh.ops = append(sh.ops, logOp{lit: lit, kind: opTS, arg: int(i)})
				lit = nil
			case "none":
				sh.none = append(sh.none, int(i))
			default:
				return false, nil
			}
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
func (t *LogTable) Render(d python.Object) (python.Ref, error) {
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
	for _, i := range sh.none {
		if pairs[2*i+1] != python.None { // an exception or stack to format: Python's path
			return python.Ref{}, nil
		}
	}
	e := getEncoder(&EncodeOptions{EnsureASCII: t.ascii, AllowNaN: true,
		ItemSep: itemSep, KeySep: keySep, Default: t.def})
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
			b, ok := t.appendISO(e.buf, pairs[2*op.arg+1])
			if !ok { // not a float in datetime's range: Python's path
				return python.Ref{}, nil
			}
			e.buf = b
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
		// Anything else: json's rules and its default, which may run
		// Python code that changes the record: keep the values this call
		// still reads alive.
		if held == nil && v.Type() != python.StrType && v.Type() != python.IntType {
			held = make([]python.Ref, 0, len(sh.ops))
			for j := i; j < len(sh.ops); j++ {
				if k := sh.ops[j].kind; k == opSlot || k == opTS {
					held = append(held, python.NewRef(pairs[2*sh.ops[j].arg+1]))
				}
			}
		}
		if err := e.encode(v); err != nil { // encode: undoes recursion accounting on error
			return python.Ref{}, err
		}
	}
	if !e.nonASCII {
		return python.NewASCIIStr(e.buf)
	}
	return python.NewStrSurrogates(e.buf, e.surrogates)
}

var itemSep, keySep = []byte(", "), []byte(": ")

// maxISOSec is 9999-12-31T23:59:59 UTC, datetime's last second.
const maxISOSec = 253402300799

// appendISO writes datetime.fromtimestamp(created, tz=timezone.utc).isoformat()
// as jsonfast.logging._utc_isoformat does: the fraction rounded half-even to
// microseconds (math.modf + round, the same IEEE operations), with carry.
func (t *LogTable) appendISO(b []byte, v python.Object) ([]byte, bool) {
	if v.Type() != python.FloatType {
		return b, false
	}
	sec, frac := math.Modf(python.FloatValue(v))
	us := math.RoundToEven(frac * 1e6)
	if us >= 1e6 {
		sec++
		us -= 1e6
	} else if us < 0 {
		sec--
		us += 1e6
	}
	if !(sec >= 0 && sec <= maxISOSec) {
		return b, false
	}
	if sec != t.isoSec {
		t.isoBase = time.Unix(int64(sec), 0).UTC().AppendFormat(t.isoBase[:0], "2006-01-02T15:04:05")
		t.isoSec = sec
	}
	b = append(b, t.isoBase...)
	if us != 0 {
		n := int64(us)
		b = append(b, '.')
		for d := int64(100000); d > 0; d /= 10 {
			b = append(b, byte('0'+n/d%10))
		}
	}
	return append(b, "+00:00"...), true
}
