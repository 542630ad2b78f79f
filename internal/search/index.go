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
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/policykb/policykb/internal/policy"
)

// schemaVersion changes whenever the mapping or the analysis changes, so
// that older indexes are rebuilt.
const schemaVersion = 2

const metaKey = "policykb-meta"

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
	Legacy                     // the first analysis: kagome words ANDed, base forms of verbs
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

	thesaurus *Thesaurus
	vocabMu   sync.Mutex
	vocab     map[string]uint8 // readings of the indexed words
	vocabGen  int64
	defs      map[string][]definition // what defined terms find, by folded word
	defsGen   int64
}

type meta struct {
	Schema     int   `json:"schema"`
	Generation int64 `json:"generation"`
}

// Open opens the index at path (a directory), or in memory for "", and
// brings it up to date with store.
func Open(ctx context.Context, path string, store Store) (*Index, error) {
	return OpenWith(ctx, path, store, Morphology)
}

// OpenWith is Open with another analysis strategy; the index is in memory
// unless the strategy is Morphology.
func OpenWith(ctx context.Context, path string, store Store, strategy Strategy) (*Index, error) {
	if _, err := japanese(); err != nil {
		return nil, fmt.Errorf("load the Japanese dictionary: %w", err)
	}
	th, err := LoadThesaurus()
	if err != nil {
		return nil, err
	}
	if strategy != Morphology {
		path = ""
	}
	x := &Index{store: store, path: path, gen: -1, strategy: strategy, cache: newResultCache(1024), thesaurus: th}
	if path != "" {
		idx, err := bleve.OpenUsing(path, map[string]any{"bolt_timeout": "2s"})
		switch {
		case err == nil:
			x.idx = idx
			if b, err := idx.GetInternal([]byte(metaKey)); err == nil && b != nil {
				var m meta
				if json.Unmarshal(b, &m) == nil && m.Schema == schemaVersion {
					x.gen = m.Generation
				}
			}
		case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		case strings.Contains(err.Error(), "timeout"):
			// Another process (a running server) holds the index: work
			// from an index in memory rather than wait or disturb it.
			x.path = ""
		default:
			// Unreadable or of another format: rebuild it.
			if err := os.RemoveAll(path); err != nil {
				return nil, err
			}
		}
	}
	if err := x.Sync(ctx); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// InMemory reports whether the index lives in memory only.
func (x *Index) InMemory() bool { return x.path == "" }

// Close closes the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	return err
}

// Sync rebuilds the index if the store has changed since it was built, and
// loads what highlights and term expansion need.
func (x *Index) Sync(ctx context.Context) error {
	gen, err := x.store.Generation(ctx)
	if err != nil {
		return err
	}
	x.mu.RLock()
	current := x.gen == gen && x.texts != nil
	x.mu.RUnlock()
	if current {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.gen == gen && x.texts != nil {
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
		cites, err := x.store.Citations(ctx, policy.CitationFilter{})
		if err != nil {
			return err
		}
		if err := x.rebuild(provs, cites, terms, gen); err != nil {
			return err
		}
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

// rebuild replaces the index with one built from provs.
func (x *Index) rebuild(provs []*policy.Provision, cites []*policy.Citation, terms []*policy.DefinedTerm, gen int64) error {
	if x.idx != nil {
		x.idx.Close()
		x.idx = nil
	}
	var idx bleve.Index
	var err error
	if x.path == "" {
		idx, err = bleve.NewUsing("", indexMapping(x.strategy), scorch.Name, scorch.Name, nil)
	} else {
		if err := os.RemoveAll(x.path); err != nil {
			return err
		}
		idx, err = bleve.New(x.path, indexMapping(x.strategy))
	}
	if err != nil {
		return fmt.Errorf("create the search index: %w", err)
	}
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
	b := idx.NewBatch()
	for _, p := range provs {
		doc := map[string]any{
			"text":      p.Text(),
			"bigram":    p.Text(),
			"legacy":    p.Text(),
			"document":  p.DocumentID,
			"kind":      string(p.Kind),
			"ancestors": policy.AncestorIDs(p.ID),
			"cites":     cited[p.ID],
			"scope":     scope(defined[p.DocumentID], seq, p.Seq),
		}
		if err := b.Index(p.ID, doc); err != nil {
			idx.Close()
			return err
		}
		if b.Size() >= 1000 {
			if err := idx.Batch(b); err != nil {
				idx.Close()
				return err
			}
			b = idx.NewBatch()
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return err
	}
	m, _ := json.Marshal(meta{Schema: schemaVersion, Generation: gen})
	if err := idx.SetInternal([]byte(metaKey), m); err != nil {
		idx.Close()
		return err
	}
	x.idx = idx
	return nil
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
