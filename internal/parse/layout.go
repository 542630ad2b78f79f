package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// This file holds the layout rules that turn the physical lines of a text
// extracted from a PDF back into paragraphs.
//
// The source has lost its indentation, so what marks a paragraph end is a
// line that stops short. A paragraph ends only where a sentence or an item
// of this family ends (。 or こと) with every bracket closed, and there only
// if the line is not full, or if the line after it, though the text goes
// on, is short as the first line of a paragraph is (one character, for its
// lost indent). Lines are measured as the text was wrapped: in half-width
// cells (a kanji is 2, an ASCII letter 1, East Asian ambiguous characters
// such as ① and ⅰ are 2, as a Japanese font sets them) or in characters,
// whichever keeps the lines inside paragraphs equal (countsChars). A line
// may stop short of full by what Japanese line breaking pushed to the next
// line (pushed), and in cells by one more cell, where a wide character did
// not fit.
const (
	// Two pieces of one printed line that the extraction split at a bracket
	// are joined when the first is more than contSlack cells narrower than
	// the widest line of the block and together they are at most
	// fragmentSlack cells wider.
	contSlack     = 5
	fragmentSlack = 2
)

// cells returns the display width of s in half-width cells.
func cells(s string) int {
	n := 0
	for _, r := range s {
		n += runeCells(r)
	}
	return n
}

func runeCells(r rune) int {
	// The common cases without a table lookup: ASCII, and the kana,
	// kanji and full-width forms of Japanese text.
	switch {
	case r >= 0x20 && r < 0x7f:
		return 1
	case r >= 0x3000 && r <= 0x9fff, r >= 0xff01 && r <= 0xff60:
		return 2
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 2
	}
	if unicode.Is(unicode.Mn, r) {
		return 0
	}
	return 1
}

// Japanese line breaking (kinsoku): characters that may not start a line,
// and characters that may not end one.
const (
	noStartChars = "、。，．,.:;!?！？：；・ー―‐ゝゞヽヾ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ" + closeBrackets
	noEndChars   = openBrackets
)

func noStart(r rune) bool { return strings.ContainsRune(noStartChars, r) }
func noEnd(r rune) bool   { return strings.ContainsRune(noEndChars, r) }

const (
	openBrackets  = "（「『【〔［｛〈《(["
	closeBrackets = "）」』】〕］｝〉》)]"
	allBrackets   = openBrackets + closeBrackets
)

// bracketDepthFrom returns how many brackets are open after s when d were
// open before it, never counting below zero.
func bracketDepthFrom(d int, s string) int {
	for _, r := range s {
		switch r {
		case '（', '「', '『', '【', '〔', '［', '｛', '〈', '《', '(', '[':
			d++
		case '）', '」', '』', '】', '〕', '］', '｝', '〉', '》', ')', ']':
			if d > 0 {
				d--
			}
		}
	}
	return d
}

// pline is a physical line of a paragraph region.
type pline struct {
	no, page int
	text     string // trimmed content (the part that belongs to the paragraph)
	lead     int    // cells taken on the same line by a marker before text
	leadN    int    // characters of that marker
	indent   int    // cells of blanks before the line's first character
	brk      bool   // a paragraph ends after this line
}

// vline is a printed line: one or more physical lines that the extraction
// split at brackets.
type vline struct {
	parts  []pline
	w      int // cells of the text
	n      int // characters of the text
	lead   int
	indent int
	text   string
}

