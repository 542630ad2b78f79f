package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/policytest"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/testfixture"
)

// newDocsServer serves the embedded corpus and docs from a fresh store over
// real HTTP, with the default limits.
func newDocsServer(t *testing.T, docs ...*policy.Document) (*httptest.Server, *graph.Resolver) {
	t.Helper()
	db := testfixture.StoreWith(t, docs...)
	idx := testfixture.Index(t, search.Store(db), search.Open)
	res := &graph.Resolver{Documents: db, Provisions: db, References: db, Search: idx}
	srv := httptest.NewServer(server.New(server.Config{
		API: graph.NewHandler(res, graph.Options{Logger: quietLog}), Generation: db.Generation,
		Ready: func() error { return nil }, Logger: quietLog,
	}))
	t.Cleanup(srv.Close)
	return srv, res
}

// deepDoc is the document of ten levels the tests serve: an excerpt with
// two footnotes on its deepest first provision.
func deepDoc() *policy.Document {
	d := policytest.Deep("deep-doc", 10)
	d.Partial = true
	return d
}

// TestLevels asks for the new fields of the third release — level, notes,
// partial, kind POINT — of a document ten levels deep and of the FY2020
// policy, over HTTP.
func TestLevels(t *testing.T) {
	srv, _ := newDocsServer(t, deepDoc())
	tests := []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{"points of a document", `{ document(id: "deep-doc") { partial provisions(kind: POINT) { id kind level marker label } } }`, nil,
			`{"document":{"partial":true,"provisions":[` +
				`{"id":"deep-doc:1.1.1.1.1","kind":"POINT","level":5,"marker":"ア","label":"第１1.(1)①ア"},` +
				`{"id":"deep-doc:1.1.1.1.1.1","kind":"POINT","level":6,"marker":"(ア)","label":"第１1.(1)①ア(ア)"},` +
				`{"id":"deep-doc:1.1.1.1.1.1.1","kind":"POINT","level":7,"marker":"a","label":"第１1.(1)①ア(ア)a"},` +
				`{"id":"deep-doc:1.1.1.1.1.1.1.1","kind":"POINT","level":8,"marker":"(a)","label":"第１1.(1)①ア(ア)a(a)"},` +
				`{"id":"deep-doc:1.1.1.1.1.1.1.1.1","kind":"POINT","level":9,"marker":"ⅰ)","label":"第１1.(1)①ア(ア)a(a)ⅰ)"},` +
				`{"id":"deep-doc:1.1.1.1.1.1.1.1.1.1","kind":"POINT","level":10,"marker":"(i)","label":"第１1.(1)①ア(ア)a(a)ⅰ)(i)"},` +
				`{"id":"deep-doc:1.1.1.1.1.1.1.1.1.2","kind":"POINT","level":10,"marker":"(ii)","label":"第１1.(1)①ア(ア)a(a)ⅰ)(ii)"}]}}`},
		{"points in a variable", `query($k: ProvisionKind) { provisions(kind: $k) { id } }`, map[string]any{"k": "POINT"},
			`{"provisions":[{"id":"deep-doc:1.1.1.1.1"},{"id":"deep-doc:1.1.1.1.1.1"},{"id":"deep-doc:1.1.1.1.1.1.1"},` +
				`{"id":"deep-doc:1.1.1.1.1.1.1.1"},{"id":"deep-doc:1.1.1.1.1.1.1.1.1"},{"id":"deep-doc:1.1.1.1.1.1.1.1.1.1"},{"id":"deep-doc:1.1.1.1.1.1.1.1.1.2"}]}`},
		{"the deepest, its notes, ancestors and children", `{ provision(document: "deep-doc", label: "第1 1.(1)①ア（ア）a（a）ⅰ）(i)") {
			id level kind number text notes { marker text } parent { level } children { id } ancestors { level marker } } }`, nil,
			`{"provision":{"id":"deep-doc:1.1.1.1.1.1.1.1.1.1","level":10,"kind":"POINT","number":1,` +
				`"text":"脚注の付いた語と、もう一つの語を含む本文である。",` +
				`"notes":[{"marker":"1","text":"一つ目の脚注：語の定義。"},{"marker":"※2","text":"二つ目の脚注：出典 <https://example.org/?a=1&b=2>。"}],` +
				`"parent":{"level":9},"children":[],"ancestors":[{"level":1,"marker":"第１"},{"level":2,"marker":"1."},{"level":3,"marker":"(1)"},` +
				`{"level":4,"marker":"①"},{"level":5,"marker":"ア"},{"level":6,"marker":"(ア)"},{"level":7,"marker":"a"},{"level":8,"marker":"(a)"},{"level":9,"marker":"ⅰ)"}]}}`},
		{"children five levels down", `{ provision(id: "deep-doc:1") { children { children { children { children { children { id level kind } } } } } } }`, nil,
			`{"provision":{"children":[{"children":[{"children":[{"children":[{"children":[{"id":"deep-doc:1.1.1.1.1.1","level":6,"kind":"POINT"}]}]}]}]}]}}`},
		{"the FY2020 policy", `{ document(id: "cs-budget-policy-fy2020") { partial }
			a: provision(id: "cs-budget-policy-fy2020:preamble") { level kind notes { marker } }
			b: provision(id: "cs-budget-policy-fy2020:2.2.3.1") { level kind marker notes { marker } } }`, nil,
			`{"document":{"partial":false},"a":{"level":0,"kind":"PREAMBLE","notes":[]},"b":{"level":4,"kind":"SUBITEM","marker":"ⅰ）","notes":[]}}`},
		{"levels of the FY2020 policy", `{ provisions(document: "cs-budget-policy-fy2020", kind: SECTION) { level } p: provisions(document: "cs-budget-policy-fy2020", kind: POINT) { id } }`, nil,
			`{"provisions":[{"level":1},{"level":1},{"level":1}],"p":[]}`},
		{"search for points", `{ search(query: "本文", first: 100, filter: {kinds: [POINT]}) { totalCount edges { node { provision { kind } } } } }`, nil,
			`{"search":{"totalCount":7,"edges":[` + strings.Repeat(`{"node":{"provision":{"kind":"POINT"}}},`, 6) + `{"node":{"provision":{"kind":"POINT"}}}]}}`},
		{"search for points and sub-items", `{ search(query: "本文", filter: {kinds: [SUBITEM, POINT], document: "deep-doc"}) { totalCount } }`, nil,
			`{"search":{"totalCount":8}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, tt.query, tt.vars)
			if len(r.Errors) > 0 {
				t.Fatalf("errors: %+v", r.Errors)
			}
			if got := compact(t, r.Data); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// compact returns raw in compact form, keys in order, without escaping
// HTML.
func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&")
	return r.Replace(b.String())
}

// TestExportLevels exports the deep document: levels, notes and partial
// are there, against testdata/export_deep.golden.json (the time of ingest
// masked).
func TestExportLevels(t *testing.T) {
	_, res := newDocsServer(t, deepDoc())
	out, err := graph.Export(context.Background(), res, "deep-doc")
	if err != nil {
		t.Fatal(err)
	}
	masked := regexp.MustCompile(`"ingestedAt": "[^"]*"`).ReplaceAll(out, []byte(`"ingestedAt": "INGESTED"`))
	checkGolden(t, "export_deep.golden.json", masked)
}

