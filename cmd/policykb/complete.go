package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/spf13/cobra"
)

// A completer completes one argument or option value of cmd: args are
// the arguments before it, prefix what is typed of it.
type completer = func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective)

// completeArgs completes the i-th argument with the i-th completer, and
// nothing after the last.
func (a *app) completeArgs(cs ...completer) completer {
	return func(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) >= len(cs) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return cs[len(args)](cmd, args, prefix)
	}
}

// registerCompletion completes the values of option name of cmd with c.
func registerCompletion(cmd *cobra.Command, name string, c completer) {
	if err := cmd.RegisterFlagCompletionFunc(name, c); err != nil {
		panic(err) // declared twice
	}
}

// completeDocuments completes the IDs of the documents in the store.
func (a *app) completeDocuments(cmd *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return withStore(cmd, func(ctx context.Context, db *sqlite.DB) []cobra.Completion {
		docs, _ := db.Documents(ctx)
		var out []cobra.Completion
		for _, d := range docs {
			if strings.HasPrefix(d.ID, prefix) {
				out = append(out, cobra.CompletionWithDesc(d.ID, d.Title))
			}
		}
		return out
	})
}

// completeProvisions completes the IDs of the provisions in the store.
func (a *app) completeProvisions(cmd *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return withStore(cmd, func(ctx context.Context, db *sqlite.DB) []cobra.Completion {
		ps, _ := db.Provisions(ctx, policy.ProvisionFilter{})
		var out []cobra.Completion
		for _, p := range ps {
			if strings.HasPrefix(p.ID, prefix) {
				out = append(out, cobra.CompletionWithDesc(p.ID, strings.TrimSpace(p.Label+" "+p.Heading)))
			}
		}
		return out
	})
}

// completeSeries completes the IDs of the series in the store.
func (a *app) completeSeries(cmd *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return withStore(cmd, func(ctx context.Context, db *sqlite.DB) []cobra.Completion {
		docs, _ := db.Documents(ctx)
		var out []cobra.Completion
		for _, s := range policy.GroupSeries(docs) {
			if strings.HasPrefix(s.ID, prefix) {
				out = append(out, cobra.CompletionWithDesc(s.ID, s.Title))
			}
		}
		return out
	})
}

// completeVersions completes the version numbers of the document args[0].
func (a *app) completeVersions(cmd *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return withStore(cmd, func(ctx context.Context, db *sqlite.DB) []cobra.Completion {
		vs, _ := db.Versions(ctx, args[0])
		var out []cobra.Completion
		for _, v := range vs {
			if n := strconv.Itoa(v.Number); strings.HasPrefix(n, prefix) {
				out = append(out, cobra.CompletionWithDesc(n, v.IngestedAt.Format("2006-01-02")+", "+count(v.ProvisionCount, "provision", "provisions")))
			}
		}
		return out
	})
}

// withStore returns what list reads from the store of cmd's --data, where
// there is one: completing never creates a store, nor says anything.
func withStore(cmd *cobra.Command, list func(context.Context, *sqlite.DB) []cobra.Completion) ([]cobra.Completion, cobra.ShellCompDirective) {
	none := cobra.ShellCompDirectiveNoFileComp
	f := cmd.Flags().Lookup("data")
	if f == nil || !cgoEnabled {
		return nil, none
	}
	path := ingest.StorePath(f.Value.String())
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, none
	}
	db, err := sqlite.OpenForReading(path)
	if err != nil {
		return nil, none
	}
	defer db.Close()
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return list(ctx, db), none
}
