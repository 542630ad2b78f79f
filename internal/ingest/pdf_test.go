package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/pdf/pdftest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/testfixture"
)

// TestIngestPDF ingests the policy printed to a PDF by headless Chromium in
// a Japanese font: it gives the tree of the text, its pages those of the
// PDF. An encrypted, an image-only and a damaged PDF are refused, each with
// a message saying why, naming the file.
func TestIngestPDF(t *testing.T) {
	ctx := context.Background()
	_, in := testfixture.Ingester(t)
	src := corpus.Files()[0].Data
	want, err := parse.Document(ctx, "policy.txt", src, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("printed by Chromium", func(t *testing.T) {
		browser := pdftest.NeedBrowser(t)
		pdfs := pdftest.Print(t, browser, map[string]string{"policy": pdftest.LinesHTML(string(src), func(string) int { return 0 })})
		file := filepath.Join(t.TempDir(), "policy.pdf")
		if err := os.WriteFile(file, pdfs["policy"], 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := in.File(ctx, file, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, w := tree(res.Doc), tree(want); got != w {
			t.Errorf("the PDF's tree differs from the text's:\n%s\nwant\n%s", got, w)
		}
		if res.Doc.Encoding != "PDF" {
			t.Errorf("encoding %q, want PDF", res.Doc.Encoding)
		}
		if res.Doc.PageCount < 2 {
			t.Errorf("%d pages, want the PDF's pages", res.Doc.PageCount)
		}
	})

	secret := []pdftest.Page{{Lines: []string{"Secret text of a policy"}}}
	drawing := pdftest.MakePDF([]pdftest.Page{{Content: "0 0 1 rg 72 600 200 100 re f"}}, nil)
	whole := pdftest.MakePDF([]pdftest.Page{{Lines: []string{"A policy", "(1) Heading", "Text."}}}, nil)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"encrypted", pdftest.MakePDF(secret, &pdftest.Encryption{User: "password"}), "encrypted.pdf:1: a PDF that is encrypted: it needs a password"},
		{"image-only", drawing, "image-only.pdf:1: a PDF without a text layer"},
		{"damaged", whole[:len(whole)/2], "damaged.pdf:1: a damaged PDF: it cannot be read"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), tt.name+".pdf")
			if err := os.WriteFile(file, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := in.File(ctx, file, ingest.Options{ID: "x"})
			var pe *parse.Error
			if !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want …%s…", err, tt.want)
			}
			if policy.ErrorCode(err) != policy.EINVALID {
				t.Errorf("code %s, want %s", policy.ErrorCode(err), policy.EINVALID)
			}
		})
	}
}

// tree prints a document's provisions: IDs, levels, headings and
// paragraphs, and the notes.
func tree(doc *policy.Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s\n", doc.ID, doc.Title, doc.DecidedOn, doc.DecidedBy)
	for _, p := range doc.Provisions {
		fmt.Fprintf(&b, "%s\t%d\t%s\t%s\t%s\n", p.ID, p.Level, p.Kind, p.Label, p.Heading)
		for _, para := range p.Paragraphs {
			fmt.Fprintf(&b, "\t%s\n", para)
		}
	}
	return b.String()
}
