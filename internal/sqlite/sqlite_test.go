package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/policykb/policykb/internal/testfixture/parsed"
)

func corpus(t testing.TB) *policy.Document { return parsed.Corpus(t) }

// ingested returns a new store holding the parsed corpus, and the document.
func ingested(t testing.TB) (*sqlite.DB, *policy.Document) {
	t.Helper()
	db, doc := open(t), corpus(t)
	if err := db.Ingest(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	return db, doc
}

// open returns a new store, closed at the end of the test.
func open(t testing.TB) *sqlite.DB {
	t.Helper()
	db := openAt(t, filepath.Join(t.TempDir(), "data", "policykb.db"))
	t.Cleanup(func() { db.Close() })
	return db
}

// openAt opens the store at path, which the caller closes.
func openAt(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// ingestedAt opens the store at path and ingests the parsed corpus into
// it; the caller closes it.
func ingestedAt(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db := openAt(t, path)
	if err := db.Ingest(context.Background(), corpus(t)); err != nil {
		t.Fatal(err)
	}
	return db
}

// sameJSON fails the test unless got deeply equals want, saying what the
// format and args say, then both as JSON (cut at 2000 bytes).
func sameJSON(t *testing.T, got, want any, format string, args ...any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		t.Errorf("%s:\n%.2000s\n%.2000s", fmt.Sprintf(format, args...), a, b)
	}
}

// oldStore creates a store at path with only the migrations named (files
// of migrations/), as an earlier release made it, and opens it for SQL
// with one connection; the caller closes it.
func oldStore(t *testing.T, path string, migrations ...string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY) STRICT`}
	for _, name := range migrations {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(b))
	}
	execAll(t, raw, stmts...)
	return raw
}

// execAll executes each of stmts on db, failing the test at the first
// that fails.
func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%v: %s", err, s)
		}
	}
}

func ids(ps []*policy.Provision) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, doc := ingested(t)
	got, err := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: doc.ID})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, doc.Provisions, "stored provisions differ from the parsed ones")
	docs, err := db.Documents(ctx)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents: %v %v", docs, err)
	}
	d := docs[0]
	if d.Title != doc.Title || d.DecidedOn != doc.DecidedOn || d.PageCount != 6 || d.SHA256 != doc.SHA256 || d.FiscalYear != 2020 {
		t.Errorf("document = %+v", d)
	}
	src, err := db.Source(ctx, doc.ID)
	if err != nil || src != doc.Source {
		t.Errorf("source differs: %v", err)
	}
	if _, err := db.Source(ctx, "nope"); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("Source(nope) = %v, want NOT_FOUND", err)
	}
}

func TestFilters(t *testing.T) {
	ctx := context.Background()
	db, doc := ingested(t)
	tests := []struct {
		name string
		f    policy.ProvisionFilter
		want []string
	}{
		{"under 2.4", policy.ProvisionFilter{Under: doc.ID + ":2.4"}, []string{doc.ID + ":2.4.1", doc.ID + ":2.4.2", doc.ID + ":2.4.3"}},
		{"sub-items under 2.2.3", policy.ProvisionFilter{Under: doc.ID + ":2.2.3", Kind: policy.KindSubItem},
			[]string{doc.ID + ":2.2.3.1", doc.ID + ":2.2.3.2", doc.ID + ":2.2.3.3"}},
		{"sections", policy.ProvisionFilter{DocumentID: doc.ID, Kind: policy.KindSection}, []string{doc.ID + ":1", doc.ID + ":2", doc.ID + ":3"}},
		{"children", policy.ProvisionFilter{ParentIDs: []string{doc.ID + ":2.1", doc.ID + ":3"}},
			[]string{doc.ID + ":2.1.1", doc.ID + ":2.1.2", doc.ID + ":2.1.3"}},
		{"no parents", policy.ProvisionFilter{ParentIDs: []string{}}, []string{}},
		{"other document", policy.ProvisionFilter{DocumentID: "other"}, []string{}},
	}
	for _, tt := range tests {
		got, err := db.Provisions(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, ids(got), tt.want)
		}
	}
}

func TestLabels(t *testing.T) {
	ctx := context.Background()
	db, doc := ingested(t)
	tests := []struct{ label, want string }{
		{"(2)③ⅰ", ":2.2.3.1"}, {"２（２）③ⅰ）", ":2.2.3.1"}, {"(2)3i", ":2.2.3.1"}, {"２(2)③ⅰ）", ":2.2.3.1"},
		{"(2)⑤", ":2.2.5"}, {"(4)", ":2.4"}, {"１", ":1"}, {"3", ":3"}, {"前文", ":preamble"}, {"preamble", ":preamble"},
		{"(2)3iii", ":2.2.3.3"}, {"(9)", ""}, {"", ""}, {"(2)③ⅴ", ""},
	}
	for _, tt := range tests {
		for _, docID := range []string{doc.ID, ""} {
			got, err := db.ProvisionsByLabel(ctx, docID, tt.label)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{}
			if tt.want != "" {
				want = []string{doc.ID + tt.want}
			}
			if !reflect.DeepEqual(ids(got), want) {
				t.Errorf("label %q in %q: got %v, want %v", tt.label, docID, ids(got), want)
			}
		}
	}
}

func TestReingestReplaces(t *testing.T) {
	ctx := context.Background()
	db, doc := ingested(t)
	g1, _ := db.Generation(ctx)
	// A shorter version of the same document replaces the first wholly.
	short := *doc
	short.Provisions = doc.Provisions[:5]
	short.SHA256 = "another text"
	if err := db.Ingest(ctx, &short); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: doc.ID})
	if len(got) != 5 {
		t.Errorf("%d provisions after re-ingest, want 5", len(got))
	}
	if g2, _ := db.Generation(ctx); g2 != g1+1 {
		t.Errorf("generation %d → %d, want +1", g1, g2)
	}
}

func TestFailedIngestChangesNothing(t *testing.T) {
	ctx := context.Background()
	db, doc := ingested(t)
	g1, _ := db.Generation(ctx)
	// A document whose last provision repeats an ID fails half-way through.
	bad := *doc
	bad.Title = "changed"
	bad.SHA256 = "another text"
	bad.Provisions = append(append([]*policy.Provision{}, doc.Provisions[:10]...), doc.Provisions[3])
	if err := db.Ingest(ctx, &bad); err == nil {
		t.Fatal("ingest of a document with a repeated ID succeeded")
	}
	docs, _ := db.Documents(ctx)
	got, _ := db.Provisions(ctx, policy.ProvisionFilter{})
	if len(docs) != 1 || docs[0].Title != doc.Title || len(got) != 35 {
		t.Errorf("store changed by a failed ingest: %d documents, title %q, %d provisions", len(docs), docs[0].Title, len(got))
	}
	if g2, _ := db.Generation(ctx); g2 != g1 {
		t.Errorf("generation changed by a failed ingest")
	}
}

// TestReadWhileIngesting reads through the read-only pool while the writer
// replaces the document over and over: every read sees a whole document.
func TestReadWhileIngesting(t *testing.T) {
	ctx := context.Background()
	db, doc := ingested(t)
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for range 20 {
			if err := db.Ingest(ctx, doc); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: doc.ID})
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) != 35 {
					t.Errorf("read %d provisions during an ingest, want 35", len(got))
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "policykb.db")
	ingestedAt(t, path).Close()
	db := openAt(t, path)
	defer db.Close()
	got, err := db.Provisions(ctx, policy.ProvisionFilter{})
	if err != nil || len(got) != 35 {
		t.Fatalf("after reopening: %d provisions, %v", len(got), err)
	}
}
