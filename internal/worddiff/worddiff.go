// Package worddiff marks what changed between two texts, word by word, for
// a person to read: the text a later year deleted and the text it
// inserted. It wraps github.com/sergi/go-diff (Myers' diff with the
// semantic clean-up of diff-match-patch), run over words rather than
// characters.
//
// Japanese is written without spaces, so a word here is a run of
// characters of one script: kanji (with 々 and 〇), hiragana, katakana
// (with ー), letters and digits, or a single other character (punctuation,
// brackets, blanks). 新たな価値創出を支える is 新 / たな / 価値創出 / を / 支 /
// える: close to the words a reader sees, so that a changed word is marked
// whole (令和[-２-]{+３+}年度 would be read as one change of a year, not of a
// digit). The semantic clean-up then joins changes separated by a word or
// two into one, as a person would mark them.
//
// go-diff, not a hand-written LCS: it is maintained, bounds its time (a
// deadline, then a coarser diff), and its clean-up is what makes a diff
// readable; go-difflib works on lines and is no longer maintained.
package worddiff

import (
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says what a segment of a diff is.
type Op int

// The operations.
const (
	Equal  Op = iota // in both texts
	Delete           // only in the first
	Insert           // only in the second
)

// Segment is a stretch of text with its operation.
type Segment struct {
	Op   Op
	Text string
}

// timeout bounds the time one diff may take; past it go-diff returns a
// coarser, still correct, diff.
const timeout = 200 * time.Millisecond

// Diff returns the segments that turn a into b: deleted and inserted words,
// and the words they share, in order. Joined, the Equal and Delete
// segments give a, the Equal and Insert segments b.
func Diff(a, b string) []Segment {
	if a == b {
		if a == "" {
			return nil
		}
		return []Segment{{Equal, a}}
	}
	// Each distinct word becomes one rune of a private-use plane, so that
	// go-diff compares words.
	codes := map[string]rune{}
	var words []string
	encode := func(s string) []rune {
		ws := Words(s)
		out := make([]rune, len(ws))
		for i, w := range ws {
			c, ok := codes[w]
			if !ok {
				c = rune(0xF0000 + len(words))
				codes[w] = c
				words = append(words, w)
			}
			out[i] = c
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = timeout
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
	out := make([]Segment, 0, len(diffs))
	for _, d := range diffs {
		var s strings.Builder
		for _, c := range d.Text {
			s.WriteString(words[c-0xF0000])
		}
		op := Equal
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = Delete
		case diffmatchpatch.DiffInsert:
			op = Insert
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += s.String()
		} else {
			out = append(out, Segment{op, s.String()})
		}
	}
	return out
}

// script is the kind of character a word is made of.
func script(r rune) int {
	switch {
	case unicode.Is(unicode.Han, r) || r == '々' || r == '〇':
		return 1
	case unicode.Is(unicode.Hiragana, r):
		return 2
	case unicode.Is(unicode.Katakana, r) || r == 'ー' || r == 'ｰ':
		return 3
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return 4
	}
	return 0 // a word of its own
}

// Words splits s into the words Diff compares: runs of one script, and
// every other character alone. Joined, they give s.
func Words(s string) []string {
	var out []string
	start, prev := 0, -1
	for i, r := range s {
		k := script(r)
		if i > 0 && (k == 0 || k != prev) {
			out = append(out, s[start:i])
			start = i
		}
		prev = k
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// Changed reports whether segs hold a deletion or an insertion.
func Changed(segs []Segment) bool {
	for _, s := range segs {
		if s.Op != Equal {
			return true
		}
	}
	return false
}

// Plain prints segs as git's plain word diff does: deleted text in [-…-],
// inserted text in {+…+}. Where context is at least 0, a stretch of
// unchanged text longer than twice context characters keeps only context
// characters at each end, "…" in between; at the start and end of the
// text, only those next to a change.
func Plain(segs []Segment, context int) string {
	var b strings.Builder
	for i, s := range segs {
		switch s.Op {
		case Delete:
			b.WriteString("[-" + s.Text + "-]")
		case Insert:
			b.WriteString("{+" + s.Text + "+}")
		default:
			b.WriteString(Elide(s.Text, context, i > 0, i < len(segs)-1))
		}
	}
	return b.String()
}

// Elide shortens an unchanged stretch of text to context characters at
// the ends that touch a change (before: a change precedes it; after: one
// follows it), with "…" for what it leaves out. A negative context keeps
// everything.
func Elide(s string, context int, before, after bool) string {
	if context < 0 {
		return s
	}
	r := []rune(s)
	keepHead, keepTail := 0, 0
	if before {
		keepHead = context
	}
	if after {
		keepTail = context
	}
	if len(r) <= keepHead+keepTail+1 {
		return s
	}
	return string(r[:keepHead]) + "…" + string(r[len(r)-keepTail:])
}
