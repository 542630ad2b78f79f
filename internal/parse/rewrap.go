package parse

import (
	"fmt"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// Layout says how Rewrap prints a document.
type Layout struct {
	Width   int    // cells per line
	PerPage int    // lines per page
	Footer  string // page footer format, such as "- %d -"
	Indent  bool   // indent the first line of each paragraph with "　"
}

// Rewrap prints doc again as a PDF text extraction would give it: lines
// wrapped at l.Width cells (sub-items with a hanging indent, first lines of
// paragraphs one character narrower), a footer after every l.PerPage lines.
// Parsing the result gives the same provisions as doc but for pages and line
// numbers, whenever the layout shows where paragraphs end: clear is false if
// some paragraph that another follows ends on a line too full to tell (see
// the tolerances in layout.go) and l.Indent is off.
// It is used to test the parser and to generate synthetic corpora.
func Rewrap(doc *policy.Document, l Layout) (text string, clear bool) {
	var b strings.Builder
	n, page := 0, 1
	emit := func(s string) {
		b.WriteString(s)
		b.WriteByte('\n')
		if n++; n == l.PerPage {
			fmt.Fprintf(&b, "\n"+l.Footer+"\n\n", page)
			n = 0
			page++
		}
	}
	kind := map[string]policy.Kind{}
	for _, p := range doc.Provisions {
		kind[p.ID] = p.Kind
	}
	clear = true
	// The last paragraph printed, while no marker has followed it.
	var last []int
	paragraph := func(lines []string, lead int) {
		ws := make([]int, len(lines))
		for i, s := range lines {
			ws[i] = cells(s)
		}
		if last != nil && !l.Indent && !visibleEnd(last, ws[0]) {
			clear = false
		}
		ws[0] -= lead
		last = ws
	}
	pieces := Pieces(doc)
	for i := 0; i < len(pieces); i++ {
		p := pieces[i]
		switch {
		case p.Role != "marker" && p.Role != "paragraph":
			emit(p.Text)
		case p.Role == "paragraph":
			lines := wrap(p.Text, l.Width-2, l.Width)
			paragraph(lines, 0)
			if l.Indent {
				lines[0] = "　" + lines[0]
			}
			for _, s := range lines {
				emit(s)
			}
		case kind[p.ID] == policy.KindSection:
			last = nil
			emit(strings.TrimSpace(p.Text))
		default:
			last = nil
			m := p.Text
			next := Piece{}
			if i+1 < len(pieces) && pieces[i+1].ID == p.ID && pieces[i+1].Line == p.Line {
				next = pieces[i+1]
				i++
			}
			if next.Role != "paragraph" {
				emit(m + next.Text)
				continue
			}
			mw := cells(m)
			lines := wrap(next.Text, l.Width-mw, l.Width-mw)
			paragraph(lines, 0)
			for j, s := range lines {
				if j == 0 {
					s = m + s
				}
				emit(s)
			}
		}
	}
	fmt.Fprintf(&b, "\n"+l.Footer+"\n", page)
	return b.String(), clear
}

// visibleEnd reports whether a paragraph printed in lines of widths ws
// visibly ends before a line of width next: its last line is short enough for
// the rules of paragraphs to see.
func visibleEnd(ws []int, next int) bool {
	lastW := ws[len(ws)-1]
	if len(ws) == 1 {
		return lastW < next-firstSlack
	}
	widest := 0
	for _, w := range ws[:len(ws)-1] {
		widest = max(widest, w)
	}
	return lastW < widest-contSlack
}

// wrap breaks s into lines of at most first cells, then rest cells. It never
// breaks next to a blank, which a line break would swallow.
func wrap(s string, first, rest int) []string {
	var lines []string
	var cur []rune
	w, limit := 0, first
	for _, r := range s {
		rw := runeCells(r)
		if w+rw > limit && len(cur) > 1 {
			cut := len(cur)
			for cut > 1 {
				startsBlank := cut == len(cur) && r == ' ' || cut < len(cur) && cur[cut] == ' '
				if cur[cut-1] != ' ' && !startsBlank {
					break
				}
				cut--
			}
			lines = append(lines, string(cur[:cut]))
			cur = append([]rune(nil), cur[cut:]...)
			w, limit = cells(string(cur)), rest
		}
		cur = append(cur, r)
		w += rw
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}
