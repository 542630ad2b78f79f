package search

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/unicode/norm"
)

// A snapshot is one state of the index that searches read: a reader of the
// bleve index, which never changes under it, and what the store said of the
// same documents (their texts for highlights, their series, which
// provisions hold the same text). An update makes a new snapshot beside the
// one searches read and publishes it when it is whole; the old one is
// closed when the last search reading it is done.
type snapshot struct {
	serial  uint64 // tells snapshots apart in the cache of results
	gen     int64  // the store generation it holds
	store   string // the store it was built from (policy.StoreChanges.Store)
	content *content
	holder  *holder // the bleve index the reader reads
	reader  index.IndexReader
	mapping mapping.IndexMapping

	// Where it lives: dir is the subdirectory of the index path holding it
	// (published or not), "" in memory; updates counts the updates applied
	// to it since it was built whole.
	dir     string
	updates int

	docs    []docMeta
	docByID map[string]int32
	provs   []provMeta
	byID    map[string]int32
	byNum   []int32   // provision by bleve document number; -1 for none
	nums    []uint64  // bleve document number by provision
	members [][]int32 // by group: the provisions holding the same text, latest document first

	refs    int  // searches reading it, and 1 while it is the live one (guarded by Index.mu)
	retired bool // no longer live: closed when refs drop to 0
	// schemaOld: an index of an earlier analysis, searched while a new one
	// is built; it takes no updates.
	schemaOld bool

	scratch chan *matches // kept for the next searches

	seriesMu sync.Mutex
	series   map[string][]string // documents by series filter

	vocabOnce sync.Once
	vocab     map[string]uint8 // readings of the indexed words
	defsOnce  sync.Once
	defs      map[string][]definition // what defined terms find, by folded word
}

// docMeta is what a snapshot knows of a document.
type docMeta struct {
	id     string
	series string // its series key, "" for none
	year   int
	latest int32 // position in the order latest first: fiscal year, decision date, then ID
}

// provMeta is what a snapshot knows of a provision.
type provMeta struct {
	*provData
	doc    int32 // index in snapshot.docs
	group  int32 // index in snapshot.members; -1 when no other provision holds the same text
	idRank int32 // position in the order of IDs
}

// provData is what the index keeps of a provision, from the store.
type provData struct {
	id      string
	kind    policy.Kind
	seq     int
	text    string   // its text, from which highlights are cut
	cites   []string // the references it cites
	under   []string // its ancestors
	sameKey [16]byte // its series key, normalised text and occurrence; zero without a series key
}

// content is what the store holds, document by document, as the index saw
// it at one generation. Updates replace the documents that changed and
// share the others.
type content struct {
	docs  map[string]*policy.Document
	provs map[string][]*provData
	terms map[string][]*policy.DefinedTerm
	// raw keeps, for a document changed in this update only, its
	// provisions and citations as read, to make the bleve documents of.
	raw map[string]*rawDoc
}

type rawDoc struct {
	provs []*policy.Provision
	cites []*policy.Citation
}

// holder owns a bleve index that snapshots read, and closes it after the
// last of them, removing its directory if the index is no longer
// published there.
type holder struct {
	idx    bleve.Index
	refs   int    // snapshots reading it (guarded by Index.mu)
	dir    string // full path of its directory; "" in memory
	remove func() // removes dir once closed, unless published; nil to keep it
}

// newSnapshot makes the snapshot of c read from h at generation gen.
func newSnapshot(h *holder, c *content, store string, gen int64, dir string, updates int) (*snapshot, error) {
	ii, err := h.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := ii.Reader()
	if err != nil {
		return nil, err
	}
	s := &snapshot{serial: nextSerial(), gen: gen, store: store, content: c, holder: h, reader: r,
		mapping: h.idx.Mapping(), dir: dir, updates: updates, refs: 1, scratch: make(chan *matches, 4)}
	s.index()
	if err := s.numbers(); err != nil {
		r.Close()
		return nil, err
	}
	// What the first searches would otherwise gather, here, before the
	// snapshot is live.
	s.readingVocabulary()
	s.definitions()
	return s, nil
}

var (
	serialMu sync.Mutex
	serial   uint64
)

func nextSerial() uint64 {
	serialMu.Lock()
	defer serialMu.Unlock()
	serial++
	return serial
}

