package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	shipped "github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/cite"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// extracted is the corpus with its citations, as ingest stores it.
func extracted(t *testing.T) *policy.Document {
	t.Helper()
	doc := corpus(t)
	reg, err := cite.LoadRegistry(shipped.Registry())
	if err != nil {
		t.Fatal(err)
	}
	cite.Extract(doc, reg)
	return doc
}

// shortened is doc with only its first n provisions, as another text.
func shortened(doc *policy.Document, n int) *policy.Document {
	d := *doc
	d.Provisions = doc.Provisions[:n]
	d.SHA256 = "shortened"
	// Another text: the store compares texts, not provisions.
	d.Source = strings.Join(strings.SplitAfter(doc.Source, "\n")[:doc.Provisions[n].Line-1], "")
	keep := map[string]bool{}
	for _, p := range d.Provisions {
		keep[p.ID] = true
	}
	d.Citations, d.CrossReferences, d.Terms = nil, nil, nil
	for _, c := range doc.Citations {
		if keep[c.SourceID] {
			d.Citations = append(d.Citations, c)
		}
	}
	return &d
}

func TestVersions(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	doc := extracted(t)
	res, err := db.IngestVersion(ctx, doc, policy.IngestOptions{})
	if err != nil || res.Version != 1 || res.Previous != 0 || res.Unchanged {
		t.Fatalf("first ingest: %+v, %v", res, err)
	}
	// The same bytes again add no version and change nothing.
	g1, _ := db.Generation(ctx)
	res, err = db.IngestVersion(ctx, doc, policy.IngestOptions{})
	if err != nil || !res.Unchanged || res.Version != 1 {
		t.Fatalf("same bytes: %+v, %v", res, err)
	}
	if g, _ := db.Generation(ctx); g != g1 {
		t.Error("same bytes changed the generation")
	}
	// A text that loses provisions is refused, naming them, and changes nothing.
	short := shortened(doc, 5)
	_, err = db.IngestVersion(ctx, short, policy.IngestOptions{})
	var loss *policy.LossError
	if !errors.As(err, &loss) || len(loss.Lost) != 30 || loss.Current != 1 || policy.ErrorCode(err) != policy.EINVALID {
		t.Fatalf("shorter text: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "lacks 30 provisions of version 1") || !strings.Contains(msg, "and 20 more") ||
		!strings.Contains(msg, "２(1)② (2.1.2)") {
		t.Errorf("message: %s", msg)
	}
	if g, _ := db.Generation(ctx); g != g1 {
		t.Error("a refused text changed the generation")
	}
	if ps, _ := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: doc.ID}); len(ps) != 35 {
		t.Errorf("a refused text left %d provisions", len(ps))
	}
	// With Replace it becomes version 2; version 1 stays readable as it was.
	res, err = db.IngestVersion(ctx, short, policy.IngestOptions{Replace: true})
	if err != nil || res.Version != 2 || res.Previous != 1 || len(res.Lost) != 30 {
		t.Fatalf("replace: %+v, %v", res, err)
	}
	if ps, _ := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: doc.ID}); len(ps) != 5 {
		t.Errorf("current version has %d provisions, want 5", len(ps))
	}
	v1, err := db.DocumentVersion(ctx, doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !v1.Historic || v1.Version != 1 || v1.SHA256 != doc.SHA256 || v1.Source != doc.Source {
		t.Errorf("version 1: historic %v, version %d", v1.Historic, v1.Version)
	}
	for _, p := range v1.Provisions {
		if p.Version != 1 {
			t.Fatalf("provision %s of version 1 carries version %d", p.ID, p.Version)
		}
		p.Version = 0
	}
	if !reflect.DeepEqual(v1.Provisions, doc.Provisions) || !reflect.DeepEqual(v1.Citations, doc.Citations) ||
		!reflect.DeepEqual(v1.Terms, doc.Terms) || !reflect.DeepEqual(v1.CrossReferences, doc.CrossReferences) ||
		!reflect.DeepEqual(v1.References, doc.References) {
		t.Error("version 1 does not read as it was stored")
	}
	// A revert adds version 3, equal to version 1; reverting to it again changes nothing.
	res, err = db.Revert(ctx, doc.ID, 1)
	if err != nil || res.Version != 3 || res.Unchanged {
		t.Fatalf("revert: %+v, %v", res, err)
	}
	got, _ := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: doc.ID})
	if !reflect.DeepEqual(got, doc.Provisions) {
		t.Error("after the revert, the current provisions differ from version 1's")
	}
	cs, _ := db.Citations(ctx, policy.CitationFilter{DocumentID: doc.ID})
	if len(cs) != len(doc.Citations) {
		t.Errorf("after the revert, %d citations, want %d", len(cs), len(doc.Citations))
	}
	if res, err = db.Revert(ctx, doc.ID, 1); err != nil || !res.Unchanged || res.Version != 3 {
		t.Errorf("revert to the current text: %+v, %v", res, err)
	}
	if res, err = db.IngestVersion(ctx, doc, policy.IngestOptions{}); err != nil || !res.Unchanged || res.Version != 3 {
		t.Errorf("the current bytes again: %+v, %v", res, err)
	}
	vs, err := db.Versions(ctx, doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, v := range vs {
		nums = append(nums, v.Number)
		if v.Current != (v.Number == 3) {
			t.Errorf("version %d current = %v", v.Number, v.Current)
		}
	}
	if !reflect.DeepEqual(nums, []int{1, 2, 3}) || vs[1].ProvisionCount != 5 || vs[2].Note != "revert to 1" || vs[2].SHA256 != doc.SHA256 {
		t.Errorf("versions %v: %+v", nums, vs[1])
	}
	for _, tt := range []struct {
		doc    string
		number int
	}{{doc.ID, 4}, {doc.ID, 0}, {"nope", 1}} {
		if _, err := db.DocumentVersion(ctx, tt.doc, tt.number); policy.ErrorCode(err) != policy.ENOTFOUND {
			t.Errorf("version %d of %s: %v", tt.number, tt.doc, err)
		}
		if _, err := db.Revert(ctx, tt.doc, tt.number); policy.ErrorCode(err) != policy.ENOTFOUND {
			t.Errorf("revert %s to %d: %v", tt.doc, tt.number, err)
		}
	}
	if _, err := db.Versions(ctx, "nope"); policy.ErrorCode(err) != policy.ENOTFOUND {
		t.Errorf("versions of nope: %v", err)
	}
}

