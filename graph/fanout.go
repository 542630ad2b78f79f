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

	// By level, from 0 (the preamble) to the deepest level of any
	// document: the most children and ancestors one provision at that
	// level has, and the levels of those and of its parent. A level no
	// provision is at has none.
	children     []int
	childLevels  []levelSet
	ancestors    []int
	upLevels     []levelSet
	parentLevels []levelSet
	// unmeasured says the store could not be measured: every provision
	// may have lists (children, ancestors) of unmeasured's sizes, at any
	// level.
	unmeasured int

	paragraphs, pages                       int // most of one provision
	paragraphBytes, textBytes, headingBytes int // longest of one provision
	citations, references, crossRefs, refBy int // most of one provision
	notes, noteBytes                        int // most notes of one provision; longest note

	referenceTotal, refCitations, citedBy, aliases, revisedOn int
	citationTotal, citationBytes                              int
	terms, uses, scope, meaningBytes                          int
	sourceBytes                                               int // longest document source
	versions                                                  int // most versions of one document

	series      int // series in the store
	seriesDocs  int // most documents of one series
	seriesLines int // most provisions of the documents of one series together: the most lines it can have
	pinned      int // citations with a pinpoint: the most that can lead to one provision
	linkedRefs  int // references: the most that can be one document
}

// levelSet is the levels a provision can be at, as far as a query tells:
// from lo to hi, both included; hi is anyLevel where no bound is known.
// The walker follows it from list to list (the children of a section are
// at level 2), so that each list costs what provisions at those levels
// can hold, in documents numbered to any depth.
type levelSet struct{ lo, hi int }

// anyLevel bounds no level.
const anyLevel = 1 << 30

var (
	allLevels = levelSet{0, anyLevel}
	noLevels  = levelSet{1, 0}
)

func (s levelSet) empty() bool { return s.lo > s.hi }

// hull is the smallest level set that holds s and t.
func (s levelSet) hull(t levelSet) levelSet {
	switch {
	case s.empty():
		return t
	case t.empty():
		return s
	}
	return levelSet{min(s.lo, t.lo), max(s.hi, t.hi)}
}

// kindLevels is the levels of the provisions of kind k: one level, or for
// a kind that also covers the levels below its own (POINT), every level
// from its own down.
func kindLevels(k policy.Kind) levelSet {
	l := k.Level()
	if l < 0 {
		return noLevels
	}
	if policy.KindAt(l+1) == k {
		return levelSet{l, anyLevel}
	}
	return levelSet{l, l}
}

// each calls fn for each level of s below n.
func (s levelSet) each(n int, fn func(level int)) {
	for l := max(s.lo, 0); l <= s.hi && l < n; l++ {
		fn(l)
	}
}

// most is the largest of by over the levels of s.
func (f *fanOut) most(s levelSet, by []int) int {
	if f.unmeasured > 0 && !s.empty() {
		return f.unmeasured
	}
	n := 0
	s.each(len(by), func(l int) { n = max(n, by[l]) })
	return n
}

// levels is the hull of by over the levels of s.
func (f *fanOut) levels(s levelSet, by []levelSet) levelSet {
	if f.unmeasured > 0 {
		return allLevels
	}
	u := noLevels
	s.each(len(by), func(l int) { u = u.hull(by[l]) })
	return u
}

// mostAncestors is the most ancestors a provision at the levels of s has:
// as measured, and never more than one fewer than its level.
func (f *fanOut) mostAncestors(s levelSet) int {
	n := f.most(s, f.ancestors)
	if s.hi < anyLevel {
		n = min(n, max(s.hi-1, 0))
	}
	return n
}

