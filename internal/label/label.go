// Package label normalises provision labels so that every way of writing a
// label finds the same provision: ２(2)③ⅰ）, ２（２）③ⅰ）, (2)③ⅰ and (2)3i are
// all one label.
package label

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Key returns the lookup key of a label: its NFKC form without blanks, in
// lower case, without trailing closing parentheses. "前文" and "preamble"
// both give "前文".
func Key(s string) string {
	// Removing blanks can bring combining marks together, which NFKC then
	// orders anew: repeat until nothing changes (twice, for real labels).
	for range 4 {
		k := strings.TrimRight(strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, norm.NFKC.String(s)), ")")
		if k == s {
			break
		}
		s = k
	}
	if s == "preamble" {
		return "前文"
	}
	return s
}

// Short returns the key without its leading section number when the key goes
// deeper than a section ("2(2)3i" → "(2)3i"), and "" otherwise.
func Short(key string) string {
	i := strings.IndexByte(key, '(')
	if i <= 0 {
		return ""
	}
	for _, c := range key[:i] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return key[i:]
}
