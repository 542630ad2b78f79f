// Package search is the full-text search over provisions: a bleve index
// derived from the store, with Japanese morphological analysis (kagome, IPA
// dictionary) after NFKC folding, a small query language, expansion through
// the terms documents define, filters, cursors and highlights.
//
// The store stays the source of truth. The index records the store
// generation it was built from and is rebuilt whenever the store has moved
// on (an ingest, in this process or another) or the index format changed.
package search

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/policykb/policykb/internal/policy"
)

// schemaVersion changes whenever the mapping or the analysis changes, so
// that older indexes are rebuilt.
const schemaVersion = 3

// Store is what the index is built from.
type Store interface {
	Generation(ctx context.Context) (int64, error)
	Provisions(ctx context.Context, f policy.ProvisionFilter) ([]*policy.Provision, error)
	Citations(ctx context.Context, f policy.CitationFilter) ([]*policy.Citation, error)
	Terms(ctx context.Context, documentID string) ([]*policy.DefinedTerm, error)
}

// Strategy is how the text is analysed and matched. Morphology is what the
// service uses; the others exist to measure the choice (see analysis_test.go
// and BENCHMARKS.md).
type Strategy int

// The strategies.
const (
	Morphology Strategy = iota // kagome words, their variants and readings, thesaurus, partial matches
	Bigrams                    // bleve's cjk analyzer: overlapping character bigrams
	Both                       // kagome written forms, or bigrams with a lower boost
	Legacy                     // the first analysis: kagome words ANDed, base forms of verbs; with -tags legacy only
)

// The tokenizer and analyzer of the Legacy strategy (see legacy.go).
const (
	legacyTokenizerName = "policykb_kagome_ipa"
	legacyAnalyzerName  = "policykb_ja"
)

// Index is a search index over the provisions of a store.
type Index struct {
	store    Store
	path     string // "" for an index in memory
	strategy Strategy

	mu    sync.RWMutex
	idx   bleve.Index
	gen   int64
	texts map[string]string // provision ID → text, for highlights
	seqs  map[string]int    // provision ID → position in its document
	terms []*policy.DefinedTerm
	cache *resultCache

	fallback bool // build in memory when the index cannot be written
	inMemory bool // built in memory although path is set
	closed   bool

	thesaurus *Thesaurus
	vocabMu   sync.Mutex
	vocab     map[string]uint8 // readings of the indexed words
	vocabGen  int64
	defs      map[string][]definition // what defined terms find, by folded word
	defsGen   int64
}

// Options configure OpenOptions.
type Options struct {
	// Strategy is the analysis; the index is in memory unless it is
	// Morphology.
	Strategy Strategy
	// MemoryFallback builds the index in memory when it cannot be written
	// at its path (a read-only data directory, a full disk), instead of
	// failing. A command that searches once wants that; a server rather
	// retries, so that it does not keep a second index in memory.
	MemoryFallback bool
}

// Open opens the index at path (a directory), or in memory for "", and
// brings it up to date with store: it opens the index published at path
// read-only if it was built from the store's current generation, and
// otherwise builds and publishes a new one (see disk.go).
func Open(ctx context.Context, path string, store Store) (*Index, error) {
	return OpenOptions(ctx, path, store, Options{})
}

// OpenWith is Open with another analysis strategy; the index is in memory
// unless the strategy is Morphology.
func OpenWith(ctx context.Context, path string, store Store, strategy Strategy) (*Index, error) {
	return OpenOptions(ctx, path, store, Options{Strategy: strategy})
}

// OpenOptions is Open with options.
func OpenOptions(ctx context.Context, path string, store Store, opt Options) (*Index, error) {
	if opt.Strategy == Legacy && !legacyAvailable {
		return nil, errors.New("the Legacy strategy is built only with -tags legacy")
	}
	if err := LoadDictionary(ctx); err != nil {
		return nil, err
	}
	th, err := LoadThesaurus()
	if err != nil {
		return nil, err
	}
	if opt.Strategy != Morphology {
		path = ""
	}
	x := &Index{store: store, path: path, gen: -1, strategy: opt.Strategy, fallback: opt.MemoryFallback, cache: newResultCache(1024), thesaurus: th}
	if err := x.Sync(ctx); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// InMemory reports whether the index lives in memory only.
func (x *Index) InMemory() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.path == "" || x.inMemory
}

// Close closes the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.closed = true
	if x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	return err
}

// errClosed is the error of a search of a closed index.
var errClosed = unavailable(errors.New("closed"), "the search index is closed")

