package graph_test

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// TestQueriesDuringIngest runs queries of every kind from several clients
// while the document is ingested again and again (run it with -race). Every
// answer is whole: 35 provisions, the right search hits, 17 references.
func TestQueriesDuringIngest(t *testing.T) {
	srv, _, in := newServerIngester(t)
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer stop()
		for range 10 {
			if _, err := in.Corpus(context.Background()); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	queries := []struct{ q, want string }{
		{`{ provisions(document: "cs-budget-policy-fy2020") { id } }`, `"cs-budget-policy-fy2020:3"`},
		{`{ search(query: "ＩｏＴ") { totalCount edges { node { provision { id } } } } }`, `"totalCount":1`},
		{`{ references { id citedBy { id } } }`, `ref:tokyo2020-basic-security-strategy`},
		{`{ provision(label: "(2)3i") { parent { children { id } } citations { id } } }`, `2.2.3.3`},
	}
	for c := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				q := queries[(c+i)%len(queries)]
				r := post(t, srv, q.q, nil)
				if len(r.Errors) > 0 || !strings.Contains(string(r.Data), q.want) {
					t.Errorf("%s during an ingest: %s %+v", q.q, r.Data, r.Errors)
					return
				}
				if strings.Contains(q.q, "provisions") && strings.Count(string(r.Data), `"id"`) != 35 {
					t.Errorf("a partial document during an ingest: %s", r.Data)
					return
				}
			}
		}()
	}
	wg.Wait()
}
