package parse_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// The tests of this file read the FY2020 policy renumbered in the other
// schemes of Japanese official texts (corpusgen.Schemes) and check that the
// parser gives the policy's own tree back, whatever the markers: the files
// testdata/schemes/<scheme>.golden hold the expected trees (corpusgen.Tree
// of corpusgen.Expected, made from the policy's parse, never from parsing a
// generated text), testdata/schemes/<scheme>.txt a sample text of each
// scheme. go test -run Scheme -update rewrites both.

// The -update flag is the package's own (parse_test.go); it is defined here
// only if that file no longer defines it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func updating() bool { return flag.Lookup("update").Value.String() == "true" }

const schemesDir = "testdata/schemes"

// schemeLayout is one way of printing the schemes.
type schemeLayout struct {
	name string
	parse.Layout
}

// schemeLayouts returns the layouts every scheme is printed in: four
// widths in cells and one in characters, each with four page footers, and
// page lengths from 24 to 42 lines.
func schemeLayouts() []schemeLayout {
	widths := []struct {
		w     int
		chars bool
	}{{48, false}, {60, false}, {70, false}, {84, false}, {64, true}}
	footers := []struct{ name, format string }{
		{"bare", "%d"}, {"dashes", "- %d -"}, {"of-total", "%d / " + corpusgen.TotalPages}, {"fullwidth", "－%d－"},
	}
	var ls []schemeLayout
	for i, w := range widths {
		for j, f := range footers {
			l := parse.Layout{Width: w.w, Chars: w.chars, PerPage: 24 + (7*i+5*j)%19, Footer: f.format, Indent: j%2 == 1}
			unit := "cells"
			if w.chars {
				unit = "chars"
			}
			ls = append(ls, schemeLayout{fmt.Sprintf("%d%s-%s-%dlines", w.w, unit, f.name, l.PerPage), l})
		}
	}
	return ls
}

