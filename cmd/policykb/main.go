// Command policykb is a knowledge base of Japan's cybersecurity budget-priority
// policy: it parses the policy texts into numbered provisions, stores them in
// SQLite and serves them over GraphQL.
//
//	policykb serve   [--addr 127.0.0.1:8080] [--data DIR] [--no-introspection] [--timeout 10s]
//	policykb ingest  [--data DIR] [--id ID] FILE…
//	policykb search  [--data DIR] [--first N] [--document ID] QUERY
//	policykb export  [--data DIR] [--document ID]
//	policykb history [--data DIR] DOC
//	policykb revert  [--data DIR] DOC VERSION
//	policykb backup  [--data DIR] [--force] FILE
//	policykb version
//
// 'policykb --help' lists every command with every option; 'policykb
// COMMAND --help' those of one command. --data defaults to $POLICYKB_DATA,
// else to policykb under the user's data directory ($XDG_DATA_HOME or
// ~/.local/share). Exit status: 0 on success, 1 on a failure, 2 on bad usage.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
)

// A command is one of policykb's subcommands. Its function parses args
// with newFlags and parseFlags (or parseNoArgs) before it does anything
// else, so that --help and bad usage cost nothing.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands are the subcommands, in the order the usage lists them (set in
// init: their functions refer to the list).
var commands []command

func init() {
	commands = []command{
		{"serve", "serve the reading view at /, GraphQL at /graphql and an IDE at /graphiql", func(ctx context.Context, args []string, stdout, stderr io.Writer) error {
			return serve(ctx, args, stdout, stderr, slog.New(server.LogHandler(slog.NewTextHandler(stderr, nil))))
		}},
		{"ingest", "parse and store policy texts", ingestCmd},
		{"search", "print hits with IDs, labels and snippets", searchCmd},
		{"export", "print the graph as JSON", export},
		{"history", "list the versions of a document", historyCmd},
		{"revert", "make an older version current again, as a new version", revertCmd},
		{"backup", "write a consistent copy of the store, also while serving", backupCmd},
		{"version", "print the version and exit", versionCmd},
	}
}

// errUsage marks a bad command line: exit status 2.
var errUsage = errors.New("bad usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return 2
	}
	name, args := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) > 0 && name == "help" && !asksHelp(args[:1]) {
			// policykb help COMMAND is policykb COMMAND --help.
			name, args = args[0], []string{"--help"}
			break
		}
		fmt.Fprint(stdout, usage())
		return 0
	case "-version", "--version":
		name = "version"
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "policykb: unknown command %s\nRun 'policykb --help' for the commands and their options.\n", policy.Quote(name))
		return 2
	}
	if cmd.name != "version" && !cgoEnabled && !asksHelp(args) {
		fmt.Fprintln(stderr, noCgo)
		return 1
	}
	err := cmd.run(ctx, args, stdout, &commandStderr{Writer: stderr, stdout: stdout})
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "policykb %s: %s\n", name, message(err))
	return 1
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// asksHelp reports whether args ask for help before any argument that is
// not a flag, so that help works in a binary that cannot run commands.
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		case "--":
			return false
		}
	}
	return false
}

// usage is the top-level usage: every command with every option, taken
// from the commands' own flag sets so that it cannot drift from them.
func usage() string {
	var b strings.Builder
	b.WriteString(`policykb — Japan's cybersecurity budget-priority policy as a knowledge base

Usage: policykb COMMAND [OPTIONS] [ARGUMENTS]
       policykb --version
       policykb --help | help COMMAND | COMMAND --help

Commands:
`)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	b.WriteString("\nOptions of the commands:\n")
	for _, c := range commands {
		b.WriteString("\n")
		// The synopsis and the options of the command's own help.
		for line := range strings.Lines(commandHelp(c)) {
			if synopsis, ok := strings.CutPrefix(line, "Usage: "); ok {
				b.WriteString("  " + synopsis)
			} else if strings.HasPrefix(line, "  --") {
				b.WriteString("  " + line)
			}
		}
	}
	b.WriteString(`
Environment:
  POLICYKB_DATA  the default of --data; without it, policykb under
                 $XDG_DATA_HOME, else under ~/.local/share
  NO_COLOR       when set and not empty, search prints no colour
  TERM           dumb: search prints no colour

Exit status: 0 on success, 1 on a failure, 2 on bad usage.
`)
	return b.String()
}

// commandHelp is what 'policykb NAME --help' prints.
func commandHelp(c command) string {
	var out bytes.Buffer
	c.run(context.Background(), []string{"--help"}, &out, &commandStderr{Writer: io.Discard, stdout: &out})
	return out.String()
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

// commandStderr is the standard error run gives a command. It also carries
// the command's standard output, where help asked for with --help goes.
type commandStderr struct {
	io.Writer
	stdout io.Writer
}

// stdoutOf returns the standard output that goes with stderr, or stderr
// itself where it is not a *commandStderr.
func stdoutOf(stderr io.Writer) io.Writer {
	if s, ok := stderr.(*commandStderr); ok {
		return s.stdout
	}
	return stderr
}

// newFlags returns a flag set for command name whose usage, synopsis
// first, goes to stderr. parseFlags prints it to stdout instead when the
// user asks for it with -h or --help.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, strings.TrimSpace("Usage: policykb "+name+" "+synopsis))
		if c := lookup(name); c != nil {
			fmt.Fprintf(w, "%s%s.\n", strings.ToUpper(c.summary[:1]), c.summary[1:])
		}
		printOptions(w, fs)
	}
	return fs
}

