package parse

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/numbering"
)

// This file finds the footnotes at the foot of a page and the markers glued
// to words that refer to them, and the entries of a table of contents.

// note is a footnote found while walking: its marker and text lines, and
// the line whose text held its marker.
type note struct {
	marker, sep string
	first, last int // line indexes of the note
	ref         int // line index of the text that held the marker
}

// footnotes recognises a block of footnotes at the foot of a page, starting
// at line i: lines up to the page's footer (or a page break, or the end of
// the text), the first of which starts with the next footnote's number, whose
// marker stands glued to a word earlier on the page (GSOC1). It takes the
// markers out of the text, records the notes and returns the index of the
// block's last line, and false where there is no such block.
func (w *walker) footnotes(i int) (last int, ok bool) {
	lines := w.lines
	n := w.noteN + 1
	if r, _ := utf8.DecodeRuneInString(lines[i].text); !(r >= '0' && r <= '9' || r >= '０' && r <= '９' || superscript(r) > 0 || strings.ContainsRune("※注*＊", r)) {
		return i, false
	}
	if _, _, _, footer := pageNumber(lines[i].text); footer {
		return i, false
	}
	if _, toc := contentsEntry(lines[i].text); toc {
		return i, false
	}
	_, _, _, isNote := noteStart(lines[i].text, n)
	if !isNote {
		return i, false
	}
	// The block runs to the page's end, within a few lines.
	end := -1
	for j := i + 1; j < len(lines) && j <= i+maxNoteLines; j++ {
		if lines[j].pageBreak {
			end = j - 1
			break
		}
		if _, _, _, ok := pageNumber(lines[j].text); ok {
			end = j - 1
			break
		}
	}
	if end < 0 {
		if next(lines, i+maxNoteLines) >= 0 && i+maxNoteLines < len(lines) {
			return i, false
		}
		end = len(lines) - 1
	}
	// The page's text, back to its start, must hold the marker.
	start := i - 1
	for start >= 0 && lines[start].class != clFooter && !lines[start].pageBreak && lines[start].class != clNote {
		start--
	}
	if start >= 0 && lines[start].pageBreak {
		start--
	}
	var blocks []note
	cur := note{}
	num := n
	if end-i > maxNoteLines {
		return i, false
	}
	for j := i; j <= end; j++ {
		t := lines[j].text
		if t == "" {
			continue
		}
		if _, _, _, ok := noteStart(t, num); !ok && j > i && len(numbering.Read(t)) > 0 {
			// A numbered provision below the would-be note: no foot of a page.
			return i, false
		}
		if m2, s2, _, ok := noteStart(t, num); ok {
			ref := w.findRef(start+1, i, num, blocks)
			if ref < 0 {
				if j == i {
					return i, false
				}
				// A number whose marker stands nowhere on the page: the
				// notes end before it, and the text goes on (2 体制).
				end = j - 1
				break
			}
			if j > i {
				cur.last = j - 1
				blocks = append(blocks, cur)
			}
			cur = note{marker: m2, sep: s2, first: j, ref: ref}
			num++
			continue
		}
		if j == i {
			return i, false
		}
	}
	cur.last = end
	blocks = append(blocks, cur)
	// Take the markers out of the text and mark the lines.
	for _, b := range blocks {
		removeRef(&lines[b.ref], b.marker)
		for j := b.first; j <= b.last; j++ {
			if lines[j].text != "" {
				lines[j].class = clNote
			}
		}
		w.notes = append(w.notes, b)
		w.noteN++
	}
	return blocks[len(blocks)-1].last, true
}

// maxNoteLines is how many lines the footnotes at the foot of one page may
// take.
const maxNoteLines = 24

// noteStart reads the start of a footnote numbered n: "1 text", "※1 text",
// "注1 text", "*1 text", "¹ text".
func noteStart(t string, n int) (marker, sep, rest string, ok bool) {
	s := t
	prefix := ""
	for _, p := range []string{"※", "注", "*", "＊"} {
		if strings.HasPrefix(s, p) {
			prefix, s = p, s[len(p):]
			break
		}
	}
	d, after := numbering.LeadingDigits(s)
	v, _, okd := numbering.DigitValue(d)
	if !okd {
		if r, size := utf8.DecodeRuneInString(s); superscript(r) == n && n > 0 {
			d, after, v, okd = s[:size], s[size:], n, true
		}
	}
	if !okd || v != n {
		return "", "", "", false
	}
	blank, rest := splitBlankRune(after)
	if rest == "" || blank == "" && prefix == "" && !strings.HasPrefix(after, "：") && !strings.HasPrefix(after, ":") ||
		!strings.ContainsFunc(rest, unicode.IsLetter) {
		return "", "", "", false
	}
	return prefix + d, blank, rest, true
}

