// Package search is the full-text search over provisions: a bleve index
// derived from the store, with Japanese morphological analysis (kagome, IPA
// dictionary) after NFKC folding, a small query language, expansion through
// the terms documents define, filters, cursors, highlights, hits of the
// same text in several documents of a series collapsed into one, and
// counts per document.
//
// The store stays the source of truth. The index follows it document by
// document: the store logs which document each ingest, revert or
// replacement changed (policy.ChangeService), and an update deletes and
// inserts the index entries of those documents only, beside the index that
// searches read, which it replaces once whole (see snapshot.go, disk.go).
// It is built whole only when it has to be: the first time, for a new
// analysis, a damaged index, a store it cannot follow, and now and then to
// merge what the updates added.
package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

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
	policy.ChangeService
	policy.DocumentService
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

// compactAfter is how many updates an index on disk takes before it is
// built whole again, beside the live one: each update adds a segment, and
// searches slow down with the number of segments.
var compactAfter = 24

// Index is a search index over the provisions of a store.
type Index struct {
	store    Store
	path     string // "" for an index in memory
	strategy Strategy
	cache    *resultCache

	fallback   bool // build in memory when the index cannot be written
	background bool // kept by a Pending: updates run beside the searches, never in them

	thesaurus *Thesaurus

	mu      sync.Mutex // guards cur, closed, health and the reference counts of snapshots
	cur     *snapshot  // what searches read
	closed  bool
	health  health
	closing sync.WaitGroup // snapshots being closed in the background

	upMu        sync.Mutex    // one update at a time
	job         *job          // a build of the whole index beside the live one
	jobAfter    time.Time     // no new job before (after a failed one)
	jobBackoff  time.Duration // the wait after the last failed job
	maxBackoff  time.Duration // the wait between attempts to write the index to disk again
	jobCancel   context.CancelFunc
	lastUpdated time.Duration // how long the last update that changed the index took (guarded by upMu)
	onJobDone   func()        // called when a job ends (to wake the Pending)
}

// health is what is wrong with an index that answers.
type health struct {
	// memory says why the index is in memory although it has a path.
	memory error
	// stale is the failure of the last update: searches read the data as
	// of the snapshot's generation.
	stale error
	// rebuilding: the index is being built whole beside the live one, which
	// cannot follow the store meanwhile.
	rebuilding bool
}

// Options configure OpenOptions.
type Options struct {
	// Strategy is the analysis; the index is in memory unless it is
	// Morphology.
	Strategy Strategy
	// MemoryFallback builds the index in memory when it cannot be written
	// at its path (a read-only data directory, a full disk), instead of
	// failing.
	MemoryFallback bool
}

// Open opens the index at path (a directory), or in memory for "", and
// brings it up to date with store: it opens the index published at path
// read-only, applies to it what changed in the store since, and otherwise
// builds and publishes a new one (see disk.go).
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
	x, err := newIndex(ctx, path, store, opt)
	if err != nil {
		return nil, err
	}
	if err := x.Sync(ctx); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

func newIndex(ctx context.Context, path string, store Store, opt Options) (*Index, error) {
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
	return &Index{store: store, path: path, strategy: opt.Strategy, fallback: opt.MemoryFallback,
		cache: newResultCache(1024), thesaurus: th, maxBackoff: time.Second}, nil
}

// InMemory reports whether the index lives in memory only.
func (x *Index) InMemory() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.path == "" || x.cur == nil || x.cur.dir == ""
}

// Generation returns the store generation the index holds, -1 before it
// holds any.
func (x *Index) Generation() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.cur == nil {
		return -1
	}
	return x.cur.gen
}

// Close closes the index, once the searches reading it are done.
func (x *Index) Close() error {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return nil
	}
	x.closed = true
	cur := x.cur
	x.cur = nil
	if cancel := x.jobCancel; cancel != nil {
		cancel()
	}
	x.mu.Unlock()
	if cur != nil {
		x.retire(cur)
	}
	// A build beside the live index stops; what it made goes.
	x.upMu.Lock()
	defer x.upMu.Unlock()
	if j := x.job; j != nil {
		<-j.done
		if j.snap != nil {
			x.retire(j.snap)
		}
		x.job = nil
	}
	x.closing.Wait()
	return nil
}

