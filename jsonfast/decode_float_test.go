package jsonfast

import (
	"math"
	"math/rand"
	"strconv"
	"testing"
)

// The fast float path must agree with strconv (correctly rounded) on every
// input it accepts.
func TestEiselLemireMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	check := func(man uint64, e int) {
		s := strconv.FormatUint(man, 10) + "e" + strconv.Itoa(e)
		want, _ := strconv.ParseFloat(s, 64)
		got, ok := eiselLemire(man, e, false)
		if ok && math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s: got %v want %v", s, got, want)
		}
	}
	for i := 0; i < 300000; i++ {
		digits := 1 + r.Intn(19)
		man := r.Uint64() % pow10u(digits)
		check(man, r.Intn(700)-350)
	}
	for e := -350; e <= 350; e++ {
		check(1, e)
		check(9999999999999999999, e)
		check(4503599627370497, e)
	}
}

func pow10u(n int) uint64 {
	v := uint64(1)
	for i := 0; i < n && i < 19; i++ {
		v *= 10
	}
	return v
}
