package corpusgen

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// Schemes lists the numbering schemes Renumber prints the policy in, its
// own first. Four levels of each, outermost first:
//
//	original    １ (alone) › (1) › ① › ⅰ）, as the policy prints them
//	kobun-full  第１　 › １　 › （１）　 › ア　, paragraphs indented with "　"
//	kobun-half  第2 (alone, the heading on the next line) › 1 › (1) › ア,
//	            with a footnote: GSOC1 in item 2.2.3, its note at the foot of the page
//	roman       I. › 1. › (1) › ①
//	decimal     1 › 1.1 › 1.1.1 › (a)
//	chapters    第1章 › 第1節 › 1 › (1)
//	bullets     第1 › (1) › ア › (ア): 公用文's 第1 › 1 › (1) › ア › (ア) with the
//	            level of 1, 2 … skipped; the paragraphs of levels 2 and 3 start
//	            with "○ ", those of the preamble with "・"
//
// Every level but the fourth prints its heading after the marker; the
// fourth prints text, as the policy's sub-items do.
var Schemes = []string{"original", "kobun-full", "kobun-half", "roman", "decimal", "chapters", "bullets"}

// SampleLayout is the layout of the sample texts of the schemes: 70 cells
// a line, 36 lines a page, footers "- 1 -".
var SampleLayout = parse.Layout{Width: 70, PerPage: 36, Footer: "- %d -"}

// TotalPages, in a layout's Footer, stands for the number of pages of the
// text Renumber prints: "%d / {N}" prints "3 / 7".
const TotalPages = "{N}"

// A Note is a footnote a scheme adds to the policy: Marker glued to the
// first Word in the paragraphs of the provision whose ID ends in ":"+At
// ("GSOC" → "GSOC1"), and the note at the foot of the page, printed as
// Marker, a blank and Text. Parsed, the marker is taken out of the
// paragraph again and the note kept in the provision's Notes.
type Note struct {
	At, Word, Marker, Text string
}

// Printed returns the note as printed at the foot of the page.
func (n Note) Printed() string { return n.Marker + " " + n.Text }

// scheme says how to print the levels of the policy.
type scheme struct {
	// marker returns the marker of a provision at level 1 to 4 as printed,
	// with the blank that follows it; path holds the numbers of the
	// provision and its ancestors.
	marker func(level int, path []int) string
	alone  func(level int) bool // the marker stands alone, its heading on the next line
	indent bool                 // paragraphs start with "　"
	bullet func(level int) string
	notes  []Note
}

var kana = []rune("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン")

func kanaMarker(n int) string {
	if n >= 1 && n <= len(kana) {
		return string(kana[n-1])
	}
	return strconv.Itoa(n)
}

func romanUpper(n int) string {
	var b strings.Builder
	for _, d := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for ; n >= d.v; n -= d.v {
			b.WriteString(d.s)
		}
	}
	return b.String()
}

func circled(n int) string {
	switch {
	case n >= 1 && n <= 20:
		return string(rune('①' + n - 1))
	case n >= 21 && n <= 35:
		return string(rune('㉑' + n - 21))
	case n >= 36 && n <= 50:
		return string(rune('㊱' + n - 36))
	}
	return "(" + strconv.Itoa(n) + ")"
}

func latin(n int) string {
	if n >= 1 && n <= 26 {
		return string(rune('a' + n - 1))
	}
	return strconv.Itoa(n)
}

func dotted(path []int) string {
	s := make([]string, len(path))
	for i, n := range path {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ".")
}

// byLevel returns a marker function that prints the last number of the
// path with the function of its level.
func byLevel(fs ...func(int) string) func(int, []int) string {
	return func(level int, path []int) string { return fs[level-1](path[len(path)-1]) }
}

// mark returns a function that prints a number with f between prefix and
// suffix: mark("第", strconv.Itoa, " ")(2) is "第2 ".
func mark(prefix string, f func(int) string, suffix string) func(int) string {
	return func(n int) string { return prefix + f(n) + suffix }
}

// never says of every level that its marker shares its line with the heading.
func never(int) bool { return false }

