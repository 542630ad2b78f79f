package cite

import (
	"math/rand/v2"
	"testing"
)

// TestMatchBrackets: the one-pass bracket tables answer as the scans do.
func TestMatchBrackets(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 26))
	alphabet := []rune("（）()「」あ")
	for n := 0; n < 2000; n++ {
		text := make([]rune, rng.IntN(30))
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		x := &extractor{}
		x.matchBrackets(text)
		for i := range text {
			if got, want := x.closing(text, i), closing(text, i); got != want {
				t.Fatalf("%q: closing(%d) = %d, want %d", string(text), i, got, want)
			}
		}
		for k := 0; k <= len(text); k++ {
			if got, want := x.openParen(text, k), openParen(text, k); got != want {
				t.Fatalf("%q: openParen(%d) = %d, want %d", string(text), k, got, want)
			}
		}
	}
}
