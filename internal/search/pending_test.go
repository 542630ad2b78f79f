package search

import (
	"context"
	"encoding/json"
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

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

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
// done) still answers the searches in flight with the index it has, and
// that after Close searches answer UNAVAILABLE.
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
	// An ingest now: no rebuild while stopping, and no wait for one.
	reingest(t, db)
	guard, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := p.Search(guard, q); err != errShuttingDown {
		t.Errorf("search of a stale index while stopping: %v, want %v", err, errShuttingDown)
	}
	p.Close()
	if _, err := p.Search(context.Background(), q); policy.ErrorCode(err) != policy.EUNAVAILABLE {
		t.Errorf("search after Close: %v, want UNAVAILABLE", err)
	}
}

// TestPendingFollowsStore checks that after an ingest a search waits for
// the index rebuilt in the background and finds the new text.
func TestPendingFollowsStore(t *testing.T) {
	db := corpusStore(t)
	path := filepath.Join(t.TempDir(), "index")
	p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog})
	defer p.Close()
	ctx := context.Background()
	if r, err := p.Search(ctx, policy.SearchQuery{Query: "追記", First: 10}); err != nil || r.TotalCount != 0 {
		t.Fatalf("追記 before the ingest: %v, %+v", err, r)
	}
	reingest(t, db)
	if r, err := p.Search(ctx, policy.SearchQuery{Query: "追記", First: 10}); err != nil || r.TotalCount != 1 {
		t.Errorf("追記 after the ingest: %v, %+v", err, r)
	}
	if err := p.Ready(); err != nil {
		t.Errorf("ready after the rebuild: %v", err)
	}
}

// corpusStore returns a store holding the corpus.
func corpusStore(t *testing.T) *sqlite.DB {
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
	orig := newBuilder
	failing := func(dir string, m mapping.IndexMapping, config map[string]any) (bleve.Builder, error) {
		b, berr := orig(dir, m, config)
		if berr != nil {
			return nil, berr
		}
		return failingBuilder{b, err}, nil
	}
	newBuilder = failing
	restore = func() { newBuilder = orig }
	t.Cleanup(restore)
	return restore
}

// liveServer serves GraphQL and /readyz over p, as policykb serve does.
func liveServer(t *testing.T, db *sqlite.DB, p *Pending) *httptest.Server {
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

// searchHTTP searches 暗号 over HTTP and returns the total count, or the
// code and message of the error.
func searchHTTP(t *testing.T, srv *httptest.Server) (total int, code, msg string) {
	t.Helper()
	resp, err := http.Post(srv.URL+"/graphql", "application/json",
		strings.NewReader(`{"query":"{ search(query: \"暗号\") { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data   *struct{ Search *struct{ TotalCount int } }
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if len(body.Errors) > 0 {
		return 0, body.Errors[0].Extensions.Code, body.Errors[0].Message
	}
	return body.Data.Search.TotalCount, "", ""
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

// TestPendingRecovers makes the index build fail in the ways a server
// meets (full disk, refused write, a file where the index directory
// should be), and checks over HTTP that meanwhile search answers
// UNAVAILABLE and /readyz 503 with the reason and no path, and that both
// recover once the cause is gone, on the first build and on a rebuild
// after an ingest.
func TestPendingRecovers(t *testing.T) {
	tests := []struct {
		name    string
		cause   func(t *testing.T, path string) (remove func())
		reason  string
		rebuild bool // fail the rebuild after an ingest, not the first build
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
		{"full disk on a rebuild", func(t *testing.T, path string) func() {
			return failBuilds(t, &os.PathError{Op: "write", Path: filepath.Join(path, "secret", "000000000002.zap"), Err: syscall.ENOSPC})
		}, "no space left on device", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := corpusStore(t)
			path := filepath.Join(t.TempDir(), "index")
			var remove func()
			if !tt.rebuild {
				remove = tt.cause(t, path)
			}
			p := Load(context.Background(), LoadConfig{Path: path, Store: db, Logger: quietLog, MaxBackoff: 200 * time.Millisecond})
			defer p.Close()
			srv := liveServer(t, db, p)
			if tt.rebuild {
				eventually(t, "first build", func() bool { n, _, _ := searchHTTP(t, srv); return n == 1 })
				remove = tt.cause(t, path)
				reingest(t, db)
			}
			// The first build fails on its own; a rebuild, when a search
			// finds the store moved on.
			var status int
			var body, code, msg string
			eventually(t, "search and readyz say why", func() bool {
				_, code, msg = searchHTTP(t, srv)
				status, body = readyz(t, srv)
				return status == http.StatusServiceUnavailable && strings.Contains(body, tt.reason) && code != ""
			})
			if strings.Contains(body, path) || strings.Contains(body, "secret") {
				t.Errorf("/readyz tells internals: %q", body)
			}
			if code != policy.EUNAVAILABLE || !strings.Contains(msg, tt.reason) || strings.Contains(msg, "secret") {
				t.Errorf("search while failing: code %q, message %q; want UNAVAILABLE saying %q", code, msg, tt.reason)
			}
			remove()
			eventually(t, "recovery", func() bool {
				n, _, _ := searchHTTP(t, srv)
				status, _ := readyz(t, srv)
				return n == 1 && status == http.StatusOK
			})
			if entries, _ := os.ReadDir(path); len(entries) != 2 {
				t.Errorf("the index directory holds %d entries, want CURRENT and one index: %v", len(entries), entries)
			}
		})
	}
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
