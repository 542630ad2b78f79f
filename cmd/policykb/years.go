package main

import (
	"strings"
	"unicode"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// compareCmd is 'policykb compare'.
func (a *app) compareCmd() *cobra.Command {
	cmd, fs := command("compare FROM TO", "print what changed from one document to another: the provisions paired by content")
	cmd.Long = `Each provision of both documents is paired once, by its heading, text and place:
SAME, CHANGED (the words that changed marked [-old-]{+new+}), MOVED (another
parent or number), ADDED or REMOVED, with the similarity of the pair.
`
	cmd.ValidArgsFunction = a.completeArgs(a.completeDocuments)
	data := dataOption(fs)
	format := formatOption(fs)
	cmd.Args = args(func(cmd *cobra.Command, args []string) error {
		if err := checkFormat(cmd, *format); err != nil {
			return err
		}
		return exactly(2, "give two document IDs")(cmd, args)
	})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		return a.reading(ctx, *data, func(db *sqlite.DB) error {
			for _, id := range args {
				if err := checkDocument(ctx, db, id); err != nil {
					return err
				}
			}
			return graph.PrintComparison(ctx, resolver(db), a.stdout, args[0], args[1], *format)
		})
	}
	return cmd
}

// seriesCmd is 'policykb series'.
func (a *app) seriesCmd() *cobra.Command {
	cmd, fs := command("series [SERIES]", "list the series of documents, or one series and each provision's line through its years")
	data := dataOption(fs)
	format := formatOption(fs)
	cmd.Args = args(func(cmd *cobra.Command, args []string) error {
		if err := checkFormat(cmd, *format); err != nil {
			return err
		}
		return argCount(0, 1, "give at most one series ID")(cmd, args)
	})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		id := ""
		if len(args) == 1 {
			id = seriesID(args[0])
		}
		return a.reading(ctx, *data, func(db *sqlite.DB) error {
			return graph.PrintSeries(ctx, resolver(db), a.stdout, id, *format)
		})
	}
	return cmd
}

// seriesID reads a series named on the command line: its ID, or its slug
// alone (cs-budget-policy for series:cs-budget-policy). A series key (a
// title with its fiscal year taken out) is kept as it is.
func seriesID(s string) string {
	if s == "" || strings.HasPrefix(s, policy.SeriesIDPrefix) || strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII }) {
		return s
	}
	return policy.SeriesIDPrefix + s
}

// formatOption adds --format.
func formatOption(fs *pflag.FlagSet) *string {
	v := &textValue{s: graph.FormatText, typ: "text|json"}
	fs.Var(v, "format", "print `text` for people or json, the GraphQL answer")
	return &v.s
}

// checkFormat refuses a --format other than text and json.
func checkFormat(cmd *cobra.Command, format string) error {
	if format != graph.FormatText && format != graph.FormatJSON {
		return optionErrorf(cmd, "--format %q: want text or json", format)
	}
	return nil
}
