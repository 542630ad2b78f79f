package graph_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/testfixture"
)

// TestSearchSeries searches the policy and its made-up later years over
// HTTP: one hit per text, in its latest year, the others in alsoIn; every
// year with collapse: false; facets before paging; partial hits marked;
// the year and series filters; an unknown series NOT_FOUND.
func TestSearchSeries(t *testing.T) {
	srv, _, in := newServerIngester(t)
	testfixture.IngestSeries(t, in)
	const q = `query($q: String!, $first: Int, $f: SearchFilter) {
		search(query: $q, first: $first, filter: $f) {
			totalCount
			facets { count document { id fiscalYear } }
			edges { node { partial provision { id } alsoIn { id document { fiscalYear } } } }
		}
	}`
	type hit struct {
		Partial   bool
		Provision struct{ ID string }
		AlsoIn    []struct {
			ID       string
			Document struct{ FiscalYear int }
		}
	}
	var page struct {
		Search struct {
			TotalCount int
			Facets     []struct {
				Count    int
				Document struct {
					ID         string
					FiscalYear int
				}
			}
			Edges []struct{ Node hit }
		}
	}
	// shown writes a hit as a user sees it: year:local, and the years it
	// also stands in.
	shown := func(h hit) string {
		s := strings.TrimPrefix(h.Provision.ID, "cs-budget-policy-fy")
		for i, a := range h.AlsoIn {
			if i == 0 {
				s += " also"
			}
			s += " " + strings.TrimPrefix(a.ID, "cs-budget-policy-fy")
			if !strings.HasPrefix(a.ID, "cs-budget-policy-fy"+itoa(a.Document.FiscalYear)) {
				t.Errorf("%s: document of fiscal year %d", a.ID, a.Document.FiscalYear)
			}
		}
		if h.Partial {
			s += " (partial)"
		}
		return s
	}
	tests := []struct {
		name   string
		vars   map[string]any
		total  int
		hits   string // shown, separated by "; "
		facets string // document:count, separated by " "
	}{
		{"collapsed", map[string]any{"q": "サプライチェーン", "first": 2}, 5,
			"2020:2.1.2; 2022:2.1.2 also 2021:2.1.2",
			"cs-budget-policy-fy2020:4 cs-budget-policy-fy2021:4 cs-budget-policy-fy2022:4"},
		{"every year", map[string]any{"q": "サプライチェーン", "first": 4, "f": map[string]any{"collapse": false}}, 12,
			"2020:2.1.2; 2021:2.1.2; 2022:2.1.2; 2020:2.2.3.3",
			"cs-budget-policy-fy2020:4 cs-budget-policy-fy2021:4 cs-budget-policy-fy2022:4"},
		{"a new item of its own", map[string]any{"q": "暗号", "f": map[string]any{"series": "series:cs-budget-policy"}}, 2,
			"2022:2.2.8; 2022:2.4.2 also 2021:2.4.2 2020:2.4.2",
			"cs-budget-policy-fy2022:2 cs-budget-policy-fy2020:1 cs-budget-policy-fy2021:1"},
		{"years", map[string]any{"q": "暗号", "f": map[string]any{"fiscalYears": []int{2020, 2021}}}, 1,
			"2021:2.4.2 also 2020:2.4.2",
			"cs-budget-policy-fy2020:1 cs-budget-policy-fy2021:1"},
		{"partial after full", map[string]any{"q": "大学 訓練 演習", "f": map[string]any{"fiscalYears": []int{2022}}}, 2,
			"2022:2.2.4; 2022:2.2.2.1 (partial)",
			"cs-budget-policy-fy2022:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, q, tt.vars)
			if len(r.Errors) > 0 {
				t.Fatalf("%+v", r.Errors)
			}
			if err := json.Unmarshal(r.Data, &page); err != nil {
				t.Fatal(err)
			}
			var hits, facets []string
			for _, e := range page.Search.Edges {
				hits = append(hits, shown(e.Node))
			}
			for _, f := range page.Search.Facets {
				facets = append(facets, f.Document.ID+":"+itoa(f.Count))
			}
			if got := strings.Join(hits, "; "); got != tt.hits || page.Search.TotalCount != tt.total {
				t.Errorf("%d hits: %s\nwant %d: %s", page.Search.TotalCount, got, tt.total, tt.hits)
			}
			if got := strings.Join(facets, " "); got != tt.facets {
				t.Errorf("facets %s, want %s", got, tt.facets)
			}
		})
	}
	r := post(t, srv, q, map[string]any{"q": "暗号", "f": map[string]any{"series": "series:nothing"}})
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "NOT_FOUND" || !strings.Contains(r.Errors[0].Message, "series:nothing") {
		t.Errorf("unknown series: %+v", r.Errors)
	}
}
