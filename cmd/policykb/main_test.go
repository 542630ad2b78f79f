package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/testfixture"
	"golang.org/x/text/encoding/japanese"
)

const corpusFile = "../../corpus/cs-budget-policy-fy2020.txt"

// policykb runs the command line and returns its exit status and output.
func policykb(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := policykb(t, args...)
	if code != 0 {
		t.Fatalf("policykb %v: exit %d: %s", args, code, errs)
	}
	return out
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readCorpus(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestIngestAndExport(t *testing.T) {
	data := t.TempDir()
	// A data directory without a store gets the embedded policy first: the
	// same text again adds no version.
	code, out, errs := policykb(t, "ingest", "--data", data, corpusFile)
	if code != 0 || !strings.Contains(out, "cs-budget-policy-fy2020 unchanged: the same text as version 1, the current one") ||
		!strings.Contains(errs, "loaded the embedded policy cs-budget-policy-fy2020 (35 provisions) into "+ingest.StorePath(data)) {
		t.Errorf("ingest into a new directory: exit %d, said %q, %q", code, out, errs)
	}
	changed := writeFile(t, t.TempDir(), "changed.txt", bytes.Replace(readCorpus(t), []byte("中小企業"), []byte("小規模事業者"), 1))
	out = mustRun(t, "ingest", "--data", data, changed)
	if !strings.Contains(out, "ingested cs-budget-policy-fy2020 (35 provisions, 6 pages, UTF-8) as version 2") {
		t.Errorf("ingest said %q", out)
	}
	a := mustRun(t, "export", "--data", data)
	b := mustRun(t, "export", "--data", data)
	if a != b {
		t.Error("two exports of the same store differ")
	}
	// Re-ingesting the same text changes nothing.
	mustRun(t, "ingest", changed, "--data", data)
	if c := mustRun(t, "export", "--data", data); c != a {
		t.Error("re-ingesting the same text changed the export")
	}
	var exp struct {
		Documents []struct {
			ID         string
			Provisions []struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(a), &exp); err != nil {
		t.Fatal(err)
	}
	if len(exp.Documents) != 1 || len(exp.Documents[0].Provisions) != 35 {
		t.Errorf("export holds %d documents", len(exp.Documents))
	}
	one := mustRun(t, "export", "--data", data, "--document", "cs-budget-policy-fy2020")
	if one != a {
		t.Error("export of the only document differs from the export of all")
	}
	code, _, errs = policykb(t, "export", "--data", data, "--document", "nope")
	if code != 1 || !strings.Contains(errs, `no document "nope"`) {
		t.Errorf("export of an unknown document: exit %d, %q", code, errs)
	}
}

// TestIngestRefused checks that files that are not policy texts are refused
// with a message naming the file and line, exit status 1, and the store
// exactly as it was.
func TestIngestRefused(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	before := mustRun(t, "export", "--data", data)
	random := make([]byte, 8192)
	x := uint64(88172645463325252)
	for i := range random {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		random[i] = byte(x)
	}
	dir := t.TempDir()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty.txt", nil, "empty.txt:1: empty file"},
		{"random.bin", random, "random.bin:"},
		{"policy.pdf", []byte("%PDF-1.7\n%\xb5\xb5\xb5\xb5\n1 0 obj\n<</Type/Catalog>>\nendobj\n"), "policy.pdf:1: a damaged PDF: it cannot be read"},
		{"english.txt", []byte("Cybersecurity budget priorities for FY2020\n\nThe Headquarters decided as follows.\n1\n"), "english.txt:1: no title"},
		{"truncated.txt", readCorpus(t)[:400], "truncated.txt:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, tt.name, tt.data)
			code, _, errs := policykb(t, "ingest", "--data", data, path)
			if code != 1 || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errs, tt.want)
			}
			if !regexp.MustCompile(regexp.QuoteMeta(path) + `:\d+: `).MatchString(errs) {
				t.Errorf("stderr %q does not name file and line", errs)
			}
			if after := mustRun(t, "export", "--data", data); after != before {
				t.Error("the store changed")
			}
		})
	}
}

