package main

import (
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"strings"
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
			// The series ID, or its slug alone.
			id = args[0]
			if !strings.HasPrefix(id, "series:") {
				id = "series:" + id
			}
		}
		return a.reading(ctx, *data, func(db *sqlite.DB) error {
			return graph.PrintSeries(ctx, resolver(db), a.stdout, id, *format)
		})
	}
	return cmd
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
