package sqlite_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// TestChanges checks the log the search index follows the store by: every
// ingest, replacement and revert that changes a document is logged, an
// unchanged text is not, and the store cannot tell changes from before its
// log, after its generation, or of another store.
func TestChanges(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	doc := extracted(t)
	steps := []struct {
		name string
		do   func() error
		gen  int64
	}{
		{"ingest", func() error { return db.Ingest(ctx, doc) }, 1},
		{"the same text again", func() error { _, err := db.IngestVersion(ctx, doc, policy.IngestOptions{}); return err }, 1},
		{"replace", func() error {
			_, err := db.IngestVersion(ctx, shortened(doc, 3), policy.IngestOptions{Replace: true})
			return err
		}, 2},
		{"revert", func() error { _, err := db.Revert(ctx, doc.ID, 1); return err }, 3},
	}
	first, err := db.Changes(ctx, 0)
	if err != nil || !first.Complete || first.Generation != 0 || len(first.Documents) != 0 || len(first.Store) != 32 {
		t.Fatalf("changes of an empty store: %+v, %v", first, err)
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		ch, err := db.Changes(ctx, 0)
		if err != nil || !ch.Complete || ch.Generation != s.gen || !reflect.DeepEqual(ch.Documents, []string{doc.ID}) || ch.Store != first.Store {
			t.Errorf("%s: changes since 0: %+v, %v; want generation %d, %s", s.name, ch, err, s.gen, doc.ID)
		}
		ch, err = db.Changes(ctx, s.gen)
		if err != nil || !ch.Complete || len(ch.Documents) != 0 {
			t.Errorf("%s: changes since now: %+v, %v; want none", s.name, ch, err)
		}
	}
	for _, since := range []int64{4, 99, -1} {
		if ch, err := db.Changes(ctx, since); err != nil || ch.Complete {
			t.Errorf("changes since %d of a store at 3: %+v, %v; want incomplete", since, ch, err)
		}
	}
	if ch, _ := open(t).Changes(ctx, 0); ch.Store == first.Store {
		t.Errorf("two stores, one identity %q", ch.Store)
	}
}
