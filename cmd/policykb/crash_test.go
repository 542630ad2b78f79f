package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// bigPolicy is a valid policy text of n sections, which takes long enough
// to ingest for a kill to land in the middle.
func bigPolicy(n int) []byte {
	var b strings.Builder
	b.WriteString("サイバーセキュリティ関係施策に関する令和９年度予算重点化方針\n令和８年５月２３日\n試験本部決定\n前文である。\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s\n\n見出し%d\n第%d節の本文であり、サイバーセキュリティ戦略本部の施策を推進するものとする。%s\n", fullWidth(fmt.Sprint(i)), i, i, strings.Repeat("関係府省庁は、所要の措置を講じる。", 8))
	}
	return []byte(b.String())
}

func fullWidth(s string) string {
	return strings.Map(func(r rune) rune { return r - '0' + '０' }, s)
}

// TestKilledIngest kills `policykb ingest` at random points, again and
// again: the store always opens, passes SQLite's integrity check, and holds
// each document either as it was before or as it is after, never half.
func TestKilledIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "policykb")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	pristine := filepath.Join(dir, "pristine")
	mustRun(t, "ingest", "--data", pristine, corpusFile)
	oldExport := mustRun(t, "export", "--data", pristine, "--document", "cs-budget-policy-fy2020")
	// The new version of the policy, and a large second document.
	changed := strings.ReplaceAll(string(readCorpus(t)), "中小企業", "小規模事業者")
	newFile := writeFile(t, dir, "fy2020-new.txt", []byte(changed))
	bigFile := writeFile(t, dir, "big.txt", bigPolicy(bigSections))
	ref := filepath.Join(dir, "ref")
	mustRun(t, "ingest", "--data", ref, newFile)
	newExport := mustRun(t, "export", "--data", ref, "--document", "cs-budget-policy-fy2020")
	if newExport == oldExport {
		t.Fatal("the new version exports like the old")
	}
	// How long a whole ingest by the binary takes, to kill within it.
	start := time.Now()
	if out, err := exec.Command(bin, "ingest", "--data", filepath.Join(dir, "timing"), newFile, bigFile).CombinedOutput(); err != nil {
		t.Fatalf("timing run: %v\n%s", err, out)
	}
	whole := time.Since(start)
	rng := rand.New(rand.NewPCG(1, 2))
	kills := 0
	states := map[string]int{}
	for round := range 16 {
		// Each round starts from the old state, in a directory of its own.
		data := filepath.Join(dir, fmt.Sprintf("data%d", round))
		if err := os.CopyFS(data, os.DirFS(pristine)); err != nil {
			t.Fatal(err)
		}
		// Alternate the order so that kills hit both documents.
		files := []string{newFile, bigFile}
		if round%2 == 1 {
			files = []string{bigFile, newFile}
		}
		args := append([]string{"ingest", "--data", data}, files...)
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(whole) * 3 / 2)))
		if cmd.Process.Signal(syscall.SIGKILL) == nil {
			kills++
		}
		cmd.Wait()
		states[checkStore(t, data, oldExport, newExport)]++
	}
	t.Logf("%d ingests killed within %v; states found: %v", kills, whole, states)
	if len(states) < 2 {
		t.Errorf("the kills all left the same state %v: they do not land inside the ingest", states)
	}
}

const bigSections = 9000 // section numbers stop at ９９９９

// checkStore checks the store after a kill and says which state it found.
func checkStore(t *testing.T, data, oldExport, newExport string) string {
	t.Helper()
	db, err := sqlite.Open(storePath(data))
	if err != nil {
		t.Fatalf("store does not open after a kill: %v", err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	provs, err := db.Provisions(context.Background(), policy.ProvisionFilter{DocumentID: "cs-budget-policy-fy2027"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(provs); n != 0 && n != bigSections+1 {
		t.Fatalf("big document half stored: %d provisions", n)
	}
	got := mustRun(t, "export", "--data", data, "--document", "cs-budget-policy-fy2020")
	if got != oldExport && got != newExport {
		t.Fatal("the policy is neither the old nor the new version")
	}
	return fmt.Sprintf("policy %s, big %v", map[bool]string{true: "old", false: "new"}[got == oldExport], len(provs) > 0)
}
