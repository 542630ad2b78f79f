package pages

import (
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
