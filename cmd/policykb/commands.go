package main

// The commands and their options, each declared once: help, the usage,
// the README's synopsis and shell completion are read from them. What a
// command does at length is in the file named after it.

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// serveCmd is 'policykb serve'.
func (a *app) serveCmd() *cobra.Command {
	cmd, fs := command("serve", "serve the reading view at /, GraphQL at /graphql and an IDE at /graphiql")
	addr := &textValue{s: "127.0.0.1:8080", typ: "address"}
	fs.Var(addr, "addr", "address to listen on")
	data := dataOption(fs)
	noIntrospection := boolOption(fs, "no-introspection", "switch GraphQL introspection off")
	timeout := durationOption(fs, "timeout", 10*time.Second, "longest time one request may take")
	cmd.Args = args(func(cmd *cobra.Command, args []string) error {
		if err := checkServeFlags(addr.s, *timeout); err != nil {
			return optionErrorf(cmd, "%v", err)
		}
		return noArgs(cmd, args)
	})
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return a.serve(cmd.Context(), addr.s, *data, *noIntrospection, *timeout)
	}
	return cmd
}

// ingestCmd is 'policykb ingest'.
func (a *app) ingestCmd() *cobra.Command {
	cmd, fs := command("ingest FILE…", "parse and store policy texts")
	cmd.Long = `Each file is stored in one transaction, as a new version of its document; a
file that cannot be parsed leaves the store as it was. The options --title,
--decided-on, --decided-by and --fiscal-year override what the text prints.
`
	data := dataOption(fs)
	id := textOption(fs, "id", "", "document `ID` (derived from the title of a budget-priority policy; required for others)")
	replace := boolOption(fs, "replace", "make the text current even if it lacks provisions the current version has, or looks truncated (the old version stays readable)")
	wait := lockTimeoutOption(fs, "another ingest")
	title := textOption(fs, "title", "", "the document's title `T`")
	decidedOn := dateOption(fs, "decided-on", "the `DATE` of decision: 2019-05-23 (also 2019-05, 2019) or 令和元年5月23日")
	decidedBy := textOption(fs, "decided-by", "", "`WHO` decided it, without 決定 (サイバーセキュリティ戦略本部)")
	fiscalYear := intOption(fs, "fiscal-year", 0, 1900, 2200, "the Gregorian fiscal year `N` (2020 for 令和２年度)")
	partial := boolOption(fs, "partial", "the text is an excerpt: its numbering may start at any number and level, and it needs no title line (then --title)")
	refs := listOption(fs, "reference", "the text is the document that reference `REF` is (ref:cybersecurity-strategy-2018, or the slug alone); may be given more than once",
		func(s string) error { _, err := ingest.ReferenceID(s); return err })
	cmd.Args = args(func(cmd *cobra.Command, files []string) error {
		if err := checkLockTimeout(cmd, *wait); err != nil {
			return err
		}
		if len(files) == 0 || *id != "" && len(files) > 1 {
			return usagef(cmd, "give one or more files, and --id only with one")
		}
		if len(files) > 1 {
			for _, name := range []string{"title", "decided-on", "decided-by", "fiscal-year", "reference"} {
				if fs.Changed(name) {
					return usagef(cmd, "--%s describes one document: give it with one file", name)
				}
			}
		}
		return nil
	})
	cmd.RunE = func(cmd *cobra.Command, files []string) error {
		opt := ingest.Options{
			ID: *id, Replace: *replace,
			Title: *title, DecidedOn: *decidedOn, DecidedBy: *decidedBy, FiscalYear: *fiscalYear, Partial: *partial,
			References: *refs,
		}
		// One ingest at a time: a second waits for the first, for a while.
		return a.writing(cmd.Context(), *data, "ingesting", *wait, func(db *sqlite.DB) error {
			return a.ingestFiles(cmd.Context(), db, files, opt)
		})
	}
	return cmd
}

