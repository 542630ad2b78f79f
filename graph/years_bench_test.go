package graph_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/sqlite"
)

// BenchmarkCompareQuery answers compare(from:, to:) for two synthetic
// documents of 250, 500 and 1,000 provisions (corpusgen.SyntheticYears)
// from a store, through the GraphQL executor: reading both documents,
// pairing them, and writing every pair. Each iteration has a new
// resolver, so that no comparison is kept from the one before.
func BenchmarkCompareQuery(b *testing.B) {
	for _, n := range []int{250, 500, 1000} {
		b.Run(fmt.Sprintf("provisions=%d", n), func(b *testing.B) {
			db, err := sqlite.Open(filepath.Join(b.TempDir(), "policykb.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			from, to := corpusgen.SyntheticYears(n, 1)
			ctx := context.Background()
			if err := db.Ingest(ctx, from); err != nil {
				b.Fatal(err)
			}
			if err := db.Ingest(ctx, to); err != nil {
				b.Fatal(err)
			}
			const q = `{ compare(from: "synthetic-fy2020", to: "synthetic-fy2021") { pairs { kind similarity from { id } to { id } } } }`
			b.ReportAllocs()
			for b.Loop() {
				res := &graph.Resolver{Documents: db, Provisions: db, References: db}
				if _, err := graph.Query(ctx, res, q, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
