package graph_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/testfixture"
)

// quietLog keeps access logs out of test output.
var quietLog = slog.New(slog.DiscardHandler)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const docID = "cs-budget-policy-fy2020"

// newServer serves the embedded corpus from a fresh store over real HTTP.
func newServer(t *testing.T) (*httptest.Server, *testfixture.CountingStore) {
	srv, store, _ := newServerIngester(t)
	return srv, store
}

// newServerIngester is newServer that also returns an ingester into its store.
func newServerIngester(t *testing.T) (*httptest.Server, *testfixture.CountingStore, *ingest.Ingester) {
	t.Helper()
	db, in := testfixture.Ingester(t)
	idx := testfixture.Index(t, search.Store(db), search.Open)
	store := &testfixture.CountingStore{DB: db}
	res := &graph.Resolver{Documents: store, Provisions: store, References: store, Search: idx}
	srv := httptest.NewServer(server.New(server.Config{
		API: graph.NewHandler(res, graph.Options{Logger: quietLog}), IDE: playground.Handler("policykb", "/graphql"),
		Generation: db.Generation, Ready: func() error { return nil }, Logger: quietLog,
	}))
	t.Cleanup(srv.Close)
	return srv, store, in
}

type response struct {
	Status int `json:"-"`
	Data   json.RawMessage
	Errors []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

func post(t *testing.T, srv *httptest.Server, query string, vars map[string]any) response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	r.Status = resp.StatusCode
	return r
}

// checkGolden compares got, indented, with testdata/name.
func checkGolden(t *testing.T, name string, got json.RawMessage) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		gl, wl := strings.Split(buf.String(), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\nwant %s\ngot  %s", path, i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("%s differs in length", path)
	}
}

func TestDocuments(t *testing.T) {
	srv, _ := newServer(t)
	r := post(t, srv, `{documents{id title decidedOn decidedBy fiscalYear pageCount encoding}}`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	want := `{"documents":[{"id":"cs-budget-policy-fy2020","title":"サイバーセキュリティ関係施策に関する令和２年度予算重点化方針","decidedOn":"2019-05-23","decidedBy":"サイバーセキュリティ戦略本部","fiscalYear":2020,"pageCount":6,"encoding":"UTF-8"}]}`
	if string(r.Data) != want {
		t.Errorf("got  %s\nwant %s", r.Data, want)
	}
}

// TestProvisionsGolden checks every provision of the FY2020 policy — IDs,
// kinds, numbers, labels, headings, exact paragraphs, parents and pages —
// against testdata/provisions.golden.json.
func TestProvisionsGolden(t *testing.T) {
	srv, _ := newServer(t)
	r := post(t, srv, `query($d: ID) { provisions(document: $d) {
		id kind number label marker heading paragraphs leadingParagraphs pages line parent { id } } }`, map[string]any{"d": docID})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var got struct{ Provisions []map[string]any }
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, p := range got.Provisions {
		count[p["kind"].(string)]++
	}
	want := map[string]int{"PREAMBLE": 1, "SECTION": 3, "AREA": 5, "ITEM": 16, "SUBITEM": 10, "POINT": 0}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d provisions of kind %s, want %d", count[k], k, n)
		}
	}
	checkGolden(t, "provisions.golden.json", r.Data)
}

