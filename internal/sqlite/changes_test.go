package sqlite_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
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

// TestGenerationSeesOtherWriters checks that the generation a store keeps
// in memory moves on at once when another process (here another handle on
// the same file) writes the store, as when it writes itself, and that
// reading it again without a change gives the same number.
func TestGenerationSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "policykb.db")
	server, writer := openAt(t, path), openAt(t, path)
	defer server.Close()
	defer writer.Close()
	gen := func(db *sqlite.DB) int64 {
		t.Helper()
		g, err := db.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	if g := gen(server); g != 0 || gen(server) != 0 {
		t.Fatalf("generation of an empty store: %d", g)
	}
	doc := extracted(t)
	if err := writer.Ingest(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if g := gen(server); g != 1 {
		t.Errorf("after another handle's ingest: generation %d, want 1", g)
	}
	if _, err := server.IngestVersion(ctx, shortened(doc, 3), policy.IngestOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if g, w := gen(server), gen(writer); g != 2 || w != 2 {
		t.Errorf("after its own ingest: generation %d (other handle %d), want 2", g, w)
	}
	for range 3 {
		if g := gen(server); g != 2 {
			t.Errorf("read again: generation %d, want 2", g)
		}
	}
}