// gsoc is the footnote of kobun-half.
var gsoc = Note{At: "2.2.3", Word: "GSOC", Marker: "1",
	Text: "Government Security Operation Coordination team（政府機関情報セキュリティ横断監視・即応調整チーム）"}

var schemes = map[string]scheme{
	"original": {},
	"kobun-full": {
		marker: byLevel(mark("第", fullWidth, "　"), mark("", fullWidth, "　"), mark("（", fullWidth, "）　"), mark("", kanaMarker, "　")),
		alone:  never, indent: true,
	},
	"kobun-half": {
		marker: byLevel(mark("第", strconv.Itoa, ""), mark("", strconv.Itoa, " "), mark("(", strconv.Itoa, ") "), mark("", kanaMarker, " ")),
		alone:  func(level int) bool { return level == 1 },
		notes:  []Note{gsoc},
	},
	"roman": {
		marker: byLevel(mark("", romanUpper, ". "), mark("", strconv.Itoa, ". "), mark("(", strconv.Itoa, ") "), mark("", circled, " ")),
		alone:  never,
	},
	"decimal": {
		marker: func(level int, path []int) string {
			if level == 4 {
				return "(" + latin(path[3]) + ") "
			}
			return dotted(path) + " "
		},
		alone: never,
	},
	"chapters": {
		marker: byLevel(mark("第", strconv.Itoa, "章 "), mark("第", strconv.Itoa, "節 "), mark("", strconv.Itoa, " "), mark("(", strconv.Itoa, ") ")),
		alone:  never,
	},
	"bullets": {
		marker: byLevel(mark("第", strconv.Itoa, " "), mark("(", strconv.Itoa, ") "), mark("", kanaMarker, " "), mark("(", kanaMarker, ") ")),
		alone:  never,
		bullet: func(level int) string {
			switch level {
			case 0:
				return "・"
			case 2, 3:
				return "○ "
			}
			return ""
		},
	},
}

// ShippedPolicy returns the shipped FY2020 policy, parsed: the document
// Renumber and Expected start from.
func ShippedPolicy() (*policy.Document, error) {
	src := corpus.Files()[0]
	return parse.Document(context.Background(), src.Name, src.Data, parse.Options{})
}

// Notes returns the footnotes scheme adds to the policy.
func Notes(scheme string) []Note {
	return append([]Note(nil), schemes[scheme].notes...)
}

// Renumber prints doc, the parsed FY2020 policy (ShippedPolicy), again as
// a PDF extraction would give it (see parse.Rewrap), numbered in scheme, one
// of Schemes, laid out as l says but for l.Alone and l.Notes, which are the
// scheme's; kobun-full indents paragraphs whatever l.Indent. A Footer
// holding TotalPages prints the number of pages there. A parser that reads
// the numbering schemes of Japanese official texts gives, parsing the text,
// the provisions of Expected(doc, scheme).
func Renumber(doc *policy.Document, scheme string, l parse.Layout) (string, error) {
	printed, _, err := renumber(doc, scheme)
	if err != nil {
		return "", err
	}
	s := schemes[scheme]
	if s.indent {
		l.Indent = true
	}
	l.Alone = nil
	if s.alone != nil {
		l.Alone = func(p *policy.Provision) bool { return s.alone(p.Level) }
	}
	l.Notes = nil
	for _, n := range s.notes {
		l.Notes = append(l.Notes, parse.FootNote{Ref: n.Word + n.Marker, Text: n.Printed()})
	}
	if strings.Contains(l.Footer, TotalPages) {
		// Where pages break does not depend on the footers' text.
		count := l
		count.Footer = "\x00%d"
		text, _ := parse.Rewrap(printed, count)
		l.Footer = strings.ReplaceAll(l.Footer, TotalPages, strconv.Itoa(strings.Count(text, "\x00")))
	}
	text, _ := parse.Rewrap(printed, l)
	return text, nil
}

