package xmlfast

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder keeps a document's events as text.
type recorder struct{ events []string }

func (r *recorder) Start(name []byte, attrs []Attr) error {
	s := "<" + string(name)
	for _, a := range attrs {
		s += " " + string(a.Name) + "=" + string(a.Value)
	}
	r.events = append(r.events, s+">")
	return nil
}
func (r *recorder) End(name []byte) error {
	r.events = append(r.events, "</"+string(name)+">")
	return nil
}
func (r *recorder) Text(d []byte) error    { r.events = append(r.events, "T:"+string(d)); return nil }
func (r *recorder) Comment(d []byte) error { r.events = append(r.events, "C:"+string(d)); return nil }

func scan(t *testing.T, doc string) ([]string, error) {
	t.Helper()
	r := &recorder{}
	err := Scan([]byte(doc), r, Limits{MaxDepth: 100})
	return r.events, err
}

func TestScanEvents(t *testing.T) {
	ev, err := scan(t, "<?xml version='1.0'?>\n<!--c--><r a='1' b=\"x&amp;\ty\"><x/>t&lt;&#65;&#x1F600;<![CDATA[<&>]]>\r\nz</r>\n")
	require.NoError(t, err)
	assert.Equal(t, []string{"C:c", "<r a=1 b=x& y>", "<x>", "</x>", "T:t<A\U0001F600", "T:<&>", "T:\nz", "</r>"}, ev)
}

func TestScanErrors(t *testing.T) {
	cases := map[string]ErrorKind{
		"":                                 KindSyntax,
		"<r>":                              KindSyntax,
		"<r></x>":                          KindSyntax,
		"<r/><r/>":                         KindSyntax,
		"<r a='1' a='2'/>":                 KindSyntax,
		"<r>\x01</r>":                      KindSyntax,
		"<r>\xff</r>":                      KindSyntax,
		"<!DOCTYPE r><r/>":                 KindDTD,
		"<r>&lol;</r>":                     KindEntities,
		"<r>" + strings.Repeat("<a>", 200): KindLimit,
	}
	for doc, kind := range cases {
		_, err := scan(t, doc)
		var se *SyntaxError
		require.True(t, errors.As(err, &se), "doc %q: %v", doc, err)
		assert.Equal(t, kind, se.Kind, "doc %q: %v", doc, err)
	}
}

func TestErrorPosition(t *testing.T) {
	_, err := scan(t, "<r>\n  <a></b>\n</r>")
	require.Error(t, err)
	assert.Equal(t, "mismatched tag: line 2, column 7", err.Error()) // expat points at the name
}

func TestSanitizeName(t *testing.T) {
	for in, want := range map[string]string{
		"ok": "ok", "1a": "_1a", "a b": "a_b", "xmlns": "_xmlns", "XMLx": "_XMLx", "": "_",
		"a:b": "a_b", "-x": "_-x", "café": "café", "\uf900": "__", "\u8c48": "\u8c48",
	} {
		assert.Equal(t, want, string(SanitizeName(nil, []byte(in))), in)
	}
}

func TestFloatRepr(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0.0", 1: "1.0", -1.5: "-1.5", 1e16: "1e+16", 1e15: "1000000000000000.0", 1e-5: "1e-05",
		0.0001: "0.0001", 123456789.125: "123456789.125", 1.7976931348623157e308: "1.7976931348623157e+308",
		5e-324: "5e-324", 0.1: "0.1", math.Inf(1): "inf", math.Inf(-1): "-inf",
	} {
		assert.Equal(t, want, string(appendFloatRepr(nil, f)))
	}
	assert.Equal(t, "nan", string(appendFloatRepr(nil, math.NaN())))
	assert.Equal(t, "-0.0", string(appendFloatRepr(nil, math.Copysign(0, -1))))
}

func TestMatchDateTime(t *testing.T) {
	ok := map[string]dtFields{
		"2011-12-25 12:45:00":  {2011, 12, 25, 12, 45, 0},
		"2011-1-5 1:2:3":       {2011, 1, 5, 1, 2, 3},
		"2011-12- 5\t\n9:05:7": {2011, 12, 5, 9, 5, 7},
	}
	for s, want := range ok {
		got, matched := matchDateTime([]byte(s))
		assert.True(t, matched, s)
		assert.Equal(t, want, got, s)
	}
	for _, s := range []string{"2011-12-25 12:45:001", "2011-12-25T12:45:00", "2011-13-01 00:00:00", " 2011-12-25 12:45:00", "2011-12-25"} {
		_, matched := matchDateTime([]byte(s))
		assert.False(t, matched, s)
	}
}

func TestClassifyLeaf(t *testing.T) {
	for s, want := range map[string]leafKind{
		"12": leafInt, " -7 ": leafInt, "1.5": leafDecimal, "-Infinity": leafDecimal, "sNaN3": leafDecimal,
		"1e": leafStr, "abc": leafStr, "1_0": leafPython, "١": leafPython, "café": leafStr,
		"2011-12-25 12:45:00": leafDateTime,
	} {
		k, _, _ := classifyLeaf([]byte(s))
		assert.Equal(t, want, k, s)
	}
}
