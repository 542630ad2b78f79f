package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/testfixture"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -run %s -update rewrites it):\n%s", path, t.Name(), got)
	}
}

// usage is the top-level usage.
func usage() string { return newApp(io.Discard, io.Discard).usage() }

// commandNames are the names of the commands the usage lists.
func commandNames() []string {
	var names []string
	for _, c := range newApp(io.Discard, io.Discard).commands() {
		names = append(names, c.Name())
	}
	return names
}

// fixedDataDir makes the default of --data the same on every machine.
func fixedDataDir(t *testing.T) {
	t.Setenv("POLICYKB_DATA", "/var/lib/policykb")
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"version"}} {
		code, out, errs := policykb(t, args...)
		if code != 0 || errs != "" {
			t.Errorf("policykb %v: exit %d, stderr %q", args, code, errs)
		}
		if !strings.HasPrefix(out, "policykb ") || !strings.Contains(out, "built with "+runtime.Version()+" for "+runtime.GOOS+"/"+runtime.GOARCH+", cgo on\n") {
			t.Errorf("policykb %v printed %q", args, out)
		}
	}
	if code, _, _ := policykb(t, "version", "extra"); code != 2 {
		t.Errorf("policykb version extra: exit %d, want 2", code)
	}
}

// TestVersionText checks what --version says for the build information a
// binary can carry.
func TestVersionText(t *testing.T) {
	setting := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	tail := "built with " + runtime.Version() + " for " + runtime.GOOS + "/" + runtime.GOARCH + ", cgo on\n"
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build information", nil, "policykb (devel)\nrevision unknown (not built from a git clone, or built with -buildvcs=false)\n"},
		{"released module", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}},
			"policykb v1.2.0\nrevision unknown (not built from a git clone, or built with -buildvcs=false)\n"},
		{"clean clone", &debug.BuildInfo{
			Main:     debug.Module{Version: "v0.0.0-20261126150012-af31376d63c0"},
			Settings: setting("vcs", "git", "vcs.revision", "af31376d63c0345f4cb736e0102cc2e4a22397c7", "vcs.time", "2026-11-26T15:00:12Z", "vcs.modified", "false"),
		}, "policykb v0.0.0-20261126150012-af31376d63c0\nrevision af31376d63c0345f4cb736e0102cc2e4a22397c7\ncommitted 2026-11-26T15:00:12Z\n"},
		{"uncommitted changes", &debug.BuildInfo{
			Main:     debug.Module{Version: "v0.0.0-20261126150012-af31376d63c0+dirty"},
			Settings: setting("vcs.revision", "af31376d63c0345f4cb736e0102cc2e4a22397c7", "vcs.time", "2026-11-26T15:00:12Z", "vcs.modified", "true"),
		}, "policykb v0.0.0-20261126150012-af31376d63c0+dirty\nrevision af31376d63c0345f4cb736e0102cc2e4a22397c7 (with uncommitted changes)\ncommitted 2026-11-26T15:00:12Z\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := version(tt.bi); got != tt.want+tail {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want+tail)
			}
		})
	}
}

// TestHelp checks that help, asked for in any of its forms, goes to stdout
// with exit status 0, for every command.
func TestHelp(t *testing.T) {
	fixedDataDir(t)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}} {
		code, out, errs := policykb(t, args...)
		if code != 0 || errs != "" || out != usage() {
			t.Errorf("policykb %v: exit %d, stderr %q, stdout %.80q…", args, code, errs, out)
		}
	}
	golden(t, "usage.txt", usage())
	for _, name := range commandNames() {
		var first string
		for _, args := range [][]string{{name, "--help"}, {name, "-h"}, {name, "-help"}, {"help", name},
			{name, "arg", "--help"}, {name, "--help", "--bogus"}} {
			code, out, errs := policykb(t, args...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: policykb "+name) {
				t.Errorf("policykb %v: exit %d, stderr %q, stdout %q", args, code, errs, out)
			}
			if first == "" {
				first = out
			} else if out != first {
				t.Errorf("policykb %v printed other help than %s --help", args, name)
			}
		}
		golden(t, "help-"+name+".txt", first)
	}
}

