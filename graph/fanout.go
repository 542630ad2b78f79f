package graph

import (
	"context"
	"sync"
	"time"

	"github.com/policykb/policykb/internal/policy"
)

// fanOut holds the largest sizes the store can return, per list field and,
// for provisions, per level of the numbering: what query costs are based
// on. It is measured from the store and measured again whenever the store
// generation changes.
type fanOut struct {
	documents     int
	kindTotal     map[policy.Kind]int // provisions of a kind, in all documents
	kindPerDoc    map[policy.Kind]int // most provisions of a kind in one document
	total, perDoc int                 // provisions of every kind

	children   map[policy.Kind]int     // most children of one provision of a kind
	childKinds map[policy.Kind]kindSet // the kinds those children have
	ancestors  map[policy.Kind]int     // most ancestors of a provision of a kind
	upKinds    map[policy.Kind]kindSet // the kinds of those ancestors
	parentKind map[policy.Kind]kindSet // the kinds of the parents of a kind

	paragraphs, pages                       int // most of one provision
	paragraphBytes, textBytes, headingBytes int // longest of one provision
	citations, references, crossRefs, refBy int // most of one provision

	referenceTotal, refCitations, citedBy, aliases, revisedOn int
	citationTotal, citationBytes                              int
	terms, uses, scope, meaningBytes                          int
	sourceBytes                                               int // longest document source
	versions                                                  int // most versions of one document
}

// kindSet is a set of provision kinds, one bit per kind of policy.Kinds.
type kindSet uint8

const allKinds kindSet = 1<<5 - 1

func kindBit(k policy.Kind) kindSet {
	for i, v := range policy.Kinds {
		if v == k {
			return 1 << i
		}
	}
	return 0
}

func (s kindSet) kinds() []policy.Kind {
	var out []policy.Kind
	for i, k := range policy.Kinds {
		if s&(1<<i) != 0 {
			out = append(out, k)
		}
	}
	return out
}

// maxOver is the largest of m over the kinds of s.
func (s kindSet) maxOver(m map[policy.Kind]int) int {
	n := 0
	for _, k := range s.kinds() {
		n = max(n, m[k])
	}
	return n
}

// union is the union of m over the kinds of s.
func (s kindSet) union(m map[policy.Kind]kindSet) kindSet {
	var u kindSet
	for _, k := range s.kinds() {
		u |= m[k]
	}
	return u
}