func splitBlankRune(s string) (blank, rest string) {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	return s[:len(s)-len(t)], t
}

// superscript returns the value of a superscript digit, or -1.
func superscript(r rune) int {
	switch r {
	case '¹':
		return 1
	case '²':
		return 2
	case '³':
		return 3
	}
	if r >= '⁴' && r <= '⁹' {
		return int(r-'⁴') + 4
	}
	return -1
}

// findRef finds, in lines[from:to], the line whose text holds the marker of
// footnote n glued to a word: the number right after a letter, not part of
// a longer number. It returns -1 where there is none.
func (w *walker) findRef(from, to, n int, taken []note) int {
	for j := max(from, 0); j < to; j++ {
		if w.lines[j].class == clNote || w.lines[j].class == clFooter {
			continue
		}
		t := w.lines[j].text
		if k := refIndex(t, n); k >= 0 {
			// A number at the end of a line may go on at the start of the
			// next (第1 / 04号).
			if k+len(fmt.Sprint(n)) == len(t) {
				if nx := next(w.lines, j); nx >= 0 {
					if r, _ := utf8.DecodeRuneInString(w.lines[nx].text); r >= '0' && r <= '9' {
						continue
					}
				}
			}
			return j
		}
	}
	return -1
}

// refIndex returns the byte offset of footnote marker n glued to a word in
// t, or -1.
func refIndex(t string, n int) int {
	want := fmt.Sprint(n)
	prev := rune(0)
	for i, r := range t {
		if superscript(r) == n && n < 10 && prev != 0 && unicode.IsLetter(prev) {
			return i
		}
		if r >= '0' && r <= '9' && !(prev >= '0' && prev <= '9') && prev != 0 && glueable(prev) {
			d, _ := numbering.LeadingDigits(t[i:])
			if d == want {
				after, _ := utf8.DecodeRuneInString(t[i+len(d):])
				if !(after >= '0' && after <= '9') && !strings.ContainsRune(".．,，年月日部章節条項号次回期", after) {
					return i
				}
			}
		}
		prev = r
	}
	return -1
}

// glueable reports whether a footnote marker may stand glued after r: a
// letter of a word (GSOC1, 監視2), not a sign or a number's part.
func glueable(r rune) bool {
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
		return true
	}
	if r == '第' {
		return false // 第1 is a number
	}
	return unicode.In(r, unicode.Han, unicode.Katakana) || r == 'ー' || r == '」' || r == '）' || r == ')'
}

// removeRef takes footnote marker mk out of line l's text.
func removeRef(l *srcLine, mk string) {
	d := strings.TrimLeft(mk, "※注*＊")
	n, _, ok := numbering.DigitValue(d)
	if !ok {
		n = superscript([]rune(d)[0])
	}
	if i := refIndex(l.text, n); i >= 0 {
		_, size := utf8.DecodeRuneInString(l.text[i:])
		if superscript([]rune(l.text[i:])[0]) < 0 {
			size = len(fmt.Sprint(n))
		}
		l.text = l.text[:i] + l.text[i+size:]
		// The note's marker may stand in what follows a provision's
		// marker on its line (1 GSOC1の運用): its rest loses it too.
		if l.class == clMarker && i >= len(l.m.Raw) {
			l.m.Rest = l.text[len(l.m.Raw):]
		}
	}
}

// contentsEntry recognises an entry of a table of contents: a heading,
// leader dots and a page number ("第1 基本的な考え方……………1"). It returns
// the heading without the leader and the page number.
func contentsEntry(t string) (string, bool) {
	// The page number at the end.
	s := t
	for {
		r, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || !(r >= '0' && r <= '9' || r >= '０' && r <= '９') {
			break
		}
		s = s[:len(s)-size]
	}
	if len(s) == len(t) || s == "" {
		return "", false
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	n := 0
	for {
		r, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || !strings.ContainsRune("…‥・.．·･", r) {
			break
		}
		if r == '…' || r == '‥' {
			n += 2
		}
		n++
		s = s[:len(s)-size]
	}
	if n < 3 {
		return "", false
	}
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if s == "" {
		return "", false
	}
	return s, true
}
