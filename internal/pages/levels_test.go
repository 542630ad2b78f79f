package pages

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/policytest"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/testfixture"
)

// newDocsServer serves the embedded corpus and docs, indexed for search,
// over real HTTP on loopback.
func newDocsServer(t *testing.T, docs ...*policy.Document) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	db := testfixture.Store(t)
	for _, d := range docs {
		if err := db.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	idx, err := search.Open(ctx, "", db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	f := &fixture{db: db, res: &graph.Resolver{Documents: db, Provisions: db, References: db, Search: idx}}
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	return srv
}

// deepID is the document of ten levels the tests serve, an excerpt.
const deepID = "deep-doc"

func deepDoc() *policy.Document {
	d := policytest.Deep(deepID, 10)
	d.Partial = true
	return d
}

// parseHTML parses a page, failing the test where it cannot.
func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// find returns the first element under n that ok accepts, depth first.
func find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && ok(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, ok); f != nil {
			return f
		}
	}
	return nil
}

// text is the text of n, as a reader sees it.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// tocLevels maps each link of a table of contents to the number of lists
// it is nested in.
func tocLevels(toc *html.Node) map[string]int {
	out := map[string]int{}
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if n.Type == html.ElementNode && n.Data == "ol" {
			depth++
		}
		if n.Type == html.ElementNode && n.Data == "a" {
			out[attr(n, "href")] = depth
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth)
		}
	}
	walk(toc, 0)
	return out
}

// TestDeepDocumentPage reads the page of a document ten levels deep, an
// excerpt with footnotes: its table of contents nests every level, its
// full text holds every provision with its marker, heading and text, the
// deeper ones indented, the notes under the text they belong to, and
// 「抜粋」 by the title.
func TestDeepDocumentPage(t *testing.T) {
	d := deepDoc()
	srv := newDocsServer(t, d)
	a := get(t, srv.URL, "/documents/"+deepID, "Accept", htmlAccept)
	if a.status != 200 {
		t.Fatalf("status %d: %.300s", a.status, a.body)
	}
	page := parseHTML(t, a.body)
	h1 := find(page, func(n *html.Node) bool { return n.Data == "h1" })
	if h1 == nil || text(h1) != policytest.DeepTitle+" 抜粋" {
		t.Errorf("title %q, want it marked 抜粋", text(h1))
	}
	toc := find(page, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "class") == "toc" })
	if toc == nil {
		t.Fatal("no table of contents")
	}
	levels := tocLevels(toc)
	if len(levels) != len(d.Provisions) {
		t.Errorf("the table of contents links %d provisions, want %d", len(levels), len(d.Provisions))
	}
	for _, p := range d.Provisions {
		anchor := "#" + localID(p.ID)
		if levels[anchor] != max(p.Level, 1) {
			t.Errorf("%s is nested in %d lists of the contents, want %d", p.ID, levels[anchor], max(p.Level, 1))
		}
		sec := find(page, func(n *html.Node) bool { return n.Data == "section" && attr(n, "id") == localID(p.ID) })
		if sec == nil {
			t.Errorf("no section %s in the full text", localID(p.ID))
			continue
		}
		got := text(sec)
		if !strings.Contains(got, p.Paragraphs[0]) || p.Heading != "" && !strings.Contains(got, p.Heading) ||
			p.Level > 0 && !strings.Contains(got, p.Marker) {
			t.Errorf("section %s reads %q", localID(p.ID), got)
		}
	}
	for _, want := range []string{
		// A heading at level 3, a marker and text at level 4, and the
		// deepest, indented as far as provisions go, with its notes.
		`<section class="prov depth-3" id="1.1.1"><h4><a class="marker" href="#1.1.1" title="第１1.(1)">(1)</a><span class="heading">第3階層の見出し1</span>`,
		`<section class="prov depth-4" id="1.1.1.1">` + "\n" + `<div class="subitem"><a class="marker" href="#1.1.1.1" title="第１1.(1)①">①</a><div><p class="para">第4階層の1番目の本文である。</p></div></div>`,
		`<section class="prov depth-5 indent-1" id="1.1.1.1.1">`,
		`<section class="prov depth-10 indent-4" id="1.1.1.1.1.1.1.1.1.1">` + "\n" +
			`<div class="subitem"><a class="marker" href="#1.1.1.1.1.1.1.1.1.1" title="第１1.(1)①ア(ア)a(a)ⅰ)(i)">(i)</a><div><p class="para">脚注の付いた語と、もう一つの語を含む本文である。</p></div></div>` + "\n" +
			`<aside class="notes" aria-label="注"><p class="notes-title">注</p><dl><dt>1</dt><dd>一つ目の脚注：語の定義。</dd><dt>※2</dt><dd>二つ目の脚注：出典 &lt;https://example.org/?a=1&amp;b=2&gt;。</dd></dl></aside>` + "\n" +
			`</section>`,
	} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the page does not hold\n%s", want)
		}
	}
	if n := strings.Count(a.body, `class="notes"`); n != 1 {
		t.Errorf("%d lists of notes, want 1", n)
	}

	// JSON: the document as GraphQL has it, levels, notes and partial.
	var j struct {
		Partial    bool
		Provisions []struct {
			ID    string
			Kind  string
			Level int
			Notes []noteData
		}
	}
	if err := json.Unmarshal([]byte(get(t, srv.URL, "/documents/"+deepID+"?format=json").body), &j); err != nil {
		t.Fatal(err)
	}
	last := j.Provisions[10]
	if !j.Partial || len(j.Provisions) != len(d.Provisions) || last.ID != deepID+":1.1.1.1.1.1.1.1.1.1" || last.Level != 10 ||
		last.Kind != "POINT" || len(last.Notes) != 2 || last.Notes[1].Marker != "※2" {
		t.Errorf("JSON: partial %v, %d provisions, the deepest %+v", j.Partial, len(j.Provisions), last)
	}

	// The FY2020 policy is no excerpt and has no notes.
	a = get(t, srv.URL, "/documents/"+doc, "Accept", htmlAccept)
	if a.status != 200 || strings.Contains(a.body, "抜粋") || strings.Contains(a.body, `class="notes"`) {
		t.Errorf("the FY2020 policy: status %d, marked 抜粋 or with notes", a.status)
	}
	a = get(t, srv.URL, "/documents", "Accept", htmlAccept)
	if !strings.Contains(a.body, `<a class="doc-title" href="/documents/`+deepID+`">`+policytest.DeepTitle+`</a> <span class="badge partial">抜粋</span>`) ||
		strings.Count(a.body, "抜粋") != 1 {
		t.Errorf("the list of documents does not mark the excerpt, and only it")
	}
}

