package pages

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/cputime"
	"github.com/policykb/policykb/internal/policy"
)

// The benchmarks measure the server-side rendering of a provision page and
// of the document page: "page" is the whole handler (the domain services,
// layout, template); "query" the GraphQL query of the page's JSON, for
// comparison; "render" the layout and the template alone, from data read
// once; "cached" the page as the server answers it again, from its answer
// cache. BenchmarkFamily serves a store of 300 documents.
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

// serve answers a GET of path with HTML, and fails unless it is 200.
func serve(b *testing.B, h http.Handler, path string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept", htmlAccept)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		b.Fatalf("GET %s = %d", path, rec.Code)
	}
	return rec
}

func benchPage(b *testing.B, h http.Handler, path string) {
	b.Helper()
	b.SetBytes(int64(serve(b, h, path).Body.Len()))
	loop(b, func() { serve(b, h, path) })
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
	b.Run("query", func(b *testing.B) { benchQuery(b, f.res, provisionJSON, map[string]any{"id": doc + ":2.2.5"}) })
	b.Run("render", func(b *testing.B) {
		ctx := context.Background()
		d, err := h.model.document(ctx, doc)
		if err != nil {
			b.Fatal(err)
		}
		v, err := h.model.provisionView(ctx, d, doc+":2.2.5", true, true)
		if err != nil {
			b.Fatal(err)
		}
		loop(b, func() {
			if err := h.renderTo(io.Discard, "provision", provisionPage(v)); err != nil {
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
	b.Run("query", func(b *testing.B) { benchQuery(b, f.res, documentJSON, map[string]any{"id": doc}) })
	b.Run("render", func(b *testing.B) {
		dm, d, err := h.model.documentData(context.Background(), doc, 0)
		if err != nil {
			b.Fatal(err)
		}
		loop(b, func() {
			if err := h.renderTo(io.Discard, "document", documentPage(d, dm.xrefs)); err != nil {
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

// BenchmarkFamily renders pages of a store of 300 documents, every request
// a different provision (or document), as bench/load asks them: the CPU
// time per page is what the pages cost at family scale. "provision" and
// "document" are served once the pages have read every document in the
// store's generation, as a server does after its first requests;
// "provision-first" by a fresh handler, which reads each document the
// first time one of its provisions is asked for.
//
//	go test -run '^$' -bench Family -benchtime 200x ./internal/pages
func BenchmarkFamily(b *testing.B) {
	f := newFamilyFixture(b, 300)
	ids := f.provisionIDs(b)
	h := New(f.res, Options{Logger: quiet})
	docs := map[string]string{} // a provision of each document
	for _, id := range ids {
		doc, _, _ := policy.SplitID(id)
		docs[doc] = id
	}
	for _, id := range docs {
		serve(b, h, provisionPath(id))
	}
	// every walks ids, a prime step at a time: requests spread over the
	// documents.
	every := func(path func(id string) string) func(*testing.B, http.Handler) {
		return func(b *testing.B, h http.Handler) {
			i := 0
			loop(b, func() {
				serve(b, h, path(ids[i%len(ids)]))
				i += 7919
			})
		}
	}
	provision := every(provisionPath)
	b.Run("provision", func(b *testing.B) { provision(b, h) })
	b.Run("provision-first", func(b *testing.B) { provision(b, New(f.res, Options{Logger: quiet})) })
	b.Run("search", func(b *testing.B) {
		words := []string{"サイバー", "人材", "情報システム", "研究開発", "重要インフラ", "政府機関"}
		i := 0
		loop(b, func() {
			serve(b, h, "/search?q="+url.QueryEscape(words[i%len(words)]))
			i++
		})
	})
	b.Run("document", func(b *testing.B) {
		every(func(id string) string {
			doc, _, _ := policy.SplitID(id)
			return docPath(doc)
		})(b, h)
	})
}
