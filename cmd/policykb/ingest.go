package main

import (
	"context"
	"fmt"
	"io"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/sqlite"
)

func ingestCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "[--data DIR] [--id ID] FILE…", stderr)
	data := dataFlag(fs)
	id := fs.String("id", "", "document `ID` (derived from the title of a budget-priority policy; required for others)")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 || *id != "" && len(files) > 1 {
		fmt.Fprintln(stderr, "policykb ingest: give one or more files, and --id only with one")
		fs.Usage()
		return errUsage
	}
	// One ingest at a time: a second waits for the first.
	unlock, err := ingest.Lock(*data, func() { fmt.Fprintln(stderr, "policykb ingest: waiting for another ingest to finish") })
	if err != nil {
		return err
	}
	defer unlock()
	db, err := sqlite.Open(storePath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	in, err := ingest.New(db)
	if err != nil {
		return err
	}
	failed := 0
	progress := len(files) > 1 && isTerminal(stderr)
	for i, name := range files {
		if progress {
			fmt.Fprintf(stderr, "\r\x1b[K[%d/%d] %s", i+1, len(files), name)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		doc, err := in.File(ctx, name, parse.Options{ID: *id})
		if err != nil {
			fmt.Fprintf(stderr, "policykb ingest: %s\n", message(err))
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%s: ingested %s (%s, %s, %s)\n", name, doc.ID, count(len(doc.Provisions), "provision", "provisions"), count(doc.PageCount, "page", "pages"), doc.Encoding)
	}
	if progress {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if failed > 0 {
		return fmt.Errorf("%d of %s not ingested; the store holds what it held before for them", failed, count(len(files), "file", "files"))
	}
	return nil
}
