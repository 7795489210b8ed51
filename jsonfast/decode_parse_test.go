package jsonfast

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"goaccel/python"
)

// tapeValue reads a tape back into Go values (the shape encoding/json's
// Unmarshal gives, with numbers as float64 or int64/uint64 and big ints as
// their digits), so parser output can be checked without Python.
func tapeValue(t *Tape, data []byte, i *int) any {
	w := t.Words[*i]
	*i++
	switch Tag(w) {
	case TagNull:
		return nil
	case TagTrue:
		return true
	case TagFalse:
		return false
	case TagSmallInt:
		return SmallInt(w)
	case TagInt:
		v := int64(t.Words[*i])
		*i++
		return v
	case TagUint:
		v := t.Words[*i]
		*i++
		return v
	case TagFloat:
		v := math.Float64frombits(t.Words[*i])
		*i++
		return v
	case TagBigInt:
		off := t.Words[*i]
		*i++
		return "bigint:" + string(data[off:off+Payload(w)])
	case TagShortStr, TagShortKey:
		off, n := int(w&0xffffffff), int(Payload(w)>>32)
		return string(data[off : off+n])
	case TagStr, TagKey:
		off := int(t.Words[*i])
		*i++
		src := data
		if StrFlags(w)&StrScratch != 0 {
			src = t.Scratch
		}
		s := string(src[off : off+StrLen(w)])
		if StrFlags(w)&StrASCII == 0 {
			chars := int(t.Words[*i])
			*i++
			if chars != wtf8Count(s) {
				panic("char count mismatch for " + s)
			}
		}
		return s
	case TagArray:
		n := int(Payload(w))
		out := make([]any, 0, n)
		for k := 0; k < n; k++ {
			out = append(out, tapeValue(t, data, i))
		}
		return out
	case TagObject:
		n := int(Payload(w))
		out := make(map[string]any, n)
		for k := 0; k < n; k++ {
			key := tapeValue(t, data, i).(string)
			out[key] = tapeValue(t, data, i)
		}
		return out
	}
	panic("bad tag")
}

// wtf8Count counts code points of UTF-8 that may hold encoded surrogates.
func wtf8Count(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i]&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

func parseToGo(t *testing.T, doc string, opt Options) any {
	t.Helper()
	var tp Tape
	require.NoError(t, Parse([]byte(doc), opt, &tp), doc)
	i := 0
	v := tapeValue(&tp, []byte(doc), &i)
	require.Equal(t, len(tp.Words), i, "tape fully consumed")
	return v
}

// normalise turns encoding/json's float64 numbers into what the tape holds
// for integers, for comparison.
func normalise(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for k := range x {
			x[k] = normalise(x[k])
		}
	case map[string]any:
		for k := range x {
			x[k] = normalise(x[k])
		}
	}
	return v
}

func TestParseValues(t *testing.T) {
	docs := []string{
		`null`, `true`, `false`, `0`, `-0`, `1`, `-1`, `123456789012345678`,
		`-123456789012345678`, `1.5`, `-0.0`, `1e5`, `1E-5`, `1.25e+300`,
		`2.2250738585072014e-308`, `4.9e-324`, `1.7976931348623157e308`,
		`0.1`, `0.30000000000000004`, `123456789.123456789123`,
		`""`, `"abc"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u4e2d\ud83d\ude00"`,
		`"é中😀"`, `"mixed ascii and é then 中 then 😀 end"`,
		`[]`, `{}`, `[1,[2,[3,{}]]]`, `{"a":{"b":[true,false,null]},"c":"d"}`,
		" \t\r\n[ 1 , 2 ] \n", `{"dup":1,"dup":2}`,
	}
	for _, d := range docs {
		var want any
		dec := json.NewDecoder(strings.NewReader(d))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&want), d)
		got := parseToGo(t, d, Options{Dialect: Stdlib})
		assert.Equal(t, normalise(want), got, d)
	}
}

func TestParseIntegers(t *testing.T) {
	std := Options{Dialect: Stdlib}
	orj := Options{Dialect: Orjson}
	assert.Equal(t, "bigint:12345678901234567890123", parseToGo(t, "12345678901234567890123", std))
	assert.Equal(t, "bigint:-9223372036854775809", parseToGo(t, "-9223372036854775809", std))
	assert.Equal(t, uint64(18446744073709551615), parseToGo(t, "18446744073709551615", orj))
	assert.Equal(t, int64(math.MinInt64), parseToGo(t, "-9223372036854775808", orj))
	assert.Equal(t, float64(18446744073709551616), parseToGo(t, "18446744073709551616", orj))
	assert.Equal(t, -9.223372036854776e+18, parseToGo(t, "-9223372036854775809", orj))
	assert.Equal(t, int64(1<<55-1), parseToGo(t, "36028797018963967", orj))
	assert.Equal(t, int64(1<<55), parseToGo(t, "36028797018963968", orj))
	assert.Equal(t, int64(-1<<55), parseToGo(t, "-36028797018963968", orj))
}

func TestParseStdlibConstants(t *testing.T) {
	v := parseToGo(t, "[NaN, Infinity, -Infinity]", Options{Dialect: Stdlib}).([]any)
	assert.True(t, math.IsNaN(v[0].(float64)))
	assert.Equal(t, math.Inf(1), v[1])
	assert.Equal(t, math.Inf(-1), v[2])
	var tp Tape
	assert.Error(t, Parse([]byte("NaN"), Options{Dialect: Orjson}, &tp))
}