// errClosed is the error of a search of a closed index.
var errClosed = unavailable(errors.New("closed"), "the search index is closed")

// acquire returns the live snapshot for a search, which releases it; nil
// when there is none.
func (x *Index) acquire() *snapshot {
	x.mu.Lock()
	defer x.mu.Unlock()
	s := x.cur
	if s != nil {
		s.refs++
	}
	return s
}

// release ends a search's reading of s. The last reading of a snapshot no
// longer live closes it, in the background: a search does not wait for
// files to close.
func (x *Index) release(s *snapshot) {
	x.unref(s, false)
}

// retire drops the reference of s as a live (or candidate) snapshot.
func (x *Index) retire(s *snapshot) {
	x.unref(s, true)
}

// unref drops a reference to s, marking it retired first if retire; the
// last reference closes it in the background.
func (x *Index) unref(s *snapshot, retire bool) {
	x.mu.Lock()
	if retire {
		s.retired = true
	}
	s.refs--
	var closeIt func()
	if s.refs == 0 {
		closeIt = s.drop()
	}
	x.mu.Unlock()
	x.closeLater(closeIt)
}

// closeLater runs closeIt, if not nil, in the background; Close waits for
// it.
func (x *Index) closeLater(closeIt func()) {
	if closeIt == nil {
		return
	}
	x.closing.Add(1)
	go func() {
		defer x.closing.Done()
		closeIt()
	}()
}

// install makes s the snapshot searches read; the one before is closed
// once the searches reading it are done. It reports false, and retires s,
// when the index is closed.
func (x *Index) install(s *snapshot) bool {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		x.retire(s)
		return false
	}
	old := x.cur
	x.cur = s
	x.mu.Unlock()
	if old != nil {
		x.retire(old)
	}
	return true
}

// makeSnapshot makes a snapshot of h, counting it as a reader of h.
func (x *Index) makeSnapshot(h *holder, c *content, store string, gen int64, dir string, updates int) (*snapshot, error) {
	x.mu.Lock()
	h.refs++
	x.mu.Unlock()
	s, err := newSnapshot(h, c, store, gen, dir, updates)
	if err != nil {
		x.mu.Lock()
		h.refs--
		last := h.refs == 0
		x.mu.Unlock()
		if last {
			h.idx.Close()
			if h.remove != nil {
				h.remove()
			}
		}
		return nil, err
	}
	return s, nil
}

// Sync brings the index up to date with the store, in the caller: it
// applies what changed since the generation it holds, document by
// document, or builds the index whole where it must. A failure to write
// the index is an error with the code UNAVAILABLE (or, with
// MemoryFallback, builds it in memory); the index it had stays.
func (x *Index) Sync(ctx context.Context) error {
	gen, err := x.store.Generation(ctx)
	if err != nil {
		return err
	}
	x.mu.Lock()
	closed, current := x.closed, x.cur != nil && x.cur.gen == gen
	x.mu.Unlock()
	if closed {
		return errClosed
	}
	if current {
		return nil
	}
	return x.update(ctx)
}

