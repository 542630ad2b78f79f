package search

import (
	"context"
	"testing"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/policykb/policykb/internal/testfixture"
)

// corpusIndex returns the store holding the corpus and an index over it.
func corpusIndex(t testing.TB, path string) (*sqlite.DB, *Index) {
	t.Helper()
	db := testfixture.Store(t)
	x, err := Open(context.Background(), path, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return db, x
}

func ids(r *policy.SearchResult) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, h.ProvisionID)
	}
	return out
}

func run(t testing.TB, x *Index, q string) *policy.SearchResult {
	t.Helper()
	r, err := x.Search(context.Background(), policy.SearchQuery{Query: q, First: 100})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return r
}
