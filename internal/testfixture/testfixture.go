// Package testfixture sets up what the tests of several packages share: a
// store holding the embedded corpus. It is imported by tests only.
package testfixture

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/sqlite"
)

// Store returns a new store in a temporary directory of the test, holding
// the embedded corpus, as 'policykb serve' creates one in an empty data
// directory. It is closed when the test ends.
func Store(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "policykb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	in, err := ingest.New(db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Corpus(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// Ingester returns Store and an ingester into it.
func Ingester(t testing.TB) (*sqlite.DB, *ingest.Ingester) {
	t.Helper()
	db := Store(t)
	in, err := ingest.New(db)
	if err != nil {
		t.Fatal(err)
	}
	return db, in
}

// Index returns what open makes of store in memory (path ""), closed when
// the test ends: testfixture.Index(t, search.Store(db), search.Open). The
// search package's own tests use this package too, so it takes open rather
// than importing the search package.
func Index[S any, X interface{ Close() error }](t testing.TB, store S, open func(context.Context, string, S) (X, error)) X {
	t.Helper()
	x, err := open(context.Background(), "", store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}