// TestMigrateOldStore builds a store with the migrations of the release
// before versions, fills it as that release did, and opens it: its
// document becomes version 1, exactly as stored.
func TestMigrateOldStore(t *testing.T) {
	ctx := context.Background()
	doc := extracted(t)
	// The rows an ingest writes, from a current store.
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	db, err := sqlite.Open(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ingest(ctx, doc); err != nil {
		t.Fatal(err)
	}
	db.Close()

	old := filepath.Join(t.TempDir(), "policykb.db")
	raw, err := sql.Open("sqlite3", old)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	stmts := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY) STRICT`}
	for _, name := range []string{"migrations/0001_documents.sql", "migrations/0002_references.sql"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, string(b))
	}
	stmts = append(stmts, `INSERT INTO schema_migrations VALUES (1), (2)`, `ATTACH DATABASE '`+fresh+`' AS fresh`,
		`INSERT INTO documents SELECT id, title, fiscal_year, decided_on, decided_by, title_line, title_line_no,
			date_line, date_line_no, decided_by_line, decided_by_line_no, page_count, encoding, source, sha256 FROM fresh.documents`,
		`INSERT INTO provisions SELECT `+provisionColumnsV1+` FROM fresh.provisions`,
		`INSERT INTO refs SELECT * FROM fresh.refs`,
		`INSERT INTO citations SELECT * FROM fresh.citations`,
		`INSERT INTO terms SELECT * FROM fresh.terms`,
		`INSERT INTO cross_references SELECT * FROM fresh.cross_references`,
		`UPDATE meta SET value = '7' WHERE key = 'generation'`,
		`DETACH DATABASE fresh`)
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%v: %s", err, s)
		}
	}
	raw.Close()

	db, err = sqlite.Open(old)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	vs, err := db.Versions(ctx, doc.ID)
	if err != nil || len(vs) != 1 || vs[0].Number != 1 || !vs[0].Current || vs[0].SHA256 != doc.SHA256 || vs[0].ProvisionCount != 35 {
		t.Fatalf("versions after migration: %+v, %v", vs, err)
	}
	v1, err := db.DocumentVersion(ctx, doc.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v1.Historic || !reflect.DeepEqual(v1.Provisions, doc.Provisions) || !reflect.DeepEqual(v1.Citations, doc.Citations) ||
		!reflect.DeepEqual(v1.Terms, doc.Terms) || !reflect.DeepEqual(v1.CrossReferences, doc.CrossReferences) ||
		v1.Source != doc.Source || len(v1.References) != len(doc.References) {
		t.Error("version 1 of the migrated store differs from the document stored")
	}
	docs, _ := db.Documents(ctx)
	if len(docs) != 1 || docs[0].Version != 1 {
		t.Errorf("documents after migration: %+v", docs)
	}
	// The log of changes starts at the generation of the migration: what
	// changed before it is not known.
	if ch, err := db.Changes(ctx, 7); err != nil || !ch.Complete || ch.Generation != 7 || len(ch.Documents) != 0 {
		t.Errorf("changes since the migration: %+v, %v", ch, err)
	}
	if ch, err := db.Changes(ctx, 6); err != nil || ch.Complete {
		t.Errorf("changes since before the migration: %+v, %v; want incomplete", ch, err)
	}
	// The same text in other bytes adds no version to the migrated store;
	// a changed word does (below, a shorter text).
	other := *doc
	other.Source = "\uFEFF" + strings.ReplaceAll(doc.Source, "\n", "\r\n")
	other.SHA256, other.Encoding = "other bytes", "Shift_JIS"
	res, err := db.IngestVersion(ctx, &other, policy.IngestOptions{})
	if want := "in Shift_JIS, not UTF-8; with CRLF line breaks, not LF"; err != nil || !res.Unchanged || res.Version != 1 || res.Unlike != want {
		t.Errorf("the same text in other bytes: %+v, %v; want unchanged, version 1, %q", res, err, want)
	}
	changed := other
	changed.Source = strings.Replace(other.Source, "人材", "人財", 1)
	if res, err := db.IngestVersion(ctx, &changed, policy.IngestOptions{Replace: true, Note: "changed"}); err != nil || res.Unchanged || res.Version != 2 {
		t.Errorf("a changed word: %+v, %v; want version 2", res, err)
	}
	if res, err := db.Revert(ctx, doc.ID, 1); err != nil || res.Version != 3 {
		t.Fatalf("revert: %+v, %v", res, err)
	}

	// The migrated store goes on: a shorter text is refused, a revert works.
	if _, err := db.IngestVersion(ctx, shortened(doc, 3), policy.IngestOptions{}); policy.ErrorCode(err) != policy.EINVALID {
		t.Errorf("shorter text into the migrated store: %v", err)
	}
	if res, err := db.IngestVersion(ctx, shortened(doc, 3), policy.IngestOptions{Replace: true}); err != nil || res.Version != 4 {
		t.Fatalf("replace: %+v, %v", res, err)
	}
	if res, err := db.Revert(ctx, doc.ID, 1); err != nil || res.Version != 5 {
		t.Fatalf("revert: %+v, %v", res, err)
	}
	got, _ := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: doc.ID})
	if !reflect.DeepEqual(got, doc.Provisions) {
		t.Error("reverted to version 1 of the migrated store, the provisions differ")
	}
}

// TestUnsoundStores opens files that are not sound stores: each is refused
// with a message naming it and the problem, and left exactly as it was.
func TestUnsoundStores(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.db")
	db, err := sqlite.Open(good)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Ingest(context.Background(), corpus(t)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	whole, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	garbled := append([]byte{}, whole...)
	for i := 4096; i < len(garbled) && i < 4096*8; i++ {
		garbled[i] ^= 0x5a
	}
	other := filepath.Join(t.TempDir(), "other.db")
	odb, _ := sql.Open("sqlite3", other)
	if _, err := odb.Exec(`CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)`); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	otherBytes, _ := os.ReadFile(other)

	newer := filepath.Join(t.TempDir(), "newer.db")
	ndb, _ := sql.Open("sqlite3", newer)
	if _, err := ndb.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY) STRICT;
		INSERT INTO schema_migrations VALUES (1), (2), (3), (99)`); err != nil {
		t.Fatal(err)
	}
	ndb.Close()
	newerBytes, _ := os.ReadFile(newer)

	tests := []struct {
		name string
		data []byte // nil: a directory
		want string
	}{
		{"empty", []byte{}, "is empty (0 bytes)"},
		{"text", []byte("policy text, not a database\n"), "is not an SQLite database"},
		{"cut short", whole[:100], "is damaged"},
		{"truncated", whole[:len(whole)/2], "is damaged"},
		{"garbled pages", garbled, "is damaged"},
		{"another program's", otherBytes, "another program"},
		{"newer schema", newerBytes, "newer policykb (schema 99; this one knows schemas up to 6)"},
		{"directory", nil, "is not a regular file (a directory)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "store\nforged: line.db")
			if tt.data == nil {
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			db, err := sqlite.Open(path)
			if err == nil {
				db.Close()
				t.Fatal("opened")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || !strings.Contains(msg, `store\nforged: line.db`) {
				t.Errorf("message %q, want %q with the name quoted", msg, tt.want)
			}
			if tt.data != nil {
				after, err := os.ReadFile(path)
				if err != nil || string(after) != string(tt.data) {
					t.Error("the refused file was changed")
				}
			}
			for _, suffix := range []string{"-wal", "-shm", "-journal"} {
				if _, err := os.Stat(path + suffix); err == nil {
					t.Errorf("left %s", suffix)
				}
			}
		})
	}
}

