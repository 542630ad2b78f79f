package parse

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

// Layout says how Rewrap prints a document.
type Layout struct {
	Width   int    // cells per line
	PerPage int    // lines per page
	Footer  string // page footer format, such as "- %d -"
	Indent  bool   // indent the first line of each paragraph with "　"
	// Chars wraps by character count, as some extractors do, instead of by
	// display width: a line holds Width/2 characters, half-width letters
	// counting as whole ones.
	Chars bool
	// Alone, when set, says for each provision with a heading whether its
	// marker stands alone on its line, the heading on the next line
	// ("第2" / "重点化を図るべき分野"), or whether marker and heading share
	// one line ("第２　重点化を図るべき分野"), whatever the provision's line
	// numbers say. When nil, a section's marker stands alone and the other
	// markers share a line with their headings where the line numbers put
	// them on one.
	Alone func(p *policy.Provision) bool
	// Notes are footnotes to print at the foot of the pages where their
	// references stand.
	Notes []FootNote
}

// FootNote is a footnote as Rewrap prints it. Ref is the text that holds
// its marker in a provision's text, the marker glued to a word ("GSOC1"):
// Rewrap never breaks a line inside it. Text is the note as printed at the
// foot of the page on which Ref first stands, marker and all ("1 Government
// Security Operation Coordination team"): its last lines, wrapped at the
// width, just above the footer. A page ends early rather than hold a
// reference without its note.
type FootNote struct {
	Ref  string
	Text string
}

// Rewrap prints doc again as a PDF text extraction would give it: lines
// wrapped at l.Width cells or l.Width/2 characters with Japanese line
// breaking (sub-items with a hanging indent, first lines of paragraphs one
// character narrower), a footer after every l.PerPage lines. Parsing the
// result gives the same provisions as doc but for pages and line numbers;
// clear reports that it does: Rewrap parses what it printed and compares
// the paragraphs (as printed, footnote markers and all).
// It is used to test the parser and to generate synthetic corpora.
func Rewrap(doc *policy.Document, l Layout) (text string, clear bool) {
	var b strings.Builder
	n, page := 0, 1
	// pending: the lines of the notes to print at the foot of this page;
	// placed: the notes whose reference has been printed.
	var pending []string
	placed := make([]bool, len(l.Notes))
	var keep []string
	for _, note := range l.Notes {
		keep = append(keep, note.Ref)
	}
	endPage := func() {
		for _, s := range pending {
			b.WriteString(s)
			b.WriteByte('\n')
		}
		pending = nil
		fmt.Fprintf(&b, "\n"+l.Footer+"\n\n", page)
		n = 0
		page++
	}
	emit := func(s string) {
		for k, note := range l.Notes {
			if placed[k] || !strings.Contains(s, note.Ref) {
				continue
			}
			placed[k] = true
			lines := wrap(note.Text, l.Width, l.Width, l.Chars)
			if n > 0 && n+1+len(pending)+len(lines) > l.PerPage {
				endPage()
			}
			pending = append(pending, lines...)
		}
		b.WriteString(s)
		b.WriteByte('\n')
		if n++; l.PerPage > 0 && n+len(pending) >= l.PerPage {
			endPage()
		}
	}
	byID := map[string]*policy.Provision{}
	kind := map[string]policy.Kind{}
	for _, p := range doc.Provisions {
		byID[p.ID] = p
		kind[p.ID] = p.Kind
	}
	pieces := Pieces(doc)
	for i := 0; i < len(pieces); i++ {
		p := pieces[i]
		switch {
		case p.Role != "marker" && p.Role != "paragraph":
			emit(p.Text)
		case p.Role == "paragraph":
			lines := wrapKeep(p.Text, l.Width-2, l.Width, l.Chars, keep)
			if l.Indent {
				lines[0] = "　" + lines[0]
			}
			for _, s := range lines {
				emit(s)
			}
		case p.Role == "marker" && l.Alone != nil && i+1 < len(pieces) && pieces[i+1].ID == p.ID && pieces[i+1].Role == "heading":
			i++
			if l.Alone(byID[p.ID]) {
				emit(strings.TrimSpace(p.Text))
				emit(pieces[i].Text)
			} else {
				emit(p.Text + pieces[i].Text)
			}
		case kind[p.ID] == policy.KindSection:
			emit(strings.TrimSpace(p.Text))
		default:
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
			if l.Chars {
				mw = 2 * utf8.RuneCountInString(m)
			}
			lines := wrapKeep(next.Text, l.Width-mw, l.Width-mw, l.Chars, keep)
			for j, s := range lines {
				if j == 0 {
					s = m + s
				}
				emit(s)
			}
		}
	}
	for _, s := range pending {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "\n"+l.Footer+"\n", page)
	return b.String(), sameParagraphs(doc, b.String())
}

