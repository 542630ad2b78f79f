package align_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/policykb/policykb/internal/align"
	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/policy"
)

// synthetic returns the provisions of corpusgen.SyntheticYears.
func synthetic(n int, seed uint64) (from, to []*policy.Provision) {
	a, b := corpusgen.SyntheticYears(n, seed)
	return a.Provisions, b.Provisions
}

// BenchmarkCompare compares two synthetic documents of 250, 500 and 1,000
// provisions (see corpusgen.SyntheticYears).
func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{250, 500, 1000} {
		from, to := synthetic(n, 1)
		b.Run(fmt.Sprintf("provisions=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				align.Compare(from, to)
			}
		})
	}
}

// allocated returns the bytes Compare allocates for two documents.
func allocated(from, to []*policy.Provision) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	align.Compare(from, to)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestCompareLinear checks that Compare allocates in proportion to the
// size of its documents, not to the product of their sizes: twice the
// provisions, at most 2.6 times the bytes.
func TestCompareLinear(t *testing.T) {
	small, large := 500, 1000
	if testing.Short() {
		small, large = 250, 500
	}
	a := allocated(synthetic(small, 1))
	b := allocated(synthetic(large, 1))
	if ratio := float64(b) / float64(a); ratio > 2.6 {
		t.Errorf("%d provisions: %d bytes; %d: %d bytes, %.2f times as many", small, a, large, b, ratio)
	}
}