// printedLines joins the pieces of one printed line that the extraction
// split at a bracket.
func printedLines(c *canceller, lines []pline) []vline {
	if len(lines) == 0 {
		return nil
	}
	ref := 0
	for _, l := range lines {
		ref = max(ref, l.lead+cells(l.text))
	}
	// Join pieces of one printed line split at a bracket. The parts of a
	// printed line are consecutive lines, kept as a subslice of lines
	// rather than copied: memory stays a small multiple of the text.
	vs := make([]vline, 0, len(lines))
	for i, l := range lines {
		if c.stop() {
			return vs
		}
		w := cells(l.text)
		if n := len(vs); n > 0 {
			v := &vs[n-1]
			last := v.parts[len(v.parts)-1]
			if last.page == l.page && v.lead+v.w < ref-contSlack && v.lead+v.w+w <= ref+fragmentSlack &&
				(endsWithAny(v.text, allBrackets) || startsWithAny(l.text, allBrackets)) {
				v.parts = lines[i-len(v.parts) : i+1]
				v.w += w
				v.n += utf8.RuneCountInString(l.text)
				v.text += l.text
				continue
			}
		}
		vs = append(vs, vline{parts: lines[i : i+1], w: w, n: utf8.RuneCountInString(l.text), lead: l.lead, indent: l.indent, text: l.text})
	}
	return vs
}

// countsChars reports whether the printed lines of a text (its regions)
// were wrapped by character count rather than by display width: whether
// more pairs of consecutive lines inside paragraphs hold the same number of
// characters than the same width. Texts that are all in full-width
// characters count alike either way; the difference is in lines holding
// half-width letters (National CERT).
func countsChars(regions [][]vline) bool {
	sameW, sameN := 0, 0
	for _, vs := range regions {
		for i := 1; i+1 < len(vs); i++ {
			x, y := vs[i], vs[i+1]
			if endsSentence(x.text) || x.n < 10 || y.n < 10 || i+2 == len(vs) {
				continue
			}
			if x.w-y.w <= 1 && y.w-x.w <= 1 {
				sameW++
			}
			if x.n == y.n {
				sameN++
			}
		}
	}
	return sameN > sameW
}

// paragraphs groups the printed lines of a region into paragraphs. byChars
// says how the text was wrapped (countsChars).
func paragraphs(c *canceller, vs []vline, byChars bool) [][]pline {
	var out [][]pline
	var cur []pline
	// depth: brackets open in the paragraph so far, kept as lines are added
	// so that joining stays linear in the length of the paragraph; tail: the
	// paragraph's last characters; capW, capN: the widest line of the
	// paragraph so far, in cells and in characters, with the indent of its
	// first line.
	first, depth, tail, capW, capN := true, 0, "", 0, 0
	// regionW, regionN: the widest line of the region so far, likewise.
	regionW, regionN := 0, 0
	// hanging: the paragraph starts with a bullet, and lines indented
	// under it go on with it.
	hanging := false
	widest, widestN := 0, 0
	for _, v := range vs {
		// Punctuation may hang past the end of a full line (…ある。).
		w, n := v.w, v.n
		if r, _ := utf8.DecodeLastRuneInString(v.text); noStart(r) {
			w, n = w-runeCells(r), n-1
		}
		widest, widestN = max(widest, w), max(widestN, n)
	}
	for i, v := range vs {
		if c.stop() {
			return out
		}
		// The parts of consecutive printed lines are consecutive in the
		// lines they are subslices of: a paragraph is a subslice too.
		if len(cur) == 0 {
			cur = v.parts
		} else {
			cur = cur[:len(cur)+len(v.parts)]
		}
		depth, tail = bracketDepthFrom(depth, v.text), lastRunes(tail+v.text, 8)
		// The first line of a paragraph is indented by one character,
		// which the extraction may have lost; a marker takes its place.
		effW, effN := v.w, v.n
		if first && v.lead == 0 {
			// No wider than the widest line: a text whose first lines
			// are full indents none.
			effW, effN = min(effW+2, widest), min(effN+1, widestN)
		}
		if first {
			hanging = bullet(v.text)
		}
		end := i == len(vs)-1 || v.parts[len(v.parts)-1].brk
		if !end && depth == 0 {
			next := vs[i+1]
			switch {
			case v.lead == 0 && next.indent > v.indent && !hanging,
				v.lead > 0 && next.indent > v.indent && next.indent < v.lead:
				// An indented line starts a paragraph; under a marker line, a
				// line indented less than the marker is no hanging continuation.
				end = true
			case !endsSentence(tail):
				// Paragraphs end as sentences and items do.
			default:
				cw, cn := capW, capN
				if first {
					// The line after the first, if it goes on, is full.
					cw, cn = max(next.w, regionW), max(next.n, regionN)
				}
				end = !full(effW, effN, cw, cn, next.text, byChars)
				if !end && i+2 < len(vs) && !endsSentence(next.text) {
					// A full line that ends a sentence, followed by one that
					// is short though the paragraph goes on: that one is the
					// first line of a paragraph, one character short for its
					// indent.
					end = firstLine(vs, i, byChars)
				}
			}
		}
		capW, capN = max(capW, effW), max(capN, effN)
		regionW, regionN = max(regionW, effW), max(regionN, effN)
		first = false
		if end {
			out = append(out, cur)
			cur, first, depth, tail, capW, capN = nil, true, 0, "", 0, 0
		}
	}
	return out
}

