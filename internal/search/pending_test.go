package search

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/sqlite"
	"github.com/policykb/policykb/internal/testfixture"
)

var quietLog = slog.New(slog.DiscardHandler)

func TestPending(t *testing.T) {
	db, _ := corpusIndex(t, "")
	p := OpenInBackground("", db)
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := p.Search(ctx, policy.SearchQuery{Query: "暗号", First: 10})
	if err != nil || r.TotalCount != 1 {
		t.Fatalf("search through a pending index: %v, %+v", err, r)
	}
	if err := p.Ready(); err != nil {
		t.Errorf("ready after a search: %v", err)
	}
}

// TestPendingShutdown checks that a server being stopped (its context
// done) still answers searches with the index it has, updating it no more,
// and that after Close searches answer UNAVAILABLE.
func TestPendingShutdown(t *testing.T) {
	db := corpusStore(t)
	ctx, stop := context.WithCancel(context.Background())
	p := Load(ctx, LoadConfig{Path: filepath.Join(t.TempDir(), "index"), Store: db, Logger: quietLog})
	q := policy.SearchQuery{Query: "暗号", First: 10}
	if r, err := p.Search(context.Background(), q); err != nil || r.TotalCount != 1 {
		t.Fatalf("search: %v, %+v", err, r)
	}
	stop()
	if r, err := p.Search(context.Background(), q); err != nil || r.TotalCount != 1 {
		t.Errorf("search while stopping: %v, %+v", err, r)
	}
	// An ingest now: no update while stopping, and no wait for one.
	reingest(t, db)
	time.Sleep(300 * time.Millisecond)
	if r, err := p.Search(context.Background(), policy.SearchQuery{Query: "追記", First: 10}); err != nil || r.TotalCount != 0 {
		t.Errorf("search after an ingest while stopping: %v, %+v; want the index as it was", err, r)
	}
	p.Close()
	if _, err := p.Search(context.Background(), q); policy.ErrorCode(err) != policy.EUNAVAILABLE {
		t.Errorf("search after Close: %v, want UNAVAILABLE", err)
	}
}

// TestPendingFollowsStore checks that after an ingest searches go on
// answering, and find the new text within seconds, the index updated in
// the background, not rebuilt.
func TestPendingFollowsStore(t *testing.T) {
	db := corpusStore(t)
	path := filepath.Join(t.TempDir(), "index")
	p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog})
	defer p.Close()
	ctx := context.Background()
	if r, err := p.Search(ctx, policy.SearchQuery{Query: "追記", First: 10}); err != nil || r.TotalCount != 0 {
		t.Fatalf("追記 before the ingest: %v, %+v", err, r)
	}
	before, _ := readCurrent(path)
	reingest(t, db)
	start := time.Now()
	for {
		r, err := p.Search(ctx, policy.SearchQuery{Query: "追記", First: 10})
		if err != nil {
			t.Fatalf("search after the ingest: %v", err)
		}
		if r.TotalCount == 1 {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("追記 not found 5 s after the ingest")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.Ready(); err != nil {
		t.Errorf("ready after the update: %v", err)
	}
	after, _ := readCurrent(path)
	if after.Updates != before.Updates+1 || after.Generation != before.Generation+1 {
		t.Errorf("published %+v after %+v: want one update more", after, before)
	}
}

// corpusStore returns a store holding the corpus.
func corpusStore(t testing.TB) *sqlite.DB {
	t.Helper()
	return testfixture.Store(t)
}

// failingBuilder fails as a full disk or a refused write would, when the
// index is written out.
type failingBuilder struct {
	bleve.Builder
	err error
}

func (b failingBuilder) Close() error {
	b.Builder.Close()
	return b.err
}

// failBuilds makes every index build fail with err until the returned
// function is called.
func failBuilds(t *testing.T, err error) (restore func()) {
	t.Helper()
	return setBuilder(t, func(orig builderFunc) builderFunc {
		return func(dir string, m mapping.IndexMapping, config map[string]any) (bleve.Builder, error) {
			b, berr := orig(dir, m, config)
			if berr != nil {
				return nil, berr
			}
			return failingBuilder{b, err}, nil
		}
	})
}

// setBuilder replaces the builder of indexes by wrap of it until the
// returned function is called, or the test ends.
func setBuilder(t *testing.T, wrap func(orig builderFunc) builderFunc) (restore func()) {
	return setHook(t, &hooks.newBuilder, wrap)
}

// setHook replaces hook, one of hooks, by wrap of it until the returned
// function is called, or the test ends.
func setHook[F any](t *testing.T, hook *F, wrap func(orig F) F) (restore func()) {
	hooks.Lock()
	orig := *hook
	*hook = wrap(orig)
	hooks.Unlock()
	restore = func() {
		hooks.Lock()
		*hook = orig
		hooks.Unlock()
	}
	t.Cleanup(restore)
	return restore
}

// liveServer serves GraphQL and /readyz over p, as policykb serve does.
func liveServer(t testing.TB, db *sqlite.DB, p *Pending) *httptest.Server {
	t.Helper()
	res := &graph.Resolver{Documents: db, Provisions: db, References: db, Search: p}
	srv := httptest.NewServer(server.New(server.Config{
		API: graph.NewHandler(res, graph.Options{Logger: quietLog}), Logger: quietLog,
		Generation: db.Generation, Ready: p.Ready,
	}))
	t.Cleanup(srv.Close)
	return srv
}

// readyz returns the status and body of /readyz.
func readyz(t *testing.T, srv *httptest.Server) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// eventually polls cond until it holds; the deadline only guards against a
// hang.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after 60 s", what)
		}
	}
}