// index lays out the documents and provisions of the snapshot's content.
func (s *snapshot) index() {
	c := s.content
	ids := make([]string, 0, len(c.docs))
	for id := range c.docs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	s.docs = make([]docMeta, len(ids))
	s.docByID = make(map[string]int32, len(ids))
	n := 0
	for i, id := range ids {
		d := c.docs[id]
		s.docs[i] = docMeta{id: id, series: policy.SeriesKey(d.Title), year: d.FiscalYear}
		s.docByID[id] = int32(i)
		n += len(c.provs[id])
	}
	order := make([]int32, len(ids))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := c.docs[ids[order[i]]], c.docs[ids[order[j]]]
		if a.FiscalYear != b.FiscalYear {
			return a.FiscalYear > b.FiscalYear
		}
		if da, db := a.DecidedOn.String(), b.DecidedOn.String(); da != db {
			return da > db
		}
		return a.ID < b.ID
	})
	for rank, i := range order {
		s.docs[i].latest = int32(rank)
	}
	s.provs = make([]provMeta, 0, n)
	s.byID = make(map[string]int32, n)
	groups := map[[16]byte][]int32{}
	var zero [16]byte
	for i, id := range ids {
		for _, p := range c.provs[id] {
			pi := int32(len(s.provs))
			s.provs = append(s.provs, provMeta{provData: p, doc: int32(i), group: -1})
			s.byID[p.id] = pi
			if p.sameKey != zero {
				groups[p.sameKey] = append(groups[p.sameKey], pi)
			}
		}
	}
	byID := make([]int32, len(s.provs))
	for i := range byID {
		byID[i] = int32(i)
	}
	sort.Slice(byID, func(i, j int) bool { return s.provs[byID[i]].id < s.provs[byID[j]].id })
	for rank, pi := range byID {
		s.provs[pi].idRank = int32(rank)
	}
	for _, m := range groups {
		if len(m) < 2 {
			continue
		}
		sort.Slice(m, func(i, j int) bool { return s.docs[s.provs[m[i]].doc].latest < s.docs[s.provs[m[j]].doc].latest })
		g := int32(len(s.members))
		s.members = append(s.members, m)
		for _, pi := range m {
			s.provs[pi].group = g
		}
	}
}

// numbers maps the bleve document numbers of the reader to provisions.
func (s *snapshot) numbers() error {
	s.nums = make([]uint64, len(s.provs))
	for i := range s.nums {
		s.nums[i] = noNumber
	}
	all, err := s.reader.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer all.Close()
	for {
		id, err := all.Next()
		if err != nil {
			return err
		}
		if id == nil {
			break
		}
		ext, err := s.reader.ExternalID(id)
		if err != nil {
			return err
		}
		pi, ok := s.byID[ext]
		if !ok {
			continue // not in the store (a leftover): never a hit
		}
		num := id.Value()
		s.nums[pi] = num
		for uint64(len(s.byNum)) <= num {
			s.byNum = append(s.byNum, -1)
		}
		s.byNum[num] = pi
	}
	return nil
}

const noNumber = ^uint64(0)

// provOf returns the provision of a bleve document, -1 for none.
func (s *snapshot) provOf(id index.IndexInternalID) int32 {
	if len(id) != 8 {
		return -1
	}
	if n := id.Value(); n < uint64(len(s.byNum)) {
		return s.byNum[n]
	}
	return -1
}

// drop counts s out of its holder, once no search reads it, and returns
// the work of closing it, to be done without Index.mu held (it closes
// files and may remove a directory). Called with Index.mu held.
func (s *snapshot) drop() (closeIt func()) {
	s.holder.refs--
	last := s.holder.refs == 0
	h := s.holder
	return func() {
		s.reader.Close()
		if last {
			h.idx.Close()
			if h.remove != nil {
				h.remove()
			}
		}
	}
}

