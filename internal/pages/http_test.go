package pages

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

const doc = "cs-budget-policy-fy2020"

// htmlAccept is the Accept header of a browser's navigation.
const htmlAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

type answer struct {
	status int
	header http.Header
	body   string
}

// get fetches path without following redirects.
func get(t *testing.T, base, path string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

var canonicalRe = regexp.MustCompile(`<link rel="canonical" href="([^"]*)">`)

// canonical returns the href of a page's canonical link, unescaped.
func canonical(body string) (string, int) {
	m := canonicalRe.FindAllStringSubmatch(body, -1)
	if len(m) == 0 {
		return "", 0
	}
	return html.UnescapeString(m[0][1]), len(m)
}

// TestRoutes checks every route of SPEC's table: status, content type, the
// canonical link, JSON by negotiation (Accept and ?format=json) and the
// cache headers.
func TestRoutes(t *testing.T) {
	srv, _ := newServer(t)
	sq := "/search?q=" + url.QueryEscape("サプライチェーン")
	tests := []struct {
		path      string
		canonical string
		jsonField string // a key of the JSON object; "" for no JSON
		jsonValue string // its value, if a string
		contains  string // text the page shows
	}{
		{"/", "/", "documents", "", "サイバーセキュリティ関係施策に関する令和２年度予算重点化方針"},
		{"/documents/" + doc, "/documents/" + doc, "id", doc, "目次"},
		{"/documents/" + doc + "/2.2.3.1", "/documents/" + doc + "/2.2.3.1", "id", doc + ":2.2.3.1", "各府省庁の情報システムについては"},
		{"/documents/" + doc + "/preamble", "/documents/" + doc + "/preamble", "label", "前文", "本方針は、"},
		{"/documents/" + doc + "/2.4", "/documents/" + doc + "/2.4", "heading", "横断的施策（人材育成等）", "人材育成・確保"},
		{"/references/ci-action-plan-4", "/references/ci-action-plan-4", "id", "ref:ci-action-plan-4", "第４次行動計画"},
		{"/references/cybersecurity-basic-act", "/references/cybersecurity-basic-act", "eGovLawId", "426AC1000000104",
			`href="https://laws.e-gov.go.jp/law/426AC1000000104"`},
		{sq, sq, "totalCount", "", "<mark>サプライチェーン</mark>"},
		{"/search", "/search", "", "", `name="q"`},
		{"/graphiql", "/graphiql", "", "", `data-endpoint="/graphql"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			a := get(t, srv.URL, tt.path, "Accept", htmlAccept)
			if a.status != 200 {
				t.Fatalf("status %d, want 200: %.300s", a.status, a.body)
			}
			if ct := a.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.Contains(a.body, `<html lang="ja">`) {
				t.Errorf(`no <html lang="ja">`)
			}
			if c, n := canonical(a.body); c != tt.canonical || n != 1 {
				t.Errorf("canonical link %q (%d of them), want %q", c, n, tt.canonical)
			}
			if !strings.Contains(a.body, tt.contains) {
				t.Errorf("page does not show %q", tt.contains)
			}
			if strings.Contains(a.body, "https://cdn") || strings.Contains(a.body, "unpkg.com") || strings.Contains(a.body, "jsdelivr") {
				t.Errorf("page loads from a CDN")
			}
			if tt.path == "/graphiql" {
				return
			}
			if a.header.Get("ETag") == "" || !strings.Contains(a.header.Get("Cache-Control"), "must-revalidate") {
				t.Errorf("ETag %q, Cache-Control %q", a.header.Get("ETag"), a.header.Get("Cache-Control"))
			}
			if !strings.Contains(a.header.Get("Vary"), "Accept") {
				t.Errorf("Vary %q, want Accept", a.header.Get("Vary"))
			}
			if a.header.Get("Content-Security-Policy") == "" {
				t.Errorf("no Content-Security-Policy")
			}
			if r := get(t, srv.URL, tt.path, "Accept", htmlAccept, "If-None-Match", a.header.Get("ETag")); r.status != http.StatusNotModified {
				t.Errorf("If-None-Match with its ETag: %d, want 304", r.status)
			}
			if tt.jsonField == "" {
				return
			}
			sep := "?"
			if strings.Contains(tt.path, "?") {
				sep = "&"
			}
			byAccept := get(t, srv.URL, tt.path, "Accept", "application/json")
			byParam := get(t, srv.URL, tt.path+sep+"format=json")
			for _, j := range []answer{byAccept, byParam} {
				if j.status != 200 || j.header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Fatalf("JSON: %d %q: %.200s", j.status, j.header.Get("Content-Type"), j.body)
				}
				var m map[string]any
				if err := json.Unmarshal([]byte(j.body), &m); err != nil {
					t.Fatalf("JSON: %v", err)
				}
				v, ok := m[tt.jsonField]
				if !ok || (tt.jsonValue != "" && v != tt.jsonValue) {
					t.Errorf("JSON %s = %v, want %q", tt.jsonField, v, tt.jsonValue)
				}
			}
			if byAccept.body != byParam.body {
				t.Errorf("Accept and ?format=json answer differently")
			}
			if byAccept.header.Get("ETag") == a.header.Get("ETag") {
				t.Errorf("HTML and JSON share the ETag %s", a.header.Get("ETag"))
			}
			// Cached answers carry the same headers as fresh ones.
			again := get(t, srv.URL, tt.path, "Accept", "application/json")
			if again.body != byAccept.body || again.header.Get("Vary") != byAccept.header.Get("Vary") ||
				again.header.Get("Content-Type") != byAccept.header.Get("Content-Type") {
				t.Errorf("a repeated request answers differently")
			}
		})
	}
}

// TestAPIUnchanged checks the last route of SPEC's table: /graphql answers
// as before, beside the pages.
func TestAPIUnchanged(t *testing.T) {
	srv, _ := newServer(t)
	a := get(t, srv.URL, "/graphql?query="+url.QueryEscape(`{ provision(id: "`+doc+`:2.2.3.1") { label } }`))
	if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") ||
		a.body != `{"data":{"provision":{"label":"２(2)③ⅰ）"}}}` {
		t.Errorf("GET /graphql = %d %q %s", a.status, a.header.Get("Content-Type"), a.body)
	}
	if a.header.Get("Vary") == "Accept" || a.header.Get("Content-Security-Policy") != "" {
		t.Errorf("the API carries the headers of pages: %v", a.header)
	}
}

// TestJSONIsGraphQL checks that the JSON of a page is, byte for byte, what
// the GraphQL API answers for the object, although the HTML pages are read
// without GraphQL.
func TestJSONIsGraphQL(t *testing.T) {
	srv, f := newServer(t)
	refID := map[string]any{"id": "ref:cybersecurity-strategy-2018"}
	for _, tt := range []struct {
		path, query string
		vars        map[string]any
		field       string
	}{
		{"/documents/" + doc + "/2.2.3.1", provisionJSON, map[string]any{"id": doc + ":2.2.3.1"}, "provision"},
		{"/documents/" + doc, documentJSON, map[string]any{"id": doc}, "document"},
		{"/references/cybersecurity-strategy-2018", referenceJSON, refID, "reference"},
		{"/documents", documentsJSON, nil, "documents"},
		{"/", homeJSON, nil, ""},
		{"/search?q=" + url.QueryEscape("人材"), New(f.res, Options{Logger: quiet}).searchJSON,
			map[string]any{"q": "人材", "first": searchPageSize, "filter": map[string]any{}}, "search"},
	} {
		sameAsGraphQL(t, srv, tt.path, tt.query, tt.vars, tt.field)
	}
}

// TestRedirects checks /id/{ID} for every kind of ID, and the other
// redirects.
func TestRedirects(t *testing.T) {
	srv, _ := newServer(t)
	tests := []struct{ path, location string }{
		{"/id/" + doc, "/documents/" + doc},
		{"/id/" + doc + ":2.2.3.1", "/documents/" + doc + "/2.2.3.1"},
		{"/id/" + doc + ":preamble", "/documents/" + doc + "/preamble"},
		{"/id/ref:ci-action-plan-4", "/references/ci-action-plan-4"},
		{"/id/" + doc + ":2.2.2.1~c1", "/documents/" + doc + "/2.2.2.1#2.2.2.1~c1"},
		{"/id/" + url.PathEscape(doc+":2.2.3.1"), "/documents/" + doc + "/2.2.3.1"},
		{"/id/" + doc + ":2.2.3.1?format=json", "/documents/" + doc + "/2.2.3.1?format=json"},
		// Labels in any form lookup accepts, and a trailing slash.
		{"/documents/" + doc + "/" + url.PathEscape("(2)③ⅰ"), "/documents/" + doc + "/2.2.3.1"},
		{"/documents/" + doc + "/" + url.PathEscape("２（２）③ⅰ）"), "/documents/" + doc + "/2.2.3.1"},
		{"/documents/" + doc + "/(2)3i", "/documents/" + doc + "/2.2.3.1"},
		{"/documents/" + doc + "/", "/documents/" + doc},
		{"/graphiql/", "/graphiql"},
	}
	for _, tt := range tests {
		a := get(t, srv.URL, tt.path)
		if a.status/100 != 3 || a.header.Get("Location") != tt.location {
			t.Errorf("GET %s = %d to %q, want a redirect to %q", tt.path, a.status, a.header.Get("Location"), tt.location)
		}
		if strings.HasPrefix(tt.path, "/id/") && a.status != http.StatusSeeOther {
			t.Errorf("GET %s = %d, want 303", tt.path, a.status)
		}
	}
	// A JSON client that follows the redirect gets the object.
	req, _ := http.NewRequest("GET", srv.URL+"/id/"+doc+":2.2.3.1", nil)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var p struct{ ID, Label string }
	json.NewDecoder(resp.Body).Decode(&p)
	resp.Body.Close()
	if p.ID != doc+":2.2.3.1" || p.Label != "２(2)③ⅰ）" {
		t.Errorf("following /id/ with Accept: application/json gave %+v", p)
	}
}

// TestBadRequests checks that unknown objects and paths are 404 pages with
// a search box, and bad input 4xx pages, never 500s; in JSON too.
func TestBadRequests(t *testing.T) {
	srv, _ := newServer(t)
	long := strings.Repeat("サイバー", 100)
	tests := []struct {
		path   string
		status int
	}{
		{"/nope", 404},
		{"/documents/nope", 404},
		{"/documents/" + doc + "/9.9", 404},
		{"/documents/" + doc + "/2.2.3.1.9", 404},
		{"/documents/" + doc + "/0", 404},
		{"/documents/" + doc + "/" + url.PathEscape("(9)⑨"), 404},
		{"/documents/nope/2.2", 404},
		{"/documents/%FF", 404},
		{"/documents/" + doc + "/%FF%FE", 404},
		{"/documents/" + doc + "/a%00b", 404},
		{"/references/nope", 404},
		{"/references/%FF", 404},
		{"/id/nope", 404},
		{"/id/" + doc + ":9.9", 404},
		{"/id/ref:nope", 404},
		{"/id/" + doc + ":2.2.3.1~c99", 404},
		{"/id/%FF", 404},
		{"/id/" + strings.Repeat("x", 5000), 404},
		{"/graphiql/nope.js", 404},
		{"/assets/nope.css", 404},
		{"/search?q=" + url.QueryEscape(long), 400},
		{"/search?q=" + strings.Repeat("a", 100000), 400},
		{"/search?q=%FF", 400},
		{"/search?q=a&after=bogus", 400},
		{"/search?q=a&after=" + strings.Repeat("A", 3000), 400},
		{"/search?q=a&kind=CHAPTER", 400},
		{"/search?q=a&under=" + doc + ":9", 400},
		{"/search?q=a&cites=ref:nope", 400},
		{"/search?q=a&document=nope", 400},
		{"/search?q=a&colour=red", 400},
		{"/search?q=a&q=b", 400},
		{"/search?q=%22", 400},
		{"/search?q=" + url.QueryEscape("人材") + "&kind=item&kind=SUBITEM", 200},
		{"/search?q=" + url.QueryEscape("<script>alert(1)</script>"), 200},
		{"/documents/" + doc + "?format=xml", 400},
	}
	for _, tt := range tests {
		for _, accept := range []string{"text/html", "application/json"} {
			a := get(t, srv.URL, tt.path, "Accept", accept)
			if a.status != tt.status {
				t.Errorf("GET %.80s (%s) = %d, want %d: %.200s", tt.path, accept, a.status, tt.status, a.body)
				continue
			}
			if strings.Contains(a.body, "<script>alert") {
				t.Errorf("GET %.80s echoes markup unescaped", tt.path)
			}
			if tt.status == 200 || strings.HasPrefix(tt.path, "/graphiql/") || strings.HasPrefix(tt.path, "/assets/") {
				continue
			}
			if accept == "text/html" {
				if a.header.Get("Content-Type") != "text/html; charset=utf-8" || !strings.Contains(a.body, `action="/search"`) {
					t.Errorf("GET %.80s: %q page without a search box", tt.path, a.header.Get("Content-Type"))
				}
				continue
			}
			var e struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if err := json.Unmarshal([]byte(a.body), &e); err != nil || len(e.Errors) != 1 || e.Errors[0].Extensions.Code == "" {
				t.Errorf("GET %.80s as JSON: %.200s", tt.path, a.body)
			}
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		req, _ := http.NewRequest(m, srv.URL+"/documents/"+doc, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s /documents/%s = %d, want 405", m, doc, resp.StatusCode)
		}
	}
}

var citeRe = regexp.MustCompile(`<a class="cite" href="([^"]*)" id="([^"]*)"[^>]*>([^<]*)</a>`)
var xrefRe = regexp.MustCompile(`<a class="xref" href="([^"]*)">([^<]*)</a>`)

// TestEveryCitationLinked checks that every citation of the corpus is a
// link to its reference with its exact text, on its provision's page and
// on the document page, and that every cross-reference is a link too.
func TestEveryCitationLinked(t *testing.T) {
	srv, f := newServer(t)
	ctx := context.Background()
	cites, err := f.db.Citations(ctx, policy.CitationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	xrefs, err := f.db.CrossReferences(ctx, policy.CitationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cites) < 20 || len(xrefs) == 0 {
		t.Fatalf("%d citations and %d cross-references in the corpus", len(cites), len(xrefs))
	}
	type link struct{ href, text string }
	links := func(body string) map[string]link {
		m := map[string]link{}
		for _, x := range citeRe.FindAllStringSubmatch(body, -1) {
			m[html.UnescapeString(x[2])] = link{html.UnescapeString(x[1]), html.UnescapeString(x[3])}
		}
		return m
	}
	pagesOf := map[string]map[string]link{}
	xrefsOf := map[string][][]string{}
	docPage := get(t, srv.URL, "/documents/"+doc)
	onDoc := links(docPage.body)
	for _, c := range cites {
		m, ok := pagesOf[c.SourceID]
		if !ok {
			a := get(t, srv.URL, provisionPath(c.SourceID))
			m = links(a.body)
			pagesOf[c.SourceID] = m
			xrefsOf[c.SourceID] = xrefRe.FindAllStringSubmatch(a.body, -1)
		}
		want := link{"/references/" + strings.TrimPrefix(c.TargetID, "ref:"), c.Text}
		anchor := localID(c.ID)
		if got := m[anchor]; got != want {
			t.Errorf("%s on its provision page: %+v, want %+v", c.ID, got, want)
		}
		if got := onDoc[anchor]; got != want {
			t.Errorf("%s on the document page: %+v, want %+v", c.ID, got, want)
		}
	}
	if n := len(citeRe.FindAllString(docPage.body, -1)); n != len(cites) {
		t.Errorf("%d citation links on the document page, want %d", n, len(cites))
	}
	for _, x := range xrefs {
		if _, ok := xrefsOf[x.SourceID]; !ok {
			xrefsOf[x.SourceID] = xrefRe.FindAllStringSubmatch(get(t, srv.URL, provisionPath(x.SourceID)).body, -1)
		}
		found := false
		for _, l := range xrefsOf[x.SourceID] {
			if html.UnescapeString(l[1]) == provisionPath(x.TargetID) && html.UnescapeString(l[2]) == x.Text {
				found = true
			}
		}
		if !found {
			t.Errorf("cross-reference %q from %s to %s is not a link on its page", x.Text, x.SourceID, x.TargetID)
		}
	}
	// Every reference page lists each of its citations with the cited span.
	refs, _ := f.db.References(ctx, policy.ReferenceFilter{})
	for _, r := range refs {
		a := get(t, srv.URL, referencePath(r.ID))
		for _, c := range cites {
			if c.TargetID != r.ID {
				continue
			}
			span := `<a class="cite" href="` + html.EscapeString(citationPath(c.ID)) + `"><mark>` + html.EscapeString(c.Text) + `</mark></a>`
			if !strings.Contains(a.body, span) {
				t.Errorf("%s does not show citation %s as %s", referencePath(r.ID), c.ID, span)
			}
		}
	}
}

// TestSearchPages checks hits, highlights, filters and paging.
func TestSearchPages(t *testing.T) {
	srv, _ := newServer(t)
	first := get(t, srv.URL, "/search?q="+url.QueryEscape("サイバーセキュリティ"))
	hits := regexp.MustCompile(`<li class="hit">`).FindAllString(first.body, -1)
	if len(hits) != searchPageSize {
		t.Fatalf("%d hits on the first page, want %d", len(hits), searchPageSize)
	}
	m := regexp.MustCompile(`<a class="next" rel="next" href="([^"]*)">`).FindStringSubmatch(first.body)
	if m == nil {
		t.Fatal("no link to the next page")
	}
	second := get(t, srv.URL, html.UnescapeString(m[1]))
	if second.status != 200 || !strings.Contains(second.body, `class="first"`) {
		t.Fatalf("second page: %d", second.status)
	}
	ids := func(body string) []string {
		var out []string
		for _, x := range regexp.MustCompile(`<p class="hit-title"><a href="([^"]*)"`).FindAllStringSubmatch(body, -1) {
			out = append(out, x[1])
		}
		return out
	}
	seen := map[string]bool{}
	for _, id := range ids(first.body) {
		seen[id] = true
	}
	for _, id := range ids(second.body) {
		if seen[id] {
			t.Errorf("%s on both pages", id)
		}
	}
	// Filters: only sub-items under (2)③ that cite the unified standards.
	a := get(t, srv.URL, "/search?q="+url.QueryEscape("情報システム")+"&kind=SUBITEM&under="+doc+":2.2.3&cites=government-unified-standards")
	got := ids(a.body)
	if len(got) != 1 || got[0] != "/documents/"+doc+"/2.2.3.1" {
		t.Errorf("filtered search: %v", got)
	}
	if !strings.Contains(a.body, `value="SUBITEM" checked`) {
		t.Errorf("the kind filter is not shown as checked")
	}
}