// TestDeepProvisionPage reads provisions of the document ten levels deep:
// the deepest names its level and lists its notes under its text, with
// every level above it in the breadcrumbs; a provision at level 9 lists its
// children; and a sub-item of the FY2020 policy reads as before.
func TestDeepProvisionPage(t *testing.T) {
	srv := newDocsServer(t, deepDoc())
	deepest := "/documents/" + deepID + "/1.1.1.1.1.1.1.1.1.1"
	a := get(t, srv.URL, deepest, "Accept", htmlAccept)
	if a.status != 200 {
		t.Fatalf("status %d: %.300s", a.status, a.body)
	}
	page := parseHTML(t, a.body)
	crumbs := find(page, func(n *html.Node) bool { return n.Data == "nav" && attr(n, "class") == "breadcrumbs" })
	if crumbs == nil {
		t.Fatal("no breadcrumbs")
	}
	var items []string
	for li := find(crumbs, func(n *html.Node) bool { return n.Data == "li" }); li != nil; li = li.NextSibling {
		if li.Type == html.ElementNode {
			items = append(items, text(li))
		}
	}
	want := []string{"トップ", policytest.DeepTitle + " 抜粋", "第１第1階層の見出し1", "第１1.第2階層の見出し1", "第１1.(1)第3階層の見出し1",
		"第１1.(1)①", "第１1.(1)①ア", "第１1.(1)①ア(ア)", "第１1.(1)①ア(ア)a", "第１1.(1)①ア(ア)a(a)", "第１1.(1)①ア(ア)a(a)ⅰ)", "第１1.(1)①ア(ア)a(a)ⅰ)(i)"}
	if strings.Join(items, "|") != strings.Join(want, "|") {
		t.Errorf("breadcrumbs\n%q\nwant\n%q", items, want)
	}
	for _, want := range []string{
		`<p class="kind">第10階層</p>`,
		`<p class="para">脚注の付いた語と、もう一つの語を含む本文である。</p>` + "\n" +
			`<section class="notes" aria-labelledby="notes-title">` + "\n" + `<h2 id="notes-title">注</h2>` + "\n" + `<dl>` + "\n" +
			`<dt>1</dt><dd>一つ目の脚注：語の定義。</dd>` + "\n" +
			`<dt>※2</dt><dd>二つ目の脚注：出典 &lt;https://example.org/?a=1&amp;b=2&gt;。</dd>` + "\n" + `</dl>` + "\n" + `</section>`,
	} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the page does not hold\n%s", want)
		}
	}
	j := get(t, srv.URL, deepest+"?format=json")
	var p struct {
		Level int
		Kind  string
		Notes []noteData
	}
	if err := json.Unmarshal([]byte(j.body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Level != 10 || p.Kind != "POINT" || len(p.Notes) != 2 || p.Notes[0] != (noteData{Marker: "1", Text: "一つ目の脚注：語の定義。"}) {
		t.Errorf("JSON: %+v", p)
	}

	a = get(t, srv.URL, "/documents/"+deepID+"/1.1.1.1.1.1.1.1.1", "Accept", htmlAccept)
	children := find(parseHTML(t, a.body), func(n *html.Node) bool { return n.Data == "nav" && attr(n, "class") == "children" })
	if a.status != 200 || !strings.Contains(a.body, `<p class="kind">第9階層</p>`) || children == nil ||
		strings.ReplaceAll(text(children), "\n", "") != "第１1.(1)①ア(ア)a(a)ⅰ)(i)脚注の付いた語と、もう一つの語を含む本文である。第１1.(1)①ア(ア)a(a)ⅰ)(ii)第10階層の2番目の本文である。" {
		t.Errorf("level 9: status %d, children %q", a.status, text(children))
	}
	// A label of the deep document, written loosely, finds its page.
	r := get(t, srv.URL, "/documents/"+deepID+"/"+url.PathEscape("第1 1.(1)①ア（ア）a"))
	if r.status != 303 || r.header.Get("Location") != "/documents/"+deepID+"/1.1.1.1.1.1.1" {
		t.Errorf("label: %d %q", r.status, r.header.Get("Location"))
	}

	a = get(t, srv.URL, "/documents/"+doc+"/2.2.3.1", "Accept", htmlAccept)
	if !strings.Contains(a.body, `<p class="kind">細目</p>`) || strings.Contains(a.body, "notes") || strings.Contains(a.body, "抜粋") {
		t.Errorf("the FY2020 sub-item reads otherwise")
	}
}

// TestSearchPoints filters a search by the kind POINT: the form offers it,
// named by the levels it covers, and every hit is named by its level.
func TestSearchPoints(t *testing.T) {
	srv := newDocsServer(t, deepDoc())
	a := get(t, srv.URL, "/search?q="+url.QueryEscape("本文")+"&kind=point", "Accept", htmlAccept)
	if a.status != 200 {
		t.Fatalf("status %d: %.300s", a.status, a.body)
	}
	if !strings.Contains(a.body, `<input type="checkbox" name="kind" value="POINT" checked>第5階層以下</label>`) {
		t.Error("the form does not offer POINT, checked")
	}
	for l := 5; l <= 10; l++ {
		if !strings.Contains(a.body, `<span class="kind">第`+itoa(l)+`階層</span>`) {
			t.Errorf("no hit named 第%d階層", l)
		}
	}
	if n, k := strings.Count(a.body, `<p class="hit-title">`), strings.Count(a.body, `<span class="kind">第`); n != 7 || k != 7 {
		t.Errorf("%d hits, %d named by level; want the 7 at levels 5 to 10", n, k)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestHostileDepth serves a document numbered 300 levels deep: its pages
// render, the deepest provision with its 299 ancestors.
func TestHostileDepth(t *testing.T) {
	srv := newDocsServer(t, policytest.Deep("hostile", 300))
	a := get(t, srv.URL, "/documents/hostile", "Accept", htmlAccept)
	if a.status != 200 || strings.Count(a.body, `<section class="prov`) != 303 {
		t.Errorf("document: status %d, %d sections", a.status, strings.Count(a.body, `<section class="prov`))
	}
	// The contents nest 64 levels deep, and list the deeper ones in the
	// provision at level 64.
	toc := find(parseHTML(t, a.body), func(n *html.Node) bool { return n.Data == "nav" && attr(n, "class") == "toc" })
	levels := tocLevels(toc)
	if len(levels) != 303 {
		t.Errorf("the contents link %d provisions, want 303", len(levels))
	}
	for _, l := range []int{1, 63, 64, 65, 300} {
		want := min(l, maxTOCDepth+1)
		if got := levels["#"+strings.TrimSuffix(strings.Repeat("1.", l), ".")]; got != want {
			t.Errorf("the provision at level %d is nested in %d lists, want %d", l, got, want)
		}
	}
	a = get(t, srv.URL, "/documents/hostile/"+strings.TrimSuffix(strings.Repeat("1.", 300), "."), "Accept", htmlAccept)
	if a.status != 200 || !strings.Contains(a.body, `<p class="kind">第300階層</p>`) || strings.Count(a.body, "<li><a href=\"/documents/hostile/1") != 299 {
		t.Errorf("deepest: status %d, %d ancestors", a.status, strings.Count(a.body, "<li><a href=\"/documents/hostile/1"))
	}
}
