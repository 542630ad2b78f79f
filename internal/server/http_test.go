package server

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/policy"
)

// api answers like the GraphQL handler: a large answer, or errors for a
// query that contains "bad" or "slow" (after its deadline).
func testAPI(calls *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query().Get("query")
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			q = string(b)
		}
		switch {
		case strings.Contains(q, "slow"):
			<-r.Context().Done()
			io.WriteString(w, `{"errors":[{"message":"the request took too long","extensions":{"code":"TIMEOUT"}}],"data":null}`)
		case strings.Contains(q, "bad"):
			w.WriteHeader(http.StatusUnprocessableEntity)
			io.WriteString(w, `{"errors":[{"message":"x","extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}],"data":null}`)
		default:
			io.WriteString(w, `{"data":{"text":"`+strings.Repeat("policy ", 1000)+`"}}`)
		}
	})
}

func TestEncodingsAndETags(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(New(Config{API: testAPI(&calls), Logger: quiet, Generation: func(context.Context) (int64, error) { return 7, nil }}))
	defer srv.Close()
	get := func(ae, inm string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+"/graphql?query=q", nil)
		if ae != "" {
			req.Header.Set("Accept-Encoding", ae)
		}
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body io.Reader = resp.Body
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			body = zr
		}
		b, _ := io.ReadAll(body)
		return resp, string(b)
	}
	tests := []struct {
		acceptEncoding string
		wantGzip       bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0, identity", false},
		{"br;q=1, gzip;q=0.5", true},
		{"identity", false},
		{"*;q=0", false},
	}
	tags := map[bool]string{}
	for _, tt := range tests {
		resp, body := get(tt.acceptEncoding, "")
		gz := resp.Header.Get("Content-Encoding") == "gzip"
		if gz != tt.wantGzip || !strings.Contains(body, "policy policy") {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v; body %.40q", tt.acceptEncoding, gz, tt.wantGzip, body)
		}
		tag := resp.Header.Get("ETag")
		if prev, ok := tags[gz]; ok && prev != tag {
			t.Errorf("Accept-Encoding %q: ETag %s, earlier %s for the same encoding", tt.acceptEncoding, tag, prev)
		}
		tags[gz] = tag
	}
	if tags[true] == "" || tags[true] == tags[false] {
		t.Errorf("ETags gzip %q, plain %q: want two distinct tags", tags[true], tags[false])
	}
	for gz, tag := range tags {
		ae := map[bool]string{true: "gzip", false: ""}[gz]
		if resp, _ := get(ae, tag); resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != tag {
			t.Errorf("If-None-Match %s: %d, ETag %q", tag, resp.StatusCode, resp.Header.Get("ETag"))
		}
	}
}

// TestErrorsAreNotKept checks that answers with errors, and timeouts, carry
// Cache-Control: no-store and no ETag, are not kept by the answer cache,
// and that the real answer that follows gets its ETag.
func TestErrorsAreNotKept(t *testing.T) {
	var calls atomic.Int64
	h := New(Config{API: testAPI(&calls), Logger: quiet, Timeout: 20 * time.Millisecond,
		Generation: func(context.Context) (int64, error) { return 1, nil }})
	do := func(method, q string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		var req *http.Request
		if method == "GET" {
			req = httptest.NewRequest("GET", "/graphql?query="+q, nil)
		} else {
			req = httptest.NewRequest("POST", "/graphql", strings.NewReader(q))
			req.Header.Set("Content-Type", "application/json")
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, tt := range []struct{ method, query string }{
		{"GET", "slow"}, {"POST", "slow"}, {"GET", "bad"}, {"POST", "bad"},
	} {
		before := calls.Load()
		for range 2 {
			rec := do(tt.method, tt.query)
			if rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s %s: ETag %q, Cache-Control %q", tt.method, tt.query, rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
			}
		}
		if calls.Load()-before != 2 {
			t.Errorf("%s %s: an answer with errors was served from the cache", tt.method, tt.query)
		}
	}
	rec := do("GET", "good")
	if rec.Code != 200 || rec.Header().Get("ETag") == "" || !strings.HasPrefix(rec.Header().Get("Cache-Control"), "public") {
		t.Errorf("good answer: %d, ETag %q, Cache-Control %q", rec.Code, rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
	}
	large := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(strings.Repeat("x", 2<<20)))
	h.ServeHTTP(large, req)
	if large.Code != http.StatusRequestEntityTooLarge || large.Header().Get("Cache-Control") != "no-store" || !strings.Contains(large.Body.String(), `"code":"REQUEST_TOO_LARGE"`) {
		t.Errorf("large body: %d %q %s", large.Code, large.Header().Get("Cache-Control"), large.Body)
	}
}

// TestInFlightBudget checks that executions wait for the budget of bytes in
// flight, and that a request that cannot get it before its deadline gets
// a coded 503 that is not kept.
func TestInFlightBudget(t *testing.T) {
	release := make(chan struct{})
	var running, peak atomic.Int64
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		<-release
		io.WriteString(w, `{"data":{}}`)
	})
	h := New(Config{API: api, Logger: quiet, CacheBytes: -1, MaxAnswer: 1 << 20, MaxInFlight: 4 << 20, Timeout: 200 * time.Millisecond})
	done := make(chan *httptest.ResponseRecorder, 5)
	for range 5 {
		go func() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql?query=x", nil))
			done <- rec
		}()
	}
	var busy int
	for i := range 5 {
		if i == 3 {
			close(release) // the three that waited have had their answer
		}
		rec := <-done
		if rec.Code == http.StatusServiceUnavailable {
			busy++
			if !strings.Contains(rec.Body.String(), `"code":"UNAVAILABLE"`) || rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("busy answer: %q %s", rec.Header().Get("Cache-Control"), rec.Body)
			}
		}
	}
	if peak.Load() > 2 || busy != 3 {
		t.Errorf("%d executions at once, %d refused; want 2 and 3 (4 MiB for 2 MiB each)", peak.Load(), busy)
	}
}