func TestProvisionLookups(t *testing.T) {
	srv, _ := newServer(t)
	tests := []queryTest{
		{"label (2)③ⅰ", `{provision(document:"cs-budget-policy-fy2020", label:"(2)③ⅰ"){id}}`, `{"provision":{"id":"cs-budget-policy-fy2020:2.2.3.1"}}`},
		{"label ２（２）③ⅰ）", `{provision(document:"cs-budget-policy-fy2020", label:"２（２）③ⅰ）"){id}}`, `{"provision":{"id":"cs-budget-policy-fy2020:2.2.3.1"}}`},
		{"label (2)3i", `{provision(document:"cs-budget-policy-fy2020", label:"(2)3i"){id}}`, `{"provision":{"id":"cs-budget-policy-fy2020:2.2.3.1"}}`},
		{"label without document", `{provision(label:"(2)3i"){id label}}`, `{"provision":{"id":"cs-budget-policy-fy2020:2.2.3.1","label":"２(2)③ⅰ）"}}`},
		{"id", `{provision(id:"cs-budget-policy-fy2020:2.4"){label heading number kind}}`, `{"provision":{"label":"２(4)","heading":"横断的施策（人材育成等）","number":4,"kind":"AREA"}}`},
		{"preamble", `{provision(id:"cs-budget-policy-fy2020:preamble"){label number heading marker pages}}`, `{"provision":{"label":"前文","number":null,"heading":null,"marker":null,"pages":[1]}}`},
		{"node document", `{node(id:"cs-budget-policy-fy2020"){id __typename ... on Document{title}}}`, `{"node":{"id":"cs-budget-policy-fy2020","__typename":"Document","title":"サイバーセキュリティ関係施策に関する令和２年度予算重点化方針"}}`},
		{"node provision", `{node(id:"cs-budget-policy-fy2020:2.2.5"){id __typename ... on Provision{label pages}}}`, `{"node":{"id":"cs-budget-policy-fy2020:2.2.5","__typename":"Provision","label":"２(2)⑤","pages":[3,4]}}`},
		{"text", `{provision(id:"cs-budget-policy-fy2020:2.2.5"){text}}`, `{"provision":{"text":"2020年東京大会とその後を見据えた取組\n戦略及び「2020年東京オリンピック競技大会・東京パラリンピック競技大会に向けたセキュリティ基本戦略（Ver.1）」（平成29年３月21日東京オリンピック競技大会・東京パラリンピック競技大会推進本部セキュリティ幹事会決定）に基づき、大会の安全に関する情報の集約等の取組を進めるとともに、物理的なセキュリティとの連携も考慮して、関係府省庁等が連携して、サイバーセキュリティ対処調整センターの運用態勢等を確立し、リスクマネジメントを促進するものであること。\n大会後もレガシーとして日本のサイバーセキュリティの確保に活用できるものであること"}}`},
		{"item keeps the paragraph after its sub-items", `{provision(label:"(2)③"){paragraphs children{label}}}`, `{"provision":{"paragraphs":["各府省庁におけるセキュリティ対策と内閣官房（NISC）における横断的対策の連携を推進するため、以下の点を踏まえたものであること","また、内閣官房における対策として、サイバー攻撃の深刻化・巧妙化に対応する新たな技術・手法を取り入れたGSOCシステムの構築、政府機関、独立行政法人等の監視・監査の横断的な連携の高度化、監視・監査・原因究明に係る所要の経費について、受益者負担原則を踏まえ適正な施策となっていること"],"children":[{"label":"２(2)③ⅰ）"},{"label":"２(2)③ⅱ）"},{"label":"２(2)③ⅲ）"}]}}`},
		{"under and kind", `{provisions(under:"cs-budget-policy-fy2020:2.4"){id}}`, `{"provisions":[{"id":"cs-budget-policy-fy2020:2.4.1"},{"id":"cs-budget-policy-fy2020:2.4.2"},{"id":"cs-budget-policy-fy2020:2.4.3"}]}`},
		{"kind", `{provisions(kind:SECTION){label heading}}`, `{"provisions":[{"label":"１","heading":"基本的な考え方"},{"label":"２","heading":"重点化を図るべき分野"},{"label":"３","heading":"留意事項"}]}`},
		{"document provisions by kind", `{document(id:"cs-budget-policy-fy2020"){provisions(kind:AREA){label}}}`, `{"document":{"provisions":[{"label":"２(1)"},{"label":"２(2)"},{"label":"２(3)"},{"label":"２(4)"},{"label":"２(5)"}]}}`},
		{"ancestors", `{provision(id:"cs-budget-policy-fy2020:2.2.1.4"){ancestors{id} parent{label} document{id}}}`, `{"provision":{"ancestors":[{"id":"cs-budget-policy-fy2020:2"},{"id":"cs-budget-policy-fy2020:2.2"},{"id":"cs-budget-policy-fy2020:2.2.1"}],"parent":{"label":"２(2)①"},"document":{"id":"cs-budget-policy-fy2020"}}}`},
	}
	checkData(t, srv, tests)
}

// queryTest is a query and the data it must answer, exactly.
type queryTest struct{ name, query, want string }

