package main

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its two ends: what a program
// writes to tty, the terminal shows on master.
func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

// searchTo runs a search with stdout w and returns what the terminal or
// file behind it received.
func searchTo(t *testing.T, data string, w *os.File, read func() string) string {
	t.Helper()
	var errb bytes.Buffer
	if code := run(t.Context(), []string{"search", "--data", data, "ＩｏＴ"}, w, &errb); code != 0 {
		t.Fatalf("search: exit %d: %s", code, errb.String())
	}
	return read()
}

// TestColour checks that search colours its hits on a terminal only, and
// not with NO_COLOR set or TERM=dumb.
func TestColour(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	const coloured, plain = "安全な\x1b[1;33mIoT\x1b[0mシステムの構築", "安全な[IoT]システムの構築"
	tests := []struct {
		name    string
		env     map[string]string
		onTTY   string // what the terminal shows
		notTTY  string // what a file or pipe gets
		devNull bool
	}{
		{"terminal", map[string]string{"TERM": "xterm-256color"}, coloured, plain, false},
		{"no TERM", map[string]string{"TERM": ""}, coloured, plain, false},
		{"NO_COLOR=1", map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, plain, plain, false},
		{"NO_COLOR=0", map[string]string{"TERM": "xterm", "NO_COLOR": "0"}, plain, plain, false},
		{"NO_COLOR empty", map[string]string{"TERM": "xterm", "NO_COLOR": ""}, coloured, plain, false},
		{"TERM=dumb", map[string]string{"TERM": "dumb"}, plain, plain, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if _, ok := tt.env["NO_COLOR"]; !ok {
				t.Setenv("NO_COLOR", "")
				os.Unsetenv("NO_COLOR")
			}
			master, tty := openPTY(t)
			got := searchTo(t, data, tty, func() string {
				tty.Close()
				b, _ := io.ReadAll(master) // EIO once the terminal side is closed and drained
				return string(b)
			})
			if !strings.Contains(got, tt.onTTY) {
				t.Errorf("on a terminal: %q, want it to hold %q", got, tt.onTTY)
			}
			f, err := os.Create(t.TempDir() + "/out")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got = searchTo(t, data, f, func() string { b, _ := os.ReadFile(f.Name()); return string(b) })
			if !strings.Contains(got, tt.notTTY) {
				t.Errorf("to a file: %q, want it to hold %q", got, tt.notTTY)
			}
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got = searchTo(t, data, w, func() string { w.Close(); b, _ := io.ReadAll(r); return string(b) })
			if !strings.Contains(got, tt.notTTY) {
				t.Errorf("to a pipe: %q, want it to hold %q", got, tt.notTTY)
			}
		})
	}
	// The standard error run gives commands is the terminal behind it (for
	// the progress line of ingest).
	_, tty := openPTY(t)
	t.Setenv("TERM", "xterm")
	if !isTerminal(tty) {
		t.Error("a terminal as standard error is not taken for one")
	}
	// /dev/null is a character device, but not a terminal.
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	t.Setenv("TERM", "xterm")
	if st, _ := null.Stat(); st.Mode()&os.ModeCharDevice == 0 || isTerminal(null) || colour(null) {
		t.Errorf("%s: character device %v, terminal %v, colour %v; want true, false, false",
			os.DevNull, st.Mode()&os.ModeCharDevice != 0, isTerminal(null), colour(null))
	}
}
