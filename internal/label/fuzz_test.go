package label

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzKey checks that label keys never panic, are stable (a key is its own
// key) and that Short only ever shortens.
func FuzzKey(f *testing.F) {
	for _, s := range []string{"２(2)③ⅰ）", "（２）③ⅰ）", "(2)3i", "前文", "preamble", "", "((((", "１２(３４)⑳ⅻ）", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if utf8.ValidString(s) && Key(k) != k {
			t.Errorf("Key(Key(%q)) = %q, not %q", s, Key(k), k)
		}
		if sh := Short(k); sh != "" && !strings.HasSuffix(k, sh) {
			t.Errorf("Short(%q) = %q is not a suffix", k, sh)
		}
	})
}