// TestBackup copies a store and opens the copy: it holds the same.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	doc := extracted(t)
	if _, err := db.IngestVersion(ctx, doc, policy.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IngestVersion(ctx, shortened(doc, 4), policy.IngestOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dest := filepath.Join(dir, "copy.db")
	if err := db.Backup(ctx, dest, false); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, dest, false); err == nil || !strings.Contains(err.Error(), "exists; give --force") {
		t.Errorf("backup over an existing file: %v", err)
	}
	if err := db.Backup(ctx, db.Path(), true); err == nil || !strings.Contains(err.Error(), "the store itself") {
		t.Errorf("backup over the store: %v", err)
	}
	for _, name := range []string{db.Path() + "-wal", db.Path() + "-journal"} {
		if err := db.Backup(ctx, name, true); err == nil || !strings.Contains(err.Error(), "the store itself or one of its files") {
			t.Errorf("backup over %s: %v", name, err)
		}
	}
	if err := db.Backup(ctx, dir, true); err == nil || !strings.Contains(err.Error(), "a directory") {
		t.Errorf("backup over a directory: %v", err)
	}
	if err := db.Backup(ctx, dest, true); err != nil {
		t.Errorf("backup with overwrite: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("backup left %d files in its directory", len(entries))
	}
	cp, err := sqlite.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	vs, err := cp.Versions(ctx, doc.ID)
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions in the copy: %v", err)
	}
	got, _ := cp.Provisions(ctx, policy.ProvisionFilter{})
	if len(got) != 4 {
		t.Errorf("copy holds %d provisions, want 4", len(got))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.Backup(cancelled, filepath.Join(dir, "never.db"), false); err == nil {
		t.Error("a cancelled backup succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "never.db")); err == nil {
		t.Error("a cancelled backup left its file")
	}
}

// TestRebuilt stores documents built by a program: the same document again
// adds no version, a changed one with the same source bytes adds one.
func TestRebuilt(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	doc := extracted(t)
	for range 2 {
		if err := db.Ingest(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	changed := *doc
	changed.Title = "changed"
	if err := db.Ingest(ctx, &changed); err != nil {
		t.Fatal(err)
	}
	vs, err := db.Versions(ctx, doc.ID)
	if err != nil || len(vs) != 2 {
		t.Fatalf("%d versions, want 2: %v", len(vs), err)
	}
	// A parsed text with the same bytes adds none, whatever it holds.
	if res, err := db.IngestVersion(ctx, doc, policy.IngestOptions{}); err != nil || !res.Unchanged {
		t.Errorf("same bytes: %+v, %v", res, err)
	}
}
