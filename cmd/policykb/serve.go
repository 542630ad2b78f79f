package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/pages"
	"github.com/policykb/policykb/internal/pages/graphiql"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/sqlite"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--data DIR]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`address` to listen on")
	data := dataFlag(fs)
	noIntrospection := fs.Bool("no-introspection", false, "switch GraphQL introspection off")
	timeout := fs.Duration("timeout", 10*time.Second, "longest time one request may take")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	db, err := sqlite.Open(storePath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := loadCorpusIfEmpty(ctx, *data, db, log); err != nil {
		return err
	}
	// The index (and the dictionary it needs) opens in the background: other
	// queries are answered at once, searches wait for it.
	idx := search.OpenInBackground(indexPath(*data), db)
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
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "policykb: serving GraphQL at http://%s/graphql (pages at /, IDE at /graphiql), data in %s\n", ln.Addr(), *data)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
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

// loadCorpusIfEmpty ingests the embedded corpus into a store that holds no
// document, so that a new server answers with no set-up.
func loadCorpusIfEmpty(ctx context.Context, dir string, db *sqlite.DB, log *slog.Logger) error {
	docs, err := db.Documents(ctx)
	if err != nil || len(docs) > 0 {
		return err
	}
	unlock, err := ingest.Lock(dir, func() { log.Info("waiting for an ingest to finish") })
	if err != nil {
		return err
	}
	defer unlock()
	if docs, err = db.Documents(ctx); err != nil || len(docs) > 0 {
		return err // an ingest filled the store meanwhile
	}
	in, err := ingest.New(db)
	if err != nil {
		return err
	}
	if docs, err = in.Corpus(ctx); err != nil {
		return err
	}
	for _, doc := range docs {
		log.Info("loaded the embedded corpus", "document", doc.ID, "provisions", len(doc.Provisions), "citations", len(doc.Citations))
	}
	return nil
}
