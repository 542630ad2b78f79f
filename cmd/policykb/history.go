package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// printHistory lists the versions of a document: number (* marks the
// current one), date, SHA-256 of the source, provisions, and what changed
// against the version before.
func printHistory(ctx context.Context, db *sqlite.DB, id string, stdout io.Writer) error {
	vs, err := db.Versions(ctx, id)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tINGESTED\tSHA-256\tPROVISIONS\tCHANGES")
	var before *policy.Document
	for _, v := range vs {
		doc, err := db.DocumentVersion(ctx, id, v.Number)
		if err != nil {
			return err
		}
		changes := "first version"
		if before != nil {
			changes = summarize(policy.Diff(before.Provisions, doc.Provisions))
		}
		if v.Note != "" {
			changes += " (" + v.Note + ")"
		}
		num := strconv.Itoa(v.Number)
		if v.Current {
			num += "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", num, v.IngestedAt.Format(time.RFC3339), v.SHA256, v.ProvisionCount, changes)
		before = doc
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, "* current")
	return err
}

// summarize counts changes by kind: "2 added, 31 removed, 1 changed".
func summarize(cs []policy.ProvisionChange) string {
	n := map[policy.ChangeKind]int{}
	for _, c := range cs {
		n[c.Kind]++
	}
	var parts []string
	for _, k := range []policy.ChangeKind{policy.ChangeAdded, policy.ChangeRemoved, policy.ChangeChanged} {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], strings.ToLower(string(k))))
		}
	}
	if len(parts) == 0 {
		return "same provisions"
	}
	return strings.Join(parts, ", ")
}
