package graph_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestTableOfContents runs the four-level table-of-contents query, which
// costs what the store can really return (three sections, their areas,
// items and sub-items), and checks its answer exactly; list bombs of the
// same shape are still refused.
func TestTableOfContents(t *testing.T) {
	srv, _ := newServer(t)
	toc := `{ provisions(kind: SECTION) { label children { label children { label children { label } } } } }`
	r := post(t, srv, toc, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("table of contents refused: %+v", r.Errors)
	}
	var got bytes.Buffer
	json.Indent(&got, r.Data, "", "  ")
	got.WriteByte('\n')
	golden := filepath.Join("testdata", "toc.golden.json")
	if *update {
		os.WriteFile(golden, got.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("table of contents:\n%s\nwant:\n%s", got.Bytes(), want)
	}
	for _, q := range []string{
		toc,
		`{ documents { provisions { label children { label children { label children { label } } } } } }`,
		`{ provisions(kind: AREA) { label parent { label } children { label children { label } } } }`,
	} {
		if r := post(t, srv, q, nil); len(r.Errors) > 0 {
			t.Errorf("%s: %+v", q, r.Errors)
		}
	}
	for _, bomb := range []string{
		`{ provisions { children { children { children { citations { target { citations { source { citations { target { citedBy { id text } } } } } } } } } } } }`,
		`{ a: provisions { text referencedBy { text crossReferences { text referencedBy { text paragraphs } } } } b: provisions { text ancestors { text children { text children { text } } } } }`,
	} {
		r := post(t, srv, bomb, nil)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
			t.Errorf("bomb not refused: %.300s %+v", r.Data, r.Errors)
		}
	}
}
