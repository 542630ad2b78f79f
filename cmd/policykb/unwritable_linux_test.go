//go:build linux

package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/testfixture"
)

// TestUnwritableStore runs every command on a sound store in a data
// directory that is read-only or on a full disk: the store is never called
// damaged nor is the user told to restore or move it; reads work, saying
// that they read it read-only; writes are refused with exit 1, saying why;
// and the store is unchanged. A server serves it, /readyz saying that it
// is degraded and why; once the directory can be written again, the
// server serves the store as it is now by itself.
func TestUnwritableStore(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, good, data string) (cure func())
		why   string // the reason given, with data for the directory
	}{
		{"read-only directory", func(t *testing.T, good, data string) func() {
			// A copy of the good store, bound read-only: the cure makes it
			// writable.
			src := t.TempDir()
			if out, err := exec.Command("cp", "-a", good+"/.", src).CombinedOutput(); err != nil {
				t.Fatalf("cp: %v: %s", err, out)
			}
			testfixture.MountOrSkip(t, data, "--bind", "-o", "ro", src)
			return func() {
				if out, err := exec.Command("mount", "-o", "remount,rw,bind", data).CombinedOutput(); err != nil {
					t.Fatalf("remount: %v: %s", err, out)
				}
			}
		}, "the data directory DATA is read-only"},
		{"full disk", func(t *testing.T, good, data string) func() {
			testfixture.MountOrSkip(t, data, "-t", "tmpfs", "-o", "size=3m", "tmpfs")
			db, err := os.ReadFile(ingest.StorePath(good))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(ingest.StorePath(data), db, 0o644); err != nil {
				t.Fatal(err)
			}
			fill := testfixture.FillUp(t, data)
			return func() {
				if err := os.Remove(fill); err != nil {
					t.Fatal(err)
				}
			}
		}, "no space left on device"},
	}
	good := t.TempDir()
	want := state(t, good)
	other := writeFile(t, t.TempDir(), "other.txt", shortPolicy(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			cure := tt.setup(t, good, data)
			why := strings.ReplaceAll(tt.why, "DATA", data)
			corpus := writeFile(t, t.TempDir(), "policy.txt", shortPolicy(t))
			backup := filepath.Join(t.TempDir(), "copy.db")
			for _, args := range [][]string{
				{"export"}, {"history", docID}, {"search", "防護"}, {"backup", backup},
				{"ingest", "--replace", corpus}, {"revert", docID, "1"},
			} {
				code, _, errs := runGuarded(t, append(args, "--data", data)...)
				write := args[0] == "ingest" || args[0] == "revert"
				for _, bad := range []string{"damaged", "restore", "move it away"} {
					if strings.Contains(errs, bad) {
						t.Errorf("%s says %q of a sound store: %s", args[0], bad, errs)
					}
				}
				switch {
				case write && (code != 1 || !strings.Contains(errs, "cannot write the store "+ingest.StorePath(data)+": "+why)):
					t.Errorf("%s: exit %d, want 1 and the reason %q: %s", args[0], code, why, errs)
				case !write && (code != 0 || !strings.Contains(errs, "reading the store "+ingest.StorePath(data)+" read-only: "+why)):
					t.Errorf("%s: exit %d, want 0 and the note that it reads read-only because %q: %s", args[0], code, why, errs)
				}
			}
			if got := state(t, data); got != want {
				t.Errorf("the store changed:\n%s", got)
			}
			if got := state(t, restoreTo(t, backup)); got != want {
				t.Errorf("the backup differs from the store:\n%s", got)
			}
			s := startServe(t, "--data", data)
			const search = `{search(query:"暗号"){totalCount}}`
			eventually(t, "search on a read-only store", func() bool {
				return s.query(t, search) == `{"data":{"search":{"totalCount":1}}}`
			})
			if errs := s.stderr.String(); !strings.Contains(errs, "read-only: "+why) {
				t.Errorf("serve does not say that it reads the store read-only: %s", errs)
			}
			if code, body := s.get(t, "/readyz"); code != http.StatusOK ||
				!strings.Contains(body, "degraded: the store cannot be written") || strings.Contains(body, data) {
				t.Errorf("/readyz of a store served read-only: %d %q", code, body)
			}
			// The cause goes; another document is ingested; the server
			// serves it without a restart.
			cure()
			if code, _, errs := runGuarded(t, "ingest", "--data", data, "--id", "other-policy", other); code != 0 {
				t.Fatalf("ingest once the directory can be written: exit %d: %s", code, errs)
			}
			eventually(t, "the store served anew", func() bool {
				_, body := s.get(t, "/readyz")
				return !strings.Contains(body, "store cannot be written") &&
					s.query(t, `{document(id:"other-policy"){id}}`) == `{"data":{"document":{"id":"other-policy"}}}`
			})
		})
	}
}

// restoreTo copies a backup into a new data directory and returns it.
func restoreTo(t *testing.T, backup string) string {
	t.Helper()
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if err := os.WriteFile(ingest.StorePath(data), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return data
}