// Expected returns the document that parsing Renumber(doc, scheme, l) must
// give, whatever l: doc's provisions with the same IDs, headings and
// paragraphs, at the same levels (their kinds by level), each with the
// marker of scheme, trimmed, and the notes of scheme; under bullets, the
// paragraphs start with the bullets printed. Labels and source lines are
// doc's.
func Expected(doc *policy.Document, scheme string) (*policy.Document, error) {
	_, want, err := renumber(doc, scheme)
	return want, err
}

// renumber returns the document to print for scheme, its markers with their
// blanks and the notes' markers glued into its paragraphs, and the document
// that parsing the printed text must give.
func renumber(doc *policy.Document, name string) (printed, want *policy.Document, err error) {
	s, ok := schemes[name]
	if !ok {
		return nil, nil, fmt.Errorf("corpusgen: unknown numbering scheme %q (want one of %s)", name, strings.Join(Schemes, ", "))
	}
	pd, wd := *doc, *doc
	pd.Provisions = make([]*policy.Provision, len(doc.Provisions))
	wd.Provisions = make([]*policy.Provision, len(doc.Provisions))
	for i, p := range doc.Provisions {
		level := policy.LevelOf(p.ID)
		pp := *p
		pp.Level, pp.Kind = level, policy.KindAt(level)
		pp.Paragraphs = append([]string(nil), p.Paragraphs...)
		pp.Notes = nil
		if s.marker != nil && level >= 1 {
			path, err := idPath(p.ID)
			if err != nil {
				return nil, nil, err
			}
			if level > 4 {
				return nil, nil, fmt.Errorf("corpusgen: %s is at level %d; the schemes have 4", p.ID, level)
			}
			pp.Marker = s.marker(level, path)
		}
		if s.bullet != nil {
			if b := s.bullet(level); b != "" {
				for j := range pp.Paragraphs {
					pp.Paragraphs[j] = b + pp.Paragraphs[j]
				}
			}
		}
		wp := pp
		wp.Marker = strings.TrimSpace(pp.Marker)
		wp.Paragraphs = append([]string(nil), pp.Paragraphs...)
		for _, n := range s.notes {
			if !strings.HasSuffix(p.ID, ":"+n.At) {
				continue
			}
			glued := false
			for j, para := range pp.Paragraphs {
				if strings.Contains(para, n.Word) {
					pp.Paragraphs[j] = strings.Replace(para, n.Word, n.Word+n.Marker, 1)
					glued = true
					break
				}
			}
			if !glued {
				return nil, nil, fmt.Errorf("corpusgen: no %q in the paragraphs of %s for note %s", n.Word, p.ID, n.Marker)
			}
			wp.Notes = append(wp.Notes, policy.Note{Marker: n.Marker, Text: n.Text})
		}
		pd.Provisions[i], wd.Provisions[i] = &pp, &wp
	}
	return &pd, &wd, nil
}

// idPath returns the numbers of a provision ID: [2 2 3] for "doc:2.2.3".
func idPath(id string) ([]int, error) {
	_, local, ok := policy.SplitID(id)
	if !ok {
		return nil, fmt.Errorf("corpusgen: bad provision ID %q", id)
	}
	var path []int
	for _, part := range strings.Split(local, ".") {
		n, err := strconv.Atoi(part)
		if err != nil {
			return nil, fmt.Errorf("corpusgen: bad provision ID %q", id)
		}
		path = append(path, n)
	}
	return path, nil
}

// Tree prints the provisions of doc one a line, as the expected trees in
// internal/parse/testdata/schemes hold them: ID, level, kind, marker
// (trimmed) and heading separated by tabs; under it, indented with a tab, a
// line "¶ text" for each paragraph and "note MARKER<TAB>text" for each note.
func Tree(doc *policy.Document) string {
	var b strings.Builder
	for _, p := range doc.Provisions {
		fmt.Fprintf(&b, "%s\t%d\t%s\t%s\t%s\n", p.ID, p.Level, p.Kind, strings.TrimSpace(p.Marker), p.Heading)
		for _, para := range p.Paragraphs {
			fmt.Fprintf(&b, "\t¶ %s\n", para)
		}
		for _, n := range p.Notes {
			fmt.Fprintf(&b, "\tnote %s\t%s\n", n.Marker, n.Text)
		}
	}
	return b.String()
}
