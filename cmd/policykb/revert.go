package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
)

func revertCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("revert", "[--data DIR] [--lock-timeout 30s] DOC VERSION", stderr)
	data := dataFlag(fs)
	wait := fs.Duration("lock-timeout", lockTimeout, "longest `time` to wait for an ingest to finish")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := checkLockTimeout("revert", *wait, stderr); err != nil {
		return err
	}
	if len(rest) != 2 {
		fmt.Fprintln(stderr, "policykb revert: give a document ID and a version number")
		fs.Usage()
		return errUsage
	}
	number, err := strconv.Atoi(rest[1])
	if err != nil || number < 1 {
		fmt.Fprintf(stderr, "policykb revert: version %s is not a version number (1, 2, …)\n", policy.Quote(rest[1]))
		fs.Usage()
		return errUsage
	}
	unlock, err := ingest.Lock(ctx, *data, *wait, waitingFor(stderr, "reverting", *wait))
	if err != nil {
		return interrupted(err)
	}
	defer unlock()
	db, err := openStoreLocked(ctx, *data, stderr, true)
	if err != nil {
		return interrupted(err)
	}
	defer db.Close()
	if err := checkDocument(ctx, db, rest[0]); err != nil {
		return err
	}
	res, err := db.Revert(ctx, rest[0], number)
	if err != nil {
		return interrupted(err)
	}
	if res.Unchanged {
		// Not a failure: what was asked for holds already.
		if res.Version == number {
			fmt.Fprintf(stderr, "policykb revert: %s: version %d is already the current one; nothing to do\n", rest[0], number)
		} else {
			fmt.Fprintf(stderr, "policykb revert: %s: version %d has the same text as version %d, the current one; nothing to do\n", rest[0], number, res.Version)
		}
		return nil
	}
	fmt.Fprintf(stdout, "%s: version %d is now current, the same as version %d\n", rest[0], res.Version, number)
	return nil
}