// each calls fn for each provision q finds, with its score, in the order
// of the index. Scores are bleve's, as a search of q alone would give them.
func (s *snapshot) each(ctx context.Context, q query.Query, fn func(pi int32, num uint64, score float64)) error {
	sr, err := q.Searcher(ctx, s.reader, s.mapping, search.SearcherOptions{})
	if err != nil {
		return err
	}
	defer sr.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(sr.DocumentMatchPoolSize()+16, 0), IndexReader: s.reader}
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		dm, err := sr.Next(sctx)
		if err != nil {
			return err
		}
		if dm == nil {
			return nil
		}
		if pi := s.provOf(dm.IndexInternalID); pi >= 0 {
			fn(pi, dm.IndexInternalID.Value(), dm.Score)
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

// locate returns where terms lie in the provisions pis (of the text
// field), by provision: the locations of each term, read for these
// provisions only.
func (s *snapshot) locate(ctx context.Context, pis []int32, terms map[string]bool) (map[int32]search.TermLocationMap, error) {
	out := map[int32]search.TermLocationMap{}
	if len(pis) == 0 || len(terms) == 0 {
		return out, nil
	}
	type target struct {
		pi  int32
		num uint64
	}
	var ts []target
	for _, pi := range pis {
		if n := s.nums[pi]; n != noNumber {
			ts = append(ts, target{pi, n})
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].num < ts[j].num })
	id := make(index.IndexInternalID, 8)
	for t := range terms {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := s.reader.TermFieldReader(ctx, []byte(t), "text", false, false, true)
		if err != nil {
			return nil, err
		}
		if r.Count() == 0 {
			r.Close()
			continue
		}
		for _, tg := range ts {
			binary.BigEndian.PutUint64(id, tg.num)
			d, err := r.Advance(id, nil)
			if err != nil {
				r.Close()
				return nil, err
			}
			if d == nil {
				break
			}
			if !d.ID.Equals(id) {
				continue
			}
			locs := out[tg.pi]
			if locs == nil {
				locs = search.TermLocationMap{}
				out[tg.pi] = locs
			}
			for _, v := range d.Vectors {
				locs[t] = append(locs[t], &search.Location{Pos: v.Pos, Start: v.Start, End: v.End})
			}
		}
		r.Close()
	}
	return out, nil
}

// readingVocabulary returns the readings of the index's words, read from
// the index once per snapshot.
func (s *snapshot) readingVocabulary() map[string]uint8 {
	s.vocabOnce.Do(func() {
		vocab := map[string]uint8{}
		for prefix, kind := range map[string]uint8{prefixReading: wordReading, prefixAffix: affixReading} {
			d, err := s.reader.FieldDictPrefix("text", []byte(prefix))
			if err != nil {
				continue
			}
			for e, err := d.Next(); err == nil && e != nil; e, err = d.Next() {
				vocab[strings.TrimPrefix(e.Term, prefix)] |= kind
			}
			d.Close()
		}
		s.vocab = vocab
	})
	return s.vocab
}

// terms returns every term the documents define.
func (s *snapshot) terms() []*policy.DefinedTerm {
	var out []*policy.DefinedTerm
	for _, d := range s.docs {
		out = append(out, s.content.terms[d.id]...)
	}
	return out
}

// definitions returns, by folded word, what the terms the documents define
// find: the meaning for the term and the term for the meaning. It is
// gathered once per snapshot.
func (s *snapshot) definitions() map[string][]definition {
	s.defsOnce.Do(func() {
		defs := map[string][]definition{}
		add := func(key string, d definition) {
			for _, e := range defs[key] {
				if e == d {
					return
				}
			}
			defs[key] = append(defs[key], d)
		}
		for _, t := range s.terms() {
			scope := foldKey(t.Term)
			add(scope, definition{t.Meaning, scope})
			add(foldKey(t.Meaning), definition{t.Term, scope})
		}
		s.defs = defs
	})
	return s.defs
}

// sameText is the text by which provisions of a series are the same hit:
// NFKC-folded, every blank removed.
func sameText(text string) string {
	return strings.Join(strings.Fields(norm.NFKC.String(text)), "")
}

// provisionData returns what the index keeps of the provisions of one
// document: each with its key of the same text, which the provisions of
// other documents of its series holding the same text share (the n-th
// provision of a document holding a text shares it with the n-th of
// another).
func provisionData(doc *policy.Document, provs []*policy.Provision, cites []*policy.Citation) []*provData {
	cited := map[string][]string{}
	for _, c := range cites {
		if s := cited[c.SourceID]; len(s) == 0 || s[len(s)-1] != c.TargetID {
			cited[c.SourceID] = append(s, c.TargetID)
		}
	}
	series := policy.SeriesKey(doc.Title)
	seen := map[string]int{}
	out := make([]*provData, 0, len(provs))
	for _, p := range provs {
		d := &provData{id: p.ID, kind: p.Kind, seq: p.Seq, text: p.Text(), cites: cited[p.ID], under: policy.AncestorIDs(p.ID)}
		if series != "" {
			t := sameText(d.text)
			seen[t]++
			h := sha256.New()
			h.Write([]byte(series))
			h.Write([]byte{0})
			h.Write([]byte(t))
			var n [8]byte
			binary.BigEndian.PutUint64(n[:], uint64(seen[t]))
			h.Write(n[:])
			copy(d.sameKey[:], h.Sum(nil))
		}
		out = append(out, d)
	}
	return out
}
