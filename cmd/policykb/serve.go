package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	"github.com/policykb/policykb/internal/sqlite"
	"golang.org/x/net/netutil"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--data DIR] [--no-introspection] [--timeout 10s]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on")
	data := dataFlag(fs)
	noIntrospection := fs.Bool("no-introspection", false, "switch GraphQL introspection off")
	timeout := fs.Duration("timeout", 10*time.Second, "longest time one request may take")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if err := checkServeFlags(*addr, *timeout); err != nil {
		fmt.Fprintf(stderr, "policykb serve: %v\nRun 'policykb serve --help' for usage.\n", err)
		return errUsage
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(server.MemoryLimit)
	}
	// Bind first: a busy port fails at once, before the store is touched.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ln = netutil.LimitListener(ln, server.MaxConnections)
	defer ln.Close()
	db, err := openStore(ctx, *data, stderr)
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
	index := indexPath(*data)
	if db.ReadOnly() != "" {
		index = "" // in memory: the data directory cannot take one
	}
	idx := search.Load(loadCtx, search.LoadConfig{Path: index, Store: db, Logger: log})
	defer idx.Close()
	res := resolver(db)
	res.Search = idx
	api := graph.NewHandler(res, graph.Options{Logger: log, NoIntrospection: *noIntrospection})
	handler := server.New(server.Config{
		API: api, IDE: graphiql.Handler("/graphiql", "/graphql"), Logger: log,
		Pages:      pages.New(res, pages.Options{Logger: log}),
		Generation: db.Generation,
		Ready:      idx.Ready,
		Timeout:    *timeout,
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
	fmt.Fprintf(stdout, "policykb: serving GraphQL at http://%s/graphql (pages at /, IDE at /graphiql), data in %s\n", ln.Addr(), policy.Name(*data))
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

// lockTimeout is how long a command waits for another's ingest to finish
// by default.
const lockTimeout = 30 * time.Second

// checkLockTimeout refuses a --lock-timeout that is not positive as bad
// usage of command name.
func checkLockTimeout(name string, d time.Duration, stderr io.Writer) error {
	if d > 0 {
		return nil
	}
	fmt.Fprintf(stderr, "policykb %s: --lock-timeout %v: want a positive duration such as 30s\nRun 'policykb %s --help' for usage.\n", name, d, name)
	return errUsage
}

// openStore opens the store of data directory dir. Where there is no store
// yet, it first creates one with the embedded policy loaded into it, and
// says so on stderr; an existing store is never refilled.
func openStore(ctx context.Context, dir string, stderr io.Writer) (*sqlite.DB, error) {
	return openStoreLocked(ctx, dir, stderr, false)
}

// openStoreLocked is openStore for a caller that holds the ingest lock
// already (locked) or not.
func openStoreLocked(ctx context.Context, dir string, stderr io.Writer, locked bool) (*sqlite.DB, error) {
	path := storePath(dir)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		if err := loadCorpus(ctx, dir, stderr, locked); err != nil {
			return nil, err
		}
	}
	if locked {
		return sqlite.Open(path)
	}
	// Commands that only read can read a store they cannot write.
	db, err := sqlite.OpenForReading(path)
	if err == nil && db.ReadOnly() != "" {
		fmt.Fprintf(stderr, "policykb: reading the store %s read-only: %s\n", policy.Name(path), db.ReadOnly())
	}
	return db, err
}

// loadCorpus creates the store of dir with the embedded corpus, under the
// ingest lock, unless another process created it meanwhile.
func loadCorpus(ctx context.Context, dir string, stderr io.Writer, locked bool) error {
	if !locked {
		unlock, err := ingest.Lock(ctx, dir, lockTimeout, waitingFor(stderr, "the store to be created", lockTimeout))
		if err != nil {
			return err
		}
		defer unlock()
	}
	path := storePath(dir)
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil // created meanwhile
	}
	var docs []*policy.Document
	err := sqlite.Create(ctx, path, func(db *sqlite.DB) error {
		in, err := ingest.New(db)
		if err != nil {
			return err
		}
		docs, err = in.Corpus(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("create the store in %s: %w", policy.Name(dir), err)
	}
	for _, doc := range docs {
		fmt.Fprintf(stderr, "policykb: no store in %s yet: loaded the embedded policy %s (%d provisions) into %s\n",
			policy.Name(dir), doc.ID, len(doc.Provisions), policy.Name(path))
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
		return fmt.Errorf("--addr %s is not HOST:PORT (such as 127.0.0.1:8080): %v", policy.Quote(addr), clipArgs(err.Error(), addr))
	}
	if timeout <= 0 {
		return fmt.Errorf("--timeout %v: want a positive duration such as 10s", timeout)
	}
	return nil
}

// waitingFor returns a function that tells stderr that the command waits
// for the ingest lock.
func waitingFor(stderr io.Writer, what string, timeout time.Duration) func() {
	return func() {
		fmt.Fprintf(stderr, "policykb: another policykb process is ingesting; waiting up to %v for it before %s\n", timeout, what)
	}
}
