package pages

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// countingStore counts the reads of the store.
type countingStore struct {
	*sqlite.DB
	reads atomic.Int64
}

func (s *countingStore) Documents(ctx context.Context) ([]*policy.Document, error) {
	s.reads.Add(1)
	return s.DB.Documents(ctx)
}

func (s *countingStore) DocumentsByID(ctx context.Context, ids []string) ([]*policy.Document, error) {
	s.reads.Add(1)
	return s.DB.DocumentsByID(ctx, ids)
}

func (s *countingStore) ProvisionsByID(ctx context.Context, ids []string) ([]*policy.Provision, error) {
	s.reads.Add(1)
	return s.DB.ProvisionsByID(ctx, ids)
}

func (s *countingStore) Provisions(ctx context.Context, f policy.ProvisionFilter) ([]*policy.Provision, error) {
	s.reads.Add(1)
	return s.DB.Provisions(ctx, f)
}

func (s *countingStore) ProvisionsByLabel(ctx context.Context, doc, label string) ([]*policy.Provision, error) {
	s.reads.Add(1)
	return s.DB.ProvisionsByLabel(ctx, doc, label)
}

func (s *countingStore) References(ctx context.Context, f policy.ReferenceFilter) ([]*policy.Reference, error) {
	s.reads.Add(1)
	return s.DB.References(ctx, f)
}

func (s *countingStore) ReferencesByID(ctx context.Context, ids []string) ([]*policy.Reference, error) {
	s.reads.Add(1)
	return s.DB.ReferencesByID(ctx, ids)
}

func (s *countingStore) Citations(ctx context.Context, f policy.CitationFilter) ([]*policy.Citation, error) {
	s.reads.Add(1)
	return s.DB.Citations(ctx, f)
}

func (s *countingStore) CrossReferences(ctx context.Context, f policy.CitationFilter) ([]*policy.CrossReference, error) {
	s.reads.Add(1)
	return s.DB.CrossReferences(ctx, f)
}

// TestStoreReads checks that a page reads the store a few times, however
// many provisions, citations and relatives it shows: the reads of one
// GraphQL query are batched. On an idle machine the pages below take 4 to
// 6 reads; a busy one (or the race detector) can split batching windows,
// so the bounds leave room for that and are still far below a read per
// provision or citation: unbatched, the document page (35 provisions, 20
// citations) would read the store over 50 times.
func TestStoreReads(t *testing.T) {
	f := newFixture(t)
	store := &countingStore{DB: f.db}
	h := New(&graph.Resolver{Documents: store, Provisions: store, References: store, Search: f.res.Search}, Options{Logger: quiet})
	for _, tt := range []struct {
		path string
		max  int64
	}{
		{"/", 12},
		{"/documents/" + doc, 24},
		{"/documents/" + doc + "/2.4.1", 12},
		{"/documents/" + doc + "/2", 12},
		{"/references/cybersecurity-strategy-2018", 12},
	} {
		store.reads.Store(0)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d", tt.path, rec.Code)
		}
		t.Logf("GET %s: %d reads", tt.path, store.reads.Load())
		if n := store.reads.Load(); n > tt.max {
			t.Errorf("GET %s read the store %d times, want at most %d", tt.path, n, tt.max)
		}
	}
}
