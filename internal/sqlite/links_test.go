package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// TestNamedReferences names references for documents at ingest: the names
// are kept, moved by a later ingest that names the reference for another
// document, and recorded by an ingest of the same text too, which then
// changes the store's generation.
func TestNamedReferences(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	doc := corpus(t)
	if _, err := db.IngestVersion(ctx, doc, policy.IngestOptions{References: []string{"ref:a", "ref:b"}}); err != nil {
		t.Fatal(err)
	}
	other := corpus(t)
	other.ID = "other"
	for _, p := range other.Provisions {
		p.DocumentID = "other"
		p.ID = "other:" + p.ID[len(doc.ID)+1:]
		if p.ParentID != "" {
			p.ParentID = "other:" + p.ParentID[len(doc.ID)+1:]
		}
	}
	other.Citations, other.Terms, other.CrossReferences, other.References = nil, nil, nil, nil
	if _, err := db.IngestVersion(ctx, other, policy.IngestOptions{References: []string{"ref:b"}}); err != nil {
		t.Fatal(err)
	}
	named, err := db.NamedReferences(ctx)
	if err != nil || len(named) != 2 || named["ref:a"] != doc.ID || named["ref:b"] != "other" {
		t.Errorf("named: %v %v", named, err)
	}
	before, _ := db.Generation(ctx)
	res, err := db.IngestVersion(ctx, doc, policy.IngestOptions{References: []string{"ref:b"}})
	if err != nil || !res.Unchanged {
		t.Fatalf("the same text again: %+v %v", res, err)
	}
	if named, _ := db.NamedReferences(ctx); named["ref:b"] != doc.ID {
		t.Errorf("the same text, named again: %v", named)
	}
	if after, _ := db.Generation(ctx); after == before {
		t.Errorf("the generation did not change")
	}
}

// TestMigrationKeepsStores opens a store of schema 4, made before
// references could be named: it is migrated, reads as before, and has no
// named references.
func TestMigrationKeepsStores(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "policykb.db")
	db := ingestedAt(t, path)
	want, _ := db.Provisions(ctx, policy.ProvisionFilter{})
	db.Close()
	// Back to schema 4.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, raw, `DROP TABLE reference_documents`, `DELETE FROM schema_migrations WHERE version = 5`)
	raw.Close()
	db = openAt(t, path)
	defer db.Close()
	got, err := db.Provisions(ctx, policy.ProvisionFilter{})
	if err != nil || len(got) != len(want) || len(got) == 0 {
		t.Fatalf("after the migration: %d provisions, want %d (%v)", len(got), len(want), err)
	}
	if named, err := db.NamedReferences(ctx); err != nil || len(named) != 0 {
		t.Errorf("named references of an old store: %v %v", named, err)
	}
}
