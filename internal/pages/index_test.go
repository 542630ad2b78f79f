package pages

import (
	"context"
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// TestOneSearchBox checks that pages whose body has a search box do not
// repeat it in the header, and that the other pages keep the header's.
func TestOneSearchBox(t *testing.T) {
	srv, _ := newServer(t)
	tests := []struct {
		path  string
		boxes int
		site  bool // the header's box
	}{
		{"/", 1, false},
		{"/search", 1, false},
		{"/search?q=" + url.QueryEscape("人材"), 1, false},
		{"/search?q=a&kind=x", 1, false},
		{"/nope", 1, false},
		{"/documents/" + doc + "/2.2.3", 1, true},
		{"/documents/" + doc, 1, true},
		{"/references/cybersecurity-basic-act", 1, true},
		{"/documents", 1, true},
		{"/references", 1, true},
	}
	for _, tt := range tests {
		a := get(t, srv.URL, tt.path, "Accept", htmlAccept)
		if n := strings.Count(a.body, `role="search"`); n != tt.boxes {
			t.Errorf("%s: %d search boxes, want %d", tt.path, n, tt.boxes)
		}
		if got := strings.Contains(a.body, `class="site-search"`); got != tt.site {
			t.Errorf("%s: search box in the header: %v, want %v", tt.path, got, tt.site)
		}
	}
}

// TestIndexPages checks /documents and /references: the documents, and
// every reference grouped by kind, as pages and as JSON.
func TestIndexPages(t *testing.T) {
	srv, f := newServer(t)
	refs, err := f.db.References(context.Background(), policy.ReferenceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/documents/", "/references/"} {
		a := get(t, srv.URL, p)
		if a.status != 301 || a.header.Get("Location") != strings.TrimSuffix(p, "/") {
			t.Errorf("%s: %d to %q", p, a.status, a.header.Get("Location"))
		}
	}
	a := get(t, srv.URL, "/documents", "Accept", htmlAccept)
	if c, _ := canonical(a.body); a.status != 200 || c != "/documents" ||
		!strings.Contains(a.body, `<a class="doc-title" href="/documents/`+doc+`">サイバーセキュリティ関係施策に関する令和２年度予算重点化方針</a>`) {
		t.Errorf("/documents: %d, canonical %q", a.status, c)
	}
	a = get(t, srv.URL, "/references", "Accept", htmlAccept)
	if c, _ := canonical(a.body); a.status != 200 || c != "/references" {
		t.Errorf("/references: %d, canonical %q", a.status, c)
	}
	// Every reference once, under the heading of its kind, kinds in order.
	var order []string
	for _, k := range policy.ReferenceKinds {
		heading := `<h3 id="kind-` + string(k) + `">` + refKindName(string(k)) + `</h3>`
		var members []string
		for _, r := range refs {
			if r.Kind == k {
				members = append(members, `<li><a href="`+html.EscapeString(referencePath(r.ID))+`">`+html.EscapeString(r.Title)+`</a>`)
			}
		}
		if len(members) == 0 {
			if strings.Contains(a.body, heading) {
				t.Errorf("/references has an empty group %s", k)
			}
			continue
		}
		order = append(order, heading)
		for _, m := range members {
			if i, j := strings.Index(a.body, heading), strings.Index(a.body, m); i < 0 || j < i {
				t.Errorf("/references: %s is not under %s", m, heading)
			}
		}
	}
	if miss := inOrder(a.body, order...); miss != "" {
		t.Errorf("/references: group %s missing or out of order", miss)
	}
	if n := strings.Count(a.body, `<li><a href="/references/`); n != len(refs) {
		t.Errorf("/references lists %d references, want %d", n, len(refs))
	}
	// JSON.
	j := get(t, srv.URL, "/references?format=json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(j.body), &list); err != nil || len(list) != len(refs) {
		t.Errorf("/references as JSON: %d objects, want %d (%v)", len(list), len(refs), err)
	}
	j = get(t, srv.URL, "/documents", "Accept", "application/json")
	if err := json.Unmarshal([]byte(j.body), &list); err != nil || len(list) != 1 || list[0]["id"] != doc {
		t.Errorf("/documents as JSON: %s", j.body)
	}
	// The breadcrumb of a reference page leads to the list.
	a = get(t, srv.URL, "/references/cybersecurity-basic-act")
	if !strings.Contains(a.body, `<li><a href="/references">引用されている文書</a></li>`) {
		t.Errorf("the breadcrumb of a reference page does not link to /references")
	}
}