// stale reports whether the store has moved on since the index was built.
func (x *Index) stale(ctx context.Context) (bool, error) {
	gen, err := x.store.Generation(ctx)
	if err != nil {
		return false, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return !(x.idx != nil && x.gen == gen && x.texts != nil), nil
}

// Sync rebuilds the index if the store has changed since it was built, and
// loads what highlights and term expansion need. A failure to build the
// index is an error with the code UNAVAILABLE; the index it had stays.
func (x *Index) Sync(ctx context.Context) error {
	gen, err := x.store.Generation(ctx)
	if err != nil {
		return err
	}
	x.mu.RLock()
	current, closed := x.idx != nil && x.gen == gen && x.texts != nil, x.closed
	x.mu.RUnlock()
	if closed {
		return errClosed
	}
	if current {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return errClosed
	}
	if x.idx != nil && x.gen == gen && x.texts != nil {
		return nil
	}
	provs, err := x.store.Provisions(ctx, policy.ProvisionFilter{})
	if err != nil {
		return err
	}
	terms, err := x.store.Terms(ctx, "")
	if err != nil {
		return err
	}
	if x.gen != gen || x.idx == nil {
		idx, inMemory, err := x.open(ctx, provs, terms, gen)
		if err != nil {
			return err
		}
		if x.idx != nil {
			x.idx.Close()
		}
		x.idx, x.inMemory = idx, inMemory
	}
	x.texts = make(map[string]string, len(provs))
	x.seqs = make(map[string]int, len(provs))
	for _, p := range provs {
		x.texts[p.ID] = p.Text()
		x.seqs[p.ID] = p.Seq
	}
	x.terms, x.gen = terms, gen
	return nil
}

// open returns an index of provs at generation gen: the published one if
// it is current, else a new one, built on disk and published, or in memory.
func (x *Index) open(ctx context.Context, provs []*policy.Provision, terms []*policy.DefinedTerm, gen int64) (idx bleve.Index, inMemory bool, err error) {
	want := published{Schema: schemaVersion, Generation: gen, Docs: len(provs), Fingerprint: fingerprint(provs, terms)}
	if x.path != "" {
		if idx, err := openPublished(x.path, want); err == nil {
			return idx, false, nil
		}
	}
	cites, err := x.store.Citations(ctx, policy.CitationFilter{})
	if err != nil {
		return nil, false, err
	}
	docs := documents(provs, cites, terms)
	m := indexMapping(x.strategy)
	if x.path != "" {
		idx, err := buildPublished(ctx, x.path, m, docs, want)
		if err == nil {
			return idx, false, nil
		}
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		if !x.fallback {
			return nil, false, unavailable(err, "")
		}
	}
	idx, err = buildInMemory(ctx, m, docs)
	if err != nil {
		return nil, false, unavailable(err, "")
	}
	return idx, true, nil
}

// buildInMemory builds an index of docs in memory.
func buildInMemory(ctx context.Context, m mapping.IndexMapping, docs []indexDoc) (bleve.Index, error) {
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create the search index: %w", err)
	}
	b := idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.id, d.fields); err != nil {
			idx.Close()
			return nil, err
		}
		if b.Size() >= 1000 {
			if err := ctx.Err(); err != nil {
				idx.Close()
				return nil, err
			}
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return nil, err
			}
			b = idx.NewBatch()
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return nil, err
	}
	return idx, nil
}

// documents returns the documents of the index: each provision with the
// references it cites and the terms in scope at it.
func documents(provs []*policy.Provision, cites []*policy.Citation, terms []*policy.DefinedTerm) []indexDoc {
	// The terms in scope at each provision: from the definition on, in its
	// document.
	defined := map[string][]*policy.DefinedTerm{}
	seq := map[string]int{}
	for _, p := range provs {
		seq[p.ID] = p.Seq
	}
	for _, t := range terms {
		defined[t.DocumentID] = append(defined[t.DocumentID], t)
	}
	cited := map[string][]string{}
	for _, c := range cites {
		if s := cited[c.SourceID]; len(s) == 0 || s[len(s)-1] != c.TargetID {
			cited[c.SourceID] = append(s, c.TargetID)
		}
	}
	docs := make([]indexDoc, 0, len(provs))
	for _, p := range provs {
		text := indexedText(p)
		docs = append(docs, indexDoc{id: p.ID, fields: map[string]any{
			"text":      text,
			"bigram":    text,
			"legacy":    text,
			"document":  p.DocumentID,
			"kind":      string(p.Kind),
			"ancestors": policy.AncestorIDs(p.ID),
			"cites":     cited[p.ID],
			"scope":     scope(defined[p.DocumentID], seq, p.Seq),
		}})
	}
	return docs
}

// indexedText is what the index holds of a provision: its text, then its
// footnotes. Highlights are cut from the text alone; a word found only in a
// note finds the provision.
func indexedText(p *policy.Provision) string {
	t := p.Text()
	for _, n := range p.Notes {
		t += "\n" + n.Text
	}
	return t
}

func indexMapping(strategy Strategy) mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = analyzerName
	text.Store = false
	text.IncludeTermVectors = true
	bigram := bleve.NewTextFieldMapping()
	bigram.Analyzer = cjk.AnalyzerName
	bigram.Store = false
	bigram.IncludeInAll = false
	keyword := bleve.NewKeywordFieldMapping()
	keyword.Store = false
	keyword.IncludeInAll = false
	keyword.IncludeTermVectors = false
	legacy := bleve.NewTextFieldMapping()
	legacy.Analyzer = legacyAnalyzerName
	legacy.Store = false
	legacy.IncludeInAll = false
	legacy.IncludeTermVectors = true
	doc := bleve.NewDocumentStaticMapping()
	if strategy != Legacy {
		doc.AddFieldMappingsAt("text", text)
	}
	if strategy == Bigrams || strategy == Both {
		doc.AddFieldMappingsAt("bigram", bigram)
	}
	if strategy == Legacy {
		doc.AddFieldMappingsAt("legacy", legacy)
	}
	for _, f := range []string{"document", "kind", "ancestors", "cites", "scope"} {
		doc.AddFieldMappingsAt(f, keyword)
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerName
	m.DefaultField = "text"
	return m
}

// scope returns the keys of the terms whose definition applies at position
// at of a document defining terms.
func scope(terms []*policy.DefinedTerm, seq map[string]int, at int) []string {
	var keys []string
	for _, t := range terms {
		if seq[t.DefinedIn] <= at {
			keys = append(keys, foldKey(t.Term))
		}
	}
	return keys
}