// withoutPagination removes what depends on line breaks and pages from an
// export, and the encoding and hash of the file.
func withoutPagination(t *testing.T, export string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(export), &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range []string{"pages", "line", "pageCount", "encoding", "sha256", "version", "versions"} {
				delete(v, k)
			}
			for _, x := range v {
				strip(x)
			}
		case []any:
			for _, x := range v {
				strip(x)
			}
		}
	}
	strip(v)
	b, _ := json.MarshalIndent(v, "", " ")
	return string(b)
}

// TestIngestVariants ingests the policy saved in other encodings and
// re-wrapped, each into a fresh store: the same provisions come back.
func TestIngestVariants(t *testing.T) {
	src := readCorpus(t)
	orig := t.TempDir()
	mustRun(t, "ingest", "--data", orig, corpusFile)
	want := withoutPagination(t, mustRun(t, "export", "--data", orig))
	doc, err := parse.Document(context.Background(), "corpus", src, parse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	rewrapped, clear := parse.Rewrap(doc, parse.Layout{Width: 56, PerPage: 25, Footer: "- %d -"})
	if !clear {
		t.Fatal("width 56 should show every paragraph end")
	}
	// At width 48 some paragraph ends are too full to see without the indent.
	indented, _ := parse.Rewrap(doc, parse.Layout{Width: 48, PerPage: 30, Footer: "%d", Indent: true})
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"bom-crlf.txt", append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))...)},
		{"shift_jis.txt", sjis},
		{"rewrapped.txt", []byte(rewrapped)},
		{"rewrapped-indented.txt", []byte(indented)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := t.TempDir()
			mustRun(t, "ingest", "--data", data, writeFile(t, dir, tt.name, tt.data))
			if got := withoutPagination(t, mustRun(t, "export", "--data", data)); got != want {
				t.Errorf("%s gives other provisions than the original", tt.name)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, 2},
		{[]string{"frobnicate"}, 2},
		{[]string{"ingest"}, 2},
		{[]string{"ingest", "--id", "x", "a.txt", "b.txt"}, 2},
		{[]string{"ingest", "--bogus"}, 2},
		{[]string{"export", "extra"}, 2},
		{[]string{"serve", "--help"}, 0},
		{[]string{"ingest", "-h"}, 0},
		{[]string{"help"}, 0},
		{[]string{"ingest", "--data", "/proc/nonexistent/x", corpusFile}, 1},
	}
	for _, tt := range tests {
		if code, _, errs := policykb(t, tt.args...); code != tt.code {
			t.Errorf("policykb %v: exit %d, want %d (%s)", tt.args, code, tt.code, errs)
		}
	}
}

// serving is a server run in-process by startServe.
type serving struct {
	addr           string
	stdout, stderr *testfixture.SyncBuffer
	stop           context.CancelFunc
	done           chan int
}

// startServe runs policykb serve with args in-process and waits until it
// listens. The server is stopped at the end of the test.
func startServe(t *testing.T, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{stdout: &testfixture.SyncBuffer{}, stderr: &testfixture.SyncBuffer{}, stop: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), s.stdout, s.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(60 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	re := regexp.MustCompile(`http://([0-9.:]+)/graphql`)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(s.stdout.String()); m != nil {
			s.addr = m[1]
			return s
		}
		select {
		case code := <-s.done:
			t.Fatalf("serve exited %d: %s", code, s.stderr.String())
		default:
		}
	}
	t.Fatalf("server did not start: %s %s", s.stdout.String(), s.stderr.String())
	return nil
}

// get returns the status and body of a GET of path.
func (s *serving) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + s.addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// query posts a GraphQL query and returns the answer.
func (s *serving) query(t *testing.T, q string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"query": q})
	resp, err := http.Post("http://"+s.addr+"/graphql", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// eventually polls cond until it holds; the deadline only guards against a
// hang.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 60 s", what)
		}
	}
}

