//go:build linux

package testfixture

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// MountOrSkip runs mount with args and dir as its target, skipping the test
// where it cannot (not root, no CAP_SYS_ADMIN), and unmounts dir when the
// test ends: MountOrSkip(t, dir, "-t", "tmpfs", "-o", "ro,size=16m", "tmpfs")
// makes dir a read-only file system.
func MountOrSkip(t testing.TB, dir string, args ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a read-only or a full file system (run the tests as root to check unwritable disks)")
	}
	if out, err := exec.Command("mount", append(args, dir)...).CombinedOutput(); err != nil {
		t.Skipf("cannot mount (%v: %s): unwritable disks not checked", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
}

// FillUp writes a file in dir until its file system is full and returns
// its name; removing the file makes room again.
func FillUp(t testing.TB, dir string) string {
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