// failingIndex fails every batch as a full disk would.
type failingIndex struct {
	writable
	err error
}

// writable is a bleve index, embedded under a name other than Index, one of
// its methods.
type writable = bleve.Index

func (x failingIndex) Batch(*bleve.Batch) error { return x.err }

// failUpdates makes every update of an index on disk fail with err until
// the returned function is called.
func failUpdates(t *testing.T, err error) (restore func()) {
	t.Helper()
	return setHook(t, &hooks.openWritable, func(orig writableFunc) writableFunc {
		return func(dir string) (bleve.Index, error) {
			idx, oerr := orig(dir)
			if oerr != nil {
				return nil, oerr
			}
			return failingIndex{idx, err}, nil
		}
	})
}

// TestPendingRecovers makes the index fail to be written in the ways a
// server meets — a full disk, a refused write, a file where the index
// directory should be, a disk that fills during an update — and checks
// over HTTP that search keeps answering (from an index in memory, or the
// last good one), that /readyz says 200, degraded, with the reason and no
// path, that each change of state is logged once, and that all recovers
// by itself once the cause is gone.
func TestPendingRecovers(t *testing.T) {
	tests := []struct {
		name   string
		cause  func(t *testing.T, path string) (remove func())
		reason string
		update bool // fail an update after an ingest, not the first build
	}{
		{"full disk", func(t *testing.T, path string) func() {
			return failBuilds(t, &os.PathError{Op: "write", Path: filepath.Join(path, "secret", "000000000002.zap"), Err: syscall.ENOSPC})
		}, "no space left on device", false},
		{"write refused", func(t *testing.T, path string) func() {
			return failBuilds(t, &os.PathError{Op: "open", Path: filepath.Join(path, "secret", "root.bolt"), Err: syscall.EACCES})
		}, "permission denied", false},
		{"file at the index path", func(t *testing.T, path string) func() {
			if err := os.WriteFile(path, []byte("not an index"), 0o644); err != nil {
				t.Fatal(err)
			}
			return func() { os.Remove(path) }
		}, "not a directory", false},
		{"disk full during an update", func(t *testing.T, path string) func() {
			return failUpdates(t, &os.PathError{Op: "write", Path: filepath.Join(path, "secret", "000000000002.zap"), Err: syscall.ENOSPC})
		}, "no space left on device", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := corpusStore(t)
			path := filepath.Join(t.TempDir(), "index")
			var remove func()
			if !tt.update {
				remove = tt.cause(t, path)
			}
			var logged testfixture.SyncBuffer
			p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: slog.New(slog.NewTextHandler(&logged, nil)),
				MaxBackoff: 100 * time.Millisecond, PollInterval: 20 * time.Millisecond})
			defer p.Close()
			srv := liveServer(t, db, p)
			eventually(t, "first answer", func() bool { n, _, _ := searchFor(t, srv, "暗号"); return n == 1 })
			if tt.update {
				remove = tt.cause(t, path)
			}
			reingest(t, db) // 追記
			// Searches are answered meanwhile: from memory, which follows the
			// store, or from the index as it was before the update.
			body := expectDegraded(t, srv, tt.reason, !tt.update)
			if strings.Contains(body, path) || strings.Contains(body, "secret") {
				t.Errorf("/readyz tells internals: %q", body)
			}
			if n := strings.Count(logged.String(), "degraded"); n != 1 {
				t.Errorf("the failure logged %d times, want once:\n%s", n, logged.String())
			}
			remove()
			defer func() {
				if t.Failed() {
					t.Log(logged.String())
				}
			}()
			expectRecovered(t, srv)
			if !strings.Contains(logged.String(), "healthy again") {
				t.Errorf("the recovery is not logged:\n%s", logged.String())
			}
			eventually(t, "one index on disk", func() bool {
				entries, _ := os.ReadDir(path)
				return len(entries) == 2
			})
		})
	}
}

