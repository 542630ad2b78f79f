package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
)

func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", "[--data DIR] [--force] FILE", stderr)
	data := dataFlag(fs)
	force := fs.Bool("force", false, "replace FILE if it exists (a regular file, not the store itself)")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintln(stderr, "policykb backup: give the file to write the copy to")
		fs.Usage()
		return errUsage
	}
	if abs, err := filepath.Abs(rest[0]); err == nil {
		if lock, err := filepath.Abs(filepath.Join(*data, ingest.LockFile)); err == nil && abs == lock {
			return fmt.Errorf("%s is the ingest lock of the store, not a file to write to", policy.Name(rest[0]))
		}
	}
	db, err := openStore(ctx, *data, stderr)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, rest[0], *force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "policykb: copied the store %s to %s; to restore it, stop policykb and copy it to %s\n",
		policy.Name(db.Path()), policy.Name(rest[0]), policy.Name(db.Path()))
	return nil
}
