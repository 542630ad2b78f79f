package graph_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestHostileRequests sends requests meant to hurt the server. Each gets a
// 4xx, or a GraphQL error with a code that is not INTERNAL — never a 5xx —
// and the server keeps answering.
func TestHostileRequests(t *testing.T) {
	srv, _ := newServer(t)
	deep := "{ provisions { " + strings.Repeat("children { ", 20) + "id" + strings.Repeat(" }", 20) + " } }"
	aliasBomb := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			b.WriteString(" a" + itoa(i) + ": documents { id }")
		}
		b.WriteString(" }")
		return b.String()
	}
	var spreads strings.Builder
	for i := range 40 {
		spreads.WriteString(" p" + itoa(i) + ": provisions { id label }")
	}
	fragmentBomb := `query { ...A } fragment A on Query { ` + strings.Repeat("documents { id } ", 10) + strings.Repeat(` a1: documents { ...B } a2: documents { ...B } a3: documents { ...B } a4: documents { ...B }`, 2) + ` }
		fragment B on Document { ` + spreads.String() + ` }`
	shortTokens := "{ documents {" + strings.Repeat(" a:id", 4000) + " } }"
	wide := `{ provisions { children { children { children { citations { target { citations { source { id } } } } } } } } }`
	tests := []struct {
		name        string
		method      string
		body        []byte
		contentType string
		query       string // for GET
		wantStatus  int    // 0: any 4xx or 200 with a coded error
		wantCode    string
	}{
		{name: "deep nesting", body: gql(deep), wantCode: "DEPTH_LIMIT_EXCEEDED"},
		{name: "alias bomb", body: gql(aliasBomb(1100)), wantCode: "COMPLEXITY_LIMIT_EXCEEDED"},
		{name: "past the token limit", body: gql(shortTokens), wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "query text over 64 KiB", body: gql(aliasBomb(5000)), wantCode: "REQUEST_TOO_LARGE"},
		{name: "fragment bomb", body: gql(fragmentBomb), wantCode: "COMPLEXITY_LIMIT_EXCEEDED"},
		{name: "wide lists", body: gql(wide), wantCode: "COMPLEXITY_LIMIT_EXCEEDED"},
		{name: "first 100000", body: gql(`{ search(query: "施策", first: 100000) { totalCount } }`), wantCode: "BAD_USER_INPUT"},
		{name: "10 MB body", body: gql("{ documents { id } }" + strings.Repeat(" ", 10<<20)), wantStatus: http.StatusRequestEntityTooLarge},
		{name: "invalid UTF-8", body: []byte("{\"query\":\"{ provision(label: \\\"\xff\xfe\\\") { id } }\"}"), wantStatus: 0},
		{name: "invalid JSON", body: []byte(`{"query": "{ documents { id } }"`), wantStatus: http.StatusBadRequest, wantCode: "BAD_REQUEST"},
		{name: "not JSON", body: []byte(`query=documents`), contentType: "text/plain", wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "form", body: []byte(`query=%7B+documents+%7B+id+%7D+%7D`), contentType: "application/x-www-form-urlencoded", wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "no content type", body: gql(`{ documents { id } }`), contentType: "-", wantStatus: http.StatusUnsupportedMediaType, wantCode: "UNSUPPORTED_MEDIA_TYPE"},
		{name: "JSON that is not an object", body: []byte(`"{ documents { id } }"`), wantStatus: http.StatusBadRequest, wantCode: "BAD_REQUEST"},
		{name: "JSON with trailing data", body: []byte(`{"query": "{ documents { id } }"} {}`), wantStatus: http.StatusBadRequest, wantCode: "BAD_REQUEST"},
		{name: "batch", body: []byte(`[` + strings.Repeat(`{"query": "{ documents { provisions { text } } }"},`, 1000) + `{}]`), wantStatus: http.StatusBadRequest, wantCode: "BAD_REQUEST"},
		{name: "binary body", body: []byte("\x00\xff\xfe"), wantStatus: http.StatusBadRequest, wantCode: "BAD_REQUEST"},
		{name: "unknown field", body: gql(`{ documents { id secret } }`), wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "unknown operation", body: []byte(`{"query": "query A { documents { id } }", "operationName": "B"}`), wantStatus: 0},
		{name: "huge query text", body: gql("{ " + strings.Repeat("documents { id } ", 5000) + "}"), wantStatus: 0},
		{name: "mutation", body: gql(`mutation { x }`), wantStatus: 0},
		{name: "null query", body: []byte(`{"query": null}`), wantStatus: 0},
		{name: "bad variables", body: []byte(`{"query": "query($k: ProvisionKind) { provisions(kind: $k) { id } }", "variables": {"k": "CHAPTER"}}`), wantStatus: 0},
		{name: "GET with bad cursor", method: "GET", query: `{ search(query: "施策", after: "!!") { totalCount } }`, wantCode: "BAD_USER_INPUT"},
		{name: "PUT", method: "PUT", body: gql(`{ documents { id } }`), wantStatus: http.StatusMethodNotAllowed, wantCode: "METHOD_NOT_ALLOWED"},
		{name: "DELETE", method: "DELETE", wantStatus: http.StatusMethodNotAllowed, wantCode: "METHOD_NOT_ALLOWED"},
		{name: "GET without a query", method: "GET", query: "", wantStatus: http.StatusUnprocessableEntity},
		{name: "websocket upgrade", method: "WS", wantStatus: http.StatusBadRequest, wantCode: "BAD_REQUEST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *http.Request
			switch tt.method {
			case "GET":
				req, _ = http.NewRequest("GET", srv.URL+"/graphql?query="+url.QueryEscape(tt.query), nil)
			case "WS":
				req, _ = http.NewRequest("GET", srv.URL+"/graphql", nil)
				req.Header.Set("Connection", "Upgrade")
				req.Header.Set("Upgrade", "websocket")
				req.Header.Set("Sec-WebSocket-Protocol", "graphql-transport-ws")
			case "":
				req, _ = http.NewRequest("POST", srv.URL+"/graphql", bytes.NewReader(tt.body))
			default:
				req, _ = http.NewRequest(tt.method, srv.URL+"/graphql", bytes.NewReader(tt.body))
			}
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			if ct != "-" {
				req.Header.Set("Content-Type", ct)
			}
			status, body := do(t, req)
			if status >= 500 {
				t.Fatalf("status %d: %.300s", status, body)
			}
			if tt.wantStatus != 0 && status != tt.wantStatus {
				t.Errorf("status %d, want %d: %.300s", status, tt.wantStatus, body)
			}
			if status == http.StatusOK || tt.wantCode != "" {
				var r response
				if err := json.Unmarshal(body, &r); err != nil {
					t.Fatalf("status %d, body not JSON: %.300s", status, body)
				}
				if len(r.Errors) == 0 {
					t.Fatalf("no error: %.300s", body)
				}
				for _, e := range r.Errors {
					code, _ := e.Extensions["code"].(string)
					if code == "" || code == "INTERNAL" {
						t.Errorf("error without a code, or INTERNAL: %+v", e)
					}
					if tt.wantCode != "" && code != tt.wantCode {
						t.Errorf("code %s, want %s (%s)", code, tt.wantCode, e.Message)
					}
				}
			}
			// Still answering.
			if r := post(t, srv, `{ documents { id } }`, nil); len(r.Errors) > 0 || !strings.Contains(string(r.Data), "cs-budget-policy-fy2020") {
				t.Fatalf("server no longer answers: %+v", r)
			}
		})
	}
}

