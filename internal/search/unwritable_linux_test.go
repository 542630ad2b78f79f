//go:build linux

package search

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mountOrSkip runs mount with args, skipping the test where it cannot (not
// root, no CAP_SYS_ADMIN), and unmounts dir at the end of the test.
func mountOrSkip(t *testing.T, dir string, args ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a read-only or a full file system")
	}
	if out, err := exec.Command("mount", append(args, dir)...).CombinedOutput(); err != nil {
		t.Skipf("cannot mount (%v: %s)", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// fillUp writes a file in dir until its file system is full and returns
// its name.
func fillUp(t *testing.T, dir string) string {
	t.Helper()
	name := filepath.Join(dir, "fill")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for range 1 << 16 {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return name
		}
	}
	t.Fatal("the file system does not fill up")
	return ""
}

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
			func(t *testing.T, dir string) { mountOrSkip(t, dir, "-t", "tmpfs", "-o", "ro,size=16m", "tmpfs") },
			func(t *testing.T, dir string) {
				if out, err := exec.Command("mount", "-o", "remount,rw", dir).CombinedOutput(); err != nil {
					t.Fatalf("remount: %v: %s", err, out)
				}
			}},
		{"disk full during an update", "no space left on device", false,
			func(t *testing.T, dir string) { fillUp(t, dir) },
			func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "fill")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := corpusStore(t)
			dir := t.TempDir()
			if tt.before {
				tt.fail(t, dir)
			} else {
				mountOrSkip(t, dir, "-t", "tmpfs", "-o", "size=16m", "tmpfs")
			}
			path := filepath.Join(dir, "index")
			p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog,
				MaxBackoff: 100 * time.Millisecond, PollInterval: 20 * time.Millisecond})
			defer p.Close()
			srv := liveServer(t, db, p)
			eventually(t, "first answer", func() bool { n, _, _ := searchHTTP(t, srv); return n == 1 })
			if !tt.before {
				eventually(t, "the index on disk", func() bool { _, err := readCurrent(path); return err == nil })
				tt.fail(t, dir)
			}
			reingest(t, db) // 追記
			var body string
			eventually(t, "readyz says why", func() bool {
				status, b := readyz(t, srv)
				body = b
				return status == http.StatusOK && strings.Contains(b, "degraded") && strings.Contains(b, tt.reason)
			})
			if strings.Contains(body, dir) {
				t.Errorf("/readyz tells the path: %q", body)
			}
			// In memory, the index follows the store; on a full disk,
			// searches read the index as it was.
			want := 1
			if !tt.before {
				want = 0
			}
			time.Sleep(200 * time.Millisecond)
			eventually(t, "searches while degraded", func() bool { n, _, _ := searchFor(t, srv, "追記"); return n == want })
			for _, q := range []struct {
				q string
				n int
			}{{"暗号", 1}, {"追記", want}} {
				if n, code, msg := searchFor(t, srv, q.q); code != "" || n != q.n {
					t.Errorf("%s while degraded: %d hits, %s %s; want %d", q.q, n, code, msg, q.n)
				}
			}
			tt.mend(t, dir)
			eventually(t, "recovery", func() bool {
				n, _, _ := searchFor(t, srv, "追記")
				status, b := readyz(t, srv)
				return n == 1 && status == http.StatusOK && b == "ready\n"
			})
			if pub, err := readCurrent(path); err != nil || pub.Generation != 2 {
				t.Errorf("published after recovery: %+v, %v", pub, err)
			}
		})
	}
}
