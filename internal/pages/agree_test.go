package pages

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
)

// agreeQuery asks the API for what the page of a provision shows.
const agreeQuery = `query($ids: [ID!]!) {
	nodes(ids: $ids) {
		... on Provision {
			id kind level label marker heading paragraphs leadingParagraphs text pages notes { marker text }
			document { id title partial fiscalYear series { id title } }
			ancestors { id kind level label heading text }
			children { id kind level label heading text }
			crossReferences { id kind level label heading text }
			referencedBy { id kind level label heading text }
			citations { id text start end pinpoint form target { id title kind } targetProvision { id label heading document { id title } } }
			counterparts { id label heading document { id } }
			incomingCitations { id text start end pinpoint form source { id label heading text document { id title } } }
		}
	}
}`

// TestPagesAgreeWithGraphQL reads every provision of a store of 300
// documents (30 series of 10 years, beside the policy) as its page shows
// it, from the domain, and as the API answers it, and finds them the same.
func TestPagesAgreeWithGraphQL(t *testing.T) {
	if testing.Short() {
		t.Skip("300 documents")
	}
	start := time.Now()
	f := newSeriesFixture(t, 300, 10)
	t.Logf("store of 300 documents made in %v", time.Since(start).Round(time.Millisecond))
	h := New(f.res, Options{Logger: quiet})
	ctx := context.Background()
	ids := f.provisionIDs(t)
	// The documents of each series, as the API answers them.
	data, err := graph.Query(ctx, f.res, `{ series { id documents { id title fiscalYear } } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var all struct {
		Series []struct {
			ID        string         `json:"id"`
			Documents []documentData `json:"documents"`
		} `json:"series"`
	}
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatal(err)
	}
	seriesDocs := map[string][]documentData{}
	for _, s := range all.Series {
		seriesDocs[s.ID] = s.Documents
	}
	// The API is asked for a quarter of the provisions at a time: each
	// query follows every provision asked through the series' years at
	// once.
	n := 0
	seen := map[string]bool{}
	for len(ids) > 0 {
		batch := ids[:min(len(ids)/4+100, len(ids))]
		ids = ids[len(batch):]
		data, err := graph.Query(ctx, f.res, agreeQuery, map[string]any{"ids": batch})
		if err != nil {
			t.Fatal(err)
		}
		var answer struct{ Nodes []json.RawMessage }
		if err := json.Unmarshal(data, &answer); err != nil {
			t.Fatal(err)
		}
		for i, id := range batch {
			doc, _, _ := policy.SplitID(id)
			d, err := h.model.document(ctx, doc)
			if err != nil {
				t.Fatal(err)
			}
			v, err := h.model.provisionView(ctx, d, id, true, true)
			if err != nil {
				t.Fatal(err)
			}
			var api provisionData
			if err := json.Unmarshal(answer.Nodes[i], &api); err != nil {
				t.Fatal(err)
			}
			// The documents of the series, once for each document, then
			// left out: they are the same for every provision.
			if s := v.Document.Series; s != nil && !seen[doc] {
				seen[doc] = true
				if !reflect.DeepEqual(s.Documents, seriesDocs[s.ID]) {
					t.Fatalf("%s: the page lists the documents of %s\n%v\nthe API\n%v", id, s.ID, s.Documents, seriesDocs[s.ID])
				}
			}
			if s := v.Document.Series; s != nil {
				v.Document.Series = &seriesData{ID: s.ID, Title: s.Title}
			}
			if got, want := normal(t, v.provisionData), normal(t, &api); !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Fatalf("%s: the page reads\n%.3000s\nthe API answers\n%.3000s", id, g, w)
			}
			n++
		}
	}
	t.Logf("%d provisions compared in %v", n, time.Since(start).Round(time.Millisecond))
	if n < 300*30 {
		t.Errorf("compared %d provisions, want all of 300 documents", n)
	}
}

// normal is p as JSON values, with empty lists and objects left out, so
// that a list the API answers empty and one the page leaves nil compare
// equal.
func normal(t *testing.T, p *provisionData) any {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return prune(v)
}

func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if e = prune(e); e != nil {
				out[k] = e
			}
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		for i := range x {
			x[i] = prune(x[i])
		}
	case string:
		if x == "" {
			return nil
		}
	case bool:
		if !x {
			return nil
		}
	case float64:
		if x == 0 {
			return nil
		}
	}
	return v
}