// expectDegraded waits until /readyz of srv says 200, degraded, for
// reason, and returns what it says; then checks that searches are answered
// meanwhile: 暗号 found, and 追記 (of reingest) too if followed, else not.
func expectDegraded(t *testing.T, srv *httptest.Server, reason string, followed bool) (readyzBody string) {
	t.Helper()
	eventually(t, "readyz says why", func() bool {
		status, body := readyz(t, srv)
		readyzBody = body
		return status == http.StatusOK && strings.Contains(body, "degraded") && strings.Contains(body, reason)
	})
	want := 0
	if followed {
		want = 1
	}
	time.Sleep(300 * time.Millisecond) // several attempts
	eventually(t, "searches while degraded", func() bool { n, _, _ := searchFor(t, srv, "追記"); return n == want })
	for _, q := range []struct {
		q    string
		want int
	}{{"暗号", 1}, {"追記", want}} {
		if n, code, msg := searchFor(t, srv, q.q); code != "" || n != q.want {
			t.Errorf("%s while degraded: %d hits, %s %s; want %d", q.q, n, code, msg, q.want)
		}
	}
	return readyzBody
}

// expectRecovered waits until searches over srv find 追記 (of reingest)
// and /readyz says ready.
func expectRecovered(t *testing.T, srv *httptest.Server) {
	t.Helper()
	eventually(t, "recovery", func() bool {
		n, _, _ := searchFor(t, srv, "追記")
		status, body := readyz(t, srv)
		return n == 1 && status == http.StatusOK && body == "ready\n"
	})
}

// reingest stores the document again with one change, so that the store
// generation moves on.
func reingest(t *testing.T, db *sqlite.DB) { t.Helper(); reingestWith(t, db, "追記") }

