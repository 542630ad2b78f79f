package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/policykb/policykb/internal/policy"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func init() {
	// The usage lists the commands in the order they are declared.
	cobra.EnableCommandSorting = false
}

// app is one run of the command line: its streams and its commands.
type app struct {
	stdout, stderr io.Writer
	root           *cobra.Command
}

// run runs the command line args and returns the exit status: 0 on
// success, 1 on a failure, 2 on bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return newApp(stdout, stderr).execute(ctx, args)
}

// newApp declares the commands. Each is a *cobra.Command whose flags are
// its options; help, the top-level usage and shell completion are all read
// from them.
func newApp(stdout, stderr io.Writer) *app {
	a := &app{stdout: stdout, stderr: stderr}
	a.root = &cobra.Command{
		Use:           "policykb",
		Short:         "Japan's cybersecurity budget-priority policy as a knowledge base",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(a.root, args[0])
			}
			return nil
		},
		RunE: func(*cobra.Command, []string) error {
			return &usageError{cmd: a.root} // no command: the usage, on stderr
		},
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	a.root.SetOut(stdout)
	a.root.SetErr(stderr)
	a.root.SetFlagErrorFunc(flagError)
	a.root.SetHelpFunc(a.help)
	a.root.SetHelpCommand(a.helpCmd())
	helpFlag(a.root)
	a.root.AddCommand(a.serveCmd(), a.ingestCmd(), a.searchCmd(), a.exportCmd(), a.historyCmd(),
		a.revertCmd(), a.backupCmd(), a.compareCmd(), a.seriesCmd(), a.versionCmd(), a.completionCmd())
	return a
}

// execute runs args and returns the exit status.
func (a *app) execute(ctx context.Context, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "--version", "-version":
			args = append([]string{"version"}, args[1:]...)
		case "-help":
			args = append([]string{"--help"}, args[1:]...)
		case "-h", "--help":
		default:
			if strings.HasPrefix(args[0], "-") {
				// Options belong to a command: policykb COMMAND --data DIR.
				return a.fail(a.root, unknownCommand(a.root, args[0]))
			}
		}
	}
	a.root.SetArgs(longOptions(a.root, args))
	cmd, err := a.root.ExecuteContextC(ctx)
	return a.fail(cmd, err)
}

// fail says what err means on stderr and returns the exit status for it.
func (a *app) fail(cmd *cobra.Command, err error) int {
	var usage *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &usage):
		a.printUsageError(usage)
		return 2
	case errors.Is(err, errNoCgo):
		fmt.Fprintln(a.stderr, noCgo)
		return 1
	}
	fmt.Fprintf(a.stderr, "%s: %s\n", commandPath(cmd), message(err))
	return 1
}

// usageError is a bad command line: exit status 2. Its message is followed
// by the command's help (full) or by a line saying where to find it.
type usageError struct {
	cmd   *cobra.Command
	msg   string // "" for the usage alone
	full  bool   // the help follows
	plain bool   // nothing follows: the message says it all
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a usage error of cmd followed by its help.
func usagef(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...), full: true}
}

// optionErrorf returns a usage error of cmd about one of its options.
func optionErrorf(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, args...)}
}

func (a *app) printUsageError(e *usageError) {
	w := a.stderr
	if e.msg == "" {
		fmt.Fprint(w, a.usage())
		return
	}
	fmt.Fprintf(w, "%s: %s\n", commandPath(e.cmd), e.msg)
	switch {
	case e.cmd == a.root:
		fmt.Fprintln(w, "Run 'policykb --help' for the commands and their options.")
	case e.full:
		fmt.Fprint(w, commandHelp(e.cmd))
	case e.plain:
	default:
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", commandPath(e.cmd))
	}
}

// commandPath is "policykb" or "policykb NAME", as messages start.
func commandPath(cmd *cobra.Command) string {
	if cmd == nil || !cmd.HasParent() {
		return "policykb"
	}
	return "policykb " + cmd.Name()
}

// unknownCommand is the error of a command name that names none.
func unknownCommand(root *cobra.Command, name string) error {
	return &usageError{cmd: root, msg: "unknown command " + policy.Quote(name)}
}

// errNoCgo is the error of a command that needs the store in a binary
// built without cgo.
var errNoCgo = errors.New("built without cgo")

// noCgo is what a binary built without cgo says when asked to run a command.
const noCgo = `policykb: this binary was built with CGO_ENABLED=0, but its SQLite driver
(github.com/mattn/go-sqlite3) is C code and needs cgo: no command can open a store.
Build it again with cgo on and a C compiler (gcc or clang) installed:
    CGO_ENABLED=1 go build ./cmd/policykb`

