package xmlfast

import (
	"errors"

	"goaccel/python"
)

// Exception types of the Python face (xmlfast._safety), registered once at
// import through Configure. Parse errors become these; until configured
// (Go tests), ValueError.
var excTypes [4]python.Ref

// Python objects the DRF parser needs: decimal.Decimal,
// decimal.InvalidOperation and the Python copy of _type_convert.
var decimalType, invalidOperation, drfConvert python.Ref

// Configure records the exception types for syntax, DTD, entity and limit
// errors, and the DRF parser's helpers (borrowed objects; new references are
// kept for the process's life).
func Configure(syntax, dtd, entities, limit, decimal, invalid, convert python.Object) {
	for i, t := range []python.Object{syntax, dtd, entities, limit} {
		excTypes[i].Release()
		excTypes[i] = python.NewRef(t)
	}
	for _, p := range []struct {
		dst *python.Ref
		o   python.Object
	}{{&decimalType, decimal}, {&invalidOperation, invalid}, {&drfConvert, convert}} {
		p.dst.Release()
		*p.dst = python.NewRef(p.o)
	}
}

// Configured reports whether Configure has run.
func Configured() bool { return !decimalType.IsNil() }

// PyError converts scanner errors into the configured Python exceptions;
// other errors pass through.
func PyError(err error) error {
	var se *SyntaxError
	if !errors.As(err, &se) {
		return err
	}
	t := excTypes[se.Kind]
	if t.IsNil() {
		return python.Errorf(python.ValueError, "%s", se.Error())
	}
	return python.Errorf(t.Object, "%s", se.Error())
}
