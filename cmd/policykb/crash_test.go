package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/ingest"
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
// each document either as it was before or as it is after, never half —
// its current version and its list of versions alike. Some rounds replace
// the policy with a shorter text (--replace), others add versions of two
// documents at once.
func TestKilledIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly")
	}
	dir, bin := t.TempDir(), binary(t)
	pristine := filepath.Join(dir, "pristine")
	mustRun(t, "ingest", "--data", pristine, corpusFile)
	oldExport := mustRun(t, "export", "--data", pristine, "--document", "cs-budget-policy-fy2020")
	// The new version of the policy, a shorter one, and a large second document.
	changed := strings.ReplaceAll(string(readCorpus(t)), "中小企業", "小規模事業者")
	newFile := writeFile(t, dir, "fy2020-new.txt", []byte(changed))
	shortFile := writeFile(t, dir, "fy2020-short.txt", shortPolicy(t))
	bigFile := writeFile(t, dir, "big.txt", bigPolicy(bigSections))
	ref := filepath.Join(dir, "ref")
	mustRun(t, "ingest", "--data", ref, newFile)
	newExport := mustRun(t, "export", "--data", ref, "--document", "cs-budget-policy-fy2020")
	if newExport == oldExport {
		t.Fatal("the new version exports like the old")
	}
	refShort := filepath.Join(dir, "ref-short")
	mustRun(t, "ingest", "--data", refShort, "--replace", shortFile)
	shortExport := mustRun(t, "export", "--data", refShort, "--document", "cs-budget-policy-fy2020")
	// How long a whole ingest by the binary takes, to kill within it.
	whole := timed(t, bin, "ingest", "--data", filepath.Join(dir, "timing"), newFile, bigFile)
	rng := rand.New(rand.NewPCG(1, 2))
	kills := 0
	states := map[string]int{}
	// round runs ingest number round and kills it after wait.
	round := func(round int, wait time.Duration) {
		// Each round starts from the old state, in a directory of its own.
		data := filepath.Join(dir, fmt.Sprintf("data%d", round))
		if err := os.CopyFS(data, os.DirFS(pristine)); err != nil {
			t.Fatal(err)
		}
		// Alternate the order so that kills hit both documents, and
		// replace the policy with a shorter text every third round.
		args := []string{"ingest", "--data", data, newFile, bigFile}
		want := newExport
		switch round % 3 {
		case 1:
			args = []string{"ingest", "--data", data, bigFile, newFile}
		case 2:
			args = []string{"ingest", "--data", data, "--replace", bigFile, shortFile}
			want = shortExport
		}
		if killAfter(t, wait, bin, args...) {
			kills++
		}
		states[checkStore(t, data, oldExport, want)]++
	}
	n := 0
	for ; n < 18; n++ {
		round(n, time.Duration(rng.Int64N(int64(whole)*3/2)))
	}
	// On a machine busier than when the whole ingest was timed, every kill
	// may land before the commit (or, quieter, after it): aim again, later
	// or earlier, before judging whether kills land inside the ingest.
	for extra := 0; len(states) < 2 && extra < 12; extra++ {
		wait := time.Duration(rng.Int64N(int64(whole) / 2))
		for st := range states {
			if strings.HasPrefix(st, "policy old") {
				wait = whole + time.Duration(rng.Int64N(int64(whole)*4))
			}
		}
		round(n, wait)
		n++
	}
	t.Logf("%d ingests killed within %v; states found: %v", kills, whole, states)
	if len(states) < 2 {
		t.Errorf("the kills all left the same state %v: they do not land inside the ingest", states)
	}
}

