package pages

import (
	"context"
	"fmt"
	"testing"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
)

// ingestFiles ingests generated files into the store of f.
func (f *fixture) ingestFiles(t testing.TB, files []corpusgen.File, opt func(corpusgen.File) ingest.Options) {
	t.Helper()
	in, err := ingest.New(f.db)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if _, err := in.Ingest(context.Background(), file.Name, file.Data, opt(file)); err != nil {
			t.Fatal(err)
		}
	}
}

// newFamilyFixture is the embedded policy and n documents generated from
// it (corpusgen.Generate), in a fresh store with its index.
func newFamilyFixture(t testing.TB, n int) *fixture {
	return newSeriesFixture(t, n, 0)
}

// newSeriesFixture is newFamilyFixture with the n documents in series of
// years documents each (0: all in the series of the policy, whose title
// they keep): each series a title of its own, a fiscal year for each of
// its documents, as a family of yearly documents has.
func newSeriesFixture(t testing.TB, n, years int) *fixture {
	t.Helper()
	files, err := corpusgen.Generate(n, 19)
	if err != nil {
		t.Fatal(err)
	}
	options := func(file corpusgen.File) ingest.Options { return ingest.Options{ID: file.ID} }
	if years > 0 {
		k := map[string]int{}
		for i, file := range files {
			k[file.ID] = i
		}
		options = func(file corpusgen.File) ingest.Options {
			i := k[file.ID]
			fy := 2020 + i%years
			return ingest.Options{ID: file.ID, FiscalYear: fy,
				Title: fmt.Sprintf("分野%d のサイバーセキュリティ関係施策に関する%d年度予算重点化方針", i/years+1, fy)}
		}
	}
	f := newFixture(t)
	f.ingestFiles(t, files, options)
	// The index takes in the documents now, not at the first search.
	if x, ok := f.res.Search.(interface{ Sync(context.Context) error }); ok {
		if err := x.Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// provisionIDs returns the IDs of every provision of the store, in
// document order.
func (f *fixture) provisionIDs(t testing.TB) []string {
	t.Helper()
	docs, err := f.db.Documents(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ps, err := f.db.Provisions(context.Background(), policy.ProvisionFilter{DocumentID: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			ids = append(ids, p.ID)
		}
	}
	return ids
}
