// Package corpusgen generates synthetic corpora from the shipped policy, for
// benchmarks and load tests: documents with the same numbering, their
// paragraphs shuffled among provisions of the same kind, printed again at
// other line widths and page lengths. It also prints the policy renumbered
// in the other schemes of Japanese official texts, to test the parser
// (Renumber).
package corpusgen

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

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

// Long returns one policy text of at least size bytes (and at most one
// section more), as a PDF extraction of a long policy would give it: the
// header and section １ of the shipped policy, then its section ２ (five
// areas, their items and sub-items, footers and all) again and again as
// sections ２, ３, … with the pages numbered on, and its closing section
// last. It parses into 3 + 32×(sections−2) provisions. Used to measure
// that parsing and storing are linear in the size of the input.
func Long(size int) []byte {
	lines := strings.Split(string(corpus.Files()[0].Data), "\n")
	// Lines 1-29: header, preamble, section １; 30-213: section ２; 214-:
	// section ３ and the last footer.
	head, body, tail := lines[:29], lines[29:213], lines[213:]
	var b bytes.Buffer
	page := 0
	footer := func(l string) bool {
		_, err := strconv.Atoi(l)
		return err == nil
	}
	writeLines := func(ls []string, section int) {
		for i, l := range ls {
			switch {
			case footer(l):
				page++
				l = strconv.Itoa(page)
			case i == 0 && section > 0:
				l = fullWidth(section)
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	writeLines(head, 0)
	section := 2
	for ; b.Len() < size || section == 2; section++ {
		writeLines(body, section)
	}
	writeLines(tail, section)
	return b.Bytes()
}

// LongSections returns the number of sections of Long(size).
func LongSections(text []byte) int {
	return bytes.Count(text, []byte("重点化を図るべき分野\n")) + 2
}

func fullWidth(n int) string {
	var s []rune
	for _, c := range strconv.Itoa(n) {
		s = append(s, c-'0'+'０')
	}
	return string(s)
}

// OneParagraph returns a policy text of about (at most) size bytes whose section １ is
// one paragraph: the paragraphs of the shipped policy run together again and
// again, printed at 72 cells. Paragraph joining must stay linear in the
// length of a paragraph, however long.
func OneParagraph(size int) []byte {
	base, err := parse.Document(context.Background(), "corpus", corpus.Files()[0].Data, parse.Options{})
	if err != nil {
		panic(err) // the shipped corpus parses
	}
	var paras []string
	for _, p := range base.Provisions {
		paras = append(paras, p.Paragraphs...)
	}
	// Line breaks and footers add a few per cent.
	var b strings.Builder
	for i := 0; b.Len() < size-size/20; i++ {
		b.WriteString(paras[i%len(paras)])
	}
	text := strings.TrimSuffix(b.String(), "。") + "。"
	doc := *base
	doc.DateLineNo, doc.DecidedByLineNo = 0, 0
	doc.Provisions = []*policy.Provision{{ID: base.ID + ":1", DocumentID: base.ID, Kind: policy.KindSection, Number: 1,
		Label: "１", Marker: "１", Heading: "基本的な考え方", Paragraphs: []string{text},
		Line: 2, HeadingLine: 3, ParagraphLines: []int{4}}}
	out, _ := parse.Rewrap(&doc, parse.Layout{Width: 72, PerPage: 36, Footer: "- %d -"})
	return []byte(out)
}
