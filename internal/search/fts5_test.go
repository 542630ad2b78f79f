//go:build sqlite_fts5

package search

// The peer a user might pick instead of this package: SQLite FTS5 with the
// trigram tokenizer, over the same provisions, with the same evaluation
// queries. It needs SQLite built with FTS5:
//
//	go test -tags sqlite_fts5 -run FTS5 -bench FTS5 -benchtime 20x ./internal/search

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/policykb/policykb/internal/policy"
)

// fts5 is a trigram index of the provisions' text, NFKC-folded and in lower
// case as this package folds it, so that widths are no handicap.
type fts5 struct{ db *sql.DB }

func newFTS5(t testing.TB, store Store) *fts5 {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(t.TempDir(), "fts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, text, tokenize = 'trigram')`); err != nil {
		t.Fatal(err)
	}
	provs, err := store.Provisions(context.Background(), policy.ProvisionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := db.Begin()
	for _, p := range provs {
		if _, err := tx.Exec(`INSERT INTO p (id, text) VALUES (?, ?)`, p.ID, foldKey(p.Text())); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return &fts5{db: db}
}

// search translates the query language: words ANDed as quoted strings, OR,
// NOT for -word. Trigram MATCH cannot find strings shorter than three
// characters; those queries fall back to LIKE, a full scan.
func (f *fts5) search(q string) ([]string, int, error) {
	var parts, likes []string
	short := false
	var args []any
	for _, w := range strings.Fields(q) {
		switch {
		case w == "OR":
			parts = append(parts, "OR")
		case strings.HasPrefix(w, "-"):
			parts = append(parts, `NOT "`+foldKey(strings.Trim(w[1:], `"`))+`"`)
		default:
			w = foldKey(strings.Trim(w, `"`))
			if len([]rune(w)) < 3 {
				short = true
			}
			parts = append(parts, `"`+w+`"`)
			likes = append(likes, "text LIKE ?")
			args = append(args, "%"+w+"%")
		}
	}
	var rows *sql.Rows
	var err error
	if short {
		rows, err = f.db.Query(`SELECT id FROM p WHERE `+strings.Join(likes, " AND "), args...)
	} else {
		rows, err = f.db.Query(`SELECT id FROM p WHERE p MATCH ? ORDER BY bm25(p)`, strings.Join(parts, " "))
	}
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	total := len(ids)
	if len(ids) > 10 {
		ids = ids[:10]
	}
	return ids, total, rows.Err()
}

// fts5Recorded is what BENCHMARKS.md records of FTS5 trigram on the
// evaluation set, with the room the test leaves: the figures do not depend
// on the machine, so they move only when the set, the folding or the peer
// changes, and then BENCHMARKS.md must be measured again.
var fts5Recorded = struct {
	recall, mrr  [2]float64 // least and most
	trapHits     [2]int
	nonsenseHits int
}{
	recall:   [2]float64{0.397 - 0.005, 0.397 + 0.005},
	mrr:      [2]float64{0.407 - 0.005, 0.407 + 0.005},
	trapHits: [2]int{32, 32},
}

// TestFTS5Eval measures SQLite FTS5 trigram on the evaluation set: it fails
// where its figures leave the range BENCHMARKS.md records, or where it
// comes near this package's analysis.
func TestFTS5Eval(t *testing.T) {
	db, x := corpusIndex(t, "")
	f := newFTS5(t, db)
	queries := loadEval(t)
	s := evaluate(t, queries, func(q string) ([]string, int) {
		ids, total, err := f.search(q)
		if err != nil {
			t.Logf("%q: %v", q, err)
		}
		return ids, total
	})
	m := evaluate(t, queries, indexSearch(t, x))
	t.Logf("FTS5 trigram: recall@10 %.3f, MRR %.3f, trap hits %d, nonsense hits %d, misses %q", s.recall, s.mrr, s.trapHits, s.nonsenseHits, s.misses)
	t.Logf("this package: recall@10 %.3f, MRR %.3f, trap hits %d, nonsense hits %d", m.recall, m.mrr, m.trapHits, m.nonsenseHits)
	for _, kind := range slices.Sorted(maps.Keys(s.byKind)) {
		k := s.byKind[kind]
		t.Logf("  FTS5 %-12s %3d: recall@10 %.3f, MRR %.3f, hits of traps %d", kind, k.n, k.recall/float64(k.n), k.mrr/float64(k.n), k.hits)
	}
	r := fts5Recorded
	if s.recall < r.recall[0] || s.recall > r.recall[1] || s.mrr < r.mrr[0] || s.mrr > r.mrr[1] ||
		s.trapHits < r.trapHits[0] || s.trapHits > r.trapHits[1] || s.nonsenseHits != r.nonsenseHits {
		t.Errorf("FTS5 trigram: recall@10 %.3f, MRR %.3f, trap hits %d, nonsense hits %d; BENCHMARKS.md records recall@10 %.3f–%.3f, MRR %.3f–%.3f, trap hits %d–%d, nonsense hits %d: measure again and update both",
			s.recall, s.mrr, s.trapHits, s.nonsenseHits, r.recall[0], r.recall[1], r.mrr[0], r.mrr[1], r.trapHits[0], r.trapHits[1], r.nonsenseHits)
	}
	if s.recall >= m.recall || s.mrr >= m.mrr {
		t.Errorf("FTS5 trigram (recall@10 %.3f, MRR %.3f) is as good as this package (%.3f, %.3f): measure the choice again", s.recall, s.mrr, m.recall, m.mrr)
	}
}

func BenchmarkFTS5Corpus(b *testing.B) {
	db, _ := corpusIndex(b, "")
	benchFTS5(b, newFTS5(b, db))
}

func BenchmarkFTS5Synthetic1000(b *testing.B) {
	benchFTS5(b, newFTS5(b, synthetic(b)))
}

func benchFTS5(b *testing.B, f *fts5) {
	var lat []time.Duration
	queries := loadEval(b)
	b.ResetTimer()
	for range b.N {
		for _, q := range queries {
			t0 := time.Now()
			f.search(q.Q)
			lat = append(lat, time.Since(t0))
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat)
}