// sameParagraphs reports whether text parses into provisions with the same
// paragraphs as doc's.
func sameParagraphs(doc *policy.Document, text string) bool {
	got, err := document(&canceller{ctx: context.Background()}, []byte(text), Options{ID: doc.ID, AllowTruncated: true})
	if got == nil || err != nil && err.Kind != ErrTruncated || len(got.Provisions) != len(doc.Provisions) {
		return false
	}
	for i, p := range doc.Provisions {
		q := got.Provisions[i]
		if q.ID != p.ID || len(q.Paragraphs) != len(p.Paragraphs) {
			return false
		}
		for j := range p.Paragraphs {
			if q.Paragraphs[j] != p.Paragraphs[j] {
				return false
			}
		}
	}
	return true
}

// wrap breaks s into lines of at most first cells, then rest cells (with
// chars, every character counts 2 cells). It breaks lines as Japanese
// typesetting does: a character that may not start a line (、。）」ー…) is
// not set first on a line, nor one that may not end a line (（「…) last;
// instead the character before it is pushed down with it, and the line is
// one character short (追い出し). It never breaks next to a blank, which a
// line break would swallow.
func wrap(s string, first, rest int, chars bool) []string {
	return wrapKeep(s, first, rest, chars, nil)
}

// wrapKeep is wrap that breaks no line inside an occurrence in s of a
// string of keep: the line ends before it instead.
func wrapKeep(s string, first, rest int, chars bool, keep []string) []string {
	// spans: the occurrences of keep, as runes [from, to) of s.
	var spans [][2]int
	for _, k := range keep {
		for i := 0; k != "" && i < len(s); {
			j := strings.Index(s[i:], k)
			if j < 0 {
				break
			}
			from := utf8.RuneCountInString(s[:i+j])
			spans = append(spans, [2]int{from, from + utf8.RuneCountInString(k)})
			i += j + len(k)
		}
	}
	measure := runeCells
	if chars {
		measure = func(rune) int { return 2 }
	}
	width := func(rs []rune) int {
		w := 0
		for _, r := range rs {
			w += measure(r)
		}
		return w
	}
	var lines []string
	var cur []rune
	// start: the position in s of cur[0], in runes.
	w, limit, start := 0, first, 0
	for _, r := range s {
		rw := measure(r)
		if w+rw > limit && len(cur) > 1 {
			cut := len(cur)
			// Kinsoku: push one character down rather than start the next
			// line with one that may not start a line, or end this one
			// with one that may not end it.
			if cut > 2 && (noStart(r) || noEnd(cur[cut-1])) {
				cut--
			}
			for _, sp := range spans {
				if sp[0] < start+cut && start+cut < sp[1] && sp[0] > start {
					cut = sp[0] - start
				}
			}
			for cut > 1 {
				startsBlank := cut == len(cur) && r == ' ' || cut < len(cur) && cur[cut] == ' '
				if cur[cut-1] != ' ' && !startsBlank {
					break
				}
				cut--
			}
			lines = append(lines, string(cur[:cut]))
			cur = append([]rune(nil), cur[cut:]...)
			start += cut
			w, limit = width(cur), rest
		}
		cur = append(cur, r)
		w += rw
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}
