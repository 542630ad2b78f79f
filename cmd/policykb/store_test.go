package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/testfixture"
)

// hangGuard bounds every command a test runs: a command that would block
// (on a FIFO, a lock) fails the test instead of hanging it.
const hangGuard = 2 * time.Minute

// runGuarded runs the command line in-process, failing the test if it does
// not return within hangGuard.
func runGuarded(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, &out, &errb) }()
	select {
	case code = <-done:
		return code, out.String(), errb.String()
	case <-time.After(hangGuard):
		cancel()
		t.Fatalf("policykb %q hangs", args)
		return 0, "", ""
	}
}

// state is what a user sees of a store: the export and the history of the
// policy.
func state(t *testing.T, data string) string {
	t.Helper()
	return mustRun(t, "export", "--data", data) + mustRun(t, "history", "--data", data, docID)
}

const docID = "cs-budget-policy-fy2020"

// shortPolicy is the start of the policy: its preamble and section １.
func shortPolicy(t *testing.T) []byte {
	t.Helper()
	lines := bytes.SplitAfter(readCorpus(t), []byte("\n"))
	return bytes.Join(lines[:29], nil)
}

// TestEmbeddedPolicyForEveryCommand runs every command on a data directory
// that has no store yet: each loads the embedded policy first, says so, and
// then does its work.
func TestEmbeddedPolicyForEveryCommand(t *testing.T) {
	changed := writeFile(t, t.TempDir(), "changed.txt", bytes.Replace(readCorpus(t), []byte("中小企業"), []byte("小規模事業者"), 1))
	tests := []struct {
		name string
		args func(data string) []string
		out  string
		note string // on stderr, after what it says of the embedded policy
	}{
		{"ingest", func(d string) []string { return []string{"ingest", "--data", d, changed} }, "as version 2", ""},
		{"search", func(d string) []string { return []string{"search", "--data", d, "IoT"} }, docID + ":", ""},
		{"export", func(d string) []string { return []string{"export", "--data", d} }, `"id": "` + docID + `:2.2.3.1"`, ""},
		{"history", func(d string) []string { return []string{"history", "--data", d, docID} }, "1*", ""},
		{"revert", func(d string) []string { return []string{"revert", "--data", d, docID, "1"} }, "",
			"policykb revert: " + docID + ": version 1 is already the current one; nothing to do\n"},
		{"backup", func(d string) []string { return []string{"backup", "--data", d, filepath.Join(d, "..", "copy.db")} }, "copied the store", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "new", "data")
			code, out, errs := runGuarded(t, tt.args(data)...)
			if code != 0 || !strings.Contains(out, tt.out) {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
			want := fmt.Sprintf("policykb: no store in %s yet: loaded the embedded policy %s (35 provisions) into %s\n", data, docID, ingest.StorePath(data)) + tt.note
			if errs != want {
				t.Errorf("stderr %q, want %q", errs, want)
			}
			// The second time, the store exists: nothing is loaded.
			if _, _, errs := runGuarded(t, "history", "--data", data, docID); errs != "" {
				t.Errorf("second command said %q", errs)
			}
		})
	}
	// serve too, before it answers.
	data := filepath.Join(t.TempDir(), "served")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb testfixture.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, &out, &errb) }()
	deadline := time.Now().Add(hangGuard)
	for !strings.Contains(out.String(), "serving GraphQL") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 || !strings.Contains(errb.String(), "loaded the embedded policy "+docID+" (35 provisions) into "+ingest.StorePath(data)) {
		t.Errorf("serve: exit %d, stderr %q", code, errb.String())
	}
}

