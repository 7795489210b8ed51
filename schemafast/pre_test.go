package schemafast

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"goaccel/python"
)

// The pre-check table C consults before entering Go (pre.go): what each
// root shape gives, and that Go-only cases give none.
func TestPreConditions(t *testing.T) {
	python.WithGIL(func() {
		const (
			R, P, A = python.PreReject, python.PrePass, python.PreAsk
		)
		cases := []struct {
			schema string
			kinds  [python.PreKinds]uint8 // Null Bool Int Float Str List Dict
			props  [2]int
			items  [2]int
			strs   [2]int
		}{
			{`{"type": "object", "required": ["a", "b"], "properties": {"a": {}, "b": {}, "c": {}}, "additionalProperties": False}`,
				[7]uint8{R, R, R, R, R, R, P}, [2]int{2, 3}, [2]int{-1, -1}, [2]int{-1, -1}},
			{`{"properties": {"a": {}}, "patternProperties": {"^x": {}}, "additionalProperties": False, "maxProperties": 5}`,
				[7]uint8{P, P, P, P, P, P, P}, [2]int{0, 5}, [2]int{-1, -1}, [2]int{-1, -1}},
			{`{"type": "integer"}`, [7]uint8{R, R, P, A, R, R, R}, [2]int{-1, -1}, [2]int{-1, -1}, [2]int{-1, -1}},
			{`{"type": ["number", "null"]}`, [7]uint8{P, R, P, P, R, R, R}, [2]int{-1, -1}, [2]int{-1, -1}, [2]int{-1, -1}},
			{`{"type": "array", "minItems": 1, "maxItems": 4}`, [7]uint8{R, R, R, R, R, P, R}, [2]int{-1, -1}, [2]int{1, 4}, [2]int{-1, -1}},
			{`{"minLength": 2}`, [7]uint8{P, P, P, P, P, P, P}, [2]int{-1, -1}, [2]int{-1, -1}, [2]int{2, -1}},
			// A $ref-only root: the target's conditions.
			{`{"$ref": "#/$defs/t", "$defs": {"t": {"type": "boolean"}}}`, [7]uint8{R, P, R, R, R, R, R}, [2]int{-1, -1}, [2]int{-1, -1}, [2]int{-1, -1}},
			{`False`, [7]uint8{}, [2]int{-1, -1}, [2]int{-1, -1}, [2]int{-1, -1}},
		}
		for _, c := range cases {
			p, ok := compile(t, c.schema).preConditions()
			require.True(t, ok, c.schema)
			assert.Equal(t, c.kinds, p.Kinds, c.schema)
			assert.Equal(t, c.props, [2]int{p.MinProps, p.MaxProps}, c.schema)
			assert.Equal(t, c.items, [2]int{p.MinItems, p.MaxItems}, c.schema)
			assert.Equal(t, c.strs, [2]int{p.MinLen, p.MaxLen}, c.schema)
		}
		for _, s := range []string{
			`True`, `{"minimum": 1}`,
			`{"type": "object", "unevaluatedProperties": False}`, // v6 fallback
			`{"$dynamicAnchor": "a", "type": "object", "properties": {"x": {"$dynamicRef": "#a"}}}`,
		} {
			_, ok := compile(t, s).preConditions()
			assert.False(t, ok, s)
		}
		v := compile(t, `{"type": "string"}`)
		p := v.preTable()
		require.NotNil(t, p)
		assert.Equal(t, p, v.preTable(), "built once")
	})
}