// TestKilledBackup kills `policykb backup` at random points: the store
// stays whole and unchanged, and the backup file is either absent or a
// whole store holding the same.
func TestKilledBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it repeatedly")
	}
	dir, bin := t.TempDir(), binary(t)
	data := filepath.Join(dir, "data")
	mustRun(t, "ingest", "--data", data, writeFile(t, dir, "big.txt", bigPolicy(bigSections)))
	// What the store holds: the policy's export, and the big document's
	// provisions and versions (its export takes seconds).
	summary := func(data string) string {
		t.Helper()
		db := openChecked(t, data)
		defer db.Close()
		provs, vs, err := bigStored(t, db)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%s\n%d provisions, %d versions, %s", mustRun(t, "export", "--data", data, "--document", "cs-budget-policy-fy2020"),
			len(provs), len(vs), vs[len(vs)-1].SHA256)
	}
	want := summary(data)
	whole := timed(t, bin, "backup", "--data", data, filepath.Join(dir, "timing.db"))
	rng := rand.New(rand.NewPCG(3, 4))
	found := map[bool]int{}
	for round := range 10 {
		dest := filepath.Join(dir, fmt.Sprintf("backup%d.db", round))
		killAfter(t, time.Duration(rng.Int64N(int64(whole)*3/2)), bin, "backup", "--data", data, dest)
		_, err := os.Stat(dest)
		found[err == nil]++
		if err == nil {
			restored := filepath.Join(dir, fmt.Sprintf("restored%d", round))
			if err := os.MkdirAll(restored, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(dest, ingest.StorePath(restored)); err != nil {
				t.Fatal(err)
			}
			if got := summary(restored); got != want {
				t.Fatalf("round %d: the backup left by a kill differs from the store", round)
			}
		}
		if got := summary(data); got != want {
			t.Fatalf("round %d: a killed backup changed the store", round)
		}
	}
	t.Logf("backups killed within %v: file present %d times, absent %d times", whole, found[true], found[false])
}

// bigSections is the number of sections of the big document: enough to take
// a while to ingest, so that kills land inside it.
const bigSections = 9000

// openChecked opens the store in data after a kill, failing the test unless
// it opens and passes SQLite's integrity check.
func openChecked(t *testing.T, data string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(ingest.StorePath(data))
	if err != nil {
		t.Fatalf("store does not open after a kill: %v", err)
	}
	if err := db.IntegrityCheck(context.Background()); err != nil {
		db.Close()
		t.Fatalf("integrity check: %v", err)
	}
	return db
}

// bigStored returns the provisions of the big document in db, and its
// versions with the error of reading them (where it is absent).
func bigStored(t *testing.T, db *sqlite.DB) ([]*policy.Provision, []*policy.Version, error) {
	t.Helper()
	ctx := context.Background()
	provs, err := db.Provisions(ctx, policy.ProvisionFilter{DocumentID: "cs-budget-policy-fy2027"})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := db.Versions(ctx, "cs-budget-policy-fy2027")
	return provs, vs, err
}

// checkStore checks the store after a kill and says which state it found:
// the policy as it was (version 1 current) or as it is after (version 2
// current, version 1 unchanged), and the big document absent or whole.
func checkStore(t *testing.T, data, oldExport, newExport string) string {
	t.Helper()
	db := openChecked(t, data)
	defer db.Close()
	ctx := context.Background()
	provs, bigVersions, err := bigStored(t, db)
	if n := len(provs); n != 0 && n != bigSections+1 {
		t.Fatalf("big document half stored: %d provisions", n)
	}
	if (len(provs) > 0) != (err == nil && len(bigVersions) == 1) {
		t.Fatalf("big document: %d provisions but versions %v, %v", len(provs), bigVersions, err)
	}
	// The versions are checked below; their times differ from store to store.
	got := withoutVersions(t, mustRun(t, "export", "--data", data, "--document", "cs-budget-policy-fy2020"))
	oldExport, newExport = withoutVersions(t, oldExport), withoutVersions(t, newExport)
	if got != oldExport && got != newExport {
		t.Fatal("the policy is neither the old nor the new version")
	}
	vs, err := db.Versions(ctx, "cs-budget-policy-fy2020")
	if err != nil {
		t.Fatal(err)
	}
	wantVersions := map[bool]int{true: 1, false: 2}[got == oldExport]
	if len(vs) != wantVersions || !vs[len(vs)-1].Current {
		t.Fatalf("the policy has %d versions, want %d", len(vs), wantVersions)
	}
	v1, err := db.DocumentVersion(ctx, "cs-budget-policy-fy2020", 1)
	if err != nil || len(v1.Provisions) != 35 {
		t.Fatalf("version 1 of the policy: %v", err)
	}
	return fmt.Sprintf("policy %s, big %v", map[bool]string{true: "old", false: "new"}[got == oldExport], len(provs) > 0)
}