func gql(q string) []byte {
	b, _ := json.Marshal(map[string]string{"query": q})
	return b
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// TestHTTPFeatures covers health, readiness, request IDs, ETag and gzip.
func TestHTTPFeatures(t *testing.T) {
	srv, _ := newServer(t)
	get := func(path string, header map[string]string) *http.Response {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := get(p, nil); r.StatusCode != 200 {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
	r := get("/healthz", map[string]string{"X-Request-ID": "abc-123"})
	if r.Header.Get("X-Request-ID") != "abc-123" {
		t.Errorf("request ID not echoed: %q", r.Header.Get("X-Request-ID"))
	}
	if id := get("/healthz", map[string]string{"X-Request-ID": "bad id!"}).Header.Get("X-Request-ID"); len(id) != 16 {
		t.Errorf("bad request ID replaced by %q", id)
	}
	q := "/graphql?query=" + url.QueryEscape(`{ provisions { id text } }`)
	first := get(q, map[string]string{"Accept-Encoding": "gzip"})
	tag := first.Header.Get("ETag")
	if first.StatusCode != 200 || tag == "" || first.Header.Get("Cache-Control") == "" {
		t.Fatalf("GET: %d, ETag %q, Cache-Control %q", first.StatusCode, tag, first.Header.Get("Cache-Control"))
	}
	if first.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("large response not gzipped")
	} else {
		zr, err := gzip.NewReader(first.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(zr)
		if !bytes.Contains(body, []byte("cs-budget-policy-fy2020:2.4.1")) {
			t.Errorf("gzipped body: %.200s", body)
		}
	}
	if again := get(q, map[string]string{"If-None-Match": tag}); again.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", again.StatusCode)
	}
	small := get("/graphql?query="+url.QueryEscape(`{ documents { id } }`), map[string]string{"Accept-Encoding": "gzip"})
	if small.Header.Get("Content-Encoding") != "" {
		t.Errorf("small response gzipped")
	}
}

// TestPersistedQueries follows the automatic persisted query protocol: a
// hash alone is unknown at first, then known once sent with its query.
func TestPersistedQueries(t *testing.T) {
	srv, _ := newServer(t)
	query := `{ provision(label: "(4)②") { id } }`
	sum := sha256.Sum256([]byte(query))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}
	send := func(body map[string]any) response {
		b, _ := json.Marshal(body)
		resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r response
		json.NewDecoder(resp.Body).Decode(&r)
		return r
	}
	if r := send(map[string]any{"extensions": ext}); len(r.Errors) != 1 || r.Errors[0].Message != "PersistedQueryNotFound" {
		t.Fatalf("unknown hash: %+v", r)
	}
	if r := send(map[string]any{"query": query, "extensions": ext}); string(r.Data) != `{"provision":{"id":"cs-budget-policy-fy2020:2.4.2"}}` {
		t.Fatalf("hash with query: %+v", r)
	}
	if r := send(map[string]any{"extensions": ext}); string(r.Data) != `{"provision":{"id":"cs-budget-policy-fy2020:2.4.2"}}` {
		t.Fatalf("known hash: %+v", r)
	}
}
