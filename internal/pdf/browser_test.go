package pdf

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/pdf/pdftest"
)

// formsIndent indents the numbered levels of testdata/forms.txt.
func formsIndent(l string) int {
	for i, prefix := range []string{"（", "①②", "ⅰⅱ"} {
		for _, p := range strings.Split(prefix, "") {
			if strings.HasPrefix(l, p) {
				return i + 1
			}
		}
	}
	return 0
}

// squeeze returns s without white space.
func squeeze(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

// lines returns the lines of s that hold more than white space, without it.
func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = squeeze(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// firstDiff describes where got and want first differ.
func firstDiff(got, want []rune) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	around := func(r []rune) string { return string(r[max(0, i-10):min(len(r), i+10)]) }
	return fmt.Sprintf("at character %d of %d (want %d): got …%s…, want …%s…", i, len(got), len(want), around(got), around(want))
}

// pageObject matches the dictionary of a page, not of the page tree, in the
// uncompressed objects that Chromium writes.
var pageObject = regexp.MustCompile(`/Type\s*/Page\b`)

func TestChromium(t *testing.T) {
	path := pdftest.NeedBrowser(t)
	policy := ""
	for _, f := range corpus.Files() {
		if f.Name == "cs-budget-policy-fy2020.txt" {
			policy = string(f.Data)
		}
	}
	if policy == "" {
		t.Fatal("the corpus lacks cs-budget-policy-fy2020.txt")
	}
	// A text in the forms Japanese policies number their parts with,
	// full-width, each level indented by padding or by full-width spaces.
	b, err := os.ReadFile("testdata/forms.txt")
	if err != nil {
		t.Fatal(err)
	}
	forms := string(b)
	pdfs := pdftest.Print(t, path, map[string]string{
		"policy": pdftest.LinesHTML(policy, func(string) int { return 0 }),
		"forms":  pdftest.LinesHTML(forms, formsIndent),
		"image": `<!doctype html><body style="margin: 0"><svg width="600" height="400" xmlns="http://www.w3.org/2000/svg">
<rect x="10" y="10" width="300" height="200" fill="#369"/><circle cx="400" cy="250" r="100" fill="#c33"/></svg>`,
	})

	t.Run("policy", func(t *testing.T) {
		got, err := text(t, pdfs["policy"])
		if err != nil {
			t.Fatal(err)
		}
		// Every character, in order, as it is: a full-width form not folded.
		if g, w := []rune(squeeze(got)), []rune(squeeze(policy)); !slices.Equal(g, w) {
			t.Errorf("the characters differ %s", firstDiff(g, w))
		}
		// The lines of the text, a page break at the end of a line.
		if g, w := lines(strings.ReplaceAll(got, "\f", "\n")), lines(policy); !slices.Equal(g, w) {
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Errorf("line %d: got %q, want %q", i+1, g[i], w[i])
					break
				}
			}
			t.Errorf("got %d lines, want %d", len(g), len(w))
		}
		// A page of text for each page of the PDF.
		pages := len(pageObject.FindAll(pdfs["policy"], -1))
		if pages < 2 {
			t.Fatalf("Chromium printed %d pages: the test needs more than one", pages)
		}
		if n := strings.Count(got, "\f") + 1; n != pages {
			t.Errorf("got %d pages of text, want %d", n, pages)
		}
		for i, p := range strings.Split(got, "\f") {
			if strings.TrimSpace(p) == "" {
				t.Errorf("page %d has no text", i+1)
			}
		}
	})

	t.Run("forms", func(t *testing.T) {
		got, err := text(t, pdfs["forms"])
		if err != nil {
			t.Fatal(err)
		}
		if g, w := lines(got), lines(forms); !slices.Equal(g, w) {
			t.Errorf("got lines\n%s\nwant\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
		}
	})

	t.Run("image only", func(t *testing.T) {
		if _, err := text(t, pdfs["image"]); !errors.Is(err, ErrNoText) {
			t.Errorf("got %v, want ErrNoText", err)
		}
	})

	t.Run("truncated", func(t *testing.T) {
		half := pdfs["policy"][:len(pdfs["policy"])/2]
		for name, data := range map[string][]byte{
			"at half":                    half,
			"at half, end marker put on": append(half[:len(half):len(half)], "\n%%EOF\n"...),
		} {
			if _, err := text(t, data); !errors.Is(err, ErrDamaged) {
				t.Errorf("%s: got %v, want ErrDamaged", name, err)
			}
		}
	})
}
