// Package testfixture sets up what the tests of several packages share:
// stores holding the embedded corpus and more (the made-up later years of
// the policy, files, documents), the expected files of internal/corpusgen,
// a buffer read while it is written, and (on Linux) file systems that are
// read-only or full. It is imported by tests only.
package testfixture

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
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

// StoreWith returns Store holding also docs, stored as they are.
func StoreWith(t testing.TB, docs ...*policy.Document) *sqlite.DB {
	t.Helper()
	db := Store(t)
	for _, d := range docs {
		if err := db.Ingest(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// StoreFiles returns Store holding also the files given (path → ingest
// options), ingested in the order of their paths as IngestFiles does.
func StoreFiles(t testing.TB, files map[string]ingest.Options) *sqlite.DB {
	t.Helper()
	db, in := Ingester(t)
	IngestFiles(t, in, files)
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

// IngestSeries ingests with in the made-up later years of the policy
// (corpusgen.Series), one document after another.
func IngestSeries(t testing.TB, in *ingest.Ingester) {
	t.Helper()
	files, err := corpusgen.Series()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := in.Ingest(context.Background(), f.Name, f.Data, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
}

// IngestFiles ingests with in the files given (path → ingest options), in
// the order of their paths.
func IngestFiles(t testing.TB, in *ingest.Ingester, files map[string]ingest.Options) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if _, err := in.File(context.Background(), name, files[name]); err != nil {
			t.Fatal(err)
		}
	}
}

// ExpectedLines reads an expected file (of internal/corpusgen's testdata):
// its lines but for comments, which start with #.
func ExpectedLines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
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
