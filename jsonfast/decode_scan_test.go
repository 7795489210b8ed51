package jsonfast

import (
	"math/rand"
	"testing"
)

// plainRun (SSE2 on amd64) must stop where the byte-at-a-time definition
// stops, at every offset and length, whichever special byte ends the run.
func TestPlainRunMatchesBytewise(t *testing.T) {
	bytewise := func(data []byte, i int) int {
		for i < len(data) && !special[data[i]] {
			i++
		}
		return i
	}
	rng := rand.New(rand.NewSource(1))
	specials := []byte{'"', '\\', 0, 0x1f, 0x7f, 0x80, 0xc3, 0xff, ' ', '~'}
	for iter := 0; iter < 20000; iter++ {
		n := rng.Intn(80)
		data := make([]byte, n)
		for k := range data {
			data[k] = byte('a' + rng.Intn(26))
		}
		for m := rng.Intn(3); m > 0 && n > 0; m-- {
			data[rng.Intn(n)] = specials[rng.Intn(len(specials))]
		}
		for i := 0; i <= n; i++ {
			if got, want := plainRun(data, i), bytewise(data, i); got != want {
				t.Fatalf("plainRun(%q, %d) = %d, want %d", data, i, got, want)
			}
			if got, want := plainRunSWAR(data, i), bytewise(data, i); got != want {
				t.Fatalf("plainRunSWAR(%q, %d) = %d, want %d", data, i, got, want)
			}
		}
	}
}
