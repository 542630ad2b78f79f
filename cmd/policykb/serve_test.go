package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptAtStart sends SIGINT to `policykb serve` as soon as it
// listens, while the dictionary and the index are still loading, and at
// random points of the first seconds: it exits with status 0 and leaves no
// half-built index behind that the next start does not repair.
func TestInterruptAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "policykb")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	for _, delay := range []time.Duration{0, 50 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond, time.Second} {
		cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait until it listens, then interrupt it after delay.
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		if !strings.Contains(line, "serving GraphQL") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("serve printed %q: %s", line, stderr.String())
		}
		time.Sleep(delay)
		start := time.Now()
		cmd.Process.Signal(syscall.SIGINT)
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("SIGINT %v after listening: %v\n%s", delay, err, stderr.String())
			}
			t.Logf("SIGINT %v after listening: exited in %v", delay, time.Since(start).Round(time.Millisecond))
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("SIGINT %v after listening: serve did not exit", delay)
		}
	}
	// Whatever the interrupts left, the index opens or is rebuilt.
	out := mustRun(t, "search", "--data", data, "暗号")
	if !strings.HasPrefix(out, "1 hit\n") {
		t.Errorf("search after the interrupted starts printed %q", out)
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "index")); len(entries) != 2 {
		t.Errorf("the index directory holds %d entries, want CURRENT and one index", len(entries))
	}
}