// printOptions lists the flags of fs as --name VALUE  description.
func printOptions(w io.Writer, fs *flag.FlagSet) {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\nOptions:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		arg, text := flag.UnquoteUsage(f)
		if arg != "" {
			arg = " " + arg
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			text += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, arg, text)
	})
	tw.Flush()
}

// parseFlags parses args, allowing flags after the positional arguments;
// after "--" every argument is positional. On -h or --help it prints the
// usage to stdout and returns flag.ErrHelp; on a bad flag it says so on
// stderr and returns errUsage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	// The flag package prints errors and calls Usage on -h and on errors,
	// both to stderr; say it here instead.
	usage, stderr := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	defer func() { fs.Usage = usage; fs.SetOutput(stderr) }()
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			fs.SetOutput(stdoutOf(stderr))
			usage()
			return nil, err
		case err != nil:
			fmt.Fprintf(stderr, "policykb %s: %s\nRun 'policykb %s --help' for usage.\n", fs.Name(), clipArgs(flagError(fs, err), args...), fs.Name())
			return nil, errUsage
		}
		if n := len(args) - fs.NArg(); n > 0 && args[n-1] == "--" {
			return append(rest, fs.Args()...), nil
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// The errors of the flag package, which spell options with one dash.
var (
	flagUndefined = regexp.MustCompile(`(?s)^flag provided but not defined: -(.*)$`)
	flagNoValue   = regexp.MustCompile(`(?s)^flag needs an argument: -(.*)$`)
	flagSyntax    = regexp.MustCompile(`(?s)^bad flag syntax: (.*)$`)
	flagBadBool   = regexp.MustCompile(`(?s)^invalid boolean (?:value (".*") for -|flag )([^:]*): (.*)$`)
	flagBadValue  = regexp.MustCompile(`(?s)^invalid value (".*") for flag -([^:]*): (.*)$`)
)

// flagError restates an error of the flag package with options spelled as
// the help spells them, with two dashes: "unknown option --bogus",
// "--first: invalid value "x": want a whole number from 1 to 100".
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return "unknown option " + optionName(m[1])
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := flagSyntax.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("bad option syntax: %q", m[1])
	}
	if m := flagBadBool.FindStringSubmatch(msg); m != nil {
		if m[1] == "" {
			return "--" + m[2] + ": " + m[3]
		}
		return "--" + m[2] + ": invalid value " + m[1] + ": want true or false"
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[2] + ": invalid value " + m[1] + ": " + valueError(fs.Lookup(m[2]), m[3])
	}
	return msg
}

// optionName is --name, quoted where name holds what is not printable, so
// that what was typed cannot split or forge a line of the message.
func optionName(name string) string {
	if strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return fmt.Sprintf("%q", "--"+name)
	}
	return "--" + name
}

// valueError restates the flag package's errors of a value of f.
func valueError(f *flag.Flag, msg string) string {
	if msg != "parse error" && msg != "value out of range" {
		return msg
	}
	var v any
	if f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			v = g.Get()
		}
	}
	switch v.(type) {
	case time.Duration:
		return "want a duration such as 30s or 1m30s"
	case int, int64, uint, uint64:
		return "want a whole number"
	case float64:
		return "want a number"
	}
	if msg == "value out of range" {
		return "out of range"
	}
	return "not a value of this option"
}

// parseNoArgs parses args of a command that takes flags only.
func parseNoArgs(fs *flag.FlagSet, args []string) error {
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		fmt.Fprintf(fs.Output(), "policykb %s: unexpected argument %s\n", fs.Name(), policy.Quote(rest[0]))
		fs.Usage()
		return errUsage
	}
	return nil
}

// intFlag defines an int flag that accepts only min to max: anything else
// is bad usage, reported with the range.
func intFlag(fs *flag.FlagSet, name string, value, lo, hi int, usage string) *int {
	r := &intRange{n: value, min: lo, max: hi}
	fs.Var(r, name, usage)
	return &r.n
}

type intRange struct{ n, min, max int }

func (r *intRange) String() string {
	if r == nil {
		return ""
	}
	return strconv.Itoa(r.n)
}

func (r *intRange) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < r.min || n > r.max {
		return fmt.Errorf("want a whole number from %d to %d", r.min, r.max)
	}
	r.n = n
	return nil
}

// dataFlag adds --data to fs.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir(), "the `DIR` that holds the store and its index ($POLICYKB_DATA)")
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

// noCgo is what a binary built without cgo says when asked to run a command.
const noCgo = `policykb: this binary was built with CGO_ENABLED=0, but its SQLite driver
(github.com/mattn/go-sqlite3) is C code and needs cgo: no command can open a store.
Build it again with cgo on and a C compiler (gcc or clang) installed:
    CGO_ENABLED=1 go build ./cmd/policykb`

// clipArgs returns msg with every argument of args longer than
// policy.MaxQuoted characters that it echoes (as it is, without its leading
// dashes, either side of its "=", or escaped as in a quoted string) cut by
// policy.Clip: the flag package and net quote what they were given in full.
func clipArgs(msg string, args ...string) string {
	for _, arg := range args {
		name, value, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		for _, a := range []string{arg, strings.TrimLeft(arg, "-"), name, value} {
			if policy.Clip(a) == a {
				continue
			}
			quoted, clipped := strconv.Quote(a), policy.Quote(a)
			msg = strings.ReplaceAll(msg, quoted[1:len(quoted)-1], clipped[1:len(clipped)-1])
			msg = strings.ReplaceAll(msg, a, policy.Clip(a))
		}
	}
	return msg
}