// TestServe starts the server on a data directory that does not exist yet,
// as a newcomer would, queries it and stops it.
func TestServe(t *testing.T) {
	data := filepath.Join(t.TempDir(), "new", "dir")
	s := startServe(t, "--data", data)
	want := `{"data":{"documents":[{"id":"cs-budget-policy-fy2020","title":"サイバーセキュリティ関係施策に関する令和２年度予算重点化方針","decidedOn":"2019-05-23"}]}}`
	if got := s.query(t, `{documents{id title decidedOn}}`); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	s.stop()
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("serve exited %d after the signal: %s", code, s.stderr.String())
		}
		s.done <- code
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// TestServeIndexUnavailable starts the server where the search index
// cannot live (a file stands where its directory goes): the index is kept
// in memory, search answers, /readyz says 200 and that it is degraded and
// why (without the path), and once the file is removed the index moves to
// its directory by itself and /readyz says ready.
func TestServeIndexUnavailable(t *testing.T) {
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "index"), []byte("in the way"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--data", data)
	const search = `{search(query:"暗号"){totalCount}}`
	const found = `{"data":{"search":{"totalCount":1}}}`
	eventually(t, "readyz says degraded and why", func() bool {
		code, body := s.get(t, "/readyz")
		return code == http.StatusOK && strings.HasPrefix(body, "ready, degraded: the search index is kept in memory") &&
			strings.Contains(body, "not a directory")
	})
	if _, body := s.get(t, "/readyz"); strings.Contains(body, data) {
		t.Errorf("/readyz tells the path: %q", body)
	}
	if got := s.query(t, search); got != found {
		t.Errorf("search with the index in memory: %s", got)
	}
	if err := os.Remove(filepath.Join(data, "index")); err != nil {
		t.Fatal(err)
	}
	eventually(t, "recovery", func() bool {
		code, body := s.get(t, "/readyz")
		return code == http.StatusOK && body == "ready\n" && s.query(t, search) == found
	})
	if fi, err := os.Stat(filepath.Join(data, "index")); err != nil || !fi.IsDir() {
		t.Errorf("after recovery the index is not in its directory: %v", err)
	}
}

// TestSearchBesideServer runs policykb search on the data directory of a
// running server: it uses the index the server keeps, without rebuilding
// it.
func TestSearchBesideServer(t *testing.T) {
	data := t.TempDir()
	s := startServe(t, "--data", data)
	eventually(t, "index ready", func() bool { code, _ := s.get(t, "/readyz"); return code == http.StatusOK })
	current := func() string {
		b, err := os.ReadFile(filepath.Join(data, "index", "CURRENT"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := current()
	out := mustRun(t, "search", "--data", data, "暗号")
	if !strings.HasPrefix(out, "1 hit\n") {
		t.Errorf("search beside the server printed %q", out)
	}
	if after := current(); after != before {
		t.Errorf("search beside the server rebuilt the index: %s, then %s", before, after)
	}
	if got := s.query(t, `{search(query:"暗号"){totalCount}}`); got != `{"data":{"search":{"totalCount":1}}}` {
		t.Errorf("the server after the command: %s", got)
	}
}

func TestSearchCommand(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	out := mustRun(t, "search", "--data", data, "ＩｏＴ")
	want := "1 hit\n 1. cs-budget-policy-fy2020:2.1.3  ２(1)③  安全なIoTシステムの構築\n    安全な[IoT]システムの構築…\n"
	if !strings.HasPrefix(out, want) {
		t.Errorf("search printed\n%s\nwant it to start with\n%s", out, want)
	}
	if code, _, errs := policykb(t, "search", "--data", data, "--first", "0", "防護"); code != 2 || !strings.Contains(errs, "from 1 to 100") {
		t.Errorf("search --first 0: exit %d, %q", code, errs)
	}
	if code, _, _ := policykb(t, "search", "--data", data); code != 2 {
		t.Errorf("search without a query: exit %d, want 2", code)
	}
}
