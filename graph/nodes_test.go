package graph_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestNodes looks up IDs of every kind at once, unknown ones among them:
// one entry per ID, in order, null in place of an unknown one, no error.
func TestNodes(t *testing.T) {
	srv, store := newServer(t)
	var cits struct{ Citations []struct{ ID string } }
	r := post(t, srv, `{citations{id}}`, nil)
	if err := json.Unmarshal(r.Data, &cits); err != nil || len(cits.Citations) == 0 {
		t.Fatalf("no citations: %s %v", r.Data, r.Errors)
	}
	ids := []string{
		"cs-budget-policy-fy2020:2.2.3.1",
		"cs-budget-policy-fy2020:9.9", // unknown provision
		"ref:cybersecurity-strategy-2018",
		"ref:no-such-reference", // unknown reference
		"cs-budget-policy-fy2020",
		"no-such-document", // unknown document
		cits.Citations[0].ID,
		"cs-budget-policy-fy2020:1~c999", // unknown citation
		"cs-budget-policy-fy2020:preamble",
		"cs-budget-policy-fy2020:2.2.3.1", // again
		"",
	}
	const query = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
		... on Provision { label }
		... on Document { title }
		... on Reference { title }
		... on Citation { text source { id } }
	} }`
	r = post(t, srv, query, map[string]any{"ids": ids})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	checkGolden(t, "nodes.golden.json", r.Data)
	var got struct{ Nodes []*struct{ ID string } }
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Nodes) != len(ids) {
		t.Fatalf("%d nodes for %d IDs", len(got.Nodes), len(ids))
	}
	for i, n := range got.Nodes {
		if unknown := i == 1 || i == 3 || i == 5 || i == 7 || i == 10; unknown != (n == nil) || n != nil && n.ID != ids[i] {
			t.Errorf("node %d for %q: %+v", i, ids[i], n)
		}
	}

	if r := post(t, srv, `{nodes(ids: []){id}}`, nil); len(r.Errors) > 0 || string(r.Data) != `{"nodes":[]}` {
		t.Errorf("no IDs: %s %+v", r.Data, r.Errors)
	}
	if r := post(t, srv, `{nodes(ids: ["nope"]){id}}`, nil); len(r.Errors) > 0 || string(r.Data) != `{"nodes":[null]}` {
		t.Errorf("one unknown ID: %s %+v", r.Data, r.Errors)
	}
	if r := post(t, srv, `{nodes(ids: null){id}}`, nil); len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("ids: null: %s %+v", r.Data, r.Errors)
	}

	// Twenty provisions and a document cost a batch each, not a query each
	// (a batch may split when the machine is busy).
	var many []string
	for i := 1; i <= 5; i++ {
		for j := 1; j <= 4; j++ {
			many = append(many, fmt.Sprintf("cs-budget-policy-fy2020:2.%d.%d", i, j))
		}
	}
	many = append(many, "cs-budget-policy-fy2020")
	store.Reads.Store(0)
	if r := post(t, srv, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": many}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if n := store.Reads.Load(); n > 5 {
		t.Errorf("%d store calls for 21 nodes, want about 2", n)
	}
}

// TestPageInfo pages through a search and checks the Relay page info of
// each page: hasPreviousPage, hasNextPage, startCursor, endCursor.
func TestPageInfo(t *testing.T) {
	srv, _ := newServer(t)
	const query = `query($q: String!, $first: Int, $after: String) { search(query: $q, first: $first, after: $after) {
		totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor } edges { cursor } } }`
	type page struct {
		Search struct {
			TotalCount int
			PageInfo   struct {
				HasPreviousPage, HasNextPage bool
				StartCursor, EndCursor       *string
			}
			Edges []struct{ Cursor string }
		}
	}
	var pages []json.RawMessage
	ask := func(q string, first int, after *string) page {
		t.Helper()
		vars := map[string]any{"q": q, "first": first}
		if after != nil {
			vars["after"] = *after
		}
		r := post(t, srv, query, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%v: %+v", vars, r.Errors)
		}
		pages = append(pages, r.Data)
		var p page
		if err := json.Unmarshal(r.Data, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Through every hit of 施策, three at a time.
	var after *string
	seen := 0
	for n := 0; ; n++ {
		p := ask("施策", 3, after)
		s, pi := p.Search, p.Search.PageInfo
		if n > 20 {
			t.Fatal("paging does not end")
		}
		if pi.HasPreviousPage != (n > 0) {
			t.Errorf("page %d: hasPreviousPage %v", n, pi.HasPreviousPage)
		}
		if len(s.Edges) == 0 || pi.StartCursor == nil || *pi.StartCursor != s.Edges[0].Cursor ||
			pi.EndCursor == nil || *pi.EndCursor != s.Edges[len(s.Edges)-1].Cursor {
			t.Fatalf("page %d: cursors %+v", n, p.Search)
		}
		seen += len(s.Edges)
		if pi.HasNextPage != (seen < s.TotalCount) {
			t.Errorf("page %d: hasNextPage %v after %d of %d", n, pi.HasNextPage, seen, s.TotalCount)
		}
		after = pi.EndCursor
		if !pi.HasNextPage {
			break
		}
	}
	// Past the last hit: an empty page that has hits before it.
	p := ask("施策", 3, after)
	if pi := p.Search.PageInfo; len(p.Search.Edges) != 0 || !pi.HasPreviousPage || pi.HasNextPage || pi.StartCursor != nil || pi.EndCursor != nil {
		t.Errorf("past the end: %+v", p.Search)
	}
	// No hits at all: nothing before, nothing after.
	p = ask("zzyzx", 3, nil)
	if pi := p.Search.PageInfo; len(p.Search.Edges) != 0 || pi.HasPreviousPage || pi.HasNextPage || pi.StartCursor != nil || pi.EndCursor != nil {
		t.Errorf("no hits: %+v", p.Search)
	}
	all, _ := json.Marshal(pages)
	checkGolden(t, "pageinfo.golden.json", all)
}
