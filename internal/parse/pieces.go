package parse

import (
	"context"
	"sort"

	"github.com/policykb/policykb/internal/policy"
)

// Piece is one stretch of source text as the structure holds it.
type Piece struct {
	Line int    // source line where it starts
	Text string // the stretch itself
	Role string // "title", "date", "body", "marker", "heading" or "paragraph"
	ID   string // the provision holding it; "" for the header lines
}

// Pieces lists every stretch of source text held by doc in source order: the
// header lines, then each provision's marker, heading and paragraphs as they
// stand in the file. Joined, they give the content of the source (Content).
func Pieces(doc *policy.Document) []Piece {
	var ps, notes []Piece
	order := map[string]int{"title": 0, "date": 0, "body": 0, "marker": 1, "heading": 2, "paragraph": 3, "note": 4}
	addHeader := func(no int, text, role string) {
		if no > 0 {
			ps = append(ps, Piece{Line: no, Text: text, Role: role})
		}
	}
	addHeader(doc.TitleLineNo, doc.TitleLine, "title")
	addHeader(doc.DateLineNo, doc.DateLine, "date")
	addHeader(doc.DecidedByLineNo, doc.DecidedByLine, "body")
	for _, p := range doc.Provisions {
		if p.Marker != "" {
			ps = append(ps, Piece{Line: p.Line, Text: p.Marker, Role: "marker", ID: p.ID})
		}
		if p.Heading != "" {
			ps = append(ps, Piece{Line: p.HeadingLine, Text: p.Heading, Role: "heading", ID: p.ID})
		}
		for i, para := range p.Paragraphs {
			ps = append(ps, Piece{Line: p.ParagraphLines[i], Text: para, Role: "paragraph", ID: p.ID})
		}
		for _, n := range p.Notes {
			notes = append(notes, Piece{Line: n.Line, Text: n.Marker + n.Sep + n.Text, Role: "note", ID: p.ID})
		}
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return order[ps[i].Role] < order[ps[j].Role]
	})
	// Footnotes stand at the foot of their pages, inside the running text;
	// they come last, in the order of their lines.
	sort.SliceStable(notes, func(i, j int) bool { return notes[i].Line < notes[j].Line })
	ps = append(ps, notes...)
	return ps
}

// Content returns what the structure must hold of a source text: the text
// with line breaks, blank lines, the blanks at the edges of lines,
// page-footer lines, the markers of footnotes and the leader dots and page
// numbers of a table of contents removed. It returns "" if src cannot be
// decoded or parsed.
func Content(src []byte) string { return ContentOf(src, Options{}) }

// ContentOf is Content for a text parsed with opt.
func ContentOf(src []byte, opt Options) string {
	c := &canceller{ctx: context.Background()}
	text, _, _, err := decode(c, src)
	if err != nil {
		return ""
	}
	lines := splitLines(c, text)
	if _, err := classify(c, lines, opt); err != nil {
		return ""
	}
	var b, notes []byte
	for _, l := range lines {
		switch l.class {
		case clFooter:
		case clNote:
			notes = append(notes, l.text...)
		default:
			b = append(b, l.text...)
		}
	}
	return string(append(b, notes...))
}