// update brings the index up to date with the store. In the background (a
// Pending), builds of the whole index run beside the live one and are
// taken up by a later update; otherwise they run in the caller.
func (x *Index) update(ctx context.Context) error {
	x.upMu.Lock()
	defer x.upMu.Unlock()
	start := time.Now()
	cur := x.acquire()
	if cur == nil {
		x.mu.Lock()
		closed := x.closed
		x.mu.Unlock()
		if closed {
			return errClosed
		}
		return x.open(ctx)
	}
	defer x.release(cur)
	if x.background {
		if taken, err := x.takeJob(ctx, cur); taken || err != nil {
			return err
		}
		if cur.schemaOld {
			x.startJob(jobWhole)
			return nil
		}
	}
	ch, err := x.store.Changes(ctx, cur.gen)
	if err != nil {
		return err
	}
	if ch.Store != cur.store || !ch.Complete {
		// Another store, or one that cannot tell what changed: build it
		// whole.
		if x.background {
			x.startJob(jobWhole)
			return nil
		}
		return x.rebuild(ctx)
	}
	if ch.Generation != cur.gen || len(ch.Documents) > 0 {
		if s, err := x.adopt(ctx, cur, ch); err != nil || s != nil {
			if err != nil {
				return err
			}
			if !x.install(s) {
				return errClosed
			}
			x.setHealth(func(h *health) { h.stale = nil })
			return nil
		}
		s, err := x.apply(ctx, cur, ch)
		if err != nil {
			if ctx.Err() == nil {
				x.setHealth(func(h *health) { h.stale = err })
			}
			if !x.background && errors.Is(err, errRebuild) {
				return x.rebuild(ctx)
			}
			if x.background && errors.Is(err, errRebuild) {
				x.startJob(jobWhole)
				return nil
			}
			return unavailable(err, "")
		}
		x.setHealth(func(h *health) { h.stale = nil })
		if !x.install(s) {
			return errClosed
		}
		x.lastUpdated = time.Since(start)
		cur = s
	}
	if x.background {
		x.maintain(cur)
	}
	return nil
}

