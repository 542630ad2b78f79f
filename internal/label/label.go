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

// Short returns the key without its outermost marker when the key goes
// deeper than that ("2(2)3i" → "(2)3i", "第2の1(3" → "1(3", "第1章第2節1" →
// "第2節1", "i1(1)1" → "1(1)1"), and "" otherwise.
func Short(key string) string {
	rest := ""
	switch {
	case strings.HasPrefix(key, "第"):
		s := strings.TrimLeft(key[len("第"):], "0123456789〇一二三四五六七八九十百")
		if len(s) == len(key)-len("第") {
			return ""
		}
		for _, suffix := range []string{"部", "章", "節"} {
			s = strings.TrimPrefix(s, suffix)
		}
		rest = strings.TrimPrefix(s, "の")
	case key != "" && key[0] >= '0' && key[0] <= '9':
		s := strings.TrimLeft(key, "0123456789")
		if !strings.HasPrefix(s, "(") {
			return ""
		}
		rest = s
	case key != "" && strings.IndexByte("ivxlc", key[0]) >= 0:
		s := strings.TrimLeft(key, "ivxlc")
		s = strings.TrimPrefix(s, ".")
		if s == "" || s[0] < '0' || s[0] > '9' {
			return ""
		}
		rest = s
	}
	if rest == "" || rest == key {
		return ""
	}
	return rest
}
