package search

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// Benchmarks of search latency: the evaluation queries, each run once per
// iteration, on the corpus and on a synthetic corpus of 1,000 generated
// documents plus the real one (35,035 provisions), with the cache of
// results off. Besides ns/op they report the latency percentiles of single
// queries in milliseconds.
//
//	go test -run '^$' -bench Search -benchtime 20x ./internal/search

func BenchmarkSearchCorpus(b *testing.B) {
	_, x := corpusIndex(b, "")
	x.cache = newResultCache(0) // measure searches, not the cache of results
	benchQueries(b, x.Search)
}

func BenchmarkSearchSynthetic1000(b *testing.B) {
	db := synthetic(b)
	x, err := Open(context.Background(), "", db)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	x.cache = newResultCache(0) // measure searches, not the cache of results
	benchQueries(b, x.Search)
}

// The first analysis (kagome words ANDed), for comparison.
func BenchmarkSearchLegacyCorpus(b *testing.B) {
	db, _ := corpusIndex(b, "")
	x, err := OpenWith(context.Background(), "", db, Legacy)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	x.cache = newResultCache(0) // measure searches, not the cache of results
	benchQueries(b, x.Search)
}

func BenchmarkSearchLegacySynthetic1000(b *testing.B) {
	x, err := OpenWith(context.Background(), "", synthetic(b), Legacy)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	x.cache = newResultCache(0) // measure searches, not the cache of results
	benchQueries(b, x.Search)
}

// benchQueries runs the evaluation queries and reports p50 and p99.
func benchQueries(b *testing.B, search func(context.Context, policy.SearchQuery) (*policy.SearchResult, error)) {
	var queries []string
	for _, q := range loadEval(b) {
		queries = append(queries, q.Q)
	}
	ctx := context.Background()
	var lat []time.Duration
	b.ResetTimer()
	for range b.N {
		for _, q := range queries {
			t0 := time.Now()
			if _, err := search(ctx, policy.SearchQuery{Query: q, First: 10}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
	}
	b.StopTimer()
	reportPercentiles(b, lat)
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

func BenchmarkOpenCorpusLegacy(b *testing.B) { benchOpen(b, Legacy) }

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
