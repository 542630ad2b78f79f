package pages

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/cputime"
	"github.com/policykb/policykb/internal/policy"
)

// The benchmarks measure the server-side rendering of a provision page and
// of the document page: "page" is the whole handler (GraphQL query, the
// store's cross-references, layout, template); "query" its GraphQL query
// alone, the baseline in the same run; "render" the layout and the
// template alone, from data read once; "cached" the page as the server
// answers it again, from its answer cache.
//
//	go test -run '^$' -bench . -benchtime 200x ./internal/pages

// loop runs f b.N times and reports, beside the time per run, the CPU
// time per run: on a machine shared with other work the time per run
// includes waiting for a CPU, the CPU time does not.
func loop(b *testing.B, f func()) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	start := cputime.Used()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(cputime.Used()-start)/float64(b.N), "cpu-ns/op")
}

func benchPage(b *testing.B, h http.Handler, path string) {
	b.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept", htmlAccept)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("GET %s = %d", path, rec.Code)
	}
	b.SetBytes(int64(rec.Body.Len()))
	loop(b, func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("GET %s = %d", path, rec.Code)
		}
	})
}

func benchQuery(b *testing.B, res *graph.Resolver, query string, vars map[string]any) {
	b.Helper()
	ctx := context.Background()
	if _, err := graph.Query(ctx, res, query, vars); err != nil {
		b.Fatal(err)
	}
	loop(b, func() {
		if _, err := graph.Query(ctx, res, query, vars); err != nil {
			b.Fatal(err)
		}
	})
}

func BenchmarkProvision(b *testing.B) {
	f := newFixture(b)
	path := "/documents/" + doc + "/2.2.5"
	h := New(f.res, Options{Logger: quiet})
	b.Run("page", func(b *testing.B) { benchPage(b, h, path) })
	b.Run("query", func(b *testing.B) { benchQuery(b, f.res, provisionQuery, map[string]any{"id": doc + ":2.2.5"}) })
	b.Run("render", func(b *testing.B) {
		var d struct {
			Provision provisionData `json:"provision"`
		}
		ctx := context.Background()
		if _, err := h.query(ctx, provisionQuery, map[string]any{"id": doc + ":2.2.5"}, &d); err != nil {
			b.Fatal(err)
		}
		xrefs, err := f.db.CrossReferences(ctx, policy.CitationFilter{DocumentID: doc})
		if err != nil {
			b.Fatal(err)
		}
		loop(b, func() {
			if err := h.renderTo(io.Discard, "provision", provisionPage(&d.Provision, xrefs)); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("cached", func(b *testing.B) { benchPage(b, f.handler(), path) })
}

func BenchmarkDocument(b *testing.B) {
	f := newFixture(b)
	path := "/documents/" + doc
	h := New(f.res, Options{Logger: quiet})
	b.Run("page", func(b *testing.B) { benchPage(b, h, path) })
	b.Run("query", func(b *testing.B) { benchQuery(b, f.res, documentQuery, map[string]any{"id": doc}) })
	b.Run("render", func(b *testing.B) {
		var d struct {
			Document documentData `json:"document"`
		}
		ctx := context.Background()
		if _, err := h.query(ctx, documentQuery, map[string]any{"id": doc}, &d); err != nil {
			b.Fatal(err)
		}
		xrefs, err := f.db.CrossReferences(ctx, policy.CitationFilter{DocumentID: doc})
		if err != nil {
			b.Fatal(err)
		}
		loop(b, func() {
			if err := h.renderTo(io.Discard, "document", documentPage(&d.Document, xrefs)); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("cached", func(b *testing.B) { benchPage(b, f.handler(), path) })
}

// BenchmarkProvisionParallel renders provision pages from 32 goroutines per
// CPU at once, as a loaded server does, without the answer cache.
func BenchmarkProvisionParallel(b *testing.B) {
	f := newFixture(b)
	h := New(f.res, Options{Logger: quiet})
	req := httptest.NewRequest("GET", "/documents/"+doc+"/2.2.5", nil)
	b.SetParallelism(32)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 {
				b.Errorf("status %d", rec.Code)
			}
		}
	})
}
