package search

import (
	"context"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/testfixture"
)

// TestNotesFound: a word that stands only in a footnote finds the
// provision whose text holds the note's marker, and its highlights are
// still fragments of the provision's text.
func TestNotesFound(t *testing.T) {
	ctx := context.Background()
	db, in := testfixture.Ingester(t)
	text := "政府機関の監視に関する方針\n１　監視\n政府機関の通信はGSOC1により常時監視される。\n1 Government Security Operation Coordination team\n- 1 -\n"
	if _, err := in.Ingest(ctx, "notes.txt", []byte(text), ingest.Options{ID: "notes"}); err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, "", db)
	r, err := x.Search(ctx, policy.SearchQuery{Query: "Coordination", First: 10})
	if err != nil {
		t.Fatal(err)
	}
	// The policy beside it holds words the thesaurus relates to
	// Coordination (連携); the provision whose note holds it comes first.
	if got := ids(r); len(got) == 0 || got[0] != "notes:1" {
		t.Fatalf("hits %v, want notes:1 first", got)
	}
	for _, h := range r.Hits[0].Highlights {
		if strings.Contains(h, "Coordination") || !strings.Contains(h, "GSOC") {
			t.Errorf("highlight %q is not a fragment of the provision's text", h)
		}
	}
}