// TestUsageListsEveryFlag checks that the top-level usage names every
// command and, under it, every flag its flag set defines.
func TestUsageListsEveryFlag(t *testing.T) {
	top := usage()
	flagLine := regexp.MustCompile(`(?m)^  --([a-z][a-z0-9-]*)`)
	seen := map[string]bool{}
	for _, name := range commandNames() {
		_, help, _ := policykb(t, name, "--help")
		i := strings.Index(top, "\n  policykb "+name)
		if i < 0 {
			t.Errorf("usage does not list %s with its options", name)
			continue
		}
		block := top[i+1:]
		if j := strings.Index(block, "\n\n"); j >= 0 {
			block = block[:j]
		}
		for _, m := range flagLine.FindAllStringSubmatch(help, -1) {
			seen[m[1]] = true
			if !regexp.MustCompile(`(?m)^    --` + m[1] + `\b`).MatchString(block) {
				t.Errorf("usage does not list --%s under %s", m[1], name)
			}
		}
	}
	// The flags of the first release must be among them.
	for _, name := range []string{"addr", "data", "document", "first", "id", "no-introspection", "timeout"} {
		if !seen[name] {
			t.Errorf("no command defines --%s", name)
		}
	}
}

// TestExitCodes checks the exit status of bad command lines (2, with a
// message on stderr, nothing on stdout, the data directory untouched) and of
// failures (1).
func TestExitCodes(t *testing.T) {
	store := t.TempDir()
	mustRun(t, "ingest", "--data", store, corpusFile)
	untouched := filepath.Join(t.TempDir(), "untouched")
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{nil, 2, "Usage: policykb COMMAND"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"--data", untouched, "search", "x"}, 2, `unknown command "--data"`},
		{[]string{"help", "frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"search", "--data", untouched, "--first", "0", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "--first", "-1", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "--first=-1", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "--first", "101", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "--first", "x", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "--first", "", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "--first", "1e9", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "--first", "99999999999999999999", "q"}, 2, "from 1 to 100"},
		{[]string{"search", "--data", untouched, "q", "--first"}, 2, "--first needs a value"},
		{[]string{"search", "--data", untouched}, 2, "give a query"},
		{[]string{"search", "--data", untouched, "--bogus", "q"}, 2, "unknown option --bogus"},
		{[]string{"ingest", "--data", untouched}, 2, "give one or more files"},
		{[]string{"ingest", "--data", untouched, "--id", "x", "a.txt", "b.txt"}, 2, "--id only with one"},
		{[]string{"ingest", "--data", untouched, "--bogus", corpusFile}, 2, "unknown option --bogus"},
		{[]string{"export", "--data", untouched, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"export", "--data"}, 2, "--data needs a value"},
		{[]string{"serve", "--data", untouched, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"serve", "--data", untouched, "--timeout", "soon"}, 2, "invalid value"},
		{[]string{"serve", "--data", untouched, "--no-introspection=maybe"}, 2, `--no-introspection: invalid value "maybe"`},
		{[]string{"serve", "--data", untouched, "--timeout", "0s"}, 2, "positive duration"},
		{[]string{"serve", "--data", untouched, "--timeout", "-5s"}, 2, "positive duration"},
		{[]string{"serve", "--data", untouched, "--addr", "8080"}, 2, "not HOST:PORT"},
		{[]string{"serve", "--data", untouched, "--addr", "127.0.0.1:99999"}, 2, "not HOST:PORT"},
		{[]string{"serve", "--data", untouched, "--addr", "127.0.0.1:x y"}, 2, "not HOST:PORT"},
		{[]string{"help", "--help"}, 0, ""},
		{[]string{"version", "--bogus"}, 2, "unknown option --bogus"},
		{[]string{"export", "--data", store, "--document", "nope"}, 1, `no document "nope"`},
		{[]string{"search", "--data", store, "--document", "nope", "人材"}, 1, `no document "nope"`},
		{[]string{"search", "--data", store, "--", "-人材"}, 2, "at least one word that is not excluded"},
		{[]string{"ingest", "--data", store, filepath.Join(t.TempDir(), "missing.txt")}, 1, "missing.txt"},
		{[]string{"search", "--data", store, "--first", "1", "--", "防護", "-国民"}, 0, ""},
		{[]string{"search", "--data", store, "--first", "100", "防護"}, 0, ""},
	}
	for _, tt := range tests {
		code, out, errs := policykb(t, tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.stderr) {
			t.Errorf("policykb %q: exit %d, stderr %q; want %d and %q", tt.args, code, errs, tt.code, tt.stderr)
		}
		if code == 2 && out != "" {
			t.Errorf("policykb %q: bad usage printed %q on stdout", tt.args, out)
		}
	}
	if _, err := os.Stat(untouched); !os.IsNotExist(err) {
		t.Errorf("a bad command line touched the data directory: %v", err)
	}
}

