package main

import (
	"context"
	"io"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/sqlite"
)

func export(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("export", "[--data DIR] [--document ID]", stderr)
	data := dataFlag(fs)
	document := fs.String("document", "", "export only the document with this `ID`")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	db, err := openStore(ctx, *data, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if *document != "" {
		if err := checkDocument(ctx, db, *document); err != nil {
			return err
		}
	}
	out, err := graph.Export(ctx, resolver(db), *document)
	if err != nil {
		return err
	}
	_, err = stdout.Write(out)
	return err
}

func resolver(db *sqlite.DB) *graph.Resolver {
	return &graph.Resolver{Documents: db, Provisions: db, References: db, Versions: db}
}