func shippedPolicy(t *testing.T) *policy.Document {
	t.Helper()
	doc, err := corpusgen.ShippedPolicy()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestSchemeFiles checks that the expected trees and the sample texts in
// testdata/schemes are what the generator makes of the policy now.
func TestSchemeFiles(t *testing.T) {
	doc := shippedPolicy(t)
	if updating() {
		if err := os.MkdirAll(schemesDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, scheme := range corpusgen.Schemes {
		want, err := corpusgen.Expected(doc, scheme)
		if err != nil {
			t.Fatal(err)
		}
		sample, err := corpusgen.Renumber(doc, scheme, corpusgen.SampleLayout)
		if err != nil {
			t.Fatal(err)
		}
		for path, got := range map[string]string{
			filepath.Join(schemesDir, scheme+".golden"): corpusgen.Tree(want),
			filepath.Join(schemesDir, scheme+".txt"):    sample,
		} {
			if updating() {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(old) != got {
				t.Errorf("%s is not what the generator makes now (run go test -run SchemeFiles -update and review the diff)\n%s", path, parse.LineDiff(string(old), got))
			}
		}
	}
}

// TestSchemes parses the policy renumbered in each scheme, printed in each
// of the layouts, and compares the tree it gives with the expected tree of
// the scheme: the IDs, levels, kinds, markers (as printed), headings,
// paragraphs and notes of every provision. Labels are not compared. It also
// checks that nothing is lost: the pieces of the parse, joined, are the
// content of the text, but for the footnote markers taken out of it.
func TestSchemes(t *testing.T) {
	doc := shippedPolicy(t)
	for _, scheme := range corpusgen.Schemes {
		t.Run(scheme, func(t *testing.T) {
			golden, err := os.ReadFile(filepath.Join(schemesDir, scheme+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			want := string(golden)
			for _, l := range schemeLayouts() {
				t.Run(l.name, func(t *testing.T) {
					text, err := corpusgen.Renumber(doc, scheme, l.Layout)
					if err != nil {
						t.Fatal(err)
					}
					name := scheme + "-" + l.name + ".txt"
					got, err := parse.Document(context.Background(), name, []byte(text), parse.Options{ID: doc.ID})
					if err != nil {
						t.Fatalf("%v\n(print the text: go run ./internal/corpusgen/cmd/renumber -out DIR -scheme %s -width %d -chars=%v -lines %d -footer '%s' -indent=%v)",
							err, scheme, l.Width, l.Chars, l.PerPage, l.Footer, l.Indent)
					}
					if tree := corpusgen.Tree(withLevels(got)); tree != want {
						t.Errorf("tree differs from %s.golden:\n%s", scheme, parse.LineDiff(want, tree))
					}
					if msg := lost(got, text, corpusgen.Notes(scheme)); msg != "" {
						t.Error(msg)
					}
				})
			}
		})
	}
}

// withLevels returns doc with the level of each numbered provision that has
// none taken from its kind, kinds going by level: today's parser sets kinds
// but not levels.
func withLevels(doc *policy.Document) *policy.Document {
	c := *doc
	c.Provisions = make([]*policy.Provision, len(doc.Provisions))
	for i, p := range doc.Provisions {
		cp := *p
		if cp.Level == 0 && cp.Kind != policy.KindPreamble {
			cp.Level = cp.Kind.Level()
		}
		c.Provisions[i] = &cp
	}
	return &c
}

// lost says what of the content of text the pieces of doc do not hold, or
// "" when they hold it all: the content but for the markers of notes
// glued to words, and with or without the notes at the foot of the pages
// (the tree compares the notes themselves).
func lost(doc *policy.Document, text string, notes []corpusgen.Note) string {
	content := parse.Content([]byte(text))
	if content == "" {
		return "parse.Content cannot read the text"
	}
	// The content leaves out the markers of footnotes, and nothing else
	// that the text holds.
	for _, n := range notes {
		glued := n.Word + n.Marker
		if !strings.Contains(text, glued) {
			return fmt.Sprintf("the text does not hold the note marker %q", glued)
		}
		if strings.Contains(content, glued) {
			return fmt.Sprintf("the content still holds the note marker %q", glued)
		}
	}
	var b strings.Builder
	for _, p := range parse.Pieces(doc) {
		b.WriteString(p.Text)
	}
	if got := b.String(); got != content {
		return "the pieces joined are not the content of the text: " + runeDiff(content, got)
	}
	return ""
}

// runeDiff shows where two strings part.
func runeDiff(want, got string) string {
	w, g := []rune(want), []rune(got)
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	cut := func(rs []rune) string {
		from, to := max(0, i-20), min(len(rs), i+40)
		return string(rs[from:to])
	}
	return fmt.Sprintf("at character %d:\nwant …%s…\ngot  …%s…", i, cut(w), cut(g))
}

// TestSchemesStrict: numbering is strict in every scheme. In each renumbered
// text, the marker of area (3) printed again as the marker of the area
// before it, or an item's marker swapped with its successor's, is refused
// with the file and the line; and the text cut in the middle of a sentence
// is refused as truncated.
func TestSchemesStrict(t *testing.T) {
	doc := shippedPolicy(t)
	l := parse.Layout{Width: 70, PerPage: 36, Footer: "- %d -"}
	for _, scheme := range corpusgen.Schemes {
		t.Run(scheme, func(t *testing.T) {
			text, err := corpusgen.Renumber(doc, scheme, l)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := parse.Document(context.Background(), "s.txt", []byte(text), parse.Options{ID: doc.ID})
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]*policy.Provision{}
			for _, p := range parsed.Provisions {
				byID[p.ID] = p
			}
			lines := strings.Split(text, "\n")
			// edit replaces the marker of provision a on its line with the
			// marker of provision b.
			edit := func(a, b string) (string, int) {
				pa, pb := byID[doc.ID+":"+a], byID[doc.ID+":"+b]
				out := append([]string(nil), lines...)
				i := pa.Line - 1
				out[i] = strings.Replace(out[i], strings.TrimSpace(pa.Marker), strings.TrimSpace(pb.Marker), 1)
				return strings.Join(out, "\n"), pa.Line
			}
			for _, c := range [][2]string{{"2.4", "2.3"}, {"2.2.2", "2.2.3"}, {"2.2.3.2", "2.2.3.3"}} {
				bad, line := edit(c[0], c[1])
				_, err := parse.Document(context.Background(), "s.txt", []byte(bad), parse.Options{ID: doc.ID})
				var pe *parse.Error
				if !errors.As(err, &pe) || pe.Line != line || !strings.Contains(err.Error(), "out of sequence") {
					t.Errorf("%s printed as %s: err = %v, want s.txt:%d: … out of sequence", c[0], c[1], err, line)
				}
			}
			// Cut in the middle of the last paragraph's sentence.
			last := parsed.Provisions[len(parsed.Provisions)-1]
			cut := strings.Join(lines[:last.ParagraphLines[len(last.ParagraphLines)-1]], "\n")
			if _, err := parse.Document(context.Background(), "s.txt", []byte(cut), parse.Options{ID: doc.ID}); !errors.Is(err, parse.ErrTruncated) {
				t.Errorf("cut short: err = %v, want a truncated text", err)
			}
		})
	}
}
