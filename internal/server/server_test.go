package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestAnswerCache checks that repeated queries are answered from the cache
// until the generation changes, and that answers with errors are not kept.
func TestAnswerCache(t *testing.T) {
	var calls atomic.Int64
	var gen atomic.Int64
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(string(body), "bad") {
			io.WriteString(w, `{"errors":[{"message":"x"}],"data":null}`)
			return
		}
		io.WriteString(w, `{"data":{"n":`+string(rune('0'+gen.Load()))+`}}`)
	})
	h := New(Config{API: api, Logger: quiet, Generation: func(context.Context) (int64, error) { return gen.Load(), nil }})
	post := func(body string) string {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/graphql", strings.NewReader(body)))
		return rec.Body.String()
	}
	for range 3 {
		if got := post(`{"query":"{n}"}`); got != `{"data":{"n":0}}` {
			t.Fatalf("answer %q", got)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls for three identical queries, want 1", calls.Load())
	}
	gen.Store(1)
	if got := post(`{"query":"{n}"}`); got != `{"data":{"n":1}}` || calls.Load() != 2 {
		t.Errorf("after a new generation: %q after %d calls", got, calls.Load())
	}
	post(`{"query":"bad"}`)
	post(`{"query":"bad"}`)
	if calls.Load() != 4 {
		t.Errorf("answers with errors were cached: %d calls", calls.Load())
	}
}

func TestTimeoutAndBodyLimit(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		select {
		case <-r.Context().Done():
			http.Error(w, "timeout", http.StatusServiceUnavailable)
		case <-time.After(time.Second):
			io.WriteString(w, "late")
		}
	})
	h := New(Config{API: api, Logger: quiet, MaxBody: 100, Timeout: 50 * time.Millisecond, CacheBytes: -1})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/graphql", strings.NewReader("{}")))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("slow request: %d, want the handler to see its deadline", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/graphql", strings.NewReader(strings.Repeat("x", 101))))
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d, want 413", rec.Code)
	}
}

func TestReadiness(t *testing.T) {
	ready := atomic.Bool{}
	h := New(Config{API: http.NotFoundHandler(), Logger: quiet, Ready: func() error {
		if !ready.Load() {
			return io.ErrUnexpectedEOF
		}
		return nil
	}})
	get := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code
	}
	if get("/readyz") != http.StatusServiceUnavailable || get("/healthz") != http.StatusOK {
		t.Error("before ready: want /readyz 503 and /healthz 200")
	}
	ready.Store(true)
	if get("/readyz") != http.StatusOK {
		t.Error("/readyz not 200 once ready")
	}
}