func TestParseSurrogates(t *testing.T) {
	// The stdlib keeps lone surrogates (WTF-8 on the tape); orjson rejects them.
	v := parseToGo(t, `"\ud800x\udc00"`, Options{Dialect: Stdlib})
	assert.Equal(t, "\xed\xa0\x80x\xed\xb0\x80", v)
	var tp Tape
	err := Parse([]byte(`"\ud800"`), Options{Dialect: Orjson}, &tp)
	require.Error(t, err)
	assert.Equal(t, "no low surrogate in string", err.(*SyntaxError).Msg)
}

// Errors carry orjson's messages and byte positions (checked against
// orjson itself in tests/jsonfast).
func TestParseErrors(t *testing.T) {
	cases := []struct {
		doc, msg string
		pos      int
	}{
		{``, "Input is a zero-length, empty document", 0},
		{` `, "input data is empty", 0},
		{`[1,]`, "trailing comma is not allowed", 2},
		{`{"a":1,}`, "trailing comma is not allowed", 6},
		{"[0 ,  \n]", "trailing comma is not allowed", 3},
		{`{"a":1, }`, "trailing comma is not allowed", 6},
		{"\xef\xbb\xbf[1]", "UTF-8 byte order mark (BOM) is not supported", 0},
		{"\"\x01\"", "unexpected control character in string", 1},
		{`1.5e`, "unexpected end of data", 4},
		{`0123`, "number with leading zero is not allowed", 0},
		{`-0123`, "number with leading zero is not allowed", 1},
		{`tr`, "unexpected end of data", 2},
		{`[1] x`, "unexpected content after document", 4},
		{`{"a" 1}`, "unexpected character, expected ':' after key", 5},
		{`{"a":tru}`, "invalid literal, expected 'true'", 5},
		{`[1`, "unexpected end of data", 2},
		{`"abc`, "unexpected end of data", 4},
		{`"\x"`, "invalid escaped sequence in string", 1},
		{`{1:2}`, "unexpected character, expected a string key", 1},
		{`[-]`, "no digit after sign", 2},
		{`[1.]`, "no digit after decimal point", 3},
		{`[1 2]`, "unexpected character, expected ',' or ']'", 3},
		{`{"a":1 "b":2}`, "unexpected character, expected ',' or '}'", 7},
		{`[,]`, "unexpected character, expected a JSON value", 1},
		{`1e400`, "number is infinity when parsed as double", 0},
		{"\"\xff\"", "str is not valid UTF-8: surrogates not allowed", 0},
		{"\"\xed\xa0\x80\"", "str is not valid UTF-8: surrogates not allowed", 0},
		{`["\ud800\u0041"]`, "invalid low surrogate in string", 2},
		{`["\udc00"]`, "invalid high surrogate in string", 2},
		{strings.Repeat("[", 2000), "depth limit exceeded", 1025},
	}
	for _, c := range cases {
		var tp Tape
		err := Parse([]byte(c.doc), Options{Dialect: Orjson, MaxDepth: OrjsonMaxDepth}, &tp)
		require.Error(t, err, c.doc)
		se := err.(*SyntaxError)
		assert.Equal(t, c.msg, se.Msg, c.doc)
		assert.Equal(t, c.pos, se.Pos, c.doc)
	}
}

func TestParseDepth(t *testing.T) {
	var tp Tape
	ok := strings.Repeat("[", 1024) + strings.Repeat("]", 1024)
	require.NoError(t, Parse([]byte(ok), Options{Dialect: Orjson, MaxDepth: 1024}, &tp))
	deep := strings.Repeat("[", 1_000_000)
	err := Parse([]byte(deep), Options{Dialect: Stdlib, MaxDepth: StdMaxDepth}, &tp)
	require.Error(t, err)
	assert.True(t, err.(*SyntaxError).TooDeep)
}

func TestParseLongNumbers(t *testing.T) {
	var tp Tape
	digits := strings.Repeat("7", 10000)
	require.NoError(t, Parse([]byte(digits), Options{Dialect: Stdlib}, &tp))
	assert.Equal(t, TagBigInt, Tag(tp.Words[0]))
	err := Parse([]byte(digits), Options{Dialect: Orjson}, &tp)
	require.Error(t, err)
	assert.Equal(t, msgInfinity, err.(*SyntaxError).Msg)
	v := parseToGo(t, "0."+digits, Options{Dialect: Orjson})
	assert.Equal(t, 0.7777777777777778, v)
}

// The C builder numbers tags the same way.
func TestTapeTagsMatchBuilder(t *testing.T) {
	want := map[string]int{
		"null": TagNull, "true": TagTrue, "false": TagFalse, "smallint": TagSmallInt,
		"int": TagInt, "uint": TagUint, "float": TagFloat, "bigint": TagBigInt,
		"str": TagStr, "key": TagKey, "array": TagArray, "object": TagObject,
		"shortstr": TagShortStr, "shortkey": TagShortKey,
		"f_ascii": StrASCII, "f_scratch": StrScratch, "f_surrogate": StrSurrogate,
		"f_latin1": StrLatin1, "f_ucs2": StrUCS2,
	}
	assert.Equal(t, want, python.JSONDecTags)
}
