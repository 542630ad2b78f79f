//go:build linux

package search

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/testfixture"
)

// TestPendingRealDisks runs a server's index on real file systems that
// cannot take it: a data directory mounted read-only, then writable again;
// a disk that fills during an update, then has room again. Over HTTP,
// searches answer throughout, /readyz says why the index is degraded, and
// all recovers by itself.
func TestPendingRealDisks(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		// fail makes dir unwritable (before the server starts, or after
		// its index is on disk); mend undoes it.
		before     bool
		fail, mend func(t *testing.T, dir string)
	}{
		{"read-only data directory", "read-only file system", true,
			func(t *testing.T, dir string) {
				testfixture.MountOrSkip(t, dir, "-t", "tmpfs", "-o", "ro,size=16m", "tmpfs")
			},
			func(t *testing.T, dir string) {
				if out, err := exec.Command("mount", "-o", "remount,rw", dir).CombinedOutput(); err != nil {
					t.Fatalf("remount: %v: %s", err, out)
				}
			}},
		{"disk full during an update", "no space left on device", false,
			func(t *testing.T, dir string) { testfixture.FillUp(t, dir) },
			func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "fill")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := corpusStore(t)
			dir := t.TempDir()
			if tt.before {
				tt.fail(t, dir)
			} else {
				testfixture.MountOrSkip(t, dir, "-t", "tmpfs", "-o", "size=16m", "tmpfs")
			}
			path := filepath.Join(dir, "index")
			p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog,
				MaxBackoff: 100 * time.Millisecond, PollInterval: 20 * time.Millisecond})
			defer p.Close()
			srv := liveServer(t, db, p)
			eventually(t, "first answer", func() bool { n, _, _ := searchFor(t, srv, "暗号"); return n == 1 })
			if !tt.before {
				eventually(t, "the index on disk", func() bool { _, err := readCurrent(path); return err == nil })
				tt.fail(t, dir)
			}
			reingest(t, db) // 追記
			// In memory, the index follows the store; on a full disk,
			// searches read the index as it was.
			body := expectDegraded(t, srv, tt.reason, tt.before)
			if strings.Contains(body, dir) {
				t.Errorf("/readyz tells the path: %q", body)
			}
			tt.mend(t, dir)
			expectRecovered(t, srv)
			if pub, err := readCurrent(path); err != nil || pub.Generation != 2 {
				t.Errorf("published after recovery: %+v, %v", pub, err)
			}
		})
	}
}
