package corpusgen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/policykb/policykb/internal/policy"
)

// clauses returns the clauses of the shipped policy (its paragraphs cut
// after 、 and 。): the words of the synthetic documents.
var clauses = sync.OnceValue(func() []string {
	doc, err := ShippedPolicy()
	if err != nil {
		panic(err)
	}
	var out []string
	for _, p := range doc.Provisions {
		for _, para := range p.Paragraphs {
			start := 0
			rs := []rune(para)
			for i, r := range rs {
				if r == '、' || r == '。' || i == len(rs)-1 {
					if i+1-start >= 4 {
						out = append(out, string(rs[start:i+1]))
					}
					start = i + 1
				}
			}
		}
	}
	return out
})

// synNode is a provision of a synthetic document being built.
type synNode struct {
	heading  string
	paras    []string
	children []*synNode
}

// SyntheticYears returns two documents of about n provisions each, four
// levels deep as the policy is, whose texts are clauses of the policy drawn
// at random (so that they share its vocabulary and many of its clauses):
// the second is the first a year later, with about 4 % of its provisions
// changed, 2 % of its items moved to another area, 2 % removed and 2 %
// added. Their IDs are synthetic-fy2020 and synthetic-fy2021; the same n
// and seed give the same documents. For the benchmarks of comparisons.
func SyntheticYears(n int, seed uint64) (from, to *policy.Document) {
	rng := rand.New(rand.NewPCG(seed, 7))
	clauses := clauses()
	text := func(k int) string {
		var b strings.Builder
		for range k {
			b.WriteString(clauses[rng.IntN(len(clauses))])
		}
		return b.String()
	}
	heading := func() string {
		r := []rune(clauses[rng.IntN(len(clauses))])
		return string(r[:min(len(r), 6+rng.IntN(12))])
	}
	// Sections of areas of items of sub-items: 1 + a + a·i + a·i·s per
	// section, about n in all.
	var roots []*synNode
	count := 0
	for count < n {
		s := &synNode{heading: heading(), paras: []string{text(2)}}
		count++
		for a := 0; a < 4 && count < n; a++ {
			area := &synNode{heading: heading()}
			count++
			for i := 0; i < 5 && count < n; i++ {
				item := &synNode{heading: heading(), paras: []string{text(3 + rng.IntN(3))}}
				count++
				for k := 0; k < rng.IntN(4) && count < n; k++ {
					item.children = append(item.children, &synNode{paras: []string{text(1 + rng.IntN(3))}})
					count++
				}
				area.children = append(area.children, item)
			}
			s.children = append(s.children, area)
		}
		roots = append(roots, s)
	}
	from = synthDoc(2020, roots)
	// The year after: edit a copy.
	var all []*synNode
	var copyTree func(ns []*synNode) []*synNode
	copyTree = func(ns []*synNode) []*synNode {
		out := make([]*synNode, len(ns))
		for i, x := range ns {
			c := &synNode{heading: x.heading, paras: append([]string(nil), x.paras...)}
			c.children = copyTree(x.children)
			out[i] = c
			all = append(all, c)
		}
		return out
	}
	next := copyTree(roots)
	var items []*synNode // nodes with a parent list we can edit: areas' children
	var areas []*synNode
	for _, s := range next {
		for _, a := range s.children {
			areas = append(areas, a)
			items = append(items, a.children...)
		}
	}
	for _, c := range all {
		if len(c.paras) > 0 && rng.IntN(100) < 4 {
			c.paras[0] = c.paras[0] + text(1) // a clause added
		}
	}
	for _, it := range items {
		switch r := rng.IntN(100); {
		case r < 2: // moved to another area
			src, dst := synParent(areas, it), areas[rng.IntN(len(areas))]
			if src != nil && src != dst {
				src.children = without(src.children, it)
				dst.children = append(dst.children, it)
			}
		case r < 4: // removed
			if src := synParent(areas, it); src != nil {
				src.children = without(src.children, it)
			}
		case r < 6: // a new item after it
			if src := synParent(areas, it); src != nil {
				src.children = append(src.children, &synNode{heading: heading(), paras: []string{text(4)}})
			}
		}
	}
	return from, synthDoc(2021, next)
}

func synParent(areas []*synNode, it *synNode) *synNode {
	for _, a := range areas {
		for _, c := range a.children {
			if c == it {
				return a
			}
		}
	}
	return nil
}

func without(ns []*synNode, x *synNode) []*synNode {
	out := ns[:0]
	for _, n := range ns {
		if n != x {
			out = append(out, n)
		}
	}
	return out
}

// synthDoc makes a tree the synthetic document of fiscal year fy.
func synthDoc(fy int, roots []*synNode) *policy.Document {
	id := fmt.Sprintf("synthetic-fy%d", fy)
	d := &policy.Document{ID: id, Title: fmt.Sprintf("合成文書の%d年度版", fy), FiscalYear: fy, PageCount: 1, Encoding: "UTF-8"}
	d.TitleLine, d.TitleLineNo = d.Title, 1
	d.Provisions = flatten(id, roots)
	var src strings.Builder
	src.WriteString(d.Title + "\n")
	for _, p := range d.Provisions {
		src.WriteString(p.Label + " " + p.Text() + "\n")
	}
	d.Source = src.String()
	sum := sha256.Sum256([]byte(d.Source))
	d.SHA256 = hex.EncodeToString(sum[:])
	return d
}

// flatten numbers a tree as the provisions of document doc.
func flatten(doc string, roots []*synNode) []*policy.Provision {
	var out []*policy.Provision
	var visit func(ns []*synNode, parent *policy.Provision, path []int)
	visit = func(ns []*synNode, parent *policy.Provision, path []int) {
		for i, n := range ns {
			here := append(append([]int(nil), path...), i+1)
			p := &policy.Provision{ID: policy.ProvisionID(doc, here), DocumentID: doc, Seq: len(out), Level: len(here),
				Kind: policy.KindAt(len(here)), Number: i + 1, Heading: n.heading, Paragraphs: n.paras,
				Marker: fmt.Sprintf("(%d)", i+1), Pages: []int{1}, Line: len(out) + 2}
			p.Label = p.Marker
			p.ParagraphLines = make([]int, len(p.Paragraphs))
			for j := range p.ParagraphLines {
				p.ParagraphLines[j] = p.Line
			}
			if parent != nil {
				p.ParentID, p.Label = parent.ID, parent.Label+p.Marker
			}
			out = append(out, p)
			visit(n.children, p, here)
		}
	}
	visit(roots, nil, nil)
	return out
}
