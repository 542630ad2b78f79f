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
	return db, openIndex(t, path, db)
}

// openIndex opens the index of store at path ("" for one in memory),
// closed when the test ends if not before.
func openIndex(t testing.TB, path string, store Store) *Index {
	t.Helper()
	x, err := Open(context.Background(), path, store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// wantHits checks that q finds want provisions in x; when says when, for
// the message.
func wantHits(t testing.TB, x *Index, q string, want int, when string) {
	t.Helper()
	if n := run(t, x, q).TotalCount; n != want {
		t.Errorf("%s %s: %d hits, want %d", q, when, n, want)
	}
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