// reingestWith stores the document again with paragraph extra added to its
// last provision.
func reingestWith(t *testing.T, db *sqlite.DB, extra string) {
	t.Helper()
	ctx := context.Background()
	docs, err := db.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	provs, err := db.Provisions(ctx, policy.ProvisionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	provs[len(provs)-1].Paragraphs = append(provs[len(provs)-1].Paragraphs, extra)
	d := docs[0]
	d.Provisions = provs
	if err := db.Ingest(ctx, d); err != nil {
		t.Fatal(err)
	}
}

// TestCloseDoesNotWaitForDictionary checks that stopping a server stops
// loading at once, with the dictionary still loading.
func TestCloseDoesNotWaitForDictionary(t *testing.T) {
	db := corpusStore(t)
	saved := dictionary
	release := make(chan struct{})
	dictionary = &dictLoader{load: func() error { <-release; return nil }}
	t.Cleanup(func() {
		close(release)
		dictionary = saved
	})
	path := filepath.Join(t.TempDir(), "index")
	p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog})
	if err := p.Ready(); policy.ErrorCode(err) != policy.EUNAVAILABLE {
		t.Fatalf("ready while the dictionary loads: %v", err)
	}
	// A search waiting for the index returns when the server stops.
	searched := make(chan error, 1)
	go func() {
		_, err := p.Search(context.Background(), policy.SearchQuery{Query: "暗号", First: 10})
		searched <- err
	}()
	closed := make(chan struct{})
	go func() { p.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close waits for the dictionary")
	}
	select {
	case err := <-searched:
		if policy.ErrorCode(err) != policy.EUNAVAILABLE {
			t.Errorf("search cut short by Close: %v, want UNAVAILABLE", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a waiting search does not return on Close")
	}
	if err := p.Ready(); !strings.Contains(policy.ErrorMessage(err), "shutting down") {
		t.Errorf("ready after Close: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the index was written after Close: %v", err)
	}
}

// TestRebuildBeside checks that a server whose published index is of an
// earlier analysis searches it while the new one is built beside it, then
// the new one; and that after compactAfter updates the index is built
// whole again, beside, without a search failing.
func TestRebuildBeside(t *testing.T) {
	db := corpusStore(t)
	path := filepath.Join(t.TempDir(), "index")
	x := openIndex(t, path, db)
	x.Close()
	pub, _ := readCurrent(path)
	pub.Schema--
	if err := writeCurrent(path, pub); err != nil {
		t.Fatal(err)
	}
	// Builds wait until released.
	release := make(chan struct{})
	setBuilder(t, func(orig builderFunc) builderFunc {
		return func(dir string, m mapping.IndexMapping, config map[string]any) (bleve.Builder, error) {
			<-release
			return orig(dir, m, config)
		}
	})
	saved := compactAfter
	compactAfter = 3
	t.Cleanup(func() { compactAfter = saved })

	p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog, PollInterval: 20 * time.Millisecond})
	defer p.Close()
	srv := liveServer(t, db, p)
	eventually(t, "the old index searched", func() bool { n, _, _ := searchFor(t, srv, "暗号"); return n == 1 })
	if status, body := readyz(t, srv); status != http.StatusOK || !strings.Contains(body, "being rebuilt") {
		t.Errorf("readyz while rebuilding: %d %q", status, body)
	}
	close(release)
	eventually(t, "the new index", func() bool {
		pub, err := readCurrent(path)
		status, body := readyz(t, srv)
		return err == nil && pub.Schema == schemaVersion && status == http.StatusOK && body == "ready\n"
	})
	// Updates, then a build whole beside the live index.
	for i := range 4 {
		word := []string{"追記", "別記", "付記", "注記"}[i]
		reingestWith(t, db, word)
		eventually(t, word+" found", func() bool { n, code, _ := searchFor(t, srv, word); return n == 1 && code == "" })
		if n, code, msg := searchFor(t, srv, "暗号"); n != 1 || code != "" {
			t.Fatalf("暗号 after %s: %d, %s %s", word, n, code, msg)
		}
	}
	eventually(t, "built whole again", func() bool {
		pub, err := readCurrent(path)
		entries, _ := os.ReadDir(path)
		return err == nil && pub.Updates < 3 && pub.Generation == 5 && len(entries) == 2
	})
	if n, _, _ := searchFor(t, srv, "注記"); n != 1 {
		t.Errorf("注記 after the build: %d hits", n)
	}
}

// TestLiveIndexRemoved removes the directory of the published index under
// a running server (by hand, as an operator might): the next change of the
// store builds the index whole again, searches answer throughout, and it
// finds the change.
func TestLiveIndexRemoved(t *testing.T) {
	db := corpusStore(t)
	path := filepath.Join(t.TempDir(), "index")
	p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog, PollInterval: 20 * time.Millisecond})
	defer p.Close()
	srv := liveServer(t, db, p)
	eventually(t, "the index searched", func() bool { n, _, _ := searchFor(t, srv, "暗号"); return n == 1 })
	pub, err := readCurrent(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(path, pub.Dir)); err != nil {
		t.Fatal(err)
	}
	reingestWith(t, db, "追記")
	eventually(t, "the change found, the index healthy", func() bool {
		n, code, _ := searchFor(t, srv, "追記")
		status, body := readyz(t, srv)
		return n == 1 && code == "" && status == http.StatusOK && body == "ready\n"
	})
	if n, code, msg := searchFor(t, srv, "暗号"); n != 1 || code != "" {
		t.Errorf("after the rebuild: %d hits, %s %s", n, code, msg)
	}
}
