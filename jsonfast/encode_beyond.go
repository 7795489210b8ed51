package jsonfast

import (
	"strings"
	"sync"

	"goaccel/python"
)

// Types orjson leaves to default= but its users keep asking for, behind
// jsonfast's own opt-in flags (OptSerializeDecimal, OptSerializeSet): the
// output for everything else stays orjson's, byte for byte.

var (
	decimalOnce sync.Once
	decimalType python.Object
	decimalStr  python.Object // Decimal.__str__, called directly
	decimalErr  error
)

// loadDecimal imports decimal on first use of OptSerializeDecimal only:
// importing it costs milliseconds that plain dumps never pay.
func loadDecimal() (python.Object, error) {
	decimalOnce.Do(func() {
		m, err := python.Import("decimal")
		if err != nil {
			decimalErr = err
			return
		}
		defer m.Release()
		r, err := python.GetAttr(m.Object, "Decimal")
		if err != nil {
			decimalErr = err
			return
		}
		decimalType = r.Object // kept for the process's life, as is __str__
		f, err := python.GetAttr(r.Object, "__str__")
		decimalStr, decimalErr = f.Object, err
	})
	return decimalType, decimalErr
}

// beyondOrjson writes o when it is a Decimal (OptSerializeDecimal) or a
// set/frozenset (OptSerializeSet), subclasses included.
func (e *Encoder) beyondOrjson(o, t python.Object) (bool, error) {
	if e.Flags&OptSerializeSet != 0 && (t == python.SetType || t == python.FrozenSetType ||
		t.IsSubtype(python.SetType) || t.IsSubtype(python.FrozenSetType)) {
		return true, e.setOrjson(o)
	}
	if e.Flags&OptSerializeDecimal != 0 {
		dt, err := loadDecimal()
		if err != nil {
			return true, err
		}
		if t == dt || t.IsSubtype(dt) {
			return true, e.decimalOrjson(o)
		}
	}
	return false, nil
}

// decimalOrjson writes Decimal.__str__(d), which is always a valid JSON
// number for a finite Decimal ("1.10", "-0", "1E+2", "1.2E-7": exponents
// included, the digits kept exactly); NaN, sNaN and the infinities become
// null, as orjson writes non-finite floats. Decimal's own __str__ is
// called, not str(d): a subclass overriding __str__ ("$9.99") must not
// put its text into the JSON.
func (e *Encoder) decimalOrjson(o python.Object) error {
	r, err := python.Call(decimalStr, o)
	if err != nil {
		return err
	}
	defer r.Release()
	u, err := python.StrUTF8(r.Object)
	if err != nil {
		return err
	}
	s := string(u)
	if strings.ContainsAny(s, "nN") { // NaN, sNaN, Infinity
		e.buf = append(e.buf, "null"...)
		return nil
	}
	e.buf = append(e.buf, s...)
	return nil
}

// setOrjson writes a set or frozenset as a JSON array, in the set's
// iteration order (which for str items changes between processes with
// hash randomisation: sort first where a stable order matters).
func (e *Encoder) setOrjson(o python.Object) error {
	if err := e.enterOrjson(); err != nil {
		return err
	}
	it, err := python.GetIter(o)
	if err != nil {
		return err
	}
	defer it.Release()
	e.buf = append(e.buf, '[')
	first := true
	for {
		item, done, err := python.Next(it.Object)
		if err != nil {
			return err
		}
		if done {
			break
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		if e.Flags&OptIndent2 != 0 {
			e.newlineOrjson()
		}
		err = e.valueOrjson(item.Object)
		item.Release()
		if err != nil {
			return err
		}
	}
	e.depth--
	if e.Flags&OptIndent2 != 0 && !first {
		e.newlineOrjson()
	}
	e.buf = append(e.buf, ']')
	return nil
}
