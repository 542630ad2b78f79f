package pages

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/pages/graphiql"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/policykb/policykb/internal/testfixture"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fixture is the embedded corpus in a fresh store, with its index.
type fixture struct {
	db  *sqlite.DB
	res *graph.Resolver
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := testfixture.Store(t)
	idx := testfixture.Index(t, search.Store(db), search.Open)
	return &fixture{db: db, res: &graph.Resolver{Documents: db, Provisions: db, References: db, Search: idx}}
}

// handler is the whole service as policykb serve wires it.
func (f *fixture) handler() http.Handler {
	return server.New(server.Config{
		API:        graph.NewHandler(f.res, graph.Options{Logger: quiet}),
		IDE:        graphiql.Handler("/graphiql", "/graphql"),
		Pages:      New(f.res, Options{Logger: quiet}),
		Generation: f.db.Generation,
		Ready:      func() error { return nil },
		Logger:     quiet,
	})
}

// newServer serves the embedded corpus over real HTTP on loopback.
func newServer(t testing.TB) (*httptest.Server, *fixture) {
	t.Helper()
	f := newFixture(t)
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	return srv, f
}

// sameAsGraphQL checks that the JSON of the page at path is, byte for
// byte, the field of the answer of /graphql to query with vars (all of its
// data for ""), written as pages write JSON: indented, HTML-escaped.
func sameAsGraphQL(t *testing.T, srv *httptest.Server, path, query string, vars map[string]any, field string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var gq struct {
		Data   json.RawMessage
		Errors []any
	}
	err = json.NewDecoder(resp.Body).Decode(&gq)
	resp.Body.Close()
	if err != nil || len(gq.Errors) > 0 {
		t.Fatalf("%s: GraphQL answer %v, errors %v", path, err, gq.Errors)
	}
	data := gq.Data
	if field != "" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatal(err)
		}
		data = m[field]
	}
	var indented, want bytes.Buffer
	if err := json.Indent(&indented, data, "", "  "); err != nil {
		t.Fatal(err)
	}
	indented.WriteByte('\n')
	json.HTMLEscape(&want, indented.Bytes())
	page := get(t, srv.URL, path, "Accept", "application/json")
	if page.body != want.String() || want.Len() < 10 {
		t.Errorf("%s: JSON differs from GraphQL:\n%.500s\n%.500s", path, page.body, want.String())
	}
}
