package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// ingestFiles stores files in db, one transaction each.
func (a *app) ingestFiles(ctx context.Context, db *sqlite.DB, files []string, opt ingest.Options) error {
	stdout, stderr := a.stdout, a.stderr
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
		res, err := in.File(ctx, name, opt)
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