// TestGraphQLInBrowser checks that a browser opening /graphql with no query
// is sent to the IDE, and that every other request reaches the API.
func TestGraphQLInBrowser(t *testing.T) {
	var calls atomic.Int64
	ide := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ide") })
	srv := httptest.NewServer(New(Config{API: testAPI(&calls), IDE: ide, Logger: quiet}))
	defer srv.Close()
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	tests := []struct {
		method, path, accept string
		status               int
		location             string
	}{
		{"GET", "/graphql", browser, http.StatusFound, "/graphiql"},
		{"GET", "/graphql?query=q", browser, http.StatusOK, ""},
		{"GET", "/graphql", "application/json", http.StatusOK, ""},
		{"GET", "/graphql", "", http.StatusOK, ""},
		{"POST", "/graphql", browser, http.StatusOK, ""},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader("q"))
		if tt.accept != "" {
			req.Header.Set("Accept", tt.accept)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location {
			t.Errorf("%s %s (Accept %q): %d to %q, want %d to %q", tt.method, tt.path, tt.accept,
				resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.location)
		}
	}
	if calls.Load() != 4 {
		t.Errorf("the API answered %d requests, want 4", calls.Load())
	}
}

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
	var mu sync.Mutex
	var state error
	h := New(Config{API: http.NotFoundHandler(), Logger: quiet, Ready: func() error {
		mu.Lock()
		defer mu.Unlock()
		return state
	}})
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, rec.Body.String()
	}
	tests := []struct {
		name   string
		state  error
		status int
		body   string
	}{
		{"not ready", policy.Errorf(policy.EUNAVAILABLE, "the search index is being built"), http.StatusServiceUnavailable,
			"not ready: the search index is being built\n"},
		{"degraded: ready, saying why", fmt.Errorf("wrapped: %w", &policy.Degraded{Reason: "the search index is kept in memory"}),
			http.StatusOK, "ready, degraded: the search index is kept in memory\n"},
		{"ready", nil, http.StatusOK, "ready\n"},
	}
	for _, tt := range tests {
		mu.Lock()
		state = tt.state
		mu.Unlock()
		if status, body := get("/readyz"); status != tt.status || body != tt.body {
			t.Errorf("%s: /readyz %d %q, want %d %q", tt.name, status, body, tt.status, tt.body)
		}
		if status, _ := get("/healthz"); status != http.StatusOK {
			t.Errorf("%s: /healthz %d", tt.name, status)
		}
	}
}

// TestStaleAnswersNotKept checks that an answer made from a search index
// still catching up with the store (it notes an older generation) gets no
// ETag and is not kept in the cache of answers, and that an answer made
// from an index up to date is.
func TestStaleAnswersNotKept(t *testing.T) {
	var calls atomic.Int64
	var index atomic.Int64 // the generation the "index" answers from
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		policy.NoteGeneration(r.Context(), index.Load())
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":{"search":{"totalCount":1}}}`)
	})
	srv := httptest.NewServer(New(Config{API: api, Logger: quiet, Generation: func(context.Context) (int64, error) { return 7, nil }}))
	defer srv.Close()
	get := func() *http.Response {
		resp, err := http.Get(srv.URL + "/graphql?query=search")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	index.Store(6)
	for i := range 2 {
		resp := get()
		if resp.Header.Get("ETag") != "" || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("stale answer %d: ETag %q, Cache-Control %q", i, resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
		}
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("stale answers: the API ran %d times, want 2 (none kept)", n)
	}
	index.Store(7)
	for range 2 {
		if resp := get(); resp.Header.Get("ETag") == "" {
			t.Error("an answer of the store's generation has no ETag")
		}
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("the API ran %d times, want 3 (the current answer kept)", n)
	}
}