// measureFanOut reads the whole store once and measures it.
func measureFanOut(ctx context.Context, res *Resolver) (*fanOut, error) {
	f := &fanOut{kindTotal: map[policy.Kind]int{}, kindPerDoc: map[policy.Kind]int{}}
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
	levelOf := make(map[string]int, len(provs))
	deepest := 0
	for _, p := range provs {
		levelOf[p.ID] = provisionLevel(p)
		deepest = max(deepest, levelOf[p.ID])
	}
	n := deepest + 1
	f.children, f.ancestors = make([]int, n), make([]int, n)
	f.childLevels, f.upLevels, f.parentLevels = make([]levelSet, n), make([]levelSet, n), make([]levelSet, n)
	for l := range n {
		f.childLevels[l], f.upLevels[l], f.parentLevels[l] = noLevels, noLevels, noLevels
	}
	perDoc := map[string]map[policy.Kind]int{}
	docAll := map[string]int{}
	children := map[string]int{}
	for _, p := range provs {
		level := levelOf[p.ID]
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
		f.notes = max(f.notes, len(p.Notes))
		for _, note := range p.Notes {
			f.noteBytes = max(f.noteBytes, len(note.Text)+len(note.Marker))
		}
		if pl, ok := levelOf[p.ParentID]; ok {
			children[p.ParentID]++
			f.childLevels[pl] = f.childLevels[pl].hull(levelSet{level, level})
			f.parentLevels[level] = f.parentLevels[level].hull(levelSet{pl, pl})
		}
		// The ancestors field lists the provisions its ID encloses it in,
		// one at each level above its own: counted without making their
		// IDs, which in a document hundreds of levels deep are long.
		if up := policy.LevelOf(p.ID) - 1; up > 0 {
			f.ancestors[level] = max(f.ancestors[level], up)
			f.upLevels[level] = f.upLevels[level].hull(levelSet{1, up})
		}
	}
	for id, c := range children {
		l := levelOf[id]
		f.children[l] = max(f.children[l], c)
	}
	for doc, m := range perDoc {
		for k, c := range m {
			f.kindPerDoc[k] = max(f.kindPerDoc[k], c)
		}
		f.perDoc = max(f.perDoc, docAll[doc])
	}
	// An older version, read through document(id:, version:), may hold
	// more provisions than the current one.
	f.perDoc = max(f.perDoc, versionProvisions)
	series := policy.GroupSeries(docs)
	f.series = len(series)
	for _, s := range series {
		f.seriesDocs = max(f.seriesDocs, len(s.Documents))
		lines := 0
		for _, d := range s.Documents {
			lines += docAll[d.ID]
		}
		f.seriesLines = max(f.seriesLines, lines)
	}

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
	f.linkedRefs = f.referenceTotal
	bySource, byTarget := map[string]int{}, map[string]int{}
	distinct := map[[2]string]bool{}
	refsOf, citedBy := map[string]int{}, map[string]int{}
	for _, c := range cits {
		if c.Pinpoint != "" {
			f.pinned++
		}
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

// provisionLevel is the level of p: its own, or, where a store left it
// out, the one its ID gives.
func provisionLevel(p *policy.Provision) int {
	if p.Level == 0 && p.Kind != policy.KindPreamble {
		return policy.LevelOf(p.ID)
	}
	return p.Level
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
	res       *Resolver
	mu        sync.Mutex
	gen       int64
	checked   time.Time // when gen was last read
	f         *fanOut
	measuring bool // a measurement of a later generation runs in the background
}

// recheck is how long a measurement is used before the store generation is
// read again. An ingest in that window can only make answers larger than
// their cost says, and the answer limit still bounds them.
const recheck = 100 * time.Millisecond

// measureTimeout bounds a measurement made in the background.
const measureTimeout = time.Minute

// get returns the fan-out of the store, measuring it again when the store
// has changed: the first time in the caller, later in the background, the
// last measurement serving meanwhile (reading the whole store takes long in
// a large one, and no query should wait for it after an ingest; as for an
// ingest within recheck, the answer limit still bounds answers). A store
// that does not number its changes is measured every time.
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
	if c.f != nil {
		if !c.measuring {
			c.measuring = true
			go c.measure(gen)
		}
		return c.f, nil
	}
	f, err := measureFanOut(ctx, c.res)
	if err != nil {
		return nil, err
	}
	c.f, c.gen = f, gen
	return f, nil
}

// measure measures the store of generation gen (or later) in the
// background and keeps the measurement.
func (c *fanOuts) measure(gen int64) {
	ctx, cancel := context.WithTimeout(context.Background(), measureTimeout)
	defer cancel()
	f, err := measureFanOut(ctx, c.res)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.measuring = false
	if err == nil {
		c.f, c.gen = f, gen
	}
}