// checkLockTimeout refuses a --lock-timeout that is not positive.
func checkLockTimeout(cmd *cobra.Command, d time.Duration) error {
	if d > 0 {
		return nil
	}
	return optionErrorf(cmd, "--lock-timeout %v: want a positive duration such as 30s", d)
}

// searchCmd is 'policykb search'.
func (a *app) searchCmd() *cobra.Command {
	cmd, fs := command("search QUERY", "print hits with IDs, labels and snippets")
	cmd.Long = queryLanguage + `
Hits come --first at a time; --page 2 shows the next ones. Text that stands
unchanged in several years of a series is one hit, in its latest year, with
the other years listed under it ("also in"); --every-year shows each year's.
`
	data := dataOption(fs)
	first := intOption(fs, "first", 10, 1, policy.MaxSearchFirst, "show `N` hits a page (1 to 100)")
	page := intOption(fs, "page", 1, 1, maxPage, "show page `N` of the hits")
	document := textOption(fs, "document", "", "search only the document with this `ID`")
	under := textOption(fs, "under", "", "search only below the provision with this `ID`")
	years := listOption(fs, "year", "search only documents of the fiscal year `N` (2020 for 令和２年度; may be repeated)", checkYear)
	series := textOption(fs, "series", "", "search only the documents of the series with this `ID` (series:cs-budget-policy)")
	everyYear := boolOption(fs, "every-year", "show unchanged text as a hit in every year, not once in its latest")
	cmd.Args = args(argCount(1, -1, "give a query"))
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		q := policy.SearchQuery{Query: strings.Join(args, " "), First: *first,
			Filter: policy.SearchFilter{DocumentID: *document, Under: *under, Series: seriesID(*series), NoCollapse: *everyYear}}
		for _, y := range *years {
			n, _ := strconv.Atoi(y) // checked by checkYear
			q.Filter.FiscalYears = append(q.Filter.FiscalYears, n)
		}
		if *page > 1 {
			q.After = search.CursorAfter((*page-1)**first - 1)
		}
		return a.search(cmd, *data, q, *page)
	}
	registerCompletion(cmd, "document", a.completeDocuments)
	registerCompletion(cmd, "under", a.completeProvisions)
	registerCompletion(cmd, "series", a.completeSeries)
	return cmd
}

// checkYear checks a --year: a Gregorian fiscal year.
func checkYear(s string) error {
	if n, err := strconv.Atoi(s); err != nil || n < 1900 || n > 2200 {
		return errors.New("want a Gregorian fiscal year such as 2020")
	}
	return nil
}

// maxPage bounds --page.
const maxPage = 10000

// exportCmd is 'policykb export'.
func (a *app) exportCmd() *cobra.Command {
	cmd, fs := command("export", "print the graph as JSON")
	data := dataOption(fs)
	document := textOption(fs, "document", "", "export only the document with this `ID`")
	registerCompletion(cmd, "document", a.completeDocuments)
	cmd.Args = args(noArgs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		ctx := cmd.Context()
		return a.reading(ctx, *data, func(db *sqlite.DB) error {
			return a.export(ctx, db, *document)
		})
	}
	return cmd
}

// historyCmd is 'policykb history'.
func (a *app) historyCmd() *cobra.Command {
	cmd, fs := command("history DOC", "list the versions of a document")
	cmd.ValidArgsFunction = a.completeArgs(a.completeDocuments)
	data := dataOption(fs)
	cmd.Args = args(exactly(1, "give one document ID"))
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		return a.reading(ctx, *data, func(db *sqlite.DB) error {
			if err := checkDocument(ctx, db, args[0]); err != nil {
				return err
			}
			return printHistory(ctx, db, args[0], a.stdout)
		})
	}
	return cmd
}