// measureFanOut reads the whole store once and measures it.
func measureFanOut(ctx context.Context, res *Resolver) (*fanOut, error) {
	f := &fanOut{
		kindTotal: map[policy.Kind]int{}, kindPerDoc: map[policy.Kind]int{},
		children: map[policy.Kind]int{}, childKinds: map[policy.Kind]kindSet{},
		ancestors: map[policy.Kind]int{}, upKinds: map[policy.Kind]kindSet{}, parentKind: map[policy.Kind]kindSet{},
	}
	docs, err := res.Documents.Documents(ctx)
	if err != nil {
		return nil, err
	}
	f.documents = len(docs)
	vs, _ := res.versionService()
	versionProvisions := 0 // most provisions of any version, older ones included
	for _, d := range docs {
		src, err := res.Documents.Source(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		f.sourceBytes = max(f.sourceBytes, len(src))
		if vs == nil {
			continue
		}
		versions, err := vs.Versions(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		f.versions = max(f.versions, len(versions))
		for _, v := range versions {
			versionProvisions = max(versionProvisions, v.ProvisionCount)
		}
	}
	provs, err := res.Provisions.Provisions(ctx, policy.ProvisionFilter{})
	if err != nil {
		return nil, err
	}
	f.total = len(provs)
	kindOf := make(map[string]policy.Kind, len(provs))
	parent := make(map[string]string, len(provs))
	for _, p := range provs {
		kindOf[p.ID] = p.Kind
		parent[p.ID] = p.ParentID
	}
	perDoc := map[string]map[policy.Kind]int{}
	docAll := map[string]int{}
	children := map[string]int{}
	for _, p := range provs {
		f.kindTotal[p.Kind]++
		if perDoc[p.DocumentID] == nil {
			perDoc[p.DocumentID] = map[policy.Kind]int{}
		}
		perDoc[p.DocumentID][p.Kind]++
		docAll[p.DocumentID]++
		f.paragraphs = max(f.paragraphs, len(p.Paragraphs))
		f.pages = max(f.pages, len(p.Pages))
		f.headingBytes = max(f.headingBytes, len(p.Heading))
		text := len(p.Heading)
		for _, para := range p.Paragraphs {
			f.paragraphBytes = max(f.paragraphBytes, len(para))
			text += len(para) + 1
		}
		f.textBytes = max(f.textBytes, text)
		if p.ParentID != "" {
			children[p.ParentID]++
			pk := kindOf[p.ParentID]
			f.childKinds[pk] |= kindBit(p.Kind)
			f.parentKind[p.Kind] |= kindBit(pk)
		}
		up := 0
		for id := p.ParentID; id != "" && up < 64; up++ {
			f.upKinds[p.Kind] |= kindBit(kindOf[id])
			id = parent[id]
		}
		f.ancestors[p.Kind] = max(f.ancestors[p.Kind], up)
	}
	for id, n := range children {
		k := kindOf[id]
		f.children[k] = max(f.children[k], n)
	}
	for doc, m := range perDoc {
		for k, n := range m {
			f.kindPerDoc[k] = max(f.kindPerDoc[k], n)
		}
		f.perDoc = max(f.perDoc, docAll[doc])
	}
	// An older version, read through document(id:, version:), may hold
	// more provisions than the current one.
	f.perDoc = max(f.perDoc, versionProvisions)

	refs, err := res.References.References(ctx, policy.ReferenceFilter{})
	if err != nil {
		return nil, err
	}
	f.referenceTotal = len(refs)
	for _, r := range refs {
		f.aliases = max(f.aliases, len(r.Aliases))
		f.revisedOn = max(f.revisedOn, len(r.RevisedOn))
	}
	cits, err := res.References.Citations(ctx, policy.CitationFilter{})
	if err != nil {
		return nil, err
	}
	f.citationTotal = len(cits)
	bySource, byTarget := map[string]int{}, map[string]int{}
	distinct := map[[2]string]bool{}
	refsOf, citedBy := map[string]int{}, map[string]int{}
	for _, c := range cits {
		f.citationBytes = max(f.citationBytes, len(c.Text)+len(c.Pinpoint))
		bySource[c.SourceID]++
		byTarget[c.TargetID]++
		if k := [2]string{c.SourceID, c.TargetID}; !distinct[k] {
			distinct[k] = true
			refsOf[c.SourceID]++
			citedBy[c.TargetID]++
		}
	}
	f.citations, f.refCitations = maxValue(bySource), maxValue(byTarget)
	f.references, f.citedBy = maxValue(refsOf), maxValue(citedBy)
	xrefs, err := res.References.CrossReferences(ctx, policy.CitationFilter{})
	if err != nil {
		return nil, err
	}
	from, to := map[string]int{}, map[string]int{}
	for _, x := range xrefs {
		from[x.SourceID]++
		to[x.TargetID]++
	}
	f.crossRefs, f.refBy = maxValue(from), maxValue(to)
	terms, err := res.References.Terms(ctx, "")
	if err != nil {
		return nil, err
	}
	f.terms = len(terms)
	for _, t := range terms {
		f.uses = max(f.uses, len(t.Uses))
		f.meaningBytes = max(f.meaningBytes, len(t.Meaning)+len(t.Term))
	}
	f.scope = f.perDoc
	return f, nil
}

func maxValue(m map[string]int) int {
	n := 0
	for _, v := range m {
		n = max(n, v)
	}
	return n
}

// generationer is what a store that numbers its changes has.
type generationer interface {
	Generation(ctx context.Context) (int64, error)
}

// fanOuts keeps the measurement of the store's current generation.
type fanOuts struct {
	res     *Resolver
	mu      sync.Mutex
	gen     int64
	checked time.Time // when gen was last read
	f       *fanOut
}

// recheck is how long a measurement is used before the store generation is
// read again. An ingest in that window can only make answers larger than
// their cost says, and the answer limit still bounds them.
const recheck = 100 * time.Millisecond

// get returns the fan-out of the store as it is now, measuring it again
// when the store has changed. A store that does not number its changes is
// measured every time.
func (c *fanOuts) get(ctx context.Context) (*fanOut, error) {
	g, ok := c.res.Documents.(generationer)
	if !ok {
		return measureFanOut(ctx, c.res)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.f != nil && time.Since(c.checked) < recheck {
		return c.f, nil
	}
	gen, err := g.Generation(ctx)
	if err != nil {
		if c.f != nil {
			return c.f, nil // the last measurement is the best there is
		}
		return nil, err
	}
	c.checked = time.Now()
	if c.f != nil && c.gen == gen {
		return c.f, nil
	}
	f, err := measureFanOut(ctx, c.res)
	if err != nil {
		if c.f != nil {
			return c.f, nil
		}
		return nil, err
	}
	c.f, c.gen = f, gen
	return f, nil
}
