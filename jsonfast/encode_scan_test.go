package jsonfast

import (
	"math/rand"
	"strings"
	"testing"
)

// escIndexRef is escIndex written the obvious way.
func escIndexRef(s []byte, del bool) int {
	for i, c := range s {
		if c < 0x20 || c == '"' || c == '\\' || (del && c == 0x7f) {
			return i
		}
	}
	return len(s)
}

// TestEscIndex puts every interesting byte at every position of strings
// of 16..80 bytes (over a background of ASCII and UTF-8 bytes, which the
// unsigned compare must not mistake for controls) and compares escIndex
// and appendEscaped with the byte-at-a-time versions.
func TestEscIndex(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	special := []byte{0, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0x9f, 0xc3, 0xff, 'a', '!', '#', '[', ']'}
	for n := 16; n <= 80; n++ {
		for pos := 0; pos < n; pos++ {
			for _, c := range special {
				s := make([]byte, n)
				for i := range s {
					s[i] = "ab é\xe2\x82\xac~"[rng.Intn(9)]
				}
				s[pos] = c
				for _, del := range []bool{false, true} {
					if got, want := escIndex(&s[0], n, del), escIndexRef(s, del); got != want {
						t.Fatalf("escIndex(%q, %v) = %d, want %d", s, del, got, want)
					}
					if got, want := escIndexSWAR(&s[0], n, del), escIndexRef(s, del); got != want {
						t.Fatalf("escIndexSWAR(%q, %v) = %d, want %d", s, del, got, want)
					}
				}
				if got, want := string(appendEscaped(nil, s, false)), string(appendUTF8Ref(s)); got != want {
					t.Fatalf("appendEscaped(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
	many := []byte(strings.Repeat("\"\\\n\x01x", 20))
	if got, want := string(appendEscaped(nil, many, true)), string(appendUTF8Ref(many)); got != want {
		t.Fatalf("appendEscaped(%q) = %q, want %q", many, got, want)
	}
}

func appendUTF8Ref(s []byte) []byte {
	var b []byte
	for _, c := range s {
		if c < 0x20 || c == '"' || c == '\\' {
			b = appendEscape(b, c)
		} else {
			b = append(b, c)
		}
	}
	return b
}
