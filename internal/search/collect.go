package search

import (
	"context"
	"math/bits"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/policykb/policykb/internal/policy"
)

// matches are the provisions a search found, before they are collapsed,
// counted and ranked. Its slices are indexed by provision and reused from
// search to search (scratchPool): only the entries of the provisions found
// are set, and reset after.
type matches struct {
	s     *snapshot
	held  []uint16  // by provision: words held; 0 for not found
	score []float64 // by provision
	whole []bool    // by provision: holds every word
	list  []int32   // the provisions found, in the order found
	full  int       // how many hold every word
	marks []uint32  // by bleve document number: the words (bits) a provision holds
	seen  []uint64  // the document numbers marked

	// Set by rank.
	kept   []bool  // by provision: found and shown or standing in a hit's AlsoIn
	keyIdx []int32 // by key (provision, or len(provs) + group): index in entries; -1 for none
	counts []int32 // by document: provisions kept
	docs   []int32 // the documents counted
	keys   []int32 // the keys used

	entries []ranked // reused by rank
}

// newMatches returns empty matches for snapshot s; release gives them back.
// Each snapshot keeps a few for its searches (a sync.Pool would lose them
// at every collection, and they are large).
func newMatches(s *snapshot) *matches {
	select {
	case m := <-s.scratch:
		return m
	default:
	}
	m := &matches{s: s, held: make([]uint16, len(s.provs)), score: make([]float64, len(s.provs)),
		whole: make([]bool, len(s.provs)), kept: make([]bool, len(s.provs)),
		keyIdx: make([]int32, len(s.provs)+len(s.members)), counts: make([]int32, len(s.docs))}
	for i := range m.keyIdx {
		m.keyIdx[i] = -1
	}
	return m
}

// release resets m and keeps it for the next search of its snapshot.
func (m *matches) release() {
	for _, pi := range m.list {
		m.held[pi], m.score[pi], m.whole[pi], m.kept[pi] = 0, 0, false, false
	}
	for _, k := range m.keys {
		m.keyIdx[k] = -1
	}
	for _, d := range m.docs {
		m.counts[d] = 0
	}
	m.list, m.keys, m.docs, m.full = m.list[:0], m.keys[:0], m.docs[:0], 0
	select {
	case m.s.scratch <- m:
	default:
	}
}

// found reports whether provision pi was found and kept.
func (m *matches) found(pi int32) bool { return m.kept[pi] }

// collectAll adds the provisions that q = must AND NOT not finds and f
// keeps, as holding every word.
func (m *matches) collectAll(ctx context.Context, must, not []query.Query, f *postFilter) error {
	s := m.s
	return s.each(ctx, boolQuery(must, not), func(pi int32, _ uint64, score float64) {
		if m.held[pi] != 0 || !f.keep(s, pi) {
			return
		}
		m.held[pi], m.score[pi], m.whole[pi] = 1, score, true
		m.list = append(m.list, pi)
		m.full++
	})
}

// collectCounted adds the provisions holding any of units (and the filters,
// and none of not) that f keeps and that are not found already, with how
// many units each holds, scored as bleve scores the disjunction of units.
// Where whole is set, those holding every unit hold every word of the
// query.
func (m *matches) collectCounted(ctx context.Context, units []*unit, filters, not []query.Query, f *postFilter, whole bool) error {
	s := m.s
	if m.marks == nil || len(m.marks) < len(s.byNum) {
		m.marks = make([]uint32, len(s.byNum))
	}
	defer func() {
		for _, n := range m.seen {
			m.marks[n] = 0
		}
		m.seen = m.seen[:0]
	}()
	qs := make([]query.Query, 0, len(units))
	for i, u := range units {
		uq := u.bleveQuery()
		if uq == nil {
			continue
		}
		qs = append(qs, markQuery{Query: uq, bit: uint32(1) << (i % 32), m: m})
	}
	if len(qs) == 0 {
		return nil
	}
	q := boolQuery(append([]query.Query{bleve.NewDisjunctionQuery(qs...)}, filters...), not)
	return s.each(ctx, q, func(pi int32, num uint64, score float64) {
		if m.held[pi] != 0 || !f.keep(s, pi) {
			return
		}
		held := bits.OnesCount32(m.marks[num])
		if held == 0 {
			return
		}
		m.held[pi], m.score[pi] = uint16(held), score
		m.list = append(m.list, pi)
		if whole && held == len(units) {
			m.whole[pi] = true
			m.full++
		}
	})
}

// markQuery finds what its query finds, marking in m the document
// numbers it finds with bit.
type markQuery struct {
	query.Query
	bit uint32
	m   *matches
}

