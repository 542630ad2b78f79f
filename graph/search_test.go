package graph_test

import (
	"encoding/json"
	"strings"
	"testing"
)

type searchPage struct {
	Search struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   *string
		}
		Edges []struct {
			Cursor string
			Node   struct {
				Score      float64
				Highlights []string
				Provision  struct{ ID, Label string }
			}
		}
	}
}

const searchQuery = `query($q: String!, $first: Int, $after: String, $f: SearchFilter) {
	search(query: $q, first: $first, after: $after, filter: $f) {
		totalCount pageInfo { hasNextPage endCursor }
		edges { cursor node { score highlights provision { id label } } }
	}
}`

func searchHTTP(t *testing.T, srvURL func(string, map[string]any) response, vars map[string]any) searchPage {
	t.Helper()
	r := srvURL(searchQuery, vars)
	if len(r.Errors) > 0 {
		t.Fatalf("%v: %+v", vars, r.Errors)
	}
	var p searchPage
	if err := json.Unmarshal(r.Data, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSearch(t *testing.T) {
	srv, _ := newServer(t)
	q := func(query string, vars map[string]any) response { return post(t, srv, query, vars) }

	p := searchHTTP(t, q, map[string]any{"q": "ＩｏＴ"})
	if p.Search.TotalCount != 1 || p.Search.Edges[0].Node.Provision.Label != "２(1)③" ||
		p.Search.Edges[0].Node.Highlights[0] != "安全な<mark>IoT</mark>システムの構築" {
		t.Errorf("ＩｏＴ: %+v", p.Search)
	}
	// Under (4) only, and paging returns every hit once.
	var seen []string
	vars := map[string]any{"q": "施策", "first": 2, "f": map[string]any{"under": "cs-budget-policy-fy2020:2.4"}}
	total := -1
	for {
		p := searchHTTP(t, q, vars)
		total = p.Search.TotalCount
		for _, e := range p.Search.Edges {
			if !strings.HasPrefix(e.Node.Provision.ID, "cs-budget-policy-fy2020:2.4.") {
				t.Errorf("%s is not under (4)", e.Node.Provision.ID)
			}
			seen = append(seen, e.Node.Provision.ID)
		}
		if !p.Search.PageInfo.HasNextPage {
			break
		}
		vars["after"] = *p.Search.PageInfo.EndCursor
	}
	uniq := map[string]bool{}
	for _, id := range seen {
		uniq[id] = true
	}
	if len(seen) != total || len(uniq) != total || total != 2 {
		t.Errorf("paged %v, total %d", seen, total)
	}
	// Defined terms: デジタルトランスフォーメーション finds ＤＸ too.
	p = searchHTTP(t, q, map[string]any{"q": "デジタルトランスフォーメーション", "f": map[string]any{"kinds": []string{"ITEM"}}})
	if p.Search.TotalCount != 2 || p.Search.Edges[1].Node.Provision.ID != "cs-budget-policy-fy2020:2.4.1" {
		t.Errorf("expansion: %+v", p.Search)
	}
	for _, bad := range []struct {
		vars map[string]any
		code string
	}{
		{map[string]any{"q": ""}, "BAD_USER_INPUT"},
		{map[string]any{"q": "防護", "first": 100000}, "BAD_USER_INPUT"},
		{map[string]any{"q": "防護", "after": "not-a-cursor"}, "BAD_USER_INPUT"},
		{map[string]any{"q": strings.Repeat("防護", 200)}, "BAD_USER_INPUT"},
		{map[string]any{"q": "防護", "f": map[string]any{"under": "cs-budget-policy-fy2020:9"}}, "NOT_FOUND"},
		{map[string]any{"q": "防護", "f": map[string]any{"cites": "ref:nope"}}, "NOT_FOUND"},
	} {
		r := post(t, srv, searchQuery, bad.vars)
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != bad.code {
			t.Errorf("%v: %+v, want %s", bad.vars, r.Errors, bad.code)
		}
	}
}

// TestSearchExplanation checks over HTTP, against testdata/search_explain.golden.json,
// what a client sees of how each hit matched and whether the answer is
// partial: written forms, variants, readings, compound parts, defined terms,
// the thesaurus, English, and several words no provision holds all of.
func TestSearchExplanation(t *testing.T) {
	srv, _ := newServer(t)
	r := post(t, srv, `fragment hits on SearchConnection {
	totalCount partial
	edges { node { provision { id label } matches { query matched via } highlights } }
}
query {
	written: search(query: "取り入れ") { ...hits }
	okurigana: search(query: "取入れ") { ...hits }
	inflection: search(query: "取り入れる") { ...hits }
	kanaForKanji: search(query: "ぜい弱性 ネットワク", first: 2) { ...hits }
	reading: search(query: "じんざい") { ...hits }
	compound: search(query: "IoT脆弱性") { ...hits }
	definedTerm: search(query: "デジタルトランスフォーメーション") { ...hits }
	thesaurus: search(query: "デジタル人材") { ...hits }
	english: search(query: "research and development") { ...hits }
	partial: search(query: "中小企業 人材 訓練", first: 3) { ...hits }
	partialCompound: search(query: "サイバー外交", first: 2) { ...hits }
	trap: search(query: "議会") { ...hits }
}`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	checkGolden(t, "search_explain.golden.json", r.Data)
}
