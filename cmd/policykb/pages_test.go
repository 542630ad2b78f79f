package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/testfixture"
)

// TestServePages checks that serve wires the reading view at / and the IDE
// at /graphiql beside the API.
func TestServePages(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testfixture.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", data}, &stdout, &stderr) }()
	re := regexp.MustCompile(`http://([0-9.:]+)/graphql`)
	var addr string
	for deadline := time.Now().Add(20 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("server did not start: %s %s", stdout.String(), stderr.String())
	}
	for _, tt := range []struct{ path, ct, contains string }{
		{"/documents/cs-budget-policy-fy2020/2.2.3.1", "text/html; charset=utf-8", `<link rel="canonical" href="/documents/cs-budget-policy-fy2020/2.2.3.1">`},
		{"/documents/cs-budget-policy-fy2020/2.2.3.1?format=json", "application/json; charset=utf-8", `"label": "２(2)③ⅰ）"`},
		{"/graphiql", "text/html; charset=utf-8", `data-endpoint="/graphql"`},
	} {
		resp, err := http.Get("http://" + addr + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tt.ct || !strings.Contains(string(body), tt.contains) {
			t.Errorf("GET %s = %d %q, want %q with %s", tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.ct, tt.contains)
		}
	}
	// Shutting down is TestServe's subject; here it only must not outlive
	// the test by much.
	cancel()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Log("serve is still shutting down after 60 s")
	}
}