// Searcher implements query.Query.
func (q markQuery) Searcher(ctx context.Context, i index.IndexReader, mp mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	s, err := q.Query.Searcher(ctx, i, mp, options)
	if err != nil {
		return nil, err
	}
	return markSearcher{s, q.bit, q.m}, nil
}

// markSearcher marks the document numbers its searcher finds.
type markSearcher struct {
	search.Searcher
	bit uint32
	m   *matches
}

func (s markSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.mark(s.Searcher.Next(ctx))
}

func (s markSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return s.mark(s.Searcher.Advance(ctx, id))
}

func (s markSearcher) mark(d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if d != nil && len(d.IndexInternalID) == 8 {
		if n := d.IndexInternalID.Value(); n < uint64(len(s.m.marks)) {
			if s.m.marks[n] == 0 {
				s.m.seen = append(s.m.seen, n)
			}
			s.m.marks[n] |= s.bit
		}
	}
	return d, err
}

// ranked is one hit as ranked: a provision, or the provisions of a series
// holding the same text, shown in rep.
type ranked struct {
	rep   int32 // the provision shown: of the latest document
	group int32 // its group of the same text, -1 when alone or not collapsed
	score float64
	held  int
	full  bool
}

// better reports whether a ranks before b: hits holding every word first,
// then those holding more words, then by score, then by the ID shown.
func better(s *snapshot, a, b *ranked) bool {
	if a.full != b.full {
		return a.full
	}
	if a.held != b.held {
		return a.held > b.held
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return s.provs[a.rep].idRank < s.provs[b.rep].idRank
}

// rank keeps the provisions found that hold every word, or at least least
// of those counted (partial hits), collapses those of a series holding the
// same text into one hit where collapse is set, counts them per document
// and returns the hits from offset, at most first, and how many there are.
func (m *matches) rank(least int, collapse bool, offset, first int) ([]ranked, int) {
	s := m.s
	entries := m.entries[:0]
	defer func() { m.entries = entries[:0] }()
	for _, pi := range m.list {
		full := m.whole[pi]
		held := int(m.held[pi])
		if !full && held < least {
			continue
		}
		m.kept[pi] = true
		p := &s.provs[pi]
		if m.counts[p.doc] == 0 {
			m.docs = append(m.docs, p.doc)
		}
		m.counts[p.doc]++
		key, group := pi, int32(-1)
		if collapse && p.group >= 0 {
			key, group = int32(len(s.provs))+p.group, p.group
		}
		h := ranked{rep: pi, group: group, score: m.score[pi], held: held, full: full}
		i := m.keyIdx[key]
		if i < 0 {
			m.keyIdx[key] = int32(len(entries))
			m.keys = append(m.keys, key)
			entries = append(entries, h)
			continue
		}
		e := &entries[i]
		if s.docs[p.doc].latest < s.docs[s.provs[e.rep].doc].latest {
			e.rep = pi
		}
		if h.full && !e.full || h.full == e.full && (h.held > e.held || h.held == e.held && h.score > e.score) {
			e.full, e.held, e.score = h.full, h.held, h.score
		}
	}
	total := len(entries)
	if offset >= total {
		return nil, total
	}
	k := min(offset+first, total)
	top := topK(s, entries, k)
	return top[offset:k], total
}

// topK returns the k best of entries, best first.
func topK(s *snapshot, entries []ranked, k int) []ranked {
	less := func(i, j int) bool { return better(s, &entries[i], &entries[j]) }
	if len(entries) <= 4*k+64 {
		sort.Slice(entries, less)
		return entries[:k]
	}
	// A bounded heap: the worst of the best k at its root.
	h := make([]ranked, 0, k)
	worse := func(a, b *ranked) bool { return better(s, b, a) }
	down := func(i int) {
		for {
			l, w := 2*i+1, i
			if l < len(h) && worse(&h[l], &h[w]) {
				w = l
			}
			if r := l + 1; r < len(h) && worse(&h[r], &h[w]) {
				w = r
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for i := range entries {
		e := entries[i]
		if len(h) < k {
			h = append(h, e)
			for j := len(h) - 1; j > 0; {
				p := (j - 1) / 2
				if !worse(&h[j], &h[p]) {
					break
				}
				h[j], h[p] = h[p], h[j]
				j = p
			}
			continue
		}
		if better(s, &e, &h[0]) {
			h[0] = e
			down(0)
		}
	}
	sort.Slice(h, func(i, j int) bool { return better(s, &h[i], &h[j]) })
	return h
}

// facets returns the provisions kept per document, most first, then by
// document ID.
func (m *matches) facets() []policy.SearchFacet {
	s := m.s
	// Documents are numbered in the order of their IDs: a counting sort by
	// count, stable, of the documents in that order.
	docs := m.docs
	sort.Slice(docs, func(i, j int) bool { return docs[i] < docs[j] })
	most := int32(0)
	for _, d := range docs {
		most = max(most, m.counts[d])
	}
	out := make([]policy.SearchFacet, 0, len(docs))
	if len(docs) > 64 && most <= 1024 {
		at := make([]int, most+2) // by count, most first: where its documents start
		for _, d := range docs {
			at[most-m.counts[d]+1]++
		}
		for i := 1; i < len(at); i++ {
			at[i] += at[i-1]
		}
		out = out[:len(docs)]
		for _, d := range docs {
			i := &at[most-m.counts[d]]
			out[*i] = policy.SearchFacet{DocumentID: s.docs[d].id, Count: int(m.counts[d])}
			*i++
		}
		return out
	}
	for _, d := range docs {
		out = append(out, policy.SearchFacet{DocumentID: s.docs[d].id, Count: int(m.counts[d])})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// postFilter is a search filter as the snapshot checks it, provision by
// provision.
type postFilter struct {
	none  bool   // nothing passes
	docs  []bool // by document; nil for every document
	few   []string
	kinds map[policy.Kind]bool
	under string
	cites string
}

// filter returns the filter f over s.
func (s *snapshot) filter(f policy.SearchFilter) *postFilter {
	pf := &postFilter{under: f.Under, cites: f.Cites}
	restrict := func(allowed func(d int32) bool) {
		if pf.docs == nil {
			pf.docs = make([]bool, len(s.docs))
			for i := range pf.docs {
				pf.docs[i] = true
			}
		}
		for i := range pf.docs {
			pf.docs[i] = pf.docs[i] && allowed(int32(i))
		}
	}
	if f.DocumentID != "" {
		d, ok := s.docByID[f.DocumentID]
		restrict(func(i int32) bool { return ok && i == d })
	}
	if len(f.FiscalYears) > 0 {
		years := map[int]bool{}
		for _, y := range f.FiscalYears {
			years[y] = true
		}
		restrict(func(i int32) bool { return years[s.docs[i].year] })
	}
	if f.Series != "" {
		in := map[int32]bool{}
		for _, id := range s.seriesDocuments(f.Series) {
			in[s.docByID[id]] = true
		}
		restrict(func(i int32) bool { return in[i] })
	}
	if pf.docs != nil {
		for i, ok := range pf.docs {
			if ok {
				pf.few = append(pf.few, s.docs[i].id)
			}
		}
		pf.none = len(pf.few) == 0
		if len(pf.few) > 16 {
			pf.few = nil
		}
	}
	if len(f.Kinds) > 0 {
		pf.kinds = map[policy.Kind]bool{}
		for _, k := range f.Kinds {
			pf.kinds[k] = true
		}
	}
	return pf
}

// queries returns queries that every provision the filter keeps matches,
// for the index to skip the others: they score nothing, so that scores are
// those of the query alone.
func (f *postFilter) queries() []query.Query {
	var out []query.Query
	zero := func(field, value string) query.Query {
		q := bleve.NewTermQuery(value)
		q.SetField(field)
		q.SetBoost(0)
		return q
	}
	if len(f.few) > 0 {
		qs := make([]query.Query, len(f.few))
		for i, id := range f.few {
			qs[i] = zero("document", id)
		}
		if len(qs) == 1 {
			out = append(out, qs[0])
		} else {
			out = append(out, bleve.NewDisjunctionQuery(qs...))
		}
	}
	if f.under != "" {
		out = append(out, zero("ancestors", f.under))
	}
	if f.cites != "" {
		out = append(out, zero("cites", f.cites))
	}
	return out
}

// keep reports whether provision pi passes the filter.
func (f *postFilter) keep(s *snapshot, pi int32) bool {
	p := &s.provs[pi]
	if f.docs != nil && !f.docs[p.doc] {
		return false
	}
	if f.kinds != nil && !f.kinds[p.kind] {
		return false
	}
	if f.under != "" && !strings.HasPrefix(p.id, f.under+".") {
		return false
	}
	if f.cites != "" {
		found := false
		for _, c := range p.cites {
			found = found || c == f.cites
		}
		if !found {
			return false
		}
	}
	return true
}

// seriesDocuments returns the documents of the series named by series (see
// policy.SeriesDocuments), once per snapshot and series.
func (s *snapshot) seriesDocuments(series string) []string {
	s.seriesMu.Lock()
	defer s.seriesMu.Unlock()
	if ids, ok := s.series[series]; ok {
		return ids
	}
	if s.series == nil {
		s.series = map[string][]string{}
	}
	docs := make([]*policy.Document, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, s.content.docs[d.id])
	}
	ids := policy.SeriesDocuments(docs, series)
	if len(s.series) < 64 {
		s.series[series] = ids
	}
	return ids
}