// TestNoCgo checks what a binary built with CGO_ENABLED=0 says: every
// command that needs the store fails at once with exit status 1 and says
// why, while help and version work.
func TestNoCgo(t *testing.T) {
	defer func(on bool) { cgoEnabled = on }(cgoEnabled)
	cgoEnabled = false
	data := filepath.Join(t.TempDir(), "data")
	for _, name := range commandNames() {
		if name == "version" || name == "completion" {
			continue // they need no store
		}
		code, out, errs := policykb(t, name, "--data", data, "x")
		if code != 1 || out != "" || errs != noCgo+"\n" {
			t.Errorf("%s without cgo: exit %d, stdout %q, stderr %q", name, code, out, errs)
		}
		if code, out, _ := policykb(t, name, "--help"); code != 0 || !strings.HasPrefix(out, "Usage: policykb "+name) {
			t.Errorf("%s --help without cgo: exit %d, %q", name, code, out)
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "cgo", "C compiler"} {
		if !strings.Contains(noCgo, want) {
			t.Errorf("the message without cgo does not say %q", want)
		}
	}
	if code, out, _ := policykb(t, "--version"); code != 0 || !strings.Contains(out, "cgo off") {
		t.Errorf("--version without cgo: exit %d, %q", code, out)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("without cgo a command touched the data directory: %v", err)
	}
}

// TestBindBeforeLoad checks that serve on a busy port fails at once with
// exit status 1, before it creates or loads any store.
func TestBindBeforeLoad(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	data := filepath.Join(t.TempDir(), "new")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan struct{})
	var code int
	var stdout, stderr testfixture.SyncBuffer
	go func() {
		code = run(ctx, []string{"serve", "--addr", busy.Addr().String(), "--data", data}, &stdout, &stderr)
		close(done)
	}()
	<-done
	if code != 1 || !strings.Contains(stderr.String(), busy.Addr().String()) || stdout.String() != "" {
		t.Errorf("serve on a busy port: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if strings.Contains(stderr.String(), "loaded") {
		t.Errorf("serve loaded the corpus before binding: %s", stderr.String())
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("serve on a busy port touched the data directory: %v", err)
	}
}

// TestHitCount checks the first line of search: "0 hits", "1 hit", "N hits".
func TestHitCount(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	count := regexp.MustCompile(`^(\d+) hits?\n`)
	tests := []struct {
		query string
		n     func(int) bool
	}{
		{"zzyzx", func(n int) bool { return n == 0 }},
		{"ＩｏＴ", func(n int) bool { return n == 1 }},
		{"施策", func(n int) bool { return n > 1 }},
	}
	for _, tt := range tests {
		out := mustRun(t, "search", "--data", data, "--first", "100", tt.query)
		m := count.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("search %s printed %q", tt.query, out)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		want := fmt.Sprintf("%d hits\n", n)
		if n == 1 {
			want = "1 hit\n"
		}
		if !tt.n(n) || m[0] != want {
			t.Errorf("search %s: first line %q", tt.query, m[0])
		}
	}
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds policykb once for the tests that run it as a process.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "policykb-cli-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "policykb")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// timed runs the binary bin with args to its end, failing the test if it
// fails, and returns how long it took: how long there is to interrupt it.
func timed(t *testing.T, bin string, args ...string) time.Duration {
	t.Helper()
	start := time.Now()
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("timing run: %v\n%s", err, out)
	}
	return time.Since(start)
}

// killAfter starts the binary bin with args, kills it after wait and waits
// for it to end. It reports whether the kill found the process running.
func killAfter(t *testing.T, wait time.Duration, bin string, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(wait)
	killed := cmd.Process.Kill() == nil
	cmd.Wait()
	return killed
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// TestProcess runs the binary: the exit status is the process's, and help
// and version go to stdout, errors to stderr.
func TestProcess(t *testing.T) {
	bin := binary(t)
	data := filepath.Join(t.TempDir(), "data")
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"--version"}, 0, "policykb ", ""},
		{[]string{"--help"}, 0, "policykb — ", ""},
		{[]string{"serve", "--help"}, 0, "Usage: policykb serve", ""},
		{[]string{"search", "--data", data, "--first", "0", "q"}, 2, "", "policykb search: "},
		{[]string{"frobnicate"}, 2, "", "policykb: unknown command"},
		{[]string{"export", "--data", data, "--document", "nope"}, 1, "", `policykb export: no document "nope"`},
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, tt.args...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil && cmd.ProcessState == nil {
			t.Fatal(err)
		}
		code := cmd.ProcessState.ExitCode()
		if code != tt.code || !strings.HasPrefix(stdout.String(), tt.stdout) || !strings.Contains(stderr.String(), tt.stderr) ||
			tt.stdout == "" && stdout.Len() > 0 || tt.stderr == "" && stderr.Len() > 0 {
			t.Errorf("policykb %q: exit %d, stdout %.60q, stderr %.60q; want %d, %q…, %q…",
				tt.args, code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
		}
	}
}

