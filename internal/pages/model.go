package pages

import (
	"context"
	"slices"
	"strconv"
	"sync"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
)

// model reads what the pages show straight from the services of the store,
// without GraphQL. It keeps, per store generation, what pages share: the
// documents and their series, the lists of the home page, the choices of
// the search form, the lines of each series, and each document read so far
// with its provisions, citations and cross-references indexed, so that a
// page costs what it shows, not what its document or the store holds.
// Without a store generation it keeps nothing.
type model struct {
	res   *graph.Resolver
	years policy.YearService
	links policy.LinkService
	gen   func(context.Context) (int64, error)

	mu  sync.Mutex
	cur *generation
}

// newModel returns the model over the services of res, with the year and
// link services its resolvers use, caches included.
func newModel(res *graph.Resolver) *model {
	m := &model{res: res}
	m.years, m.links = res.Services()
	if g, ok := res.Documents.(interface {
		Generation(context.Context) (int64, error)
	}); ok {
		m.gen = g.Generation
	}
	return m
}

// generation is what the model keeps of one generation of the store.
type generation struct {
	n    int64
	mu   sync.Mutex
	docs map[string]*docModel
	held int // the bytes of docs (see docModel.size), at most maxHeld
	// reading holds the reads of documents in progress, by key.
	reading map[string]*reading
	// Shared values, each read once: the documents by ID, the series of
	// each document, the choices of the search form, the lists of the
	// home page.
	all  onceValue[map[string]*policy.Document]
	ser  onceValue[map[string]*policy.Series]
	form onceValue[*searchForm]
	home onceValue[*homeView]
	// lines are the lines of each series read so far, by series ID.
	lines map[string]*onceValue[*seriesLines]
}

// onceValue is a value read once, unless reading it fails.
type onceValue[T any] struct {
	mu  sync.Mutex
	ok  bool
	val T
}

// get returns the value, reading it with read unless it has been read:
// one reader at a time, the others wait for it.
func (o *onceValue[T]) get(read func() (T, error)) (T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ok {
		return o.val, nil
	}
	v, err := read()
	if err == nil {
		o.val, o.ok = v, true
	}
	return v, err
}

// generation returns what is kept of the store's generation now.
func (m *model) generation(ctx context.Context) (*generation, error) {
	if m.gen == nil {
		return &generation{docs: map[string]*docModel{}, lines: map[string]*onceValue[*seriesLines]{}}, nil
	}
	n, err := m.gen(ctx)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cur == nil || m.cur.n != n {
		m.cur = &generation{n: n, docs: map[string]*docModel{}, lines: map[string]*onceValue[*seriesLines]{}}
	}
	return m.cur, nil
}

// documents returns every document of the store, by ID, without
// provisions.
func (m *model) documents(ctx context.Context, g *generation) (map[string]*policy.Document, error) {
	return g.all.get(func() (map[string]*policy.Document, error) {
		docs, err := m.res.Documents.Documents(ctx)
		if err != nil {
			return nil, err
		}
		return indexByID(docs, func(d *policy.Document) string { return d.ID }), nil
	})
}

// allDocuments returns every document of the store now, by ID, without
// provisions.
func (m *model) allDocuments(ctx context.Context) (map[string]*policy.Document, error) {
	g, err := m.generation(ctx)
	if err != nil {
		return nil, err
	}
	return m.documents(ctx, g)
}

// seriesOf returns the series of each document that is in one.
func (m *model) seriesOf(ctx context.Context, g *generation) (map[string]*policy.Series, error) {
	return g.ser.get(func() (map[string]*policy.Series, error) {
		series, err := m.years.Series(ctx)
		if err != nil {
			return nil, err
		}
		return policy.SeriesByDocument(series), nil
	})
}

