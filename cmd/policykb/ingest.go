package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
)

func ingestCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("ingest", "[--data DIR] [--id ID] [--replace] [--lock-timeout 30s] FILE…", stderr)
	data := dataFlag(fs)
	id := fs.String("id", "", "document `ID` (derived from the title of a budget-priority policy; required for others)")
	replace := fs.Bool("replace", false, "make the text current even if it lacks provisions the current version has, or looks truncated (the old version stays readable)")
	wait := fs.Duration("lock-timeout", lockTimeout, "longest `time` to wait for another ingest to finish")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := checkLockTimeout("ingest", *wait, stderr); err != nil {
		return err
	}
	if len(files) == 0 || *id != "" && len(files) > 1 {
		fmt.Fprintln(stderr, "policykb ingest: give one or more files, and --id only with one")
		fs.Usage()
		return errUsage
	}
	// One ingest at a time: a second waits for the first, for a while.
	unlock, err := ingest.Lock(ctx, *data, *wait, waitingFor(stderr, "ingesting", *wait))
	if err != nil {
		return interrupted(err)
	}
	defer unlock()
	db, err := openStoreLocked(ctx, *data, stderr, true)
	if err != nil {
		return interrupted(err)
	}
	defer db.Close()
	in, err := ingest.New(db)
	if err != nil {
		return err
	}
	failed := 0
	progress := len(files) > 1 && isTerminal(stderr)
	for i, name := range files {
		shown := policy.Name(name)
		if progress {
			fmt.Fprintf(stderr, "\r\x1b[K[%d/%d] %s", i+1, len(files), shown)
		}
		if err := ctx.Err(); err != nil {
			return interrupted(err)
		}
		res, err := in.File(ctx, name, ingest.Options{ID: *id, Replace: *replace})
		if err != nil && ctx.Err() != nil {
			if progress {
				fmt.Fprint(stderr, "\r\x1b[K")
			}
			return interrupted(ctx.Err())
		}
		if err != nil {
			if progress {
				fmt.Fprint(stderr, "\r\x1b[K")
			}
			fmt.Fprintf(stderr, "policykb ingest: %s\n", message(err))
			failed++
			continue
		}
		doc := res.Doc
		if res.Unchanged {
			how := ""
			if res.Unlike != "" {
				how = " (" + res.Unlike + ")"
			}
			fmt.Fprintf(stdout, "%s: %s unchanged: the same text as version %d, the current one%s\n", shown, doc.ID, res.Version, how)
			continue
		}
		for _, w := range doc.Warnings {
			fmt.Fprintf(stderr, "policykb ingest: warning: %s\n", w)
		}
		if len(res.Lost) > 0 {
			fmt.Fprintf(stderr, "policykb ingest: warning: %s: version %d of %s, now current, lacks what version %d had (it stays readable: policykb history %s): %s\n",
				shown, res.Version, doc.ID, res.Previous, doc.ID, listProvisions(res.Lost))
		}
		fmt.Fprintf(stdout, "%s: ingested %s (%s, %s, %s) as version %d\n", shown, doc.ID, count(len(doc.Provisions), "provision", "provisions"), count(doc.PageCount, "page", "pages"), doc.Encoding, res.Version)
	}
	if progress {
		fmt.Fprint(stderr, "\r\x1b[K")
	}
	if failed > 0 {
		return notIngested(failed, len(files))
	}
	return nil
}

// notIngested is the error of an ingest in which failed of n files were
// not ingested: "1 of 1 file not ingested; nothing was stored for it; the
// store is unchanged".
func notIngested(failed, n int) error {
	what, them := count(n, "file", "files"), "them"
	if failed == 1 {
		them = "it"
	}
	if failed == n {
		return fmt.Errorf("%d of %s not ingested; nothing was stored for %s; the store is unchanged", failed, what, them)
	}
	return fmt.Errorf("%d of %s not ingested; nothing was stored for %s; the others are as reported above", failed, what, them)
}

// listProvisions names provisions for a message: "3 provisions: ２(2)③ (2.2.3), …",
// at most policy.MaxListed of them.
func listProvisions(ps []*policy.Provision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d provision", len(ps))
	if len(ps) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(": ")
	for i, p := range ps {
		if i == policy.MaxListed {
			fmt.Fprintf(&b, ", and %d more", len(ps)-policy.MaxListed)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		_, local, _ := policy.SplitID(p.ID)
		fmt.Fprintf(&b, "%s (%s)", p.Label, local)
	}
	return b.String()
}

// interrupted explains an error caused by a signal: the store is as it was.
func interrupted(err error) error {
	if errors.Is(err, context.Canceled) {
		return errors.New("interrupted; the store holds what it held before the file being ingested")
	}
	return err
}
