package search

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/cputime"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// Benchmarks of search latency: the evaluation queries, each run once per
// iteration, on the corpus and on a synthetic corpus of 1,000 generated
// documents plus the real one (35,035 provisions), with the cache of
// results off. Besides ns/op they report the latency percentiles of single
// queries in milliseconds, and the process's CPU time per iteration.
//
//	go test -run '^$' -bench Search -benchtime 20x ./internal/search

func BenchmarkSearchCorpus(b *testing.B) {
	_, x := corpusIndex(b, b.TempDir())
	x.cache = newResultCache(0) // measure searches, not the cache of results
	benchQueries(b, x.Search)
}

// The synthetic corpus in the index a server keeps in its data directory:
// built by bleve's offline builder, one segment on disk.
func BenchmarkSearchSynthetic1000(b *testing.B) {
	benchSynthetic(b, b.TempDir())
}

// The same in memory (no data directory, or a fallback when the disk
// fails): one segment per batch of 1,000 documents.
func BenchmarkSearchSynthetic1000InMemory(b *testing.B) {
	benchSynthetic(b, "")
}

func benchSynthetic(b *testing.B, path string) {
	benchIndex(b, path, synthetic(b), Morphology)
}

// benchIndex runs the evaluation queries over an index of store with the
// strategy, with the cache of results off: every search is measured.
func benchIndex(b *testing.B, path string, store Store, st Strategy) {
	x, err := OpenWith(context.Background(), path, store, st)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	x.cache = newResultCache(0) // measure searches, not the cache of results
	benchQueries(b, x.Search)
}

// The first analysis (kagome words ANDed), for comparison.
func BenchmarkSearchLegacyCorpus(b *testing.B) {
	skipLegacy(b)
	db, _ := corpusIndex(b, "")
	benchIndex(b, "", db, Legacy)
}

func BenchmarkSearchLegacySynthetic1000(b *testing.B) {
	skipLegacy(b)
	benchIndex(b, "", synthetic(b), Legacy)
}

// benchQueries runs the evaluation queries and reports p50 and p99.
func benchQueries(b *testing.B, search func(context.Context, policy.SearchQuery) (*policy.SearchResult, error)) {
	var queries []string
	for _, q := range loadEval(b) {
		queries = append(queries, q.Q)
	}
	ctx := context.Background()
	var lat []time.Duration
	perQuery := make([][]time.Duration, len(queries))
	cpu0 := cputime.Used()
	b.ResetTimer()
	for range b.N {
		for i, q := range queries {
			t0 := time.Now()
			if _, err := search(ctx, policy.SearchQuery{Query: q, First: 10}); err != nil {
				b.Fatal(err)
			}
			d := time.Since(t0)
			lat = append(lat, d)
			perQuery[i] = append(perQuery[i], d)
		}
	}
	b.StopTimer()
	if cpu := cputime.Used() - cpu0; cpu > 0 {
		// Process CPU time (all threads, GC included): steadier than wall
		// time on a shared machine, and comparable with it at GOMAXPROCS=1.
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	reportPercentiles(b, lat)
	if n, _ := strconv.Atoi(os.Getenv("POLICYKB_BENCH_SLOWEST")); n > 0 {
		logSlowest(b, queries, perQuery, n)
	}
}

// logSlowest logs the n queries with the highest median latency, with
// their maximum: set POLICYKB_BENCH_SLOWEST=n to find what to profile.
func logSlowest(b *testing.B, queries []string, perQuery [][]time.Duration, n int) {
	type row struct {
		q        string
		med, max time.Duration
	}
	var rows []row
	for i, ds := range perQuery {
		sort.Slice(ds, func(a, c int) bool { return ds[a] < ds[c] })
		rows = append(rows, row{queries[i], ds[len(ds)/2], ds[len(ds)-1]})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].med > rows[j].med })
	for _, r := range rows[:min(n, len(rows))] {
		b.Logf("median %8.2f ms  max %8.2f ms  %q", float64(r.med.Microseconds())/1000, float64(r.max.Microseconds())/1000, r.q)
	}
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(float64(len(lat))/float64(b.N), "queries/op")
}

var (
	synthOnce sync.Once
	synthDB   *sqlite.DB
	synthErr  error
)

