package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/pages"
	"github.com/policykb/policykb/internal/pages/graphiql"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"golang.org/x/net/netutil"
)

// serve serves the store of data at addr until ctx is done.
func (a *app) serve(ctx context.Context, addr, data string, noIntrospection bool, timeout time.Duration) error {
	log := slog.New(server.LogHandler(slog.NewTextHandler(a.stderr, nil)))
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(server.MemoryLimit)
	}
	// Bind first: a busy port fails at once, before the store is touched.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ln = netutil.LimitListener(ln, server.MaxConnections)
	defer ln.Close()
	db, err := a.openStore(ctx, data)
	if err != nil {
		return err
	}
	defer db.Close()
	// The index (and the dictionary it needs) opens in the background, once
	// the corpus is loaded (the two would compete for the CPU before the
	// first answer): other queries are answered at once, searches wait for
	// it. A failed build is retried until it succeeds; meanwhile searches
	// answer UNAVAILABLE and /readyz says why. Loading stops as soon as the
	// server is stopped.
	loadCtx, stopLoading := context.WithCancel(ctx)
	defer stopLoading()
	index := ingest.IndexPath(data)
	if db.ReadOnly() != "" {
		index = "" // in memory: the data directory cannot take one
	}
	idx := search.Load(loadCtx, search.LoadConfig{Path: index, Store: db, Logger: log})
	defer idx.Close()
	res := resolver(db)
	res.Search = idx
	api := graph.NewHandler(res, graph.Options{Logger: log, NoIntrospection: noIntrospection})
	handler := server.New(server.Config{
		API: api, IDE: graphiql.Handler("/graphiql", "/graphql"), Logger: log,
		Pages:      pages.New(res, pages.Options{Logger: log}),
		Generation: db.Generation,
		Ready:      idx.Ready,
		Timeout:    timeout,
	})
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       30 * time.Second,
		ConnState:         server.NewConns(server.IdleConnections).ConnState,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(a.stdout, "policykb: serving GraphQL at http://%s/graphql (pages at /, IDE at /graphiql), data in %s\n", ln.Addr(), policy.Name(data))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	stopLoading()
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkServeFlags refuses a listen address that is not HOST:PORT and a
// timeout that is not positive.
func checkServeFlags(addr string, timeout time.Duration) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return fmt.Errorf("--addr %s is not HOST:PORT (such as 127.0.0.1:8080): %v", policy.Quote(addr), addrError(err))
	}
	if timeout <= 0 {
		return fmt.Errorf("--timeout %v: want a positive duration such as 10s", timeout)
	}
	return nil
}

// addrError says what is wrong with a listen address without quoting it
// (the net package quotes it in full): the reason alone, where there is one.
func addrError(err error) string {
	var aerr *net.AddrError
	var derr *net.DNSError
	switch {
	case errors.As(err, &aerr):
		return aerr.Err
	case errors.As(err, &derr):
		return derr.Err
	}
	return "not a port"
}
