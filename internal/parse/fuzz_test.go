package parse

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/policykb/policykb/internal/policy"
)

// FuzzDocument checks that on any input the parser either refuses with a
// *Error naming a line, or returns a structure that holds every character of
// the input exactly once and is well formed. Its seed corpus is in
// testdata/fuzz/FuzzDocument.
func FuzzDocument(f *testing.F) {
	f.Add(readCorpus(f))
	f.Add([]byte("方針\n１\n見出し\n(1) 分野\n① 項目\nⅰ）細目\nⅱ ）細目\n本文。\n2\n"))
	// The layouts of the family, and the policy in other schemes.
	for _, glob := range []string{"testdata/family/*.txt", "testdata/schemes/*.txt"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		// Texts of odd length are read as excerpts, with a title given.
		opt := Options{ID: "fuzz"}
		if len(src)%2 == 1 {
			opt.Partial, opt.Title = true, "抜粋"
		}
		doc, err := Document(context.Background(), "fuzz.txt", src, opt)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if pe.File != "fuzz.txt" || pe.Line < 1 || pe.Line > lineCount(src) {
				t.Fatalf("error names %s:%d", pe.File, pe.Line)
			}
			return
		}
		if hasNotesOrContents(doc) {
			checkSameCharacters(t, doc)
		} else {
			checkLossless(t, doc.Source, doc)
		}
		checkWellFormed(t, doc)
	})
}

// hasNotesOrContents reports whether doc has footnotes or a table of
// contents, whose markers, leaders and page numbers leave the text.
func hasNotesOrContents(doc *policy.Document) bool {
	for _, p := range doc.Provisions {
		if len(p.Notes) > 0 {
			return true
		}
	}
	for _, l := range strings.Split(doc.Source, "\n") {
		if _, ok := contentsEntry(strings.TrimSpace(l)); ok {
			return true
		}
	}
	return false
}

// checkSameCharacters checks that the pieces of doc hold the characters of
// its source but blanks and what may leave it — the digits of page
// footers, footnote markers and page numbers, the decorations of footers,
// the leaders of a table of contents — and nothing else.
func checkSameCharacters(t *testing.T, doc *policy.Document) {
	t.Helper()
	count := map[rune]int{}
	for _, r := range doc.Source {
		if !unicode.IsSpace(r) && r != '\f' {
			count[r]++
		}
	}
	for _, p := range Pieces(doc) {
		for _, r := range p.Text {
			if !unicode.IsSpace(r) {
				count[r]--
			}
		}
	}
	for r, n := range count {
		switch {
		case n < 0:
			t.Fatalf("the structure holds %q %d times more than the source", r, -n)
		case n > 0 && !(unicode.IsDigit(r) || superscript(r) > 0 || strings.ContainsRune("…‥・.．·･-－‐–—―─~〜/／ページ頁", r)):
			t.Fatalf("%q left out %d times", r, n)
		}
	}
}

// checkWellFormed checks the invariants of a parsed document's provisions.
func checkWellFormed(t *testing.T, doc *policy.Document) {
	t.Helper()
	seen := map[string]*policy.Provision{}
	for i, p := range doc.Provisions {
		if p.Seq != i || seen[p.ID] != nil || p.DocumentID != doc.ID {
			t.Fatalf("provision %d: %+v", i, p)
		}
		if !strings.HasPrefix(p.ID, doc.ID+":") || p.Label == "" || !p.Kind.Valid() {
			t.Fatalf("provision %d: bad id, label or kind: %+v", i, p)
		}
		if p.Level != policy.LevelOf(p.ID) || p.Kind != policy.KindAt(p.Level) {
			t.Fatalf("%s: kind %s at level %d", p.ID, p.Kind, p.Level)
		}
		if p.ParentID != "" {
			parent := seen[p.ParentID]
			if parent == nil || parent.Level != p.Level-1 || !strings.HasPrefix(p.Label, parent.Label) {
				t.Fatalf("%s: bad parent %q", p.ID, p.ParentID)
			}
		}
		if len(p.Paragraphs) != len(p.ParagraphLines) {
			t.Fatalf("%s: %d paragraphs, %d paragraph lines", p.ID, len(p.Paragraphs), len(p.ParagraphLines))
		}
		for j := 1; j < len(p.Pages); j++ {
			if p.Pages[j] <= p.Pages[j-1] {
				t.Fatalf("%s: pages %v not ascending", p.ID, p.Pages)
			}
		}
		seen[p.ID] = p
	}
}

// lineCount counts lines as the parser does: CRLF, CR and LF each end one.
func lineCount(src []byte) int {
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	// A form feed breaks a line too. Decoding may read other encodings than
	// UTF-8, whose form feeds count alike.
	return strings.Count(s, "\n") + strings.Count(s, "\r") + strings.Count(s, "\f") + 1
}
