package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// openStore opens the store of data directory dir for a command that
// reads it (see ingest.OpenStore), and says so where it can only read it.
func (a *app) openStore(ctx context.Context, dir string) (*sqlite.DB, error) {
	db, err := ingest.OpenStore(ctx, dir, a.storeOptions(dir, false))
	if err == nil && db.ReadOnly() != "" {
		fmt.Fprintf(a.stderr, "policykb: reading the store %s read-only: %s\n", policy.Name(db.Path()), db.ReadOnly())
	}
	return db, err
}

// reading runs f on the store of data directory dir, open for reading.
func (a *app) reading(ctx context.Context, dir string, f func(*sqlite.DB) error) error {
	db, err := a.openStore(ctx, dir)
	if err != nil {
		return err
	}
	defer db.Close()
	return f(db)
}

// writing runs f on the store of data directory dir, open for writing
// under the ingest lock (see lockStore).
func (a *app) writing(ctx context.Context, dir, what string, wait time.Duration, f func(*sqlite.DB) error) error {
	db, unlock, err := a.lockStore(ctx, dir, what, wait)
	if err != nil {
		return err
	}
	defer unlock()
	defer db.Close()
	return f(db)
}

// lockStore takes the ingest lock of dir, waiting at most wait for it,
// and opens the store for writing: for a command that does what (ingest,
// revert). Call unlock after closing the store.
func (a *app) lockStore(ctx context.Context, dir, what string, wait time.Duration) (db *sqlite.DB, unlock func(), err error) {
	unlock, err = ingest.Lock(ctx, dir, wait, func() { waiting(a.stderr, what, wait) })
	if err != nil {
		return nil, nil, interrupted(err)
	}
	db, err = ingest.OpenStore(ctx, dir, a.storeOptions(dir, true))
	if err != nil {
		unlock()
		return nil, nil, interrupted(err)
	}
	return db, unlock, nil
}

// storeOptions tell the user that a command waits for another's ingest,
// and which documents a new store was filled with.
func (a *app) storeOptions(dir string, locked bool) ingest.StoreOptions {
	return ingest.StoreOptions{
		Locked:  locked,
		Waiting: func(d time.Duration) { waiting(a.stderr, "the store to be created", d) },
		Created: func(doc *policy.Document, path string) {
			fmt.Fprintf(a.stderr, "policykb: no store in %s yet: loaded the embedded policy %s (%d provisions) into %s\n",
				policy.Name(dir), doc.ID, len(doc.Provisions), policy.Name(path))
		},
	}
}

// waiting tells w that the command waits for the ingest lock before what.
func waiting(w io.Writer, what string, timeout time.Duration) {
	fmt.Fprintf(w, "policykb: another policykb process is ingesting; waiting up to %v for it before %s\n", timeout, what)
}

// interrupted explains an error caused by a signal: the store is as it was.
func interrupted(err error) error {
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted; the store holds what it held before the file being ingested")
	}
	return err
}

// maxKnown bounds the document IDs named when a command is given one the
// store does not hold.
const maxKnown = 10

// checkDocument returns nil if the store holds a document id, else a
// not-found error naming the documents it holds (at most maxKnown):
// `no document "nosuch"; the store holds cs-budget-policy-fy2020`.
func checkDocument(ctx context.Context, db *sqlite.DB, id string) error {
	docs, err := db.Documents(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		if d.ID == id {
			return nil
		}
		ids[i] = d.ID
	}
	return policy.Errorf(policy.ENOTFOUND, "no document %s; %s", policy.Quote(id), holds(ids))
}

// checkDocumentOption is checkDocument of the document an option names,
// where it names one.
func checkDocumentOption(ctx context.Context, db *sqlite.DB, id string) error {
	if id == "" {
		return nil
	}
	return checkDocument(ctx, db, id)
}

// holds says which documents the store holds: "the store holds no
// document", "the store holds a, b", "the store holds 12 documents: a, …,
// and 2 more".
func holds(ids []string) string {
	switch {
	case len(ids) == 0:
		return "the store holds no document"
	case len(ids) <= maxKnown:
		return "the store holds " + strings.Join(ids, ", ")
	}
	return fmt.Sprintf("the store holds %d documents: %s, and %d more", len(ids), strings.Join(ids[:maxKnown], ", "), len(ids)-maxKnown)
}

// resolver serves the store db over GraphQL (without search).
func resolver(db *sqlite.DB) *graph.Resolver {
	return &graph.Resolver{Documents: db, Provisions: db, References: db, Versions: db}
}

// export prints the graph of db as JSON, or of the one document it names.
func (a *app) export(ctx context.Context, db *sqlite.DB, document string) error {
	if err := checkDocumentOption(ctx, db, document); err != nil {
		return err
	}
	out, err := graph.Export(ctx, resolver(db), document)
	if err != nil {
		return err
	}
	_, err = a.stdout.Write(out)
	return err
}
