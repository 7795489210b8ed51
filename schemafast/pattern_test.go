package schemafast

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The one-pass matcher must agree with Go's regexp wherever it is used.
func TestSimplePatternAgreesWithRegexp(t *testing.T) {
	patterns := []string{
		`^ord_[a-z0-9]{8}$`, `^[A-Z]{3}-[0-9]{4}$`, `^[^@]+@[^@]+$`, `^[0-9]{4}$`, `^a+-b+$`,
		`^\d{2,4}x`, `^[a-z]+`, `^é[ß-ü]+$`, `^.{1,3}$`, `^a{2,}-b{0,2}$`,
	}
	alphabet := []rune("abcxyzABZ0189_-@.éßü \n")
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		sp := compileSimple(re)
		if !assert.NotNil(t, sp, p) {
			continue
		}
		inputs := []string{"", "ord_1a2b3c4d", "ABC-1234", "a@b", "1234", "aaabbc", "12x", "éßü", "aa-b"}
		for i := 0; i < 3000; i++ {
			n := rng.IntN(12)
			rs := make([]rune, n)
			for j := range rs {
				rs[j] = alphabet[rng.IntN(len(alphabet))]
			}
			inputs = append(inputs, string(rs))
		}
		for _, in := range inputs {
			assert.Equal(t, re.MatchString(in), sp.match([]byte(in)), "%s on %q", p, in)
		}
	}
	// Outside the subset: overlapping repeats, no anchor, alternation, folding.
	for _, p := range []string{`^a*a$`, `abc`, `^(a|b)$`, `^(?i)a$`, `^[a-z]*[a-c]$`} {
		assert.Nil(t, compileSimple(regexp.MustCompile(p)), p)
	}
}
