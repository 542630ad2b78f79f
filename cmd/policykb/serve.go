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
	"sync"
	"sync/atomic"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/pages"
	"github.com/policykb/policykb/internal/pages/graphiql"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/sqlite"
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
	// The store, its index and the handlers over them make one stack. A
	// store that cannot be written (a read-only data directory, a full
	// disk) is served as it was when opened, and /readyz says so; once it
	// can be written again, a new stack over it takes the requests.
	cfg := stackConfig{data: data, log: log, noIntrospection: noIntrospection, timeout: timeout}
	current := cfg.start(ctx, db)
	var handler swapHandler
	handler.Store(current)
	defer func() { handler.Load().close() }()
	if db.ReadOnly() != "" {
		var reopening sync.WaitGroup
		defer reopening.Wait() // it closes the stack it replaced once ctx is done
		reopening.Go(func() { cfg.reopenWhenWritable(ctx, &handler) })
	}
	srv := &http.Server{
		Handler:           &handler,
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
	handler.Load().stopLoading()
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

// stackConfig is how serve builds a stack.
type stackConfig struct {
	data            string
	log             *slog.Logger
	noIntrospection bool
	timeout         time.Duration
}

// A stack serves one open store: the API and the pages over it and its
// search index.
type stack struct {
	db          *sqlite.DB
	idx         *search.Pending
	handler     http.Handler
	stopLoading context.CancelFunc
}

// start builds the stack over db. The index (and the dictionary it needs)
// opens in the background: other queries are answered at once, searches
// wait for it. A failed build is retried until it succeeds; meanwhile
// searches answer UNAVAILABLE and /readyz says why. Loading stops as soon
// as the server is stopped.
func (c stackConfig) start(ctx context.Context, db *sqlite.DB) *stack {
	loadCtx, stopLoading := context.WithCancel(ctx)
	index := ingest.IndexPath(c.data)
	if db.ReadOnly() != "" {
		index = "" // in memory: the data directory cannot take one
	}
	idx := search.Load(loadCtx, search.LoadConfig{Path: index, Store: db, Logger: c.log})
	ready := idx.Ready
	if db.ReadOnly() != "" {
		ready = func() error {
			if err := idx.Ready(); err != nil {
				if _, degraded := policy.IsDegraded(err); !degraded {
					return err
				}
			}
			return &policy.Degraded{Reason: "the store cannot be written: it is served as it was when the server opened it, until it can be"}
		}
	}
	res := resolver(db)
	res.Search = idx
	api := graph.NewHandler(res, graph.Options{Logger: c.log, NoIntrospection: c.noIntrospection})
	h := server.New(server.Config{
		API: api, IDE: graphiql.Handler("/graphiql", "/graphql"), Logger: c.log,
		Pages:      pages.New(res, pages.Options{Logger: c.log}),
		Generation: db.Generation,
		Ready:      ready,
		Timeout:    c.timeout,
	})
	return &stack{db: db, idx: idx, handler: h, stopLoading: stopLoading}
}

// close stops the stack's index and closes its store.
func (s *stack) close() {
	s.stopLoading()
	s.idx.Close()
	s.db.Close()
}

// reopenWhenWritable tries every few seconds, until ctx is done, to open
// the store of a server serving it read-only for writing; once it can, a
// new stack over the store as it is now takes the requests, and the old
// one is closed once the requests it holds are answered (or the server
// stops).
func (c stackConfig) reopenWhenWritable(ctx context.Context, h *swapHandler) {
	tick := time.NewTicker(reopenEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		db, err := ingest.OpenStore(ctx, c.data, ingest.StoreOptions{})
		if err != nil {
			continue
		}
		if db.ReadOnly() != "" {
			db.Close()
			continue
		}
		c.log.Info("the store can be written again: serving it as it is now")
		old := h.Swap(c.start(ctx, db))
		old.stopLoading()
		select {
		case <-time.After(drainTime):
		case <-ctx.Done():
		}
		old.close()
		return
	}
}

// reopenEvery is how often a server serving its store read-only tries to
// open it for writing; drainTime how long a replaced stack is kept for the
// requests it holds (the server's longest write).
const (
	reopenEvery = 2 * time.Second
	drainTime   = 70 * time.Second
)

// swapHandler serves HTTP with the current stack.
type swapHandler struct{ atomic.Pointer[stack] }

func (h *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.Load().handler.ServeHTTP(w, r)
}