// args returns the argument check of a command that opens the store: in a
// binary without cgo it fails with errNoCgo before check runs (check may
// be nil), so that only help and bad options come first.
func args(check func(cmd *cobra.Command, args []string) error) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if !cgoEnabled {
			return errNoCgo
		}
		if check == nil {
			return nil
		}
		return check(cmd, args)
	}
}

// noArgs refuses positional arguments.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef(cmd, "unexpected argument %s", policy.Quote(args[0]))
	}
	return nil
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

// flagError restates an error of the option parser, told apart by its
// type, with options spelled as the help spells them: "unknown option
// --bogus", "--first: invalid value "x": want a whole number from 1 to 100".
// Help asked for before the error wins.
func flagError(cmd *cobra.Command, err error) error {
	if f := cmd.Flags().Lookup("help"); f != nil && f.Changed {
		return pflag.ErrHelp // asked for before the error: the help
	}
	var (
		unknown *pflag.NotExistError
		noValue *pflag.ValueRequiredError
		invalid *pflag.InvalidValueError
		syntax  *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &unknown):
		if short := unknown.GetSpecifiedShortnames(); short != "" {
			return optionErrorf(cmd, "unknown option %s", quoteOption("-"+unknown.GetSpecifiedName()[:1]))
		}
		return optionErrorf(cmd, "unknown option %s", quoteOption("--"+unknown.GetSpecifiedName()))
	case errors.As(err, &noValue):
		return optionErrorf(cmd, "--%s needs a value", noValue.GetFlag().Name)
	case errors.As(err, &invalid):
		return optionErrorf(cmd, "--%s: invalid value %s: %v", invalid.GetFlag().Name, policy.Quote(invalid.GetValue()), errors.Unwrap(invalid))
	case errors.As(err, &syntax):
		return optionErrorf(cmd, "bad option syntax: %s", policy.Quote(syntax.GetSpecifiedFlag()))
	}
	return optionErrorf(cmd, "%v", err)
}

// quoteOption is an option as typed, cut to policy.MaxQuoted characters,
// and quoted where it holds what is not printable, so that what was typed
// cannot split or forge a line of the message.
func quoteOption(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return policy.Quote(s)
	}
	return policy.Clip(s)
}

// longOptions returns args with the options spelled with one dash, as Go's
// flag package reads them (-first=3, -help), spelled with two; -h stays the
// short form of --help. The values of options and the arguments after "--"
// are left as they are.
func longOptions(root *cobra.Command, args []string) []string {
	if len(args) > 0 && strings.HasPrefix(args[0], cobra.ShellCompRequestCmd) {
		return args // completion requests carry the words typed so far
	}
	cmd, _, err := root.Find(args)
	if err != nil {
		cmd = root
	}
	out := slices.Clone(args)
	for i := 0; i < len(out); i++ {
		arg := out[i]
		if arg == "--" {
			break
		}
		if len(arg) > 2 && arg[0] == '-' && arg[1] != '-' {
			arg = "-" + arg
			out[i] = arg
		}
		if name, ok := strings.CutPrefix(arg, "--"); ok && !strings.Contains(name, "=") {
			if f := cmd.Flags().Lookup(name); f != nil && f.NoOptDefVal == "" {
				i++ // its value
			}
		}
	}
	return out
}

// command declares a command: use is its name and the arguments it takes,
// short what it does. It has --help; its options go in fs.
func command(use, short string) (cmd *cobra.Command, fs *pflag.FlagSet) {
	cmd = &cobra.Command{Use: use, Short: short}
	helpFlag(cmd)
	return cmd, cmd.Flags()
}

// exactly checks that a command is given n arguments; give says what to
// give otherwise.
func exactly(n int, give string) func(*cobra.Command, []string) error {
	return argCount(n, n, give)
}

// argCount checks that a command is given min to max arguments (max < 0:
// no bound); give says what to give otherwise.
func argCount(min, max int, give string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < min || max >= 0 && len(args) > max {
			return usagef(cmd, "%s", give)
		}
		return nil
	}
}

// helpFlag gives cmd --help and -h.
func helpFlag(cmd *cobra.Command) {
	cmd.Flags().BoolP("help", "h", false, "print this help")
}

// help prints the help of cmd on stdout: the usage of every command for
// the root and for help itself.
func (a *app) help(cmd *cobra.Command, _ []string) {
	if cmd == a.root || cmd.Name() == "help" {
		fmt.Fprint(a.stdout, a.usage())
		return
	}
	fmt.Fprint(a.stdout, commandHelp(cmd))
}

