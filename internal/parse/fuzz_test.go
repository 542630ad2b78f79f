package parse

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// FuzzDocument checks that on any input the parser either refuses with a
// *Error naming a line, or returns a structure that holds every character of
// the input exactly once and is well formed. Its seed corpus is in
// testdata/fuzz/FuzzDocument.
func FuzzDocument(f *testing.F) {
	f.Add(readCorpus(f))
	f.Add([]byte("方針\n１\n見出し\n(1) 分野\n① 項目\nⅰ）細目\nⅱ ）細目\n本文。\n2\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Document(context.Background(), "fuzz.txt", src, Options{})
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
		checkLossless(t, doc.Source, doc)
		checkWellFormed(t, doc)
	})
}

// checkWellFormed checks the invariants of a parsed document's provisions.
func checkWellFormed(t *testing.T, doc *policy.Document) {
	t.Helper()
	seen := map[string]*policy.Provision{}
	depth := map[policy.Kind]int{policy.KindSection: 1, policy.KindArea: 2, policy.KindItem: 3, policy.KindSubItem: 4}
	for i, p := range doc.Provisions {
		if p.Seq != i || seen[p.ID] != nil || p.DocumentID != doc.ID {
			t.Fatalf("provision %d: %+v", i, p)
		}
		if !strings.HasPrefix(p.ID, doc.ID+":") || p.Label == "" || !p.Kind.Valid() {
			t.Fatalf("provision %d: bad id, label or kind: %+v", i, p)
		}
		if p.Kind != policy.KindPreamble && strings.Count(p.ID, ".")+1 != depth[p.Kind] {
			t.Fatalf("%s: kind %s at the wrong depth", p.ID, p.Kind)
		}
		if p.ParentID != "" {
			parent := seen[p.ParentID]
			if parent == nil || depth[parent.Kind] != depth[p.Kind]-1 || !strings.HasPrefix(p.Label, parent.Label) {
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
	return strings.Count(s, "\n") + strings.Count(s, "\r") + 1
}