// revertCmd is 'policykb revert'.
func (a *app) revertCmd() *cobra.Command {
	cmd, fs := command("revert DOC VERSION", "make an older version current again, as a new version")
	cmd.ValidArgsFunction = a.completeArgs(a.completeDocuments, a.completeVersions)
	data := dataOption(fs)
	wait := lockTimeoutOption(fs, "an ingest")
	cmd.Args = args(func(cmd *cobra.Command, args []string) error {
		if err := checkLockTimeout(cmd, *wait); err != nil {
			return err
		}
		if err := exactly(2, "give a document ID and a version number")(cmd, args); err != nil {
			return err
		}
		if n, err := strconv.Atoi(args[1]); err != nil || n < 1 {
			return usagef(cmd, "version %s is not a version number (1, 2, …)", policy.Quote(args[1]))
		}
		return nil
	})
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		ctx, id := cmd.Context(), args[0]
		number, _ := strconv.Atoi(args[1])
		return a.writing(ctx, *data, "reverting", *wait, func(db *sqlite.DB) error {
			if err := checkDocument(ctx, db, id); err != nil {
				return err
			}
			res, err := db.Revert(ctx, id, number)
			switch {
			case err != nil:
				return interrupted(err)
			case !res.Unchanged:
				fmt.Fprintf(a.stdout, "%s: version %d is now current, the same as version %d\n", id, res.Version, number)
			case res.Version == number: // not a failure: what was asked for holds already
				fmt.Fprintf(a.stderr, "policykb revert: %s: version %d is already the current one; nothing to do\n", id, number)
			default:
				fmt.Fprintf(a.stderr, "policykb revert: %s: version %d has the same text as version %d, the current one; nothing to do\n", id, number, res.Version)
			}
			return nil
		})
	}
	return cmd
}

// backupCmd is 'policykb backup'.
func (a *app) backupCmd() *cobra.Command {
	cmd, fs := command("backup FILE", "write a consistent copy of the store, also while serving")
	data := dataOption(fs)
	force := boolOption(fs, "force", "replace FILE if it exists (a regular file, not the store itself)")
	cmd.Args = args(exactly(1, "give the file to write the copy to"))
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		dest := args[0]
		if abs, err := filepath.Abs(dest); err == nil {
			if lock, err := filepath.Abs(filepath.Join(*data, ingest.LockFile)); err == nil && abs == lock {
				return fmt.Errorf("%s is the ingest lock of the store, not a file to write to", policy.Name(dest))
			}
		}
		return a.reading(cmd.Context(), *data, func(db *sqlite.DB) error {
			if err := db.Backup(cmd.Context(), dest, *force); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "policykb: copied the store %s to %s; to restore it, stop policykb and copy it to %s\n",
				policy.Name(db.Path()), policy.Name(dest), policy.Name(db.Path()))
			return nil
		})
	}
	return cmd
}

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

// versionCmd is 'policykb version', also 'policykb --version'.
func (a *app) versionCmd() *cobra.Command {
	cmd, _ := command("version", "print the version and exit")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		bi, _ := debug.ReadBuildInfo()
		_, err := fmt.Fprint(a.stdout, version(bi))
		return err
	}
	return cmd
}

// shells are the shells completionCmd writes scripts for.
var shells = []string{"bash", "zsh", "fish"}

// completionCmd is 'policykb completion bash|zsh|fish'.
func (a *app) completionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "print a script that completes commands, options and IDs in a shell",
		Long: `Load it from the shell's start-up file:
  bash  source <(policykb completion bash)    in ~/.bashrc
  zsh   source <(policykb completion zsh)     in ~/.zshrc, after compinit
  fish  policykb completion fish | source     in ~/.config/fish/config.fish
Document, provision and version numbers are read from the store of --data
($POLICYKB_DATA); completing never creates a store.
`,
		ValidArgs: shells,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || !slices.Contains(shells, args[0]) {
				return usagef(cmd, "give the shell: bash, zsh or fish")
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			switch args[0] {
			case "bash":
				return a.root.GenBashCompletionV2(a.stdout, true)
			case "zsh":
				return a.root.GenZshCompletion(a.stdout)
			}
			return a.root.GenFishCompletion(a.stdout, true)
		},
	}
	helpFlag(cmd)
	return cmd
}