// hostile is a document numbered depth levels deep, and 200 more
// provisions at level 7 under its one at level 6.
func hostile(depth int) *policy.Document {
	d := policytest.Deep("hostile", depth)
	var out []*policy.Provision
	for _, p := range d.Provisions {
		out = append(out, p)
		if p.Level == 6 && p.Number == 1 {
			for k := 1; k <= 200; k++ {
				path := []int{1, 1, 1, 1, 1, 1, 100 + k}
				out = append(out, &policy.Provision{ID: policy.ProvisionID(d.ID, path), DocumentID: d.ID, ParentID: p.ID,
					Kind: policy.KindPoint, Level: 7, Number: 100 + k, Label: p.Label + fmt.Sprint(100+k), Marker: fmt.Sprint(100 + k),
					Paragraphs: []string{strings.Repeat("長い本文。", 40)}, Pages: []int{1}, Line: p.Line})
			}
		}
	}
	for i, p := range out {
		p.Seq = i
	}
	d.Provisions = out
	return d
}

// TestDeepLimits costs queries over a document 300 levels deep with a
// level of 200 provisions: lists of provisions cost what the provisions at
// the levels they can be at hold, whatever the depth, so that what would
// answer with tens of thousands of provisions is refused, what is small is
// answered, and the server keeps answering.
func TestDeepLimits(t *testing.T) {
	srv, _ := newDocsServer(t, hostile(300))
	deepest := "hostile:" + strings.TrimSuffix(strings.Repeat("1.", 300), ".")
	tests := []struct {
		name, query string
		wantCode    string // "" for an answer
		check       func(t *testing.T, data json.RawMessage)
	}{
		{"ancestors of every provision", `{ provisions(document: "hostile") { ancestors { id } } }`, policy.ECOMPLEXITY, nil},
		{"children of the points", `{ provisions(kind: POINT) { children { text } } }`, policy.ECOMPLEXITY, nil},
		{"children of the parents of the points", `{ provisions(document: "hostile", kind: POINT) { parent { children { text } } } }`, policy.ECOMPLEXITY, nil},
		{"ancestors of the deepest", `{ provision(id: "` + deepest + `") { level kind ancestors { level } } }`, "", func(t *testing.T, data json.RawMessage) {
			var d struct {
				Provision struct {
					Level     int
					Kind      string
					Ancestors []struct{ Level int }
				}
			}
			json.Unmarshal(data, &d)
			if d.Provision.Level != 300 || d.Provision.Kind != "POINT" || len(d.Provision.Ancestors) != 299 || d.Provision.Ancestors[298].Level != 299 {
				t.Errorf("deepest: level %d, kind %s, %d ancestors", d.Provision.Level, d.Provision.Kind, len(d.Provision.Ancestors))
			}
		}},
		{"ancestors of the areas", `{ provisions(kind: AREA) { ancestors { id } } }`, "", func(t *testing.T, data json.RawMessage) {
			if got, want := compact(t, data), `{"provisions":[{"ancestors":[{"id":"cs-budget-policy-fy2020:2"}]},{"ancestors":[{"id":"cs-budget-policy-fy2020:2"}]},`+
				`{"ancestors":[{"id":"cs-budget-policy-fy2020:2"}]},{"ancestors":[{"id":"cs-budget-policy-fy2020:2"}]},{"ancestors":[{"id":"cs-budget-policy-fy2020:2"}]},`+
				`{"ancestors":[{"id":"hostile:1"}]}]}`; got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		}},
		{"the 200 under level 6", `{ provision(id: "hostile:1.1.1.1.1.1") { children { id } } }`, "", func(t *testing.T, data json.RawMessage) {
			if n := strings.Count(string(data), `"id"`); n != 201 {
				t.Errorf("%d children, want 201", n)
			}
		}},
		{"twelve levels down", `{ provision(id: "hostile:1.1.1.1.1.1.1") { ` + strings.Repeat("children { ", 12) + `id level` + strings.Repeat(" }", 12) + ` } }`, "",
			func(t *testing.T, data json.RawMessage) {
				if want := `"id":"hostile:` + strings.TrimSuffix(strings.Repeat("1.", 19), ".") + `","level":19`; !strings.Contains(string(data), want) {
					t.Errorf("no %s in %.300s", want, data)
				}
			}},
		{"twelve levels down from a section", `{ provision(id: "hostile:1") { ` + strings.Repeat("children { ", 12) + `id` + strings.Repeat(" }", 12) + ` } }`,
			policy.ECOMPLEXITY, nil}, // the most children at each level: 5 × 7 × 4 × 1 × 1 × 201 × …
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, tt.query, nil)
			switch {
			case tt.wantCode == "" && len(r.Errors) > 0:
				t.Fatalf("errors: %+v", r.Errors)
			case tt.wantCode != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tt.wantCode):
				t.Fatalf("want %s, got %+v", tt.wantCode, r.Errors)
			case tt.check != nil:
				tt.check(t, r.Data)
			}
			if r := post(t, srv, `{ documents { id } }`, nil); len(r.Errors) > 0 {
				t.Fatalf("server no longer answers: %+v", r)
			}
		})
	}
}