// synthetic returns a store with the corpus and 1,000 generated documents,
// built once per test binary (ingest takes some seconds).
func synthetic(b *testing.B) *sqlite.DB {
	b.Helper()
	synthOnce.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "policykb-synthetic")
		if err != nil {
			synthErr = err
			return
		}
		if synthDB, synthErr = sqlite.Open(filepath.Join(dir, "policykb.db")); synthErr != nil {
			return
		}
		in, err := ingest.New(synthDB)
		if err != nil {
			synthErr = err
			return
		}
		if _, synthErr = in.Corpus(ctx); synthErr != nil {
			return
		}
		files, err := corpusgen.Generate(1000, 1)
		if err != nil {
			synthErr = err
			return
		}
		for _, f := range files {
			if _, synthErr = in.Bytes(ctx, f.Name, f.Data, parse.Options{ID: f.ID}); synthErr != nil {
				return
			}
		}
	})
	if synthErr != nil {
		b.Fatal(synthErr)
	}
	return synthDB
}

// Building the index of the corpus (the dictionary is loaded already), with
// this analysis and with the first one: what the analysis adds to the time
// a server takes to have its index ready.
func BenchmarkOpenCorpus(b *testing.B) { benchOpen(b, Morphology) }

func BenchmarkOpenCorpusLegacy(b *testing.B) { skipLegacy(b); benchOpen(b, Legacy) }

// skipLegacy skips a measurement of the Legacy strategy where it is not
// built in.
func skipLegacy(tb testing.TB) {
	if !legacyAvailable {
		tb.Skip("the Legacy strategy needs -tags legacy")
	}
}

func benchOpen(b *testing.B, st Strategy) {
	db, _ := corpusIndex(b, "")
	b.ResetTimer()
	for range b.N {
		x, err := OpenWith(context.Background(), "", db, st)
		if err != nil {
			b.Fatal(err)
		}
		x.Close()
	}
}

// Benchmarks of an update: one document changed (a paragraph added to its
// last provision, then taken away again, and so on), and the index
// brought up to date by Sync, which replaces the entries of that document
// alone; only Sync is timed. The index is on disk, as a server keeps it:
// each update copies the published index (hard links to its segments),
// writes one bleve batch, publishes the copy and opens it.
//
//	go test -run '^$' -bench Update -benchtime 20x ./internal/search
func BenchmarkUpdateCorpus(b *testing.B) {
	db, _ := corpusIndex(b, "")
	benchUpdate(b, db, "cs-budget-policy-fy2020", b.TempDir())
}

func BenchmarkUpdateSynthetic1000(b *testing.B) {
	benchUpdate(b, synthetic(b), "synthetic-0001", b.TempDir())
}

// The same in memory: the batch goes into the index searches read, whose
// snapshot they keep reading meanwhile.
func BenchmarkUpdateSynthetic1000InMemory(b *testing.B) {
	benchUpdate(b, synthetic(b), "synthetic-0001", "")
}

func benchUpdate(b *testing.B, db *sqlite.DB, id, path string) {
	ctx := context.Background()
	x, err := Open(ctx, path, db)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	docs, err := db.DocumentsByID(ctx, []string{id})
	if err != nil || len(docs) != 1 {
		b.Fatal(id, err)
	}
	d := docs[0]
	provs, err := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: id})
	if err != nil {
		b.Fatal(err)
	}
	last := provs[len(provs)-1]
	original := append([]string(nil), last.Paragraphs...)
	defer func() {
		last.Paragraphs = original
		d.Provisions = provs
		db.Ingest(ctx, d)
	}()
	var cpu time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		last.Paragraphs = append(append([]string(nil), original...), "追記"+strconv.Itoa(i))
		d.Provisions = provs
		if err := db.Ingest(ctx, d); err != nil {
			b.Fatal(err)
		}
		c0 := cputime.Used()
		b.StartTimer()
		if err := x.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cputime.Used() - c0
	}
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
	r, err := x.Search(ctx, policy.SearchQuery{Query: "追記" + strconv.Itoa(b.N-1), First: 10})
	if err != nil || r.TotalCount != 1 {
		b.Fatalf("the last update is not found: %v, %+v", err, r)
	}
}
