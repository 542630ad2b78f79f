package pages

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/ingest"
)

// TestUnknownParameters checks that every page refuses a query parameter
// it does not take with a 400 page, as /search does, and keeps ?format=.
func TestUnknownParameters(t *testing.T) {
	srv, _ := newServer(t)
	paths := []string{
		"/", "/documents/" + doc, "/documents/" + doc + "/2.2.3", "/documents/" + doc + "/preamble",
		"/references/cybersecurity-basic-act", "/id/" + doc + ":2.2.3", "/search",
	}
	for _, p := range paths {
		for _, q := range []string{"?foo=1", "?format=html&x=", "?version=1&version=1", "?Q=1"} {
			a := get(t, srv.URL, p+q, "Accept", htmlAccept)
			if a.status != 400 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				t.Errorf("%s%s: %d %s, want a 400 page", p, q, a.status, a.header.Get("Content-Type"))
			}
			if strings.Contains(q, "format=html") {
				continue
			}
			a = get(t, srv.URL, p+q, "Accept", "application/json")
			if a.status != 400 || !strings.Contains(a.body, `"code": "BAD_USER_INPUT"`) {
				t.Errorf("%s%s as JSON: %d %s", p, q, a.status, a.body)
			}
		}
		if p == "/search" || strings.HasPrefix(p, "/id/") {
			continue
		}
		if a := get(t, srv.URL, p+"?format=json"); a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s?format=json: %d", p, a.status)
		}
	}
	// version is a parameter of document and provision pages only.
	for _, p := range []string{"/", "/references/cybersecurity-basic-act"} {
		if a := get(t, srv.URL, p+"?version=1"); a.status != 400 {
			t.Errorf("%s?version=1: %d, want 400", p, a.status)
		}
	}
	for _, q := range []string{"?version=0", "?version=-1", "?version=abc", "?version="} {
		if a := get(t, srv.URL, "/documents/"+doc+"/2.2.3"+q); a.status != 400 {
			t.Errorf("provision %s: %d, want 400", q, a.status)
		}
	}
}

// TestVersionPages ingests a second version of the policy and reads the
// first on its document and provision pages, with the banner that says
// which version is current, and the list of versions.
func TestVersionPages(t *testing.T) {
	srv, f := newServer(t)
	src, err := os.ReadFile("../../corpus/cs-budget-policy-fy2020.txt")
	if err != nil {
		t.Fatal(err)
	}
	const old, changed = "IT調達においてサプライチェーン", "IT機器の調達においてサプライチェーン"
	if !bytes.Contains(src, []byte(old)) {
		t.Fatalf("the corpus lacks %q", old)
	}
	in, err := ingest.New(f.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Ingest(context.Background(), "v2.txt", bytes.Replace(src, []byte(old), []byte(changed), 1), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	const banner = "第1版（現行は第2版）"
	tests := []struct {
		path          string
		status        int
		want, wantNot []string
	}{
		{"/documents/" + doc + "/2.2.3.3", 200, []string{changed}, []string{banner, old}},
		{"/documents/" + doc + "/2.2.3.3?version=2", 200, []string{changed}, []string{banner}},
		{"/documents/" + doc + "/2.2.3.3?version=1", 200,
			[]string{banner, old, `<link rel="canonical" href="/documents/` + doc + `/2.2.3.3?version=1">`, `<meta name="robots" content="noindex">`,
				`href="/documents/` + doc + `/2.2.3.2?version=1"`, `href="/documents/` + doc + `/2.2.3?version=1"`},
			[]string{changed}},
		{"/documents/" + doc + "?version=1", 200,
			[]string{banner, old, `<a href="#versions">版の一覧（2版）</a>`, `<a href="/documents/` + doc + `?version=1">第1版</a>`,
				`<a href="/documents/` + doc + `">第2版</a>`, `href="/documents/` + doc + `/2.2.3?version=1"`},
			[]string{changed}},
		{"/documents/" + doc, 200, []string{changed, "第2版（現行）", `<td>35</td><td>現行・表示中</td>`}, []string{banner}},
		{"/documents/" + doc + "?version=3", 404, nil, nil},
		{"/documents/" + doc + "/2.2.3.3?version=3", 404, nil, nil},
	}
	for _, tt := range tests {
		a := get(t, srv.URL, tt.path, "Accept", htmlAccept)
		if a.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, a.status, tt.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(a.body, w) {
				t.Errorf("%s lacks %s", tt.path, w)
			}
		}
		for _, w := range tt.wantNot {
			if strings.Contains(a.body, w) {
				t.Errorf("%s shows %s", tt.path, w)
			}
		}
	}
	// The JSON of an older version's provision.
	a := get(t, srv.URL, "/documents/"+doc+"/2.2.3.3?version=1&format=json")
	if a.status != 200 || !strings.Contains(a.body, old) || !strings.Contains(a.body, `"id": "`+doc+`:2.2.3.3"`) {
		t.Errorf("version 1 of 2.2.3.3 as JSON: %d %s", a.status, a.body)
	}
	a = get(t, srv.URL, "/documents/"+doc+"?version=1&format=json")
	if a.status != 200 || !strings.Contains(a.body, `"version": 1,`) || !strings.Contains(a.body, old) {
		t.Errorf("version 1 as JSON: %d", a.status)
	}
}

// TestVersionRedirects checks that a provision named by its label keeps
// ?version= and ?format= on the way to its page.
func TestVersionRedirects(t *testing.T) {
	srv, _ := newServer(t)
	tests := []struct{ path, location string }{
		{"/documents/" + doc + "/(2)3i?version=1", "/documents/" + doc + "/2.2.3.1?version=1"},
		{"/documents/" + doc + "/(2)3i?version=1&format=json", "/documents/" + doc + "/2.2.3.1?version=1&format=json"},
		{"/documents/" + doc + "/(2)3i?format=json", "/documents/" + doc + "/2.2.3.1?format=json"},
	}
	for _, tt := range tests {
		a := get(t, srv.URL, tt.path)
		if a.status != 303 || a.header.Get("Location") != tt.location {
			t.Errorf("%s: %d to %q, want 303 to %q", tt.path, a.status, a.header.Get("Location"), tt.location)
		}
	}
	if a := get(t, srv.URL, "/documents/"+doc+"/2.2.3.1?version=1&format=json"); a.status != 200 || !strings.Contains(a.body, `"leadingParagraphs": 1`) {
		t.Errorf("version 1 of 2.2.3.1 as JSON: %d", a.status)
	}
}
