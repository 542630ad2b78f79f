package pages

import (
	"net/http/httptest"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/testfixture"
)

// TestStoreReads checks that a page reads the store a few times, however
// many provisions, citations and relatives it shows: pages read the domain
// services directly, a document's provisions, citations and
// cross-references once per store generation (in the order below, the
// provision pages find their document read by the document page before
// them: no reads at all), the home page's lists once per generation. On an
// idle machine the pages below take 0 to 8 reads; unbatched, the document
// page (35 provisions, 20 citations) would read the store over 50 times.
func TestStoreReads(t *testing.T) {
	f := newFixture(t)
	store := &testfixture.CountingStore{DB: f.db}
	h := New(&graph.Resolver{Documents: store, Provisions: store, References: store, Search: f.res.Search}, Options{Logger: quiet})
	for _, tt := range []struct {
		path string
		max  int64
	}{
		{"/", 6},
		{"/documents/" + doc, 12},
		{"/documents/" + doc + "/2.4.1", 3},
		{"/documents/" + doc + "/2", 3},
		{"/references/cybersecurity-strategy-2018", 6},
	} {
		store.Reads.Store(0)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d", tt.path, rec.Code)
		}
		t.Logf("GET %s: %d reads", tt.path, store.Reads.Load())
		if n := store.Reads.Load(); n > tt.max {
			t.Errorf("GET %s read the store %d times, want at most %d", tt.path, n, tt.max)
		}
	}
}

// TestProvisionPageReads checks that a provision page reads the store at
// most three times once its document has been read in the store's
// generation, and a fixed number of times before, however long the
// document: the page reads the provision's document once per generation,
// not per request, and nothing of it through GraphQL.
func TestProvisionPageReads(t *testing.T) {
	f := newFixture(t)
	store := &testfixture.CountingStore{DB: f.db}
	h := New(&graph.Resolver{Documents: store, Provisions: store, References: store, Search: f.res.Search}, Options{Logger: quiet})
	get := func(path string) int64 {
		t.Helper()
		store.Reads.Store(0)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			t.Fatalf("GET %s = %d", path, rec.Code)
		}
		return store.Reads.Load()
	}
	cold := get("/documents/" + doc + "/2.4.1")
	t.Logf("first provision page of the document: %d reads", cold)
	if cold > 10 {
		t.Errorf("the first provision page read the store %d times, want at most 10", cold)
	}
	for _, local := range []string{"2.4.1", "2", "2.2.3.1", "preamble", "2.1.1"} {
		path := "/documents/" + doc + "/" + local
		if n := get(path); n > 3 {
			t.Errorf("GET %s read the store %d times, want at most 3", path, n)
		}
	}
}