// helpCmd is 'policykb help [COMMAND]'.
func (a *app) helpCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:    "help [COMMAND]",
		Short:  "print the help of policykb or of one command",
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				fmt.Fprint(a.stdout, a.usage())
				return nil
			}
			c, _, err := a.root.Find(args[:1])
			if err != nil || c == a.root || c.Hidden {
				return unknownCommand(a.root, args[0])
			}
			fmt.Fprint(a.stdout, commandHelp(c))
			return nil
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var names []cobra.Completion
			for _, c := range a.commands() {
				names = append(names, cobra.CompletionWithDesc(c.Name(), c.Short))
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
	helpFlag(cmd)
	return cmd
}

// commands are the commands the usage lists.
func (a *app) commands() []*cobra.Command {
	var cs []*cobra.Command
	for _, c := range a.root.Commands() {
		if c.IsAvailableCommand() {
			cs = append(cs, c)
		}
	}
	return cs
}

// usage is the top-level usage: every command with every option, read
// from the commands themselves so that it cannot drift from them.
func (a *app) usage() string {
	var b strings.Builder
	b.WriteString(`policykb — Japan's cybersecurity budget-priority policy as a knowledge base

Usage: policykb COMMAND [OPTIONS] [ARGUMENTS]
       policykb --version
       policykb --help | help COMMAND | COMMAND --help

Commands:
`)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, c := range a.commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name(), c.Short)
	}
	tw.Flush()
	b.WriteString("\nOptions of the commands:\n")
	for _, c := range a.commands() {
		b.WriteString("\n  " + synopsis(c) + "\n")
		for line := range strings.Lines(options(c)) {
			b.WriteString("  " + line)
		}
	}
	b.WriteString(`
Environment:
  POLICYKB_DATA       the default of --data; without it, policykb under
                      $XDG_DATA_HOME, else under ~/.local/share
  POLICYKB_CACHE      where the search dictionary's copy is kept (default
                      policykb under $XDG_CACHE_HOME or ~/.cache); off: none
  POLICYKB_THESAURUS  more thesaurus files for search, FILE[:FILE…]
  GOMEMLIMIT          serve's soft memory limit (default 384MiB)
  NO_COLOR            when set and not empty, search prints no colour
  TERM                dumb: search prints no colour

Exit status: 0 on success, 1 on a failure, 2 on bad usage.
`)
	return b.String()
}

// commandHelp is what 'policykb NAME --help' prints: the synopsis, what
// the command does, more words where it has them, and its options.
func commandHelp(cmd *cobra.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n%s%s.\n", synopsis(cmd), strings.ToUpper(cmd.Short[:1]), cmd.Short[1:])
	if cmd.Long != "" {
		b.WriteString("\n" + cmd.Long)
	}
	if opts := options(cmd); opts != "" {
		b.WriteString("\nOptions:\n" + opts)
	}
	return b.String()
}

// synopsis is "policykb NAME [--option VALUE]… ARGUMENTS", the options in
// the order they are declared: each with the name its description gives
// its value (`DIR`), else its default, else its type.
func synopsis(cmd *cobra.Command) string {
	parts := []string{"policykb", cmd.Name()}
	fs := cmd.Flags()
	sorted := fs.SortFlags
	fs.SortFlags = false
	fs.VisitAll(func(f *pflag.Flag) {
		switch {
		case f.Name == "help":
		case f.NoOptDefVal != "":
			parts = append(parts, "[--"+f.Name+"]")
		default:
			parts = append(parts, "[--"+f.Name+" "+valueName(f, true)+"]")
		}
	})
	fs.SortFlags = sorted
	if _, rest, ok := strings.Cut(cmd.Use, " "); ok {
		parts = append(parts, rest)
	}
	return strings.Join(parts, " ")
}

// valueName names the value of f: the word of its description in
// backquotes, else (in a synopsis) its default, else its type.
func valueName(f *pflag.Flag, synopsis bool) string {
	name, _ := pflag.UnquoteUsage(f)
	if strings.Contains(f.Usage, "`") {
		return name
	}
	if synopsis && f.DefValue != "" && f.DefValue != "0" {
		return f.DefValue
	}
	return name
}

// options lists the options of cmd, sorted by name, as
// "  --name VALUE  description (default X)".
func options(cmd *cobra.Command) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" {
			return
		}
		_, text := pflag.UnquoteUsage(f)
		arg := ""
		if f.NoOptDefVal == "" {
			arg = " " + valueName(f, false)
		}
		if f.NoOptDefVal == "" && f.DefValue != "" && f.DefValue != "0" {
			text += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  --%s%s\t%s\n", f.Name, arg, text)
	})
	tw.Flush()
	return b.String()
}

// count says n things in English: "1 page", "0 pages", "6 pages".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
