// Package corpusgen generates synthetic corpora from the shipped policy, for
// benchmarks and load tests: documents with the same numbering, their
// paragraphs shuffled among provisions of the same kind, printed again at
// other line widths and page lengths.
package corpusgen

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// File is one generated text and the document ID to ingest it under.
type File struct {
	ID   string
	Name string
	Data []byte
}

// Generate returns n documents derived from the shipped FY2020 policy. The
// same n and seed give the same files.
func Generate(n int, seed uint64) ([]File, error) {
	src := corpus.Files()[0]
	base, err := parse.Document(context.Background(), src.Name, src.Data, parse.Options{})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 2019))
	out := make([]File, 0, n)
	for i := range n {
		doc := shuffle(base, rng)
		for width := 56 + rng.IntN(50); ; width++ {
			text, clear := parse.Rewrap(doc, parse.Layout{Width: width, PerPage: 30 + rng.IntN(15), Footer: "- %d -", Indent: true})
			if clear || width > 200 {
				id := fmt.Sprintf("synthetic-%04d", i+1)
				out = append(out, File{ID: id, Name: id + ".txt", Data: []byte(text)})
				break
			}
		}
	}
	return out, nil
}

// shuffle returns a copy of doc whose paragraphs are permuted among the
// provisions of each kind; markers, headings and numbering stay.
func shuffle(doc *policy.Document, rng *rand.Rand) *policy.Document {
	c := *doc
	c.Provisions = make([]*policy.Provision, len(doc.Provisions))
	byKind := map[policy.Kind][]int{}
	for i, p := range doc.Provisions {
		cp := *p
		cp.Paragraphs = append([]string(nil), p.Paragraphs...)
		c.Provisions[i] = &cp
		// Sub-items and provisions without text keep theirs: a sub-item's
		// first paragraph stands on its marker line.
		if p.Kind != policy.KindSubItem && len(p.Paragraphs) == 1 {
			byKind[p.Kind] = append(byKind[p.Kind], i)
		}
	}
	for _, k := range policy.Kinds {
		idx := byKind[k]
		perm := rng.Perm(len(idx))
		for j, k := range perm {
			c.Provisions[idx[j]].Paragraphs = doc.Provisions[idx[k]].Paragraphs
		}
	}
	return &c
}
