package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// selfReserving is an API that says what each request needs: the size
// asked for in the query string, in KiB.
type selfReserving struct{ http.HandlerFunc }

func (selfReserving) ReservesInFlight() {}

// TestSelfReserving checks that a SelfReserving API holds what it says,
// not twice MaxAnswer: small executions run many at once within a budget
// that would let two run otherwise, and one that cannot get what it asks
// before its deadline is answered 503 UNAVAILABLE, not kept, whatever it
// wrote.
func TestSelfReserving(t *testing.T) {
	var running, peak atomic.Int64
	release := make(chan struct{})
	api := selfReserving{func(w http.ResponseWriter, r *http.Request) {
		n := int64(1)
		if strings.Contains(r.URL.RawQuery, "big") {
			n = 8 << 10
		}
		if err := Reserve(r.Context(), n<<10); err != nil {
			io.WriteString(w, `{"errors":[{"message":"busy"}]}`)
			return
		}
		k := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); k > p && !peak.CompareAndSwap(p, k); p = peak.Load() {
		}
		if !strings.Contains(r.URL.RawQuery, "big") {
			<-release
		}
		io.WriteString(w, `{"data":{}}`)
	}}
	h := New(Config{API: api, Logger: quiet, CacheBytes: -1, MaxAnswer: 1 << 20, MaxInFlight: 4 << 20, Timeout: 200 * time.Millisecond})
	var wg sync.WaitGroup
	codes := make(chan int, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql?query=small", nil))
			codes <- rec.Code
		}()
	}
	for peak.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	// The budget is 4 MiB, 20 small ones hold about 320 KiB: 8 MiB cannot be had.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/graphql?query=big", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"code":"UNAVAILABLE"`) ||
		rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Retry-After") == "" {
		t.Errorf("an execution that cannot have its budget: %d %q %s", rec.Code, rec.Header(), rec.Body)
	}
	close(release)
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusOK {
			t.Errorf("a small execution answered %d", c)
		}
	}
	if peak.Load() != 20 {
		t.Errorf("%d small executions at once, want all 20", peak.Load())
	}
}
