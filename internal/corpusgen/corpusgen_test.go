package corpusgen

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/parse"
)

func TestGenerate(t *testing.T) {
	a, err := Generate(20, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(20, 7)
	for i := range a {
		if !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("file %d differs between two runs", i)
		}
		doc, err := parse.Document(context.Background(), a[i].Name, a[i].Data, parse.Options{ID: a[i].ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Provisions) != 35 {
			t.Errorf("%s: %d provisions", a[i].Name, len(doc.Provisions))
		}
	}
	if bytes.Equal(a[0].Data, a[1].Data) {
		t.Error("two generated files are the same")
	}
}

func TestLong(t *testing.T) {
	for _, size := range []int{20 << 10, 200 << 10} {
		text := Long(size)
		if len(text) < size || len(text) > size+20<<10 {
			t.Errorf("Long(%d) is %d bytes", size, len(text))
		}
		doc, err := parse.Document(context.Background(), "long.txt", text, parse.Options{ID: "long"})
		if err != nil {
			t.Fatal(err)
		}
		n := LongSections(text)
		if got, want := len(doc.Provisions), 3+32*(n-2); got != want {
			t.Errorf("Long(%d): %d provisions, want %d", size, got, want)
		}
		if last := doc.Provisions[len(doc.Provisions)-1]; last.Number != n || last.Heading != "留意事項" {
			t.Errorf("Long(%d): last provision %s %q, want section %d", size, last.ID, last.Heading, n)
		}
	}
}

func TestOneParagraph(t *testing.T) {
	text := OneParagraph(100 << 10)
	if len(text) > 100<<10 || len(text) < 90<<10 {
		t.Errorf("OneParagraph(100 KiB) is %d bytes", len(text))
	}
	doc, err := parse.Document(context.Background(), "one.txt", text, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Provisions) != 1 || len(doc.Provisions[0].Paragraphs) != 1 || len(doc.Provisions[0].Paragraphs[0]) < 90<<10 {
		t.Errorf("%d provisions", len(doc.Provisions))
	}
}

// TestShuffledRewrapped: documents with the policy's paragraphs shuffled
// among provisions, printed at every width by cells and by characters, with
// and without indentation, parse back into their own paragraphs.
func TestShuffledRewrapped(t *testing.T) {
	src := corpus.Files()[0]
	base, err := parse.Document(context.Background(), src.Name, src.Data, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 7))
	for i := 0; i < 5; i++ {
		doc := shuffle(base, rng)
		for width := 36; width <= 110; width += 2 {
			for _, chars := range []bool{false, true} {
				for _, indent := range []bool{false, true} {
					l := parse.Layout{Width: width, PerPage: 20 + rng.IntN(20), Footer: "- %d -", Indent: indent, Chars: chars}
					if _, clear := parse.Rewrap(doc, l); !clear {
						t.Errorf("document %d printed as %+v: other paragraphs come back", i, l)
					}
				}
			}
		}
	}
}
