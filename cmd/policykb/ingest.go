package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// maxFileSize bounds an input file. The FY2020 policy is 16 KB; a policy
// of this family a hundred times longer still fits.
const maxFileSize = 8 << 20

func ingest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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
	db, err := sqlite.Open(storePath(*data))
	if err != nil {
		return err
	}
	defer db.Close()
	failed := 0
	for _, name := range files {
		doc, err := ingestFile(ctx, db, name, parse.Options{ID: *id})
		if err != nil {
			fmt.Fprintf(stderr, "policykb ingest: %s\n", message(err))
			failed++
			continue
		}
		fmt.Fprintf(stdout, "%s: ingested %s (%d provisions, %d pages, %s)\n", name, doc.ID, len(doc.Provisions), doc.PageCount, doc.Encoding)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not ingested; the store holds what it held before for them", failed, len(files))
	}
	return nil
}

// ingestFile parses one file and stores it in one transaction.
func ingestFile(ctx context.Context, db policy.Ingester, name string, opt parse.Options) (*policy.Document, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(src) > maxFileSize {
		return nil, fmt.Errorf("%s:1: file larger than %d MiB; not a policy text", name, maxFileSize>>20)
	}
	return ingestBytes(ctx, db, name, src, opt)
}

func ingestBytes(ctx context.Context, db policy.Ingester, name string, src []byte, opt parse.Options) (*policy.Document, error) {
	doc, err := parse.Document(name, src, opt)
	if err != nil {
		return nil, err
	}
	if err := db.Ingest(ctx, doc); err != nil {
		return nil, fmt.Errorf("%s: store: %w", name, err)
	}
	return doc, nil
}
