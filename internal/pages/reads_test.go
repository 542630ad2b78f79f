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
// 6 reads; a busy one can split a batching window in two, so the bound
// leaves room for that and is still far below a read per provision or
// citation (the document page shows 35 provisions and 21 citations).
func TestStoreReads(t *testing.T) {
	f := newFixture(t)
	store := &countingStore{DB: f.db}
	h := New(&graph.Resolver{Documents: store, Provisions: store, References: store, Search: f.res.Search}, Options{Logger: quiet})
	for _, tt := range []struct {
		path string
		max  int64
	}{
		{"/", 10},
		{"/documents/" + doc, 10},
		{"/documents/" + doc + "/2.4.1", 10},
		{"/documents/" + doc + "/2", 10},
		{"/references/cybersecurity-strategy-2018", 10},
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
