// Command policykb is a knowledge base of Japan's cybersecurity budget-priority
// policy: it parses the policy texts into numbered provisions, stores them in
// SQLite and serves them over GraphQL.
//
//	policykb serve  [--addr 127.0.0.1:8080] [--data DIR]
//	policykb ingest [--data DIR] [--id ID] FILE…
//	policykb search [--data DIR] [--first N] [--document ID] QUERY
//	policykb export [--data DIR] [--document ID]
//
// --data defaults to $POLICYKB_DATA, else to policykb under the user's data
// directory ($XDG_DATA_HOME or ~/.local/share). Exit status: 0 on success, 1
// on a failure, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
)

const usage = `policykb — Japan's cybersecurity budget-priority policy as a knowledge base

Usage:
  policykb serve  [--addr 127.0.0.1:8080] [--data DIR]   serve pages at /, GraphQL at /graphql, an IDE at /graphiql
  policykb ingest [--data DIR] [--id ID] FILE…           parse and store policy texts
  policykb search [--data DIR] [--first N] QUERY         print hits with IDs, labels and snippets
  policykb export [--data DIR] [--document ID]           print the graph as JSON

Run 'policykb COMMAND --help' for the options of a command.
--data defaults to $POLICYKB_DATA, else to policykb under $XDG_DATA_HOME or ~/.local/share.
`

// errUsage marks a bad command line: exit status 2.
var errUsage = errors.New("bad usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	log := slog.New(server.LogHandler(slog.NewTextHandler(stderr, nil)))
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr, log)
	case "ingest":
		err = ingestCmd(ctx, args[1:], stdout, stderr)
	case "export":
		err = export(ctx, args[1:], stdout, stderr)
	case "search":
		err = searchCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "policykb: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "policykb %s: %s\n", args[0], message(err))
	return 1
}

// message is what the user is told of err: the message of a *policy.Error,
// or the text of other errors, which at the command line are the user's own
// (files, directories).
func message(err error) string {
	var perr *policy.Error
	if errors.As(err, &perr) {
		return perr.Message
	}
	return err.Error()
}

// newFlags returns a flag set for command name that reports errors to stderr
// and counts them as bad usage.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: policykb %s %s\n\nOptions:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, allowing flags after the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// parseNoArgs parses args of a command that takes flags only.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fs.Usage()
		return errUsage
	}
	return nil
}

// dataFlag adds --data to fs.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir(), "data `DIR`ectory of the store ($POLICYKB_DATA)")
}

func defaultDataDir() string {
	if d := os.Getenv("POLICYKB_DATA"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "policykb")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "policykb")
	}
	return "policykb-data"
}

// storePath is the file of the store in data directory dir.
func storePath(dir string) string { return filepath.Join(dir, "policykb.db") }
