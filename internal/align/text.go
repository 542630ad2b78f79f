package align

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s as the comparison reads it: NFKC-normalised (full-width
// letters and digits become half-width, half-width katakana full-width)
// with every blank removed, so that re-wrapped lines, the blanks PDF
// extraction leaves and the width of characters change nothing.
func Fold(s string) string {
	s = norm.NFKC.String(s)
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// segments returns the parts of p's text the comparison reads, each
// folded: its heading, its paragraphs and the texts of its footnotes. Its
// number, marker and label are its place, not its text.
func segments(p *policy.Provision) []string {
	out := make([]string, 0, 1+len(p.Paragraphs)+len(p.Notes))
	if h := Fold(p.Heading); h != "" {
		out = append(out, h)
	}
	for _, para := range p.Paragraphs {
		if f := Fold(para); f != "" {
			out = append(out, f)
		}
	}
	for _, n := range p.Notes {
		if f := Fold(n.Text); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// sameText reports whether two folded texts, as segments returns them, are
// the same.
func sameText(a, b []string) bool { return slices.Equal(a, b) }

// bigrams returns the character bigrams of segs as sorted codes, one per
// bigram, repeats kept (a multiset): each pair of adjacent characters
// within a segment, and a segment of one character as that character
// alone. No bigram spans two segments.
func bigrams(segs []string) []uint64 {
	n := 0
	for _, s := range segs {
		n += max(utf8.RuneCountInString(s)-1, 1)
	}
	out := make([]uint64, 0, n)
	for _, s := range segs {
		prev := rune(-1)
		count := 0
		for _, r := range s {
			if prev >= 0 {
				out = append(out, uint64(prev)<<21|uint64(r))
			}
			prev = r
			count++
		}
		if count == 1 {
			out = append(out, uint64(prev)<<21|0x1FFFFF)
		}
	}
	slices.Sort(out)
	return out
}

// dice is the Dice coefficient of two multisets of bigrams, sorted: twice
// the bigrams they share (counting repeats as often as both have them)
// over the bigrams of both. Two empty texts are alike (1); an empty and a
// non-empty one not at all (0).
func dice(a, b []uint64) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	common := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(common) / float64(len(a)+len(b))
}

// Similarity returns how alike the texts of two provisions are, from 0 to
// 1, as a comparison reports it: 1 for the same text (heading, paragraphs
// and footnotes equal once folded, see Fold), else the Dice coefficient of
// their character bigrams rounded to three decimals, and never more than
// 0.999.
func Similarity(a, b *policy.Provision) float64 {
	sa, sb := segments(a), segments(b)
	return reported(sameText(sa, sb), dice(bigrams(sa), bigrams(sb)))
}

// reported is the similarity shown for a pair of texts, the same or not,
// whose bigrams have Dice coefficient d.
func reported(same bool, d float64) float64 {
	if same {
		return 1
	}
	return min(math.Round(d*1000)/1000, 0.999)
}
