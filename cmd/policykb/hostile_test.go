package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestLockTimeoutMustBePositive gives ingest and revert a --lock-timeout
// that is not positive: bad usage (exit 2), said on stderr, with the store
// unchanged.
func TestLockTimeoutMustBePositive(t *testing.T) {
	data := t.TempDir()
	before := state(t, data)
	file := writeFile(t, t.TempDir(), "policy.txt", shortPolicy(t))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"ingest -1s", []string{"ingest", "--lock-timeout", "-1s", "--replace", file}, "policykb ingest: --lock-timeout -1s: want a positive duration such as 30s"},
		{"ingest 0", []string{"ingest", "--lock-timeout", "0", "--replace", file}, "policykb ingest: --lock-timeout 0s: want a positive duration such as 30s"},
		{"ingest -1ns after the file", []string{"ingest", "--replace", file, "--lock-timeout=-1ns"}, "policykb ingest: --lock-timeout -1ns: want a positive duration such as 30s"},
		{"revert -5m", []string{"revert", "--lock-timeout", "-5m", docID, "1"}, "policykb revert: --lock-timeout -5m0s: want a positive duration such as 30s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runGuarded(t, append(tt.args, "--data", data)...)
			if code != 2 || out != "" || !strings.Contains(errs, tt.want+"\n") {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, out, errs, tt.want)
			}
		})
	}
	if got := state(t, data); got != before {
		t.Error("the store changed")
	}
}

// TestLongInputsClipped gives commands IDs, versions, queries, flags and
// commands of 50,000 characters: every message quotes at most 40 of them,
// then "…".
func TestLongInputsClipped(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "export", "--data", data)
	file := writeFile(t, t.TempDir(), "policy.txt", readCorpus(t))
	long := strings.Repeat("w", 50000)
	nonASCII := strings.Repeat("語\n", 20000)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"ingest --id", []string{"ingest", "--data", data, "--id", long, file}, 1},
		{"ingest --id=", []string{"ingest", "--data", data, "--id=" + nonASCII, file}, 1},
		{"history", []string{"history", "--data", data, long}, 1},
		{"revert ID", []string{"revert", "--data", data, long, "1"}, 1},
		{"revert VERSION", []string{"revert", "--data", data, docID, long}, 2},
		{"export --document", []string{"export", "--data", data, "--document", long}, 1},
		{"unknown flag", []string{"ingest", "--data", data, "--" + long, file}, 2},
		{"bad flag value", []string{"search", "--data", data, "--first", long, "x"}, 2},
		{"bad flag value, escaped", []string{"search", "--data", data, "--first=" + nonASCII, "x"}, 2},
		{"serve --addr", []string{"serve", "--data", data, "--addr", long}, 2},
		{"unexpected argument", []string{"export", "--data", data, long}, 2},
		{"unknown command", []string{long}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runGuarded(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			// The usage a bad command line prints is long, but its own.
			msg, _, _ := strings.Cut(errs, "\nUsage:")
			if len(msg) > 400 || !strings.Contains(msg, "…") || strings.Contains(msg, strings.Repeat("w", 41)) || strings.Contains(msg, strings.Repeat(`語\n`, 41)) {
				t.Errorf("stderr of %d bytes does not clip the input: %.600s", len(errs), errs)
			}
		})
	}
}

// TestIngestCutInACharacter ingests the policy cut in the middle of a
// character: refused as truncated (exit 1, the store unchanged); with
// --replace, taken without the incomplete character, with a warning.
func TestIngestCutInACharacter(t *testing.T) {
	data := t.TempDir()
	before := state(t, data)
	cut := writeFile(t, t.TempDir(), "x", readCorpus(t)[:1001])
	code, _, errs := runGuarded(t, "ingest", "--data", data, cut)
	want := cut + ":17: text looks truncated: it ends in the middle of a character (1 incomplete byte left out)\n"
	if code != 1 || !strings.Contains(errs, "policykb ingest: "+want) {
		t.Errorf("exit %d: %s; want exit 1 and %s", code, errs, want)
	}
	if state(t, data) != before {
		t.Error("the store changed")
	}
	code, out, errs := runGuarded(t, "ingest", "--data", data, "--replace", cut)
	if code != 0 || !strings.Contains(errs, "policykb ingest: warning: "+want) || !strings.Contains(out, "as version 2") {
		t.Errorf("--replace: exit %d: %s%s", code, out, errs)
	}
}

// TestIngestTooManyLines ingests 8 MiB of the policy with two million
// one-character lines in a paragraph: refused before the parser keeps
// anything per line (exit 1, the store unchanged), where it used to take
// 1.4 GB.
func TestIngestTooManyLines(t *testing.T) {
	data := t.TempDir()
	before := state(t, data)
	src := readCorpus(t)
	at := strings.Index(string(src), "あ")
	text := string(src[:at]) + strings.Repeat("あ\n", 2_000_000) + string(src[at:])
	file := writeFile(t, t.TempDir(), "many.txt", []byte(text))
	code, _, errs := runGuarded(t, "ingest", "--data", data, file)
	want := fmt.Sprintf("%d lines in %d bytes: more lines than a policy text has (at most one per 10 bytes after the first 4096); not a policy text", strings.Count(text, "\n")+1, len(text))
	if code != 1 || !strings.Contains(errs, want) {
		t.Errorf("exit %d: %s; want exit 1 and %s", code, errs, want)
	}
	if state(t, data) != before {
		t.Error("the store changed")
	}
}