// TestUnsoundStoreRefused gives every command a store that is empty,
// damaged, another program's or written by a newer schema: each refuses it
// with exit 1 and a message naming the file, which stays as it was and is
// never refilled with the embedded policy.
func TestUnsoundStoreRefused(t *testing.T) {
	good := t.TempDir()
	mustRun(t, "export", "--data", good)
	whole, err := os.ReadFile(ingest.StorePath(good))
	if err != nil {
		t.Fatal(err)
	}
	damaged := append([]byte{}, whole...)
	for i := 4096; i < len(damaged)-4096; i += 997 {
		damaged[i] ^= 0xa5
	}
	newer := t.TempDir()
	mustRun(t, "export", "--data", newer)
	db, err := openRaw(ingest.StorePath(newer))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (17)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	newerBytes, _ := os.ReadFile(ingest.StorePath(newer))
	text := writeFile(t, t.TempDir(), "policy.txt", readCorpus(t))
	stores := []struct {
		name, want string
		data       []byte
	}{
		{"empty", "is empty (0 bytes)", []byte{}},
		{"not a database", "is not an SQLite database", []byte("# notes\nnothing here\n")},
		{"damaged", "is damaged", damaged},
		{"truncated", "is damaged", whole[:len(whole)*2/3]},
		{"newer schema", "newer policykb (schema 17; this one knows schemas up to 6)", newerBytes},
	}
	commands := [][]string{
		{"serve", "--addr", "127.0.0.1:0"}, {"ingest", text}, {"search", "IoT"}, {"export"},
		{"history", docID}, {"revert", docID, "1"}, {"backup", "BACKUP"},
	}
	for _, st := range stores {
		for _, cmd := range commands {
			t.Run(st.name+"/"+cmd[0], func(t *testing.T) {
				data := t.TempDir()
				path := writeFile(t, data, "policykb.db", st.data)
				backup := filepath.Join(t.TempDir(), "backup.db")
				args := append([]string{cmd[0], "--data", data}, cmd[1:]...)
				for i := range args {
					if args[i] == "BACKUP" {
						args[i] = backup
					}
				}
				code, out, errs := runGuarded(t, args...)
				if code != 1 || out != "" || !strings.Contains(errs, st.want) || !strings.Contains(errs, path) {
					t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out, errs, st.want)
				}
				if strings.Contains(errs, "embedded") {
					t.Errorf("stderr mentions the embedded policy: %q", errs)
				}
				after, err := os.ReadFile(path)
				if err != nil || !bytes.Equal(after, st.data) {
					t.Error("the refused store was changed")
				}
				if _, err := os.Stat(backup); err == nil {
					t.Error("a backup of a refused store was written")
				}
			})
		}
	}
}

// TestControlCharactersInNames checks that file names with control
// characters are quoted in every message, so that no name splits or forges
// a line.
func TestControlCharactersInNames(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "export", "--data", data)
	dir := t.TempDir()
	forged := "x.txt\npolicykb ingest: x.txt: ingested cs-budget-policy-fy2020"
	empty := writeFile(t, dir, "empty\n"+forged, nil)
	escape := writeFile(t, dir, "esc\x1b[2Jape\r.txt", []byte("not a policy\n"))
	good := writeFile(t, dir, "good\tname\n.txt", bytes.Replace(readCorpus(t), []byte("中小企業"), []byte("小規模事業者"), 1))
	missing := filepath.Join(dir, "missing\n.txt")
	code, out, errs := runGuarded(t, "ingest", "--data", data, empty, escape, missing, good)
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{fmt.Sprintf("%q:1: empty file", empty), fmt.Sprintf("%q:", escape), fmt.Sprintf("%q: no such file or directory", missing)} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %s: %q", want, errs)
		}
	}
	if want := fmt.Sprintf("%q: ingested %s (35 provisions, 6 pages, UTF-8) as version 2\n", good, docID); out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	// One line per refused file and one to sum up; no raw control characters.
	if n := strings.Count(errs, "\n"); n != 4 {
		t.Errorf("stderr has %d lines, want 4: %q", n, errs)
	}
	if strings.ContainsAny(errs, "\r\t\x1b") || strings.ContainsAny(out, "\r\t\x1b") {
		t.Errorf("raw control characters in the output: %q %q", out, errs)
	}
	// A store and a backup named with a newline.
	odd := filepath.Join(t.TempDir(), "data\ndir")
	code, _, errs = runGuarded(t, "backup", "--data", odd, filepath.Join(odd, "..", "b\n.db"))
	if code != 0 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, fmt.Sprintf("%q", odd)) {
		t.Errorf("backup with newlines in names: exit %d, %q", code, errs)
	}
}