// checkData posts each query of tests to srv: it must answer the data
// wanted, and no error.
func checkData(t *testing.T, srv *httptest.Server, tests []queryTest) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, tt.query, nil)
			if len(r.Errors) > 0 {
				t.Fatal(r.Errors)
			}
			if string(r.Data) != tt.want {
				t.Errorf("got  %s\nwant %s", r.Data, tt.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	srv, _ := newServer(t)
	tests := []struct {
		name, query, code, data string
	}{
		{"unknown provision", `{provision(id:"cs-budget-policy-fy2020:9.9"){id}}`, "NOT_FOUND", `{"provision":null}`},
		{"unknown document", `{document(id:"nope"){id}}`, "NOT_FOUND", `{"document":null}`},
		{"unknown node", `{node(id:"cs-budget-policy-fy2020:2.9"){id}}`, "NOT_FOUND", `{"node":null}`},
		{"unknown label", `{provision(document:"cs-budget-policy-fy2020", label:"(9)①"){id}}`, "NOT_FOUND", `{"provision":null}`},
		{"label in unknown document", `{provision(document:"nope", label:"(2)①"){id}}`, "NOT_FOUND", `{"provision":null}`},
		{"no arguments", `{provision{id}}`, "BAD_USER_INPUT", `{"provision":null}`},
		{"id and label", `{provision(id:"x:1", label:"1"){id}}`, "BAD_USER_INPUT", `{"provision":null}`},
		{"provisions of unknown document", `{provisions(document:"nope"){id}}`, "NOT_FOUND", `null`},
		{"under unknown provision", `{provisions(under:"cs-budget-policy-fy2020:7"){id}}`, "NOT_FOUND", `null`},
		{"bad enum", `{provisions(kind:CHAPTER){id}}`, "GRAPHQL_VALIDATION_FAILED", `null`},
		{"syntax", `{provisions(`, "GRAPHQL_PARSE_FAILED", `null`},
		{"unknown field", `{provision(id:"x:1"){title}}`, "GRAPHQL_VALIDATION_FAILED", `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, srv, tt.query, nil)
			if len(r.Errors) != 1 {
				t.Fatalf("%d errors, want 1: %+v", len(r.Errors), r.Errors)
			}
			if code := r.Errors[0].Extensions["code"]; code != tt.code {
				t.Errorf("code %v, want %s (%s)", code, tt.code, r.Errors[0].Message)
			}
			if string(r.Data) != tt.data {
				t.Errorf("data %s, want %s", r.Data, tt.data)
			}
		})
	}
}

// TestBatchLoading checks that parents, children, ancestors and documents
// of every provision cost a constant number of store calls, not one each.
func TestBatchLoading(t *testing.T) {
	srv, store := newServer(t)
	store.Reads.Store(0)
	r := post(t, srv, `{provisions(document:"cs-budget-policy-fy2020"){id
		parent{id children{id}} children{id parent{id}} ancestors{id} document{id}}}`, nil)
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	var got struct{ Provisions []struct{ ID string } }
	json.Unmarshal(r.Data, &got)
	if len(got.Provisions) != 35 {
		t.Fatalf("%d provisions", len(got.Provisions))
	}
	// About one call per level of the query (document check, list,
	// children, documents; parents, children of parents and ancestors come
	// from what the list and the children primed): 4 to 11 seen, as
	// batching windows fall on a busy machine (a batch cut by a window is
	// a call more); without batching it would be over 140. The bound is
	// below one call per provision, with room for the windows.
	t.Logf("%d store calls", store.Reads.Load())
	if n := store.Reads.Load(); n > 20 {
		t.Errorf("%d store calls for 35 provisions with their relatives, want a constant ≤ 20", n)
	}
}

func TestIDE(t *testing.T) {
	srv, _ := newServer(t)
	resp, err := http.Get(srv.URL + "/graphiql")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("/graphql")) {
		t.Errorf("GET /graphiql = %d, want the GraphQL IDE", resp.StatusCode)
	}
	resp, _ = http.Get(srv.URL + "/nope")
	if resp.StatusCode != 404 {
		t.Errorf("GET /nope = %d, want 404", resp.StatusCode)
	}
}

func TestGETQuery(t *testing.T) {
	srv, _ := newServer(t)
	resp, err := http.Get(srv.URL + "/graphql?query=" + "%7Bprovision(label:%22(4)%E2%91%A0%22)%7Bid%7D%7D")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `{"data":{"provision":{"id":"cs-budget-policy-fy2020:2.4.1"}}}`; string(body) != want {
		t.Errorf("GET: %s, want %s", body, want)
	}
}