// open makes the first snapshot: of the index published at the path if it
// is of this store, brought up to date; else of an index built whole.
func (x *Index) open(ctx context.Context) error {
	ch, err := x.store.Changes(ctx, -1)
	if err != nil {
		return err
	}
	if x.path != "" {
		s, err := x.openPublished(ctx, ch)
		if err == nil {
			if !x.install(s) {
				return errClosed
			}
			if s.schemaOld {
				if x.background {
					x.startJob(jobWhole)
					return nil
				}
				return x.rebuild(ctx)
			}
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return x.rebuild(ctx)
}

// openPublished opens the index published at the path if it is of the
// store of ch and not of a later generation, and applies to it what
// changed since. An index of an older analysis opens as it is (schemaOld),
// to be searched while a new one is built.
func (x *Index) openPublished(ctx context.Context, ch *policy.StoreChanges) (*snapshot, error) {
	pub, err := readCurrent(x.path)
	if err != nil {
		return nil, err
	}
	if pub.Store != ch.Store || pub.Generation > ch.Generation || (pub.Schema != schemaVersion && !x.background) {
		return nil, errStale
	}
	since, err := x.store.Changes(ctx, pub.Generation)
	if err != nil {
		return nil, err
	}
	if !since.Complete && pub.Schema == schemaVersion {
		return nil, errStale
	}
	c, err := x.loadAll(ctx)
	if err != nil {
		return nil, err
	}
	idx, err := openReadOnly(filepath.Join(x.path, pub.Dir), pub.Docs)
	if err != nil {
		return nil, err
	}
	s, err := x.makeSnapshot(x.diskHolder(idx, pub.Dir), c.content, ch.Store, pub.Generation, pub.Dir, pub.Updates)
	if err != nil {
		return nil, err
	}
	if pub.Schema != schemaVersion {
		s.schemaOld = true
		return s, nil
	}
	if len(since.Documents) == 0 && since.Generation == pub.Generation {
		return s, nil
	}
	// The documents changed since were read as they are now: index them so.
	n, err := x.apply(ctx, s, since)
	x.retire(s)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// rebuild builds the index whole, in the caller, and makes it live: on
// disk at the path, or in memory where there is none or, with
// MemoryFallback (or in the background), where it cannot be written.
func (x *Index) rebuild(ctx context.Context) error {
	s, err := x.buildWhole(ctx, x.path != "")
	if err != nil && x.path != "" && ctx.Err() == nil && (x.fallback || x.background) {
		var merr error = unavailable(err, "")
		s, err = x.buildWhole(ctx, false)
		if err == nil {
			x.setHealth(func(h *health) { h.memory, h.stale = merr, nil })
			x.jobAfter = time.Now().Add(x.maxBackoff)
		}
	} else if err == nil {
		x.setHealth(func(h *health) { h.memory, h.stale = nil, nil })
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return unavailable(err, "")
	}
	if !x.install(s) {
		return errClosed
	}
	return nil
}

// buildWhole builds a snapshot of the whole store: on disk, published, or
// in memory.
func (x *Index) buildWhole(ctx context.Context, disk bool) (*snapshot, error) {
	return x.build(ctx, disk, true)
}

// build builds a snapshot of the whole store: in memory, or on disk in a new
// subdirectory, published if publishIt (else an unpublished directory that
// cannot be opened is removed).
func (x *Index) build(ctx context.Context, disk, publishIt bool) (*snapshot, error) {
	ch, err := x.store.Changes(ctx, -1)
	if err != nil {
		return nil, err
	}
	c, err := x.loadAll(ctx)
	if err != nil {
		return nil, err
	}
	docs := c.bleveDocs(nil)
	m := indexMapping(x.strategy)
	if !disk {
		idx, err := buildInMemory(ctx, m, docs)
		if err != nil {
			return nil, err
		}
		return x.makeSnapshot(&holder{idx: idx}, c.content, ch.Store, ch.Generation, "", 0)
	}
	pub := published{Schema: schemaVersion, Store: ch.Store, Generation: ch.Generation, Docs: len(docs)}
	dir, err := buildDir(ctx, x.path, m, docs, pub)
	if err != nil {
		return nil, err
	}
	if publishIt {
		pub.Dir = dir
		if err := publish(x.path, pub); err != nil {
			os.RemoveAll(filepath.Join(x.path, dir))
			return nil, err
		}
	}
	idx, err := openReadOnly(filepath.Join(x.path, dir), len(docs))
	if err != nil {
		if !publishIt {
			os.RemoveAll(filepath.Join(x.path, dir))
		}
		return nil, err
	}
	return x.makeSnapshot(x.diskHolder(idx, dir), c.content, ch.Store, ch.Generation, dir, 0)
}

// diskHolder holds the index in subdirectory dir of the path; once closed,
// its directory goes unless it is the one published.
func (x *Index) diskHolder(idx bleve.Index, dir string) *holder {
	path := x.path
	return &holder{idx: idx, dir: filepath.Join(path, dir), remove: func() {
		if pub, err := readCurrent(path); err == nil && pub.Dir == dir {
			return
		}
		os.RemoveAll(filepath.Join(path, dir))
	}}
}

// errRebuild says that an update cannot apply changes to the index it has
// (its directory is gone, the copy it makes is damaged): it must be built
// whole.
var errRebuild = errors.New("the index must be built whole")

// apply returns a new snapshot: s with the documents of ch read anew from
// the store and their entries in the index replaced, in one bleve batch of
// deletions and insertions. On disk the batch goes into a copy of s's
// directory, published once written; in memory, into s's index, whose
// snapshot s keeps reading what it read.
func (x *Index) apply(ctx context.Context, s *snapshot, ch *policy.StoreChanges) (*snapshot, error) {
	ids := ch.Documents
	base := s.dir
	if s.dir != "" {
		if _, err := os.Stat(filepath.Join(x.path, s.dir)); err != nil {
			// Removed by another process that published after it: start
			// from what is published, if it is of this store.
			pub, perr := readCurrent(x.path)
			if perr != nil || pub.Store != s.store || pub.Schema != schemaVersion || pub.Generation > ch.Generation {
				return nil, fmt.Errorf("%w: %v", errRebuild, err)
			}
			if _, perr := os.Stat(filepath.Join(x.path, pub.Dir)); perr != nil {
				// What is published is gone too (removed by hand): build
				// the index whole.
				return nil, fmt.Errorf("%w: %v", errRebuild, perr)
			}
			more, err := x.store.Changes(ctx, pub.Generation)
			if err != nil {
				return nil, err
			}
			if !more.Complete {
				return nil, errRebuild
			}
			ids = union(ids, more.Documents)
			base = pub.Dir
		}
	}
	c, err := x.loadChanged(ctx, s.content, ids)
	if err != nil {
		return nil, err
	}
	b := newBatchOf(s.content, c, ids)
	total := 0
	for _, ps := range c.content.provs {
		total += len(ps)
	}
	if s.dir == "" {
		h := s.holder
		if err := applyBatch(ctx, h.idx, b); err != nil {
			return nil, err
		}
		return x.makeSnapshot(h, c.content, ch.Store, ch.Generation, "", s.updates+1)
	}
	pub := published{Schema: schemaVersion, Store: ch.Store, Generation: ch.Generation, Docs: total, Updates: s.updates + 1}
	dir, err := updateDir(ctx, x.path, base, b, pub)
	if errors.Is(err, fs.ErrNotExist) {
		// A file of the index it starts from is gone: build it whole.
		return nil, fmt.Errorf("%w: %v", errRebuild, err)
	}
	if err != nil {
		return nil, err
	}
	pub.Dir = dir
	idx, err := openReadOnly(filepath.Join(x.path, dir), total)
	if err != nil {
		os.RemoveAll(filepath.Join(x.path, dir))
		return nil, fmt.Errorf("%w: %v", errRebuild, err)
	}
	n, err := x.makeSnapshot(x.diskHolder(idx, dir), c.content, ch.Store, ch.Generation, dir, s.updates+1)
	if err != nil {
		return nil, err
	}
	if err := publish(x.path, pub); err != nil {
		x.retire(n)
		return nil, err
	}
	return n, nil
}

// adopt returns a snapshot of the index another process published at the
// path since cur (a command-line search after an ingest), brought up to
// date, or nil if there is none to take: it saves building the same
// update twice.
func (x *Index) adopt(ctx context.Context, cur *snapshot, ch *policy.StoreChanges) (*snapshot, error) {
	if cur.dir == "" {
		return nil, nil
	}
	pub, err := readCurrent(x.path)
	if err != nil || pub.Dir == cur.dir || pub.Store != cur.store || pub.Schema != schemaVersion ||
		pub.Generation <= cur.gen || pub.Generation > ch.Generation {
		return nil, nil
	}
	l, err := x.loadChanged(ctx, cur.content, ch.Documents)
	if err != nil {
		return nil, err
	}
	idx, err := openReadOnly(filepath.Join(x.path, pub.Dir), pub.Docs)
	if err != nil {
		return nil, nil // damaged or gone: build the update here
	}
	s, err := x.makeSnapshot(x.diskHolder(idx, pub.Dir), l.content, ch.Store, pub.Generation, pub.Dir, pub.Updates)
	if err != nil || pub.Generation == ch.Generation {
		return s, err
	}
	more, err := x.store.Changes(ctx, pub.Generation)
	if err != nil || !more.Complete {
		x.retire(s)
		return nil, err
	}
	n, err := x.apply(ctx, s, more)
	x.retire(s)
	return n, err
}

// union returns the sorted union of two sorted lists of IDs.
func union(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range [][]string{a, b} {
		for _, s := range l {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// loaded is content read from the store, with the provisions, citations
// and terms of the documents read, from which their index entries are
// made.
type loaded struct {
	content *content
	raw     map[string]*rawDoc // the documents read
}

// loadAll reads every document from the store.
func (x *Index) loadAll(ctx context.Context) (*loaded, error) {
	docs, err := x.store.Documents(ctx)
	if err != nil {
		return nil, err
	}
	provs, err := x.store.Provisions(ctx, policy.ProvisionFilter{})
	if err != nil {
		return nil, err
	}
	cites, err := x.store.Citations(ctx, policy.CitationFilter{})
	if err != nil {
		return nil, err
	}
	terms, err := x.store.Terms(ctx, "")
	if err != nil {
		return nil, err
	}
	out := &loaded{content: &content{docs: map[string]*policy.Document{}, provs: map[string][]*provData{},
		terms: map[string][]*policy.DefinedTerm{}}, raw: map[string]*rawDoc{}}
	for _, d := range docs {
		out.content.docs[d.ID] = d
		out.raw[d.ID] = &rawDoc{}
	}
	for _, p := range provs {
		if r := out.raw[p.DocumentID]; r != nil {
			r.provs = append(r.provs, p)
		}
	}
	for _, c := range cites {
		if r := out.raw[c.DocumentID]; r != nil {
			r.cites = append(r.cites, c)
		}
	}
	for _, t := range terms {
		out.content.terms[t.DocumentID] = append(out.content.terms[t.DocumentID], t)
	}
	for id, r := range out.raw {
		out.content.provs[id] = provisionData(out.content.docs[id], r.provs, r.cites)
	}
	return out, nil
}

// loadChanged returns base with the documents ids read anew from the store
// (and those no longer stored gone).
func (x *Index) loadChanged(ctx context.Context, base *content, ids []string) (*loaded, error) {
	out := &loaded{content: &content{docs: make(map[string]*policy.Document, len(base.docs)),
		provs: make(map[string][]*provData, len(base.provs)), terms: make(map[string][]*policy.DefinedTerm, len(base.terms))},
		raw: map[string]*rawDoc{}}
	for id, d := range base.docs {
		out.content.docs[id] = d
		out.content.provs[id] = base.provs[id]
		if ts := base.terms[id]; ts != nil {
			out.content.terms[id] = ts
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	docs, err := x.store.DocumentsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	stored := map[string]*policy.Document{}
	for _, d := range docs {
		stored[d.ID] = d
	}
	provs, err := x.store.Provisions(ctx, policy.ProvisionFilter{DocumentIDs: ids})
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		delete(out.content.docs, id)
		delete(out.content.provs, id)
		delete(out.content.terms, id)
		d := stored[id]
		if d == nil {
			continue // no longer stored
		}
		out.content.docs[id] = d
		r := &rawDoc{}
		out.raw[id] = r
		if r.cites, err = x.store.Citations(ctx, policy.CitationFilter{DocumentID: id}); err != nil {
			return nil, err
		}
		ts, err := x.store.Terms(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(ts) > 0 {
			out.content.terms[id] = ts
		}
	}
	for _, p := range provs {
		if r := out.raw[p.DocumentID]; r != nil {
			r.provs = append(r.provs, p)
		}
	}
	for id, r := range out.raw {
		out.content.provs[id] = provisionData(out.content.docs[id], r.provs, r.cites)
	}
	return out, nil
}

// bleveDocs returns the index documents of the documents ids read (all of
// them for nil), in order.
func (l *loaded) bleveDocs(ids []string) []indexDoc {
	if ids == nil {
		for id := range l.raw {
			ids = append(ids, id)
		}
		sort.Strings(ids)
	}
	var out []indexDoc
	for _, id := range ids {
		r := l.raw[id]
		if r == nil {
			continue
		}
		out = append(out, documents(r.provs, r.cites, l.content.terms[id])...)
	}
	return out
}

// batch is what an update changes in the index: the documents to insert
// (or replace) and the IDs to delete.
type batch struct {
	index  []indexDoc
	delete []string
}

// newBatchOf returns the changes from the entries of the documents ids in
// before to those in after.
func newBatchOf(before *content, after *loaded, ids []string) batch {
	var b batch
	b.index = after.bleveDocs(ids)
	kept := map[string]bool{}
	for _, d := range b.index {
		kept[d.id] = true
	}
	for _, id := range ids {
		for _, p := range before.provs[id] {
			if !kept[p.id] {
				b.delete = append(b.delete, p.id)
			}
		}
	}
	return b
}

// applyBatch writes b into idx, in one bleve batch.
func applyBatch(ctx context.Context, idx bleve.Index, b batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	bb := idx.NewBatch()
	for _, id := range b.delete {
		bb.Delete(id)
	}
	for _, d := range b.index {
		if err := bb.Index(d.id, d.fields); err != nil {
			return err
		}
	}
	return idx.Batch(bb)
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
// references it cites and the terms in scope at it. provs, cites and terms
// are of one document, or of several in whole.
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

// setHealth changes the health of the index.
func (x *Index) setHealth(f func(*health)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	f(&x.health)
}

// state returns the health of the index.
func (x *Index) state() health {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.health
}