// TestReplace checks the safe replacement at the command line: a shorter
// text is refused and named, and changes nothing; with --replace it
// becomes current with a warning, and version 1 stays readable and can be
// made current again.
func TestReplace(t *testing.T) {
	data := t.TempDir()
	before := state(t, data)
	v1 := withoutVersions(t, mustRun(t, "export", "--data", data))
	short := writeFile(t, t.TempDir(), "short.txt", shortPolicy(t))
	code, out, errs := runGuarded(t, "ingest", "--data", data, short)
	if code != 1 || out != "" {
		t.Errorf("shorter text: exit %d, stdout %q", code, out)
	}
	for _, want := range []string{"short.txt: refused: the new text of cs-budget-policy-fy2020 lacks 33 provisions of version 1 (the current one): ２ (2), ２(1) (2.1),",
		"and 23 more; nothing was changed. Give --replace"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q: %q", want, errs)
		}
	}
	if got := state(t, data); got != before {
		t.Error("a refused text changed the store")
	}
	code, out, errs = runGuarded(t, "ingest", "--data", data, "--replace", short)
	if code != 0 || !strings.Contains(out, "ingested cs-budget-policy-fy2020 (2 provisions, 1 page, UTF-8) as version 2") ||
		!strings.Contains(errs, "warning: "+short+": version 2 of cs-budget-policy-fy2020, now current, lacks what version 1 had") {
		t.Errorf("--replace: exit %d, %q, %q", code, out, errs)
	}
	mustRun(t, "revert", "--data", data, docID, "1")
	if got := withoutVersions(t, mustRun(t, "export", "--data", data)); got != v1 {
		t.Error("after the revert the export differs from version 1's")
	}
	// The same bytes again add nothing.
	mustRun(t, "ingest", "--data", data, corpusFile)
	got := mustRun(t, "history", "--data", data, docID)
	stamp := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
	got = stamp.ReplaceAllString(got, "2026-01-02T03:04:05Z")
	want, err := os.ReadFile("testdata/history.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("history:\n%s\nwant:\n%s", got, want)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"revert", "--data", data, docID, "4"}, 1, "has no version 4 (it has versions 1 to 3)"},
		{[]string{"revert", "--data", data, "nope", "1"}, 1, `no document "nope"`},
		{[]string{"revert", "--data", data, docID, "0"}, 2, "not a version number"},
		{[]string{"revert", "--data", data, docID}, 2, "give a document ID and a version number"},
		{[]string{"history", "--data", data, "nope"}, 1, `no document "nope"`},
		{[]string{"history", "--data", data}, 2, "give one document ID"},
		{[]string{"backup", "--data", data}, 2, "give the file"},
	} {
		if code, _, errs := runGuarded(t, tt.args...); code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
}

// TestBackupRestore copies a store while a server runs on it and an ingest
// adds a version, restores the copy into another directory, and compares.
func TestBackupRestore(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, "--replace", writeFile(t, t.TempDir(), "short.txt", shortPolicy(t)))
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb testfixture.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, &out, &errb) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(hangGuard)
	for !strings.Contains(out.String(), "serving GraphQL") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	want := state(t, data)
	dest := filepath.Join(t.TempDir(), "policykb-backup.db")
	if o := mustRun(t, "backup", "--data", data, dest); !strings.Contains(o, "copied the store") {
		t.Errorf("backup said %q", o)
	}
	if code, _, errs := runGuarded(t, "backup", "--data", data, dest); code != 1 || !strings.Contains(errs, "exists; give --force") {
		t.Errorf("backup over an existing file: exit %d, %q", code, errs)
	}
	if code, _, errs := runGuarded(t, "backup", "--data", data, ingest.StorePath(data)); code != 1 || !strings.Contains(errs, "the store itself") {
		t.Errorf("backup over the store: exit %d, %q", code, errs)
	}
	if code, _, errs := runGuarded(t, "backup", "--data", data, "--force", ingest.StorePath(data)); code != 1 || !strings.Contains(errs, "the store itself") {
		t.Errorf("backup --force over the store: exit %d, %q", code, errs)
	}
	mustRun(t, "revert", "--data", data, docID, "1") // after the copy
	restored := t.TempDir()
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, restored, "policykb.db", b)
	if got := state(t, restored); got != want {
		t.Error("the restored copy differs from the store at the time of the backup")
	}
}

