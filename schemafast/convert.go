package schemafast

import (
	"encoding/json"

	"goaccel/python"
)

// toJSON converts a JSON-shaped Python value into the Go values the v6
// compiler and validator expect. python.ToGo already reads objects
// directly; v6 does not know *big.Int, so ints beyond 64 bits become
// json.Number (exact, and still a number to v6). Floats stay float64 and
// ints stay int64, so 1 and 1.0 compare equal as they do in Python.
func toJSON(o python.Object) (any, error) {
	v, err := python.ToGo(o)
	if err != nil {
		return nil, err
	}
	return fixBig(v), nil
}

func fixBig(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = fixBig(x)
		}
	case []any:
		for i, x := range t {
			t[i] = fixBig(x)
		}
	case interface{ String() string }:
		// *big.Int is the only Stringer ToGo produces.
		return json.Number(t.String())
	}
	return v
}
