package main

import (
	"context"
	"fmt"
	"io"

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