func TestCount(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0 pages"}, {1, "1 page"}, {2, "2 pages"}, {11, "11 pages"}, {-1, "-1 pages"}}
	for _, tt := range tests {
		if got := count(tt.n, "page", "pages"); got != tt.want {
			t.Errorf("count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestIngestCounts checks the counts ingest prints, one page among them.
func TestIngestCounts(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "one-page.txt", bigPolicy(1))
	out := mustRun(t, "ingest", "--data", filepath.Join(dir, "data"), file)
	if want := file + ": ingested cs-budget-policy-fy2027 (2 provisions, 1 page, UTF-8) as version 1\n"; out != want {
		t.Errorf("ingest printed %q, want %q", out, want)
	}
	code, _, errs := policykb(t, "ingest", "--data", filepath.Join(dir, "data"), filepath.Join(dir, "missing.txt"))
	if code != 1 || !strings.Contains(errs, "1 of 1 file not ingested") {
		t.Errorf("ingest of a missing file: exit %d, %q", code, errs)
	}
}

// A transcript is a command of the README, typed after "$ ", and the
// output shown under it.
type transcript struct {
	command, output string
	line            int // of the command in the README
}

// fence is a code block of the README, indented as a list item indents it.
var fence = regexp.MustCompile("(?ms)^( *)```[a-z]*\n(.*?)^ *```$")

// readmeTranscripts returns the transcripts of the README's code blocks, in
// order. Blocks without a "$ " prompt (a synopsis, commands to copy) hold
// none.
func readmeTranscripts(t *testing.T) []transcript {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	var ts []transcript
	for _, m := range fence.FindAllStringSubmatchIndex(readme, -1) {
		indent, body := readme[m[2]:m[3]], readme[m[4]:m[5]]
		line := strings.Count(readme[:m[4]], "\n") + 1
		var cur *transcript
		for l := range strings.Lines(body) {
			l = strings.TrimPrefix(l, indent)
			if cmd, ok := strings.CutPrefix(l, "$ "); ok {
				ts = append(ts, transcript{command: strings.TrimSuffix(cmd, "\n"), line: line})
				cur = &ts[len(ts)-1]
			} else if cur != nil {
				cur.output += l
			}
			line++
		}
	}
	return ts
}

// stamp is a time of ingest: the one part of an output that differs from
// run to run.
var stamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// TestREADMETranscripts runs every command the README shows after "$ ", in
// order, in one directory beside the corpus and with one data directory
// that holds the embedded policy already, as a reader following the README
// would; each prints exactly what the README shows under it (its standard
// output and error as a terminal shows them), but for times of ingest.
func TestREADMETranscripts(t *testing.T) {
	bin := binary(t)
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	ts := readmeTranscripts(t)
	if len(ts) < 15 {
		t.Fatalf("%d transcripts in the README", len(ts))
	}
	work, data := t.TempDir(), t.TempDir()
	corpus, err := filepath.Abs("../../corpus")
	if err != nil {
		t.Fatal(err)
	}
	years, err := filepath.Abs("../../internal/corpusgen/testdata/years")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(years, filepath.Join(work, "years")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(corpus, filepath.Join(work, "corpus")); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "export", "--data", data)
	env := append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"POLICYKB_DATA="+data, "NO_COLOR=1", "TERM=dumb", "LC_ALL=C.UTF-8")
	for _, tr := range ts {
		cmd := exec.Command(bash, "--norc", "--noprofile", "-c", tr.command)
		cmd.Dir, cmd.Env, cmd.Stdin = work, env, strings.NewReader("")
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = w, w // one stream, as on a terminal
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		out, _ := io.ReadAll(r)
		r.Close()
		cmd.Wait()
		got := stamp.ReplaceAllString(string(out), "T")
		want := stamp.ReplaceAllString(tr.output, "T")
		if got != want {
			t.Errorf("README.md:%d: $ %s\nprints\n%s\nthe README shows\n%s", tr.line, tr.command, got, want)
		}
	}
}

// TestREADMESynopsis checks that the README's summary of the command line
// holds the synopsis of every command, as its help prints it.
func TestREADMESynopsis(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "\n## Command line\n")
	lines := map[string]bool{}
	for line := range strings.Lines(section) {
		lines[strings.Join(strings.Fields(line), " ")] = true
	}
	for _, c := range newApp(io.Discard, io.Discard).commands() {
		if s := synopsis(c); !lines[s] {
			t.Errorf("the README's command line lacks %q", s)
		}
	}
}
