package graphiql

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestAssets checks that the IDE's page names only files it serves itself,
// each with its type and long-lived caching, and no CDN.
func TestAssets(t *testing.T) {
	h := Handler("/graphiql", "/graphql")
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	page := get("/graphiql")
	if page.Code != 200 || page.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /graphiql = %d %q", page.Code, page.Header().Get("Content-Type"))
	}
	if r := get("/graphiql", "If-None-Match", page.Header().Get("ETag")); r.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r.Code)
	}
	urls := regexp.MustCompile(`(?:src|href)="([^"]*)"`).FindAllStringSubmatch(page.Body.String(), -1)
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	n := 0
	for _, u := range urls {
		path := strings.ReplaceAll(u[1], "&amp;", "&")
		if !strings.HasPrefix(path, "/graphiql/") {
			if path != "/graphiql" && path != "/graphql" && path != "/" {
				t.Errorf("the page links to %s", path)
			}
			continue
		}
		n++
		r := get(path)
		name := path[:strings.IndexByte(path, '?')]
		if r.Code != 200 || r.Header().Get("Content-Type") != types[name[strings.LastIndexByte(name, '.'):]] ||
			r.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || r.Body.Len() == 0 {
			t.Errorf("GET %s = %d %q %q", path, r.Code, r.Header().Get("Content-Type"), r.Header().Get("Cache-Control"))
		}
		for _, cdn := range []string{"//unpkg.com", "//cdn.jsdelivr.net", "//cdnjs.cloudflare.com", "//esm.sh", "//fonts.googleapis.com"} {
			if strings.Contains(r.Body.String(), cdn) {
				t.Errorf("%s names %s", path, cdn)
			}
		}
	}
	if n != 6 {
		t.Errorf("%d assets on the page, want 6 (React, ReactDOM, GraphiQL, its style sheet, ide.js, ide.css)", n)
	}
	if r := get("/graphiql/nope.js"); r.Code != 404 {
		t.Errorf("unknown asset: %d", r.Code)
	}
}
