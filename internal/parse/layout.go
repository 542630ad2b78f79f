package parse

import (
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// This file holds the layout rules that turn the physical lines of a text
// extracted from a PDF back into paragraphs.
//
// The source has lost its indentation, so the only trace of a paragraph end is
// a line that stops short of the width of its block. Widths are measured in
// half-width cells (a kanji is 2, an ASCII letter 1, East Asian ambiguous
// characters such as ① and ⅰ are 2, as a Japanese font sets them). Because
// the typesetter compresses brackets and sets Latin text proportionally,
// measured widths of full lines vary by a few cells; the tolerances below are
// set just above that noise.
const (
	// A line that is not the first of its paragraph ends the paragraph when it
	// is more than contSlack cells narrower than the widest earlier line of the
	// paragraph.
	contSlack = 5
	// The first line of a paragraph is indented by one character, so it ends
	// the paragraph only when it is more than firstSlack cells narrower than
	// the line after it.
	firstSlack = 7
	// Two pieces of one printed line that the extraction split at a bracket
	// are joined when together they are at most fragmentSlack cells wider than
	// the widest line of the block.
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
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
		return 2
	}
	if unicode.Is(unicode.Mn, r) {
		return 0
	}
	return 1
}

const (
	openBrackets  = "（「『【〔［｛〈《(["
	closeBrackets = "）」』】〕］｝〉》)]"
	allBrackets   = openBrackets + closeBrackets
)

// bracketDepthFrom returns how many brackets are open after s when d were
// open before it, never counting below zero.
func bracketDepthFrom(d int, s string) int {
	for _, r := range s {
		switch {
		case strings.ContainsRune(openBrackets, r):
			d++
		case strings.ContainsRune(closeBrackets, r):
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
	indent   int    // cells of blanks before the line's first character
}

// vline is a printed line: one or more physical lines that the extraction
// split at brackets.
type vline struct {
	parts  []pline
	w      int // cells of the text
	lead   int
	indent int
	text   string
}

// paragraphs groups the lines of a region into paragraphs.
func paragraphs(c *canceller, lines []pline) [][]pline {
	if len(lines) == 0 {
		return nil
	}
	ref := 0
	for _, l := range lines {
		ref = max(ref, l.lead+cells(l.text))
	}
	// Join pieces of one printed line split at a bracket.
	var vs []vline
	for _, l := range lines {
		w := cells(l.text)
		if n := len(vs); n > 0 {
			v := &vs[n-1]
			last := v.parts[len(v.parts)-1]
			if last.page == l.page && v.lead+v.w < ref-contSlack && v.lead+v.w+w <= ref+fragmentSlack &&
				(endsWithAny(v.text, allBrackets) || startsWithAny(l.text, allBrackets)) {
				v.parts = append(v.parts, l)
				v.w += w
				v.text += l.text
				continue
			}
		}
		vs = append(vs, vline{parts: []pline{l}, w: w, lead: l.lead, indent: l.indent, text: l.text})
	}
	var out [][]pline
	var cur []pline
	// depth: brackets open in the paragraph so far, kept as lines are added
	// so that joining stays linear in the length of the paragraph.
	first, widest, depth := true, 0, 0
	for i, v := range vs {
		if c.stop() {
			return out
		}
		cur = append(cur, v.parts...)
		depth = bracketDepthFrom(depth, v.text)
		end := i == len(vs)-1
		if !end && depth == 0 {
			next := vs[i+1]
			switch {
			case v.lead == 0 && next.indent > v.indent,
				v.lead > 0 && next.indent > v.indent && next.indent < v.lead:
				// An indented line starts a paragraph; under a marker line, a
				// line indented less than the marker is no hanging continuation.
				end = true
			case first:
				end = v.w < next.w-firstSlack
			default:
				end = v.w < widest-contSlack
			}
		}
		widest = max(widest, v.w)
		first = false
		if end {
			out = append(out, cur)
			cur, first, widest, depth = nil, true, 0, 0
		}
	}
	return out
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
