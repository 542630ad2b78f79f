package sqlite_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/policytest"
)

// provisionColumnsV1 are the columns of provisions in schemas 1 to 3.
const provisionColumnsV1 = `id, document_id, parent_id, seq, kind, number, label, label_key, short_key, marker, heading,
	paragraphs, pages, line, heading_line, paragraph_lines`

// documentColumnsV3 are the columns of documents in schema 3.
const documentColumnsV3 = `id, title, fiscal_year, decided_on, decided_by, title_line, title_line_no,
	date_line, date_line_no, decided_by_line, decided_by_line_no, page_count, encoding, source, sha256, version`

// levelless rewrites a snapshot as the release of schema 3 wrote it:
// without the levels of its provisions.
func levelless(t *testing.T, snap []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(snap))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	ps, _ := d["Provisions"].([]any)
	for _, p := range ps {
		delete(p.(map[string]any), "Level")
	}
	if _, ok := d["Partial"]; ok {
		t.Fatal("a snapshot of the FY2020 policy says Partial")
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(d); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// TestMigrateSchema3 builds a store of schema 3 with three versions of a
// document, as the release before levels filled it, and opens it: every
// version reads back exactly as before, with levels filled; citations,
// terms and cross-references survive the rebuild of provisions; foreign
// keys hold and are enforced; and the store takes documents of any depth.
func TestMigrateSchema3(t *testing.T) {
	ctx := context.Background()
	doc := extracted(t)
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	db := openAt(t, fresh)
	if _, err := db.IngestVersion(ctx, doc, policy.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.IngestVersion(ctx, shortened(doc, 20), policy.IngestOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Revert(ctx, doc.ID, 1); err != nil {
		t.Fatal(err)
	}
	var want []*policy.Document
	for n := 1; n <= 3; n++ {
		d, err := db.DocumentVersion(ctx, doc.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, d)
	}
	wantVersions, _ := db.Versions(ctx, doc.ID)
	wantCurrent, _ := db.Provisions(ctx, policy.ProvisionFilter{})
	wantCitations, _ := db.Citations(ctx, policy.CitationFilter{})
	wantXrefs, _ := db.CrossReferences(ctx, policy.CitationFilter{})
	wantTerms, _ := db.Terms(ctx, "")
	db.Close()
	if len(wantCitations) == 0 || len(wantXrefs) == 0 || len(wantTerms) == 0 {
		t.Fatal("the document cites nothing: the test would show nothing")
	}

	old := filepath.Join(t.TempDir(), "policykb.db")
	raw := oldStore(t, old, "migrations/0001_documents.sql", "migrations/0002_references.sql", "migrations/0003_versions.sql")
	execAll(t, raw, `INSERT INTO schema_migrations VALUES (1), (2), (3)`, `ATTACH DATABASE '`+fresh+`' AS fresh`,
		`INSERT INTO documents (`+documentColumnsV3+`) SELECT `+documentColumnsV3+` FROM fresh.documents`,
		`INSERT INTO provisions SELECT `+provisionColumnsV1+` FROM fresh.provisions`,
		`INSERT INTO refs SELECT * FROM fresh.refs`,
		`INSERT INTO citations SELECT * FROM fresh.citations`,
		`INSERT INTO terms SELECT * FROM fresh.terms`,
		`INSERT INTO cross_references SELECT * FROM fresh.cross_references`,
		`UPDATE meta SET value = '9' WHERE key = 'generation'`)
	rows, err := raw.Query(`SELECT document_id, number, sha256, ingested_at, provision_count, note, snapshot FROM fresh.document_versions`)
	if err != nil {
		t.Fatal(err)
	}
	type version struct {
		doc      string
		number   int
		sha, at  string
		count    int
		note     string
		snapshot []byte
	}
	var vs []version
	for rows.Next() {
		var v version
		if err := rows.Scan(&v.doc, &v.number, &v.sha, &v.at, &v.count, &v.note, &v.snapshot); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	rows.Close()
	for _, v := range vs {
		if _, err := raw.Exec(`INSERT INTO document_versions VALUES (?, ?, ?, ?, ?, ?, ?)`,
			v.doc, v.number, v.sha, v.at, v.count, v.note, levelless(t, v.snapshot)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(`DETACH DATABASE fresh`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	db = openAt(t, old)
	for n := 1; n <= 3; n++ {
		got, err := db.DocumentVersion(ctx, doc.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, got, want[n-1], "version %d reads otherwise after the migration", n)
		for _, p := range got.Provisions {
			if p.Level != policy.LevelOf(p.ID) || (p.Level == 0) != (p.Kind == policy.KindPreamble) {
				t.Errorf("version %d: %s has level %d", n, p.ID, p.Level)
			}
		}
	}
	if got, _ := db.Versions(ctx, doc.ID); !reflect.DeepEqual(got, wantVersions) {
		t.Errorf("versions after the migration: %+v, want %+v", got, wantVersions)
	}
	if got, _ := db.Provisions(ctx, policy.ProvisionFilter{}); !reflect.DeepEqual(got, wantCurrent) {
		t.Error("the current provisions differ after the migration")
	}
	if got, _ := db.Citations(ctx, policy.CitationFilter{}); !reflect.DeepEqual(got, wantCitations) {
		t.Errorf("%d citations after the migration, want %d", len(got), len(wantCitations))
	}
	if got, _ := db.CrossReferences(ctx, policy.CitationFilter{}); !reflect.DeepEqual(got, wantXrefs) {
		t.Errorf("%d cross-references after the migration, want %d", len(got), len(wantXrefs))
	}
	if got, _ := db.Terms(ctx, ""); !reflect.DeepEqual(got, wantTerms) {
		t.Errorf("%d terms after the migration, want %d", len(got), len(wantTerms))
	}
	if g, _ := db.Generation(ctx); g != 9 {
		t.Errorf("generation %d after the migration, want 9", g)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	// The migrated store goes on: a document of seven levels, and a new
	// version that replaces the rows of the current one (which needs the
	// foreign keys' cascades).
	deep := policytest.Deep("deep", 7)
	if err := db.Ingest(ctx, deep); err != nil {
		t.Fatalf("a document of seven levels into the migrated store: %v", err)
	}
	if res, err := db.IngestVersion(ctx, shortened(doc, 3), policy.IngestOptions{Replace: true}); err != nil || res.Version != 4 {
		t.Fatalf("a new version in the migrated store: %+v, %v", res, err)
	}
	if got, _ := db.Citations(ctx, policy.CitationFilter{DocumentID: doc.ID}); len(got) != len(shortened(doc, 3).Citations) {
		t.Errorf("%d citations after the new version, want %d", len(got), len(shortened(doc, 3).Citations))
	}
	db.Close()

	// The rows as stored: levels computed from the IDs, foreign keys that
	// hold and refer to the new table.
	raw, err = sql.Open("sqlite3", "file:"+old+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	levels, err := raw.Query(`SELECT id, kind, level, notes FROM provisions`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for levels.Next() {
		var id, kind, notes string
		var level int
		if err := levels.Scan(&id, &kind, &level, &notes); err != nil {
			t.Fatal(err)
		}
		if level != policy.LevelOf(id) || policy.Kind(kind) != policy.KindAt(level) {
			t.Errorf("stored %s: kind %s, level %d", id, kind, level)
		}
		if want := "[]"; id != "deep:1.1.1.1.1.1.1" && notes != want {
			t.Errorf("stored %s: notes %s", id, notes)
		}
		n++
	}
	levels.Close()
	if n != 3+len(deep.Provisions) {
		t.Errorf("%d provisions stored", n)
	}
	var problems int
	if err := raw.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&problems); err != nil || problems != 0 {
		t.Errorf("foreign key check: %d problems, %v", problems, err)
	}
	if _, err := raw.Exec(`INSERT INTO cross_references VALUES ('deep', 99, 'deep:9', 'deep:1', 'x', 0, 1)`); err == nil {
		t.Error("a cross-reference from a provision that does not exist was stored")
	}
	var before int
	raw.QueryRow(`SELECT count(*) FROM citations WHERE source_id = ?`, doc.ID+":1").Scan(&before)
	if before == 0 {
		t.Fatal("section １ cites nothing: the test would show nothing")
	}
	if _, err := raw.Exec(`DELETE FROM provisions WHERE id = ?`, doc.ID+":1"); err != nil {
		t.Fatal(err)
	}
	var left int
	raw.QueryRow(`SELECT count(*) FROM citations WHERE source_id = ?`, doc.ID+":1").Scan(&left)
	if left != 0 {
		t.Errorf("deleting a provision left its %d citations", left)
	}
}

// TestDeepDocument stores a document of seven levels, an excerpt with
// footnotes, beside the FY2020 policy: it reads back exactly, as current
// and as a version, and its provisions are found by kind (POINT for
// levels 5 to 7), by label and by place.
func TestDeepDocument(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	if err := db.Ingest(ctx, corpus(t)); err != nil {
		t.Fatal(err)
	}
	deep := policytest.Deep("deep-doc", 7)
	deep.Partial = true
	if err := db.Ingest(ctx, deep); err != nil {
		t.Fatal(err)
	}
	got, err := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: deep.ID})
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, got, deep.Provisions, "stored provisions differ")
	last := got[7]
	if last.ID != "deep-doc:1.1.1.1.1.1.1" || last.Level != 7 || last.Kind != policy.KindPoint || len(last.Notes) != 2 ||
		last.Notes[1] != (policy.Note{Marker: "※2", Text: "二つ目の脚注：出典 <https://example.org/?a=1&b=2>。", Line: 17, Ref: 12}) {
		t.Errorf("deepest provision: %+v", last)
	}
	docs, _ := db.Documents(ctx)
	if len(docs) != 2 || docs[0].ID != "cs-budget-policy-fy2020" || docs[0].Partial || docs[1].ID != deep.ID || !docs[1].Partial {
		t.Errorf("documents: %+v, %+v", docs[0], docs[1])
	}
	v1, err := db.DocumentVersion(ctx, deep.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !v1.Partial || !reflect.DeepEqual(v1.Provisions, deep.Provisions) || v1.Source != deep.Source {
		t.Error("version 1 of the deep document reads otherwise")
	}
	// The same document again adds no version.
	if err := db.Ingest(ctx, deep); err != nil {
		t.Fatal(err)
	}
	if vs, _ := db.Versions(ctx, deep.ID); len(vs) != 1 {
		t.Errorf("%d versions after the same document again", len(vs))
	}
	for _, tt := range []struct {
		name string
		f    policy.ProvisionFilter
		want []string
	}{
		{"points", policy.ProvisionFilter{Kind: policy.KindPoint},
			[]string{"deep-doc:1.1.1.1.1", "deep-doc:1.1.1.1.1.1", "deep-doc:1.1.1.1.1.1.1", "deep-doc:1.1.1.1.1.1.2"}},
		{"sub-items", policy.ProvisionFilter{DocumentID: deep.ID, Kind: policy.KindSubItem}, []string{"deep-doc:1.1.1.1"}},
		{"under level 5", policy.ProvisionFilter{Under: "deep-doc:1.1.1.1.1"},
			[]string{"deep-doc:1.1.1.1.1.1", "deep-doc:1.1.1.1.1.1.1", "deep-doc:1.1.1.1.1.1.2"}},
		{"children of level 6", policy.ProvisionFilter{ParentIDs: []string{"deep-doc:1.1.1.1.1.1"}},
			[]string{"deep-doc:1.1.1.1.1.1.1", "deep-doc:1.1.1.1.1.1.2"}},
	} {
		got, err := db.Provisions(ctx, tt.f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ids(got), tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, ids(got), tt.want)
		}
	}
	for _, l := range []string{"第１1.(1)①ア(ア)a", "第1 1. (1) ① ア （ア） a"} {
		got, err := db.ProvisionsByLabel(ctx, deep.ID, l)
		if err != nil || len(got) != 1 || got[0].ID != "deep-doc:1.1.1.1.1.1.1" {
			t.Errorf("label %q: %v, %v", l, ids(got), err)
		}
	}
}

// TestLevelsNotGiven stores provisions whose level the parser left out:
// each is stored and read at the level its ID gives.
func TestLevelsNotGiven(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	deep := policytest.Deep("deep", 6)
	for _, p := range deep.Provisions {
		p.Level = 0
	}
	if err := db.Ingest(ctx, deep); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Provisions(ctx, policy.ProvisionFilter{})
	v1, _ := db.DocumentVersion(ctx, deep.ID, 1)
	for i, p := range got {
		if p.Level != policy.LevelOf(p.ID) || v1.Provisions[i].Level != p.Level {
			t.Errorf("%s: level %d, in version 1 %d", p.ID, p.Level, v1.Provisions[i].Level)
		}
	}
}