// docModel is a document as the pages read it: its provisions in document
// order and what they cite, indexed.
type docModel struct {
	doc      *policy.Document
	provs    []*policy.Provision
	index    map[string]int                      // provision ID → position in provs
	children map[string][]*policy.Provision      // by parent ID, as the IDs give it
	cites    map[string][]*policy.Citation       // by source provision, in text order
	xsrc     map[string][]*policy.CrossReference // by source provision
	xtgt     map[string][]*policy.CrossReference // by target provision
	xrefs    []*policy.CrossReference
	refs     map[string]*policy.Reference
	// targets are the provisions of other documents that pinpointing
	// citations name, by citation ID.
	targets map[string]*provisionData
}

// document returns the current version of document id.
func (m *model) document(ctx context.Context, id string) (*docModel, error) {
	return m.cached(ctx, id, func(g *generation) (*docModel, error) { return m.readDocument(ctx, g, id) })
}

// cached returns the document kept under key in the store's generation,
// reading it with read where none is. Requests for a document being read
// wait for that read instead of reading it again.
func (m *model) cached(ctx context.Context, key string, read func(*generation) (*docModel, error)) (*docModel, error) {
	g, err := m.generation(ctx)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	if d := g.docs[key]; d != nil {
		g.mu.Unlock()
		return d, nil
	}
	if c := g.reading[key]; c != nil {
		g.mu.Unlock()
		select {
		case <-c.done:
			return c.d, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	c := &reading{done: make(chan struct{})}
	if g.reading == nil {
		g.reading = map[string]*reading{}
	}
	g.reading[key] = c
	g.mu.Unlock()

	c.d, c.err = read(g)
	g.mu.Lock()
	delete(g.reading, key)
	if c.err == nil {
		size := c.d.size()
		if g.held+size > maxHeld {
			// Full: start again, so that what the model holds is bounded
			// by what the pages read, not by the size of the store.
			g.docs, g.held = map[string]*docModel{}, 0
		}
		if size <= maxHeld {
			g.docs[key] = c.d
			g.held += size
		}
	}
	g.mu.Unlock()
	close(c.done)
	return c.d, c.err
}

// reading is a read of a document in progress.
type reading struct {
	done chan struct{}
	d    *docModel
	err  error
}

// size is about the bytes a document read holds: its provisions' texts,
// with their indexes and citations, counted at a few hundred bytes each.
func (d *docModel) size() int {
	n := 0
	for _, p := range d.provs {
		n += 512 + len(p.Heading)
		for _, para := range p.Paragraphs {
			n += len(para)
		}
	}
	return n + 256*(len(d.doc.Citations)+len(d.xrefs))
}

// maxHeld bounds the bytes of the documents a generation keeps read (see
// docModel.size): 48 MiB, the family of 300 documents several times over.
// A document larger than that is read for each page that shows it.
var maxHeld = 48 << 20

// readDocument reads the current version of document id and what it
// cites.
func (m *model) readDocument(ctx context.Context, g *generation, id string) (*docModel, error) {
	all, err := m.documents(ctx, g)
	if err != nil {
		return nil, err
	}
	doc := all[id]
	if doc == nil {
		return nil, policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(id))
	}
	d := *doc
	if d.Provisions, err = m.res.Provisions.Provisions(ctx, policy.ProvisionFilter{DocumentID: id}); err != nil {
		return nil, err
	}
	if d.Citations, err = m.res.References.Citations(ctx, policy.CitationFilter{DocumentID: id}); err != nil {
		return nil, err
	}
	if d.CrossReferences, err = m.res.References.CrossReferences(ctx, policy.CitationFilter{DocumentID: id}); err != nil {
		return nil, err
	}
	if len(d.Citations) > 0 {
		if d.References, err = m.res.References.References(ctx, policy.ReferenceFilter{DocumentID: id}); err != nil {
			return nil, err
		}
	}
	return m.index(ctx, g, &d)
}

// documentVersion returns a version of document id, and the versions of
// the document: the current version as document returns it, an older one
// kept for the generation once read.
func (m *model) documentVersion(ctx context.Context, id string, number int) (*docModel, []*policy.Version, error) {
	versions, err := m.versions(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	for _, v := range versions {
		if v.Current && v.Number == number {
			d, err := m.document(ctx, id)
			return d, versions, err
		}
	}
	d, err := m.cached(ctx, id+"@"+strconv.Itoa(number), func(g *generation) (*docModel, error) {
		vs, err := m.versionService()
		if err != nil {
			return nil, err
		}
		doc, err := vs.DocumentVersion(ctx, id, number)
		if err != nil {
			return nil, err
		}
		return m.index(ctx, g, doc)
	})
	return d, versions, err
}

// versionService is the store's VersionService, as the API's.
func (m *model) versionService() (policy.VersionService, error) {
	if m.res.Versions != nil {
		return m.res.Versions, nil
	}
	if vs, ok := m.res.Documents.(policy.VersionService); ok {
		return vs, nil
	}
	return nil, policy.Errorf(policy.EINTERNAL, "versions are not served")
}

// index indexes a document read with its provisions, citations, cross-references
// and references, and reads the provisions its citations pinpoint.
func (m *model) index(ctx context.Context, g *generation, doc *policy.Document) (*docModel, error) {
	d := &docModel{doc: doc, provs: doc.Provisions, index: make(map[string]int, len(doc.Provisions)),
		children: map[string][]*policy.Provision{}, cites: map[string][]*policy.Citation{},
		xsrc: map[string][]*policy.CrossReference{}, xtgt: map[string][]*policy.CrossReference{},
		xrefs: doc.CrossReferences, refs: map[string]*policy.Reference{}, targets: map[string]*provisionData{}}
	for i, p := range d.provs {
		d.index[p.ID] = i
		if parent := parentID(p.ID); parent != "" {
			d.children[parent] = append(d.children[parent], p)
		}
	}
	var pinned []string
	for _, c := range doc.Citations {
		d.cites[c.SourceID] = append(d.cites[c.SourceID], c)
		if c.Pinpoint != "" {
			pinned = append(pinned, c.ID)
		}
	}
	for _, x := range doc.CrossReferences {
		d.xsrc[x.SourceID] = append(d.xsrc[x.SourceID], x)
		d.xtgt[x.TargetID] = append(d.xtgt[x.TargetID], x)
	}
	for _, r := range doc.References {
		d.refs[r.ID] = r
	}
	if len(pinned) == 0 {
		return d, nil
	}
	ids, err := m.links.TargetProvisions(ctx, pinned)
	if err != nil || len(ids) == 0 {
		return d, err
	}
	var want []string
	for _, id := range ids {
		want = append(want, id)
	}
	byID, err := m.provisions(ctx, want)
	if err != nil {
		return nil, err
	}
	docs, err := m.documents(ctx, g)
	if err != nil {
		return nil, err
	}
	for c, id := range ids {
		if p := byID[id]; p != nil {
			t := &provisionData{ID: p.ID, Label: p.Label, Heading: p.Heading}
			if doc := docs[p.DocumentID]; doc != nil {
				t.Document = &documentData{ID: doc.ID, Title: doc.Title}
			}
			d.targets[c] = t
		}
	}
	return d, nil
}

// provision returns the provision id of d, or nil.
func (d *docModel) provision(id string) *policy.Provision {
	if i, ok := d.index[id]; ok {
		return d.provs[i]
	}
	return nil
}

// leading is how many of p's paragraphs come before its children.
func (d *docModel) leading(p *policy.Provision) int {
	if cs := d.children[p.ID]; len(cs) > 0 {
		return p.LeadingParagraphs(cs[0].Line)
	}
	return len(p.Paragraphs)
}

// provisionOf is p as the page of a provision shows it, before its
// relatives are filled in.
func (d *docModel) provisionOf(p *policy.Provision) *provisionData {
	return &provisionData{ID: p.ID, Kind: string(p.Kind), Level: p.Level, Label: p.Label, Marker: p.Marker,
		Heading: p.Heading, Paragraphs: p.Paragraphs, Leading: d.leading(p), Pages: p.Pages}
}

// outline is p as a link to it shows it.
func (d *docModel) outline(p *policy.Provision) *provisionData {
	return &provisionData{ID: p.ID, Kind: string(p.Kind), Level: p.Level, Label: p.Label, Heading: p.Heading, Text: p.Text()}
}

// related returns the provisions of d that xs point to or from (end gives
// which), each once, in document order.
func (d *docModel) related(xs []*policy.CrossReference, end func(*policy.CrossReference) string) []provisionData {
	var at []int
	for _, x := range xs {
		if i, ok := d.index[end(x)]; ok && !slices.Contains(at, i) {
			at = append(at, i)
		}
	}
	slices.Sort(at)
	out := make([]provisionData, 0, len(at))
	for _, i := range at {
		out = append(out, *d.outline(d.provs[i]))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// citationOf is c as the pages show it, with what it cites.
func (d *docModel) citationOf(c *policy.Citation) citationData {
	cd := citationData{ID: c.ID, Text: c.Text, Start: c.Start, End: c.End, Pinpoint: c.Pinpoint, Form: string(c.Form),
		Target: &referenceData{ID: c.TargetID}, TargetProvision: d.targets[c.ID]}
	if r := d.refs[c.TargetID]; r != nil {
		cd.Target.Title, cd.Target.Kind = r.Title, string(r.Kind)
	}
	return cd
}

// notesOf is the footnotes of a provision.
func notesOf(ns []policy.Note) []noteData {
	var out []noteData
	for _, n := range ns {
		out = append(out, noteData{Marker: n.Marker, Text: n.Text})
	}
	return out
}

// provisions reads the provisions with the given IDs, by ID; unknown IDs
// are left out.
func (m *model) provisions(ctx context.Context, ids []string) (map[string]*policy.Provision, error) {
	ps, err := m.res.Provisions.ProvisionsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return indexByID(ps, func(p *policy.Provision) string { return p.ID }), nil
}

// seriesLines are the lines of the provisions of a series through its
// documents, and the line of each provision.
type seriesLines struct {
	lines []policy.Line
	of    map[string]int // provision ID → its line
}

// counterparts returns the provisions that continue provision id in the
// other documents of series s, in the series' order: the other provisions
// of its line. The lines of a series are read once per store generation,
// not once per provision: following a provision through the comparisons
// of consecutive years, which is what a line is, then costs no more than
// looking it up.
func (m *model) counterparts(ctx context.Context, g *generation, s *policy.Series, id string) ([]*policy.Provision, error) {
	if len(s.Documents) < 2 {
		return nil, nil
	}
	g.mu.Lock()
	o := g.lines[s.ID]
	if o == nil {
		o = &onceValue[*seriesLines]{}
		g.lines[s.ID] = o
	}
	g.mu.Unlock()
	sl, err := o.get(func() (*seriesLines, error) {
		lines, err := m.years.Lines(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		sl := &seriesLines{lines: lines, of: map[string]int{}}
		for i, l := range lines {
			for _, c := range l.Cells {
				if c.Provision != nil {
					sl.of[c.Provision.ID] = i
				}
			}
		}
		return sl, nil
	})
	if err != nil {
		return nil, err
	}
	i, ok := sl.of[id]
	if !ok {
		return nil, nil
	}
	var out []*policy.Provision
	for _, c := range sl.lines[i].Cells {
		if c.Provision != nil && c.Provision.ID != id {
			out = append(out, c.Provision)
		}
	}
	return out, nil
}

// indexByID returns xs by the ID id gives each.
func indexByID[T any](xs []T, id func(T) string) map[string]T {
	out := make(map[string]T, len(xs))
	for _, x := range xs {
		out[id(x)] = x
	}
	return out
}
