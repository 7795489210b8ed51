package jsonfast

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEscapeLineSeparators(t *testing.T) {
	for in, want := range map[string]string{
		``:                           ``,
		`["abc"]`:                    `["abc"]`,
		"[\"a\u2028b\"]":             `["a\u2028b"]`,
		"\u2029":                     `\u2029`,
		"\u2028\u2029\u2028":         `\u2028\u2029\u2028`,
		"é€\u2027\u202a\u2028":      "é€\u2027\u202a" + `\u2028`,
		"\xe2\x80":                   "\xe2\x80", // truncated: left alone
		"x\xe2\x80\xa8\xe2\x80\xa9y": `x\u2028\u2029y`,
	} {
		assert.Equal(t, want, string(escapeLineSeparators([]byte(in))), "input %q", in)
	}
	long := strings.Repeat("é", 1000) + "\u2028"
	assert.Equal(t, strings.Repeat("é", 1000)+`\u2028`, string(escapeLineSeparators([]byte(long))))
}

func TestEscapeLineSeparatorsKeepsBufferWhenNothingToDo(t *testing.T) {
	b := []byte("[\"é\u2027\"]")
	out := escapeLineSeparators(b)
	assert.Equal(t, &b[0], &out[0], "no copy when there is nothing to escape")
}
