package pages

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// TestModelHoldsBounded reads every document of a store through the read
// model with room for about two of them: what it holds stays within the
// bound, and every page is still served from what it reads.
func TestModelHoldsBounded(t *testing.T) {
	f := newFamilyFixture(t, 5)
	h := New(f.res, Options{Logger: quiet})
	ctx := context.Background()
	docs, err := f.db.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first, err := h.model.document(ctx, docs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	saved := maxHeld
	maxHeld = first.size() * 5 / 2 // room for about two documents
	t.Cleanup(func() { maxHeld = saved })
	for range 2 {
		for _, d := range docs {
			dm, err := h.model.document(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(dm.provs) == 0 || dm.doc.ID != d.ID {
				t.Fatalf("%s read as %s with %d provisions", d.ID, dm.doc.ID, len(dm.provs))
			}
			g, err := h.model.generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			g.mu.Lock()
			held, n := g.held, len(g.docs)
			g.mu.Unlock()
			if held > maxHeld || n > 3 {
				t.Errorf("after %s the model holds %d documents, %d provisions; want at most %d", d.ID, n, held, maxHeld)
			}
		}
	}
	id := policy.ProvisionID(docs[0].ID, []int{1})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", provisionPath(id), nil))
	if rec.Code != http.StatusOK {
		t.Errorf("the page of %s after the model was emptied: %d %.200s", id, rec.Code, rec.Body)
	}
}
