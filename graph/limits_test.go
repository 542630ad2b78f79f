package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/testfixture"
)

// newLimitedServer serves the embedded corpus with the given options, and
// returns what the server logged.
func newLimitedServer(t *testing.T, opt graph.Options, cfg server.Config, wrap ...func(*graph.Resolver)) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	db := testfixture.Store(t)
	idx := testfixture.Index(t, search.Store(db), search.Open)
	var logs bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(b []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(b)
	}), &slog.HandlerOptions{Level: slog.LevelWarn}))
	opt.Logger = log
	res := &graph.Resolver{Documents: db, Provisions: db, References: db, Search: idx}
	for _, w := range wrap {
		w(res)
	}
	cfg.API, cfg.Logger, cfg.Generation = graph.NewHandler(res, opt), log, db.Generation
	srv := httptest.NewServer(server.New(cfg))
	t.Cleanup(srv.Close)
	return srv, &logs
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// send posts body and returns the status, the raw answer and the decoded
// errors.
func send(t *testing.T, srv *httptest.Server, body []byte) (int, []byte, response) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	status, raw := do(t, req)
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("status %d, not JSON: %.300s", status, raw)
	}
	return status, raw, r
}

// do sends req and returns the status and the whole body of the answer.
func do(t *testing.T, req *http.Request) (status int, body []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ = io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func withVars(q string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	return b
}

func readQuery(t *testing.T, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", "introspection", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// aliased repeats the operation of an introspection query n times under
// aliases, keeping its fragments.
func aliased(q string, n int) string {
	i, j := strings.Index(q, "__schema"), strings.Index(q, "fragment ")
	op := strings.TrimSpace(q[i:j])
	op = strings.TrimSuffix(op, "}") // the operation's closing brace
	var b strings.Builder
	b.WriteString("query Many {")
	for k := range n {
		b.WriteString(" s" + itoa(k) + ": " + op)
	}
	b.WriteString("}\n" + q[j:])
	return b.String()
}

// TestLimitClasses sends, per class of request the limits must bound, the
// worst members the class has; each is answered within its bounds or
// refused with a code, and the server keeps answering.
func TestLimitClasses(t *testing.T) {
	srv, logs := newLimitedServer(t, graph.Options{}, server.Config{})
	graphiql, codegen := readQuery(t, "graphiql.graphql"), readQuery(t, "graphql-codegen.graphql")
	var n150 strings.Builder
	for i := range 150 {
		n150.WriteString(" n" + itoa(i) + ": name")
	}
	repro := "query { " + strings.Repeat("", 0)
	for i := range 150 {
		repro += " a" + itoa(i) + ": __schema { ...S }"
	}
	repro += " } fragment S on __Schema { types { fields { type { fields {" + n150.String() + " } ofType { name } } } } }"
	kinds := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = []string{"SECTION", "AREA", "ITEM"}[i%3]
		}
		return out
	}
	manyFilters := "query(" + func() string {
		var b strings.Builder
		for i := range 12 {
			b.WriteString(" $f" + itoa(i) + ": SearchFilter")
		}
		b.WriteString(") {")
		for i := range 12 {
			b.WriteString(" s" + itoa(i) + `: search(query: "施策", filter: $f` + itoa(i) + `) { totalCount }`)
		}
		return b.String() + " }"
	}()
	filterVars := map[string]any{}
	for i := range 12 {
		filterVars["f"+itoa(i)] = map[string]any{"kinds": kinds(100)}
	}
	literal := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString([]string{"SECTION", "AREA", "ITEM"}[i%3])
		}
		return b.String()
	}
	sources := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			b.WriteString(" d" + itoa(i) + ": documents { source }")
		}
		return b.String() + " }"
	}
	deep := strings.Repeat("[", 40) + strings.Repeat("]", 40)
	tests := []struct {
		class, name string
		body        []byte
		wantStatus  int    // 0: 200
		wantCode    string // "": no error
	}{
		{"introspection", "GraphiQL's standard query", withVars(graphiql, nil), 0, ""},
		{"introspection", "graphql-codegen's standard query", withVars(codegen, nil), 0, ""},
		{"introspection", "the standard query named", []byte(`{"operationName":"IntrospectionQuery","query":` + string(mustJSON(codegen)) + `}`), 0, ""},
		{"introspection", "150 aliases of __schema", withVars(repro, nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"introspection", "the standard query three times", withVars(aliased(codegen, 3), nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"introspection", "nested without aliases", withVars(`{ __schema { types { fields { type { fields { type { fields { type { fields { name description } } } } } } } } } }`, nil), 422, "GRAPHQL_VALIDATION_FAILED"},
		{"introspection", "a type by name", withVars(`{ __type(name: "Provision") { name fields { name type { name ofType { name } } } } }`, nil), 0, ""},
		{"introspection", "deep ofType", withVars(`{ __schema { types { ofType `+strings.Repeat("{ ofType ", 20)+"{ name }"+strings.Repeat(" }", 20)+` } } }`, nil), 0, "DEPTH_LIMIT_EXCEEDED"},
		{"lists", "20,000 kinds in a variable", withVars(`query($f: SearchFilter) { search(query: "施策", filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"kinds": kinds(20000)}}), 0, "BAD_USER_INPUT"},
		{"lists", "101 kinds in a variable", withVars(`query($k: [ProvisionKind!]) { search(query: "施策", filter: {kinds: $k}) { totalCount } }`, map[string]any{"k": kinds(101)}), 0, "BAD_USER_INPUT"},
		{"lists", "100 kinds in a variable", withVars(`query($k: [ProvisionKind!]) { search(query: "施策", filter: {kinds: $k}) { totalCount } }`, map[string]any{"k": kinds(100)}), 0, ""},
		{"lists", "101 kinds in a literal", withVars(`{ search(query: "施策", filter: {kinds: [`+literal(101)+`]}) { totalCount } }`, nil), 0, "BAD_USER_INPUT"},
		{"lists", "101 kinds in a literal argument of a nested field", withVars(`{ references { citedBy(kinds: [`+literal(101)+`]) { id } } }`, nil), 0, "BAD_USER_INPUT"},
		{"lists", "12 filters of 100 kinds", withVars(manyFilters, filterVars), 0, "BAD_USER_INPUT"},
		{"lists", "variables nested 40 deep", []byte(`{"query":"query($k: [ProvisionKind!]) { search(query: \"x\", filter: {kinds: $k}) { totalCount } }","variables":{"k":` + deep + `}}`), 422, "GRAPHQL_VALIDATION_FAILED"},
		{"validation", "998 fields of one name", withVars("{ documents { "+strings.Repeat("id ", 998)+"} }", nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"validation", "9,990 fields of one name", withVars("{ documents { "+strings.Repeat("id ", 9990)+"} }", nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"validation", "1,000 chained fragments", withVars(chain(1000), nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"validation", "500 directives", withVars("{ documents "+strings.Repeat("@include(if: true) ", 500)+"{ id } }", nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"validation", "50 directives", withVars("{ documents "+strings.Repeat("@include(if: true) ", 50)+"{ id } }", nil), 422, "GRAPHQL_VALIDATION_FAILED"},
		{"answers", "documents { source } under 490 aliases", withVars(sources(490), nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"answers", "documents { source } under 60 aliases", withVars(sources(60), nil), 0, ""},
		{"answers", "a 60 KiB alias under a list", withVars(`{ provisions { `+strings.Repeat("a", 60<<10)+`: id } }`, nil), 0, "COMPLEXITY_LIMIT_EXCEEDED"},
	}
	for _, tt := range tests {
		t.Run(tt.class+"/"+tt.name, func(t *testing.T) {
			status, raw, r := send(t, srv, tt.body)
			want := tt.wantStatus
			if want == 0 {
				want = http.StatusOK
			}
			if status != want {
				t.Errorf("status %d, want %d: %.300s", status, want, raw)
			}
			switch {
			case tt.wantCode == "" && len(r.Errors) > 0:
				t.Errorf("errors: %+v", r.Errors)
			case tt.wantCode != "" && (len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != tt.wantCode):
				t.Errorf("want %s, got %.300s", tt.wantCode, raw)
			}
			if len(raw) > graph.DefaultAnswerBytes || tt.wantCode != "" && len(raw) > 5000 {
				t.Errorf("answer of %d bytes", len(raw))
			}
			if r := post(t, srv, `{ documents { id } }`, nil); len(r.Errors) > 0 {
				t.Fatalf("server no longer answers: %+v", r)
			}
		})
	}
	if s := logs.String(); s != "" {
		t.Errorf("refused requests were logged as server errors:\n%.1000s", s)
	}
}

// chain is a query whose fragments spread one another n deep.
func chain(n int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }")
	for i := range n {
		b.WriteString(" fragment F" + itoa(i) + " on Query { ...F" + itoa(i+1) + " }")
	}
	b.WriteString(" fragment F" + itoa(n) + " on Query { documents { id } }")
	return b.String()
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestWorstLegalAtOnce sends the worst legal requests of every class, 8 of
// each at once: each is answered within the answer limit or refused with a
// code, and the server keeps answering.
func TestWorstLegalAtOnce(t *testing.T) {
	srv, _ := newLimitedServer(t, graph.Options{}, server.Config{})
	worst := []string{
		aliased(readQuery(t, "graphql-codegen.graphql"), 2),
		"{" + strings.Repeat(" documents { source }", 1) + func() string {
			var b strings.Builder
			for i := range 75 {
				b.WriteString(" d" + itoa(i) + ": documents { source }")
			}
			return b.String()
		}() + " }",
		`{ provisions { id label heading paragraphs text pages children { id } ancestors { id } citations { text } } }`,
		`{ search(query: "施策", first: 100) { totalCount edges { node { highlights provision { id text } } } } }`,
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8*len(worst))
	for _, q := range worst {
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(gql(q)))
				if err != nil {
					errs <- err.Error()
					return
				}
				defer resp.Body.Close()
				raw, _ := io.ReadAll(resp.Body)
				var r response
				if err := json.Unmarshal(raw, &r); err != nil || len(raw) > graph.DefaultAnswerBytes {
					errs <- "bad answer: " + string(raw[:min(len(raw), 200)])
					return
				}
				for _, e := range r.Errors {
					if c, _ := e.Extensions["code"].(string); c == "" || c == "INTERNAL" {
						errs <- "uncoded or internal error: " + e.Message
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if r := post(t, srv, `{ documents { id } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("server no longer answers: %+v", r)
	}
}

// TestAnswerLimit checks that an answer over the limit is replaced by one
// ANSWER_TOO_LARGE error.
func TestAnswerLimit(t *testing.T) {
	srv, _ := newLimitedServer(t, graph.Options{Limits: graph.Limits{AnswerBytes: 5000}}, server.Config{})
	_, raw, r := send(t, srv, gql(`{ provisions { id text } }`))
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "ANSWER_TOO_LARGE" || len(raw) > 400 {
		t.Errorf("answer over the limit: %.400s", raw)
	}
	if _, _, r := send(t, srv, gql(`{ provisions(kind: SECTION) { id } }`)); len(r.Errors) > 0 {
		t.Errorf("small answer: %+v", r.Errors)
	}
}

// TestNoIntrospection checks that with introspection off an introspection
// query is a coded client error, logged as nothing, while __typename works.
func TestNoIntrospection(t *testing.T) {
	srv, logs := newLimitedServer(t, graph.Options{NoIntrospection: true}, server.Config{})
	for _, q := range []string{readQuery(t, "graphiql.graphql"), `{ __type(name: "Query") { name } }`, `query { ...F } fragment F on Query { __schema { types { name } } }`} {
		status, raw, r := send(t, srv, gql(q))
		if status != http.StatusOK || len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INTROSPECTION_DISABLED" {
			t.Errorf("status %d: %.300s", status, raw)
		}
	}
	if r := post(t, srv, `{ __typename documents { __typename id } }`, nil); len(r.Errors) > 0 {
		t.Errorf("__typename: %+v", r.Errors)
	}
	if s := logs.String(); s != "" {
		t.Errorf("logged:\n%.1000s", s)
	}
}

// TestErrorsQuoteLittle sends inputs of 100 KB and more in every place an
// error can quote them; no answer quotes more than a short prefix.
func TestErrorsQuoteLittle(t *testing.T) {
	srv, _ := newLimitedServer(t, graph.Options{}, server.Config{})
	long := strings.Repeat("あ", 30000)
	longASCII := strings.Repeat("x", 60000)
	tests := []struct {
		name   string
		method string
		ct     string
		body   []byte
		query  string // GET
	}{
		{name: "200 KB of invalid JSON", body: append([]byte(`{"query": "`), bytes.Repeat([]byte("\\q"), 100000)...)},
		{name: "1 MiB of invalid JSON", body: append([]byte(`{"query": "`), bytes.Repeat([]byte("\\q"), 500000)...)},
		{name: "JSON of the wrong type", body: []byte(`{"query": ["` + longASCII + `"]}`)},
		{name: "label", body: gql(`{ provision(label: "` + long + `") { id } }`)},
		{name: "ID", body: gql(`{ provision(id: "` + long + `") { id } }`)},
		{name: "node ID", body: gql(`{ node(id: "` + longASCII + `") { id } }`)},
		{name: "reference ID", body: gql(`{ reference(id: "ref:` + longASCII + `") { id } }`)},
		{name: "document ID", body: gql(`{ document(id: "` + longASCII + `") { id } }`)},
		{name: "cursor", body: gql(`{ search(query: "施策", after: "` + longASCII + `") { totalCount } }`)},
		{name: "search query", body: gql(`{ search(query: "` + long + `") { totalCount } }`)},
		{name: "unknown field", body: gql(`{ ` + longASCII + ` }`)},
		{name: "unknown argument", body: gql(`{ documents(` + longASCII + `: 1) { id } }`)},
		{name: "bad token", body: gql(`{ documents { id } } "` + longASCII)},
		{name: "enum value", body: withVars(`query($k: ProvisionKind) { provisions(kind: $k) { id } }`, map[string]any{"k": longASCII})},
		{name: "unknown operation", body: []byte(`{"query": "{ documents { id } }", "operationName": "` + longASCII + `"}`)},
		{name: "content type", ct: "text/" + longASCII, body: gql(`{ documents { id } }`)},
		{name: "GET variables", method: "GET", query: "query=" + url.QueryEscape(`{ documents { id } }`) + "&variables=" + url.QueryEscape(`{"a": "`+longASCII)},
		{name: "GET unknown type", method: "GET", query: "query=" + url.QueryEscape(`query($a: `+longASCII+`) { documents { id } }`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *http.Request
			if tt.method == "GET" {
				req, _ = http.NewRequest("GET", srv.URL+"/graphql?"+tt.query, nil)
			} else {
				req, _ = http.NewRequest("POST", srv.URL+"/graphql", bytes.NewReader(tt.body))
				ct := tt.ct
				if ct == "" {
					ct = "application/json"
				}
				req.Header.Set("Content-Type", ct)
			}
			status, raw := do(t, req)
			var r response
			if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) == 0 {
				t.Fatalf("status %d: %.300s", status, raw)
			}
			if status >= 500 {
				t.Errorf("status %d", status)
			}
			for _, e := range r.Errors {
				if c, _ := e.Extensions["code"].(string); c == "" || c == "INTERNAL" {
					t.Errorf("error without a code: %.300s", raw)
				}
				if len(e.Message) > 320 || strings.Contains(e.Message, strings.Repeat("x", 50)) || strings.Contains(e.Message, strings.Repeat("あ", 50)) {
					t.Errorf("message quotes too much (%d bytes): %.400s", len(e.Message), e.Message)
				}
			}
			if len(raw) > 2000 {
				t.Errorf("answer of %d bytes", len(raw))
			}
		})
	}
}

// TestErrorsNotCached checks over HTTP that answers with errors, timeouts
// included, carry Cache-Control: no-store and no ETag, every time, while
// good answers carry an ETag, one per encoding.
func TestErrorsNotCached(t *testing.T) {
	srv, _ := newLimitedServer(t, graph.Options{}, server.Config{})
	slow, _ := newLimitedServer(t, graph.Options{}, server.Config{Timeout: 50 * time.Millisecond}, func(r *graph.Resolver) {
		r.Documents = stuckDocuments{r.Documents}
	})
	get := func(base, query, ae string) *http.Response {
		req, _ := http.NewRequest("GET", base+"/graphql?query="+url.QueryEscape(query), nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for _, tt := range []struct {
		name, base, query string
	}{
		{"timeout", slow.URL, `{ documents { id } }`},
		{"not found", srv.URL, `{ provision(id: "cs-budget-policy-fy2020:9") { id } }`},
		{"invalid query", srv.URL, `{ provisions { nothing } }`},
		{"refused", srv.URL, `{ provisions { children { children { children { citations { target { citedBy { text } } } } } } } }`},
		{"bad input", srv.URL, `{ search(query: "") { totalCount } }`},
	} {
		for _, ae := range []string{"", "gzip"} {
			for range 2 {
				resp := get(tt.base, tt.query, ae)
				if resp.Header.Get("ETag") != "" || resp.Header.Get("Cache-Control") != "no-store" {
					t.Errorf("%s (%q): %d, ETag %q, Cache-Control %q", tt.name, ae, resp.StatusCode, resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
				}
			}
		}
	}
	good := `{ provisions { id text } }`
	plain, gz := get(srv.URL, good, ""), get(srv.URL, good, "gzip")
	if plain.Header.Get("ETag") == "" || gz.Header.Get("ETag") == "" || plain.Header.Get("ETag") == gz.Header.Get("ETag") ||
		gz.Header.Get("Content-Encoding") != "gzip" || plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("good answer: ETags %q and %q, encodings %q and %q", plain.Header.Get("ETag"), gz.Header.Get("ETag"),
			plain.Header.Get("Content-Encoding"), gz.Header.Get("Content-Encoding"))
	}
	if q0 := get(srv.URL, good, "gzip;q=0"); q0.Header.Get("Content-Encoding") != "" || q0.Header.Get("ETag") != plain.Header.Get("ETag") {
		t.Errorf("gzip;q=0: encoding %q, ETag %q", q0.Header.Get("Content-Encoding"), q0.Header.Get("ETag"))
	}
}

// stuckDocuments lists documents only when its context ends.
type stuckDocuments struct{ graph.DocumentReader }

func (s stuckDocuments) Documents(ctx context.Context) ([]*policy.Document, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
