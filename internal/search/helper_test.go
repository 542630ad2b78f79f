package search

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// corpusIndex returns the store holding the corpus and an index over it.
func corpusIndex(t testing.TB, path string) (*sqlite.DB, *Index) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "policykb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	in, err := ingest.New(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Corpus(ctx); err != nil {
		t.Fatal(err)
	}
	x, err := Open(ctx, path, db)
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