// full reports whether a line of w cells and n characters is full in a
// paragraph whose lines hold capW cells or capN characters, so that the
// paragraph goes on after it, given the text of the next line, measured as
// the text was wrapped: by width or by character count. A full line may stop short of the width by less than a
// character (a wide one did not fit), and by what Japanese line breaking
// pushed down to the next line: a character that may not end a line (「),
// or the character before one that may not start a line (サ of サー, え of
// え、).
func full(w, n, capW, capN int, next string, byChars bool) bool {
	pw, pn := pushed(next)
	if byChars {
		return n+pn >= capN
	}
	return w+pw >= capW-fullSlack
}

// firstLine reports whether line vs[i+1], between vs[i] and vs[i+2], is
// short for a line inside a paragraph: shorter than vs[i+2], a full line (or
// than vs[i], if vs[i+2] ends the paragraph short). Short by the measure in
// which lines are wrapped, with what line breaking pushed from one line to
// the next: in characters, by one; in cells, by two, as a line may stop a
// cell short of full when a wide character does not fit. In cells, the
// lines that follow must then be full up to the next sentence end, as they
// are in a text wrapped at a fixed width; a typeset page, whose lines vary
// by a few cells, keeps its lines together.
func firstLine(vs []vline, i int, byChars bool) bool {
	a, b, c := vs[i], vs[i+1], vs[i+2]
	pw, pn := pushed(c.text)
	refW, refN := c.w, c.n
	if endsSentence(c.text) && c.n < b.n {
		refW, refN = a.w, a.n
	} else if i+3 < len(vs) {
		// c too may be short by what it pushed to the line after it.
		dw, dn := pushed(vs[i+3].text)
		refW, refN = refW+dw, refN+dn
	}
	if byChars {
		return b.n+pn < refN
	}
	if b.w+pw > refW-2 {
		return false
	}
	for j := i + 2; j+1 < len(vs) && j < i+8 && !endsSentence(vs[j].text); j++ {
		if w, _ := pushed(vs[j+1].text); vs[j].w+w < refW-fullSlack {
			return false
		}
	}
	return true
}

// fullSlack is how many cells short of the widest line a full line may stop:
// a wide character that did not fit in the last cell.
const fullSlack = 1

// pushed returns the width, in cells and characters, of what Japanese line
// breaking may have pushed from the end of a line to the start of next:
// opening brackets (which may not end a line), or the character before one
// that may not start a line.
func pushed(next string) (w, n int) {
	rs := []rune(next)
	if len(rs) > 3 {
		rs = rs[:3]
	}
	k := 0
	for k < len(rs) && noEnd(rs[k]) {
		k++
	}
	if k == 0 && len(rs) >= 2 && noStart(rs[1]) && !noStart(rs[0]) {
		k = 1
	}
	for _, r := range rs[:k] {
		w += runeCells(r)
	}
	return w, k
}

func endsWithAny(s, chars string) bool {
	for _, c := range chars {
		if strings.HasSuffix(s, string(c)) {
			return true
		}
	}
	return false
}

func startsWithAny(s, chars string) bool {
	for _, c := range chars {
		if strings.HasPrefix(s, string(c)) {
			return true
		}
	}
	return false
}