// TestLockHeld holds the ingest lock as another process would: ingest says
// it waits, gives up after --lock-timeout with a clear message and exit 1,
// and goes ahead when the lock is released in time.
func TestLockHeld(t *testing.T) {
	bin := binary(t)
	data := t.TempDir()
	mustRun(t, "export", "--data", data)
	before := state(t, data)
	unlock, err := ingest.Lock(context.Background(), data, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	changed := writeFile(t, t.TempDir(), "changed.txt", bytes.Replace(readCorpus(t), []byte("中小企業"), []byte("小規模事業者"), 1))
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "ingest", "--data", data, "--lock-timeout", "500ms", changed)
	var stderr testfixture.SyncBuffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || ctx.Err() != nil {
		t.Fatalf("ingest with the lock held: %v, %s", err, stderr.String())
	}
	for _, want := range []string{"another policykb process is ingesting; waiting up to 500ms for it before ingesting",
		"policykb ingest: waited 500ms for another policykb process to finish ingesting (it holds " + filepath.Join(data, "ingest.lock") + "); giving up"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q: %s", want, stderr.String())
		}
	}
	if got := state(t, data); got != before {
		t.Error("the store changed")
	}
	// Released while the second waits: it goes ahead.
	cmd = exec.CommandContext(ctx, bin, "ingest", "--data", data, "--lock-timeout", "1m", changed)
	var stderr2 testfixture.SyncBuffer
	cmd.Stderr = &stderr2
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for !strings.Contains(stderr2.String(), "waiting") && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	unlock()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("ingest after the lock was released: %v, %s", err, stderr2.String())
	}
}

// TestDamagedCopiesRefused ingests damaged copies of the policy over the
// good one: cut at ① by a failed conversion, a section number printed twice
// (３ as ２), an area number repeated. Each is refused with exit 1 and the
// store stays as it was; the good document is never replaced.
func TestDamagedCopiesRefused(t *testing.T) {
	src := string(readCorpus(t))
	lines := strings.SplitAfter(src, "\n")
	tests := []struct{ name, text string }{
		{"cut at ①", src[:strings.Index(src, "① 新たな価値創出")]},
		{"３ printed as ２", strings.Join(lines[:213], "") + "２\n" + strings.Join(lines[214:], "")},
		{"(3) printed as (2)", strings.Replace(src, "(3) 国際社会の平和", "(2) 国際社会の平和", 1)},
		{"sections out of order", strings.Join(lines[:29], "") + "３\n" + strings.Join(lines[30:213], "") + "２\n" + strings.Join(lines[214:], "")},
	}
	data := t.TempDir()
	before := state(t, data)
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, fmt.Sprintf("copy%d.txt", i), []byte(tt.text))
			code, out, errs := runGuarded(t, "ingest", "--data", data, path)
			if code != 1 || out != "" || !strings.Contains(errs, path+":") {
				t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
			}
			if got := state(t, data); got != before {
				t.Error("a damaged copy changed the store")
			}
		})
	}
}

func openRaw(path string) (*sql.DB, error) { return sql.Open("sqlite3", path) }

// TestBackupIntoMissingDirectory checks that a backup into a directory that
// does not exist fails naming the file given, not a temporary one.
func TestBackupIntoMissingDirectory(t *testing.T) {
	data := t.TempDir()
	dest := filepath.Join(t.TempDir(), "nosuch", "copy.db")
	code, out, errs := runGuarded(t, "backup", "--data", data, dest)
	want := "policykb backup: cannot write " + dest + ": no directory " + filepath.Dir(dest) + "\n"
	if code != 1 || out != "" || !strings.HasSuffix(errs, want) || strings.Contains(errs, ".tmp") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and %q", code, out, errs, want)
	}
}
