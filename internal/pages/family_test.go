package pages

import (
	"html"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/ingest"
)

// newSeriesServer serves the policy and its made-up later years
// (corpusgen.Series) over real HTTP on loopback.
func newSeriesServer(t testing.TB) *httptest.Server {
	t.Helper()
	f := newFixture(t)
	files, err := corpusgen.Series()
	if err != nil {
		t.Fatal(err)
	}
	f.ingestFiles(t, files, func(corpusgen.File) ingest.Options { return ingest.Options{} })
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	return srv
}

var (
	hitRe    = regexp.MustCompile(`(?s)<li class="hit">(.*?)</li>`)
	hitURLRe = regexp.MustCompile(`<p class="hit-title"><a href="([^"]*)"`)
	alsoRe   = regexp.MustCompile(`<p class="also-in">同じ文言：(.*?)</p>`)
	linkRe   = regexp.MustCompile(`<a href="([^"]*)"[^>]*>([^<]*)</a>`)
	facetRe  = regexp.MustCompile(`<li(?: class="current")?><a href="([^"]*)"[^>]*>([^<]*)</a> <span class="count">(\d+)件</span></li>`)
	countRe  = regexp.MustCompile(`全(\d+)件`)
)

// seriesHit is what a user sees of a hit on the search page: the
// provision linked, and the years it also stands in with their links.
type seriesHit struct {
	URL     string
	AlsoIn  string // "2021年度 /documents/…/2.3.2, 2020年度 /documents/…/2.3.2"
	Partial bool
}

func seriesHits(body string) []seriesHit {
	var out []seriesHit
	for _, m := range hitRe.FindAllStringSubmatch(body, -1) {
		h := seriesHit{URL: hitURLRe.FindStringSubmatch(m[1])[1], Partial: strings.Contains(m[1], `class="partial-hit"`)}
		if a := alsoRe.FindStringSubmatch(m[1]); a != nil {
			var links []string
			for _, l := range linkRe.FindAllStringSubmatch(a[1], -1) {
				links = append(links, l[2]+" "+l[1])
			}
			h.AlsoIn = strings.Join(links, ", ")
		}
		out = append(out, h)
	}
	return out
}

// TestSearchPageSeries checks over HTTP what the search page shows of a
// series: a text standing in several years once, with the years it also
// stands in as links; the documents found with their counts, as links
// that narrow the search to them; the year filter; and every year shown
// on demand.
func TestSearchPageSeries(t *testing.T) {
	srv := newSeriesServer(t)
	p := func(year, local string) string { return "/documents/cs-budget-policy-fy" + year + "/" + local }
	q := "/search?q=" + url.QueryEscape("サプライチェーン")
	page := get(t, srv.URL, q)
	if page.status != 200 {
		t.Fatalf("GET %s: %d", q, page.status)
	}
	want := []seriesHit{
		{URL: p("2020", "2.1.2")},
		{URL: p("2022", "2.1.2"), AlsoIn: "2021年度 " + p("2021", "2.1.2")},
		{URL: p("2022", "2.2.3.3"), AlsoIn: "2021年度 " + p("2021", "2.2.3.3") + ", 2020年度 " + p("2020", "2.2.3.3")},
		{URL: p("2022", "2.3.2"), AlsoIn: "2021年度 " + p("2021", "2.3.2") + ", 2020年度 " + p("2020", "2.3.2")},
		{URL: p("2022", "2.4.2"), AlsoIn: "2021年度 " + p("2021", "2.4.2") + ", 2020年度 " + p("2020", "2.4.2")},
	}
	if got := seriesHits(page.body); !reflect.DeepEqual(got, want) {
		t.Errorf("hits:\n%+v\nwant\n%+v", got, want)
	}
	if m := countRe.FindStringSubmatch(page.body); m == nil || m[1] != "5" {
		t.Errorf("count %v, want 全5件", m)
	}
	// The documents found, each with its count, each a link narrowing the
	// search to it: which then finds as many.
	facets := facetRe.FindAllStringSubmatch(page.body, -1)
	if len(facets) != 3 {
		t.Fatalf("facets %q, want 3", facets)
	}
	for _, f := range facets {
		if f[3] != "4" || !strings.Contains(f[2], "年度") {
			t.Errorf("facet %q: want 4 provisions and the fiscal year", f[0])
		}
		narrowed := get(t, srv.URL, html.UnescapeString(f[1]))
		if m := countRe.FindStringSubmatch(narrowed.body); m == nil || m[1] != f[3] {
			t.Errorf("%s: count %v, want %s as its facet says", f[1], m, f[3])
		}
		if !strings.Contains(narrowed.body, `class="current"`) {
			t.Errorf("%s: the facet narrowed to is not marked", f[1])
		}
	}
	// The year filter: a checkbox per fiscal year; narrowing to one year
	// shows its provisions alone.
	for _, y := range []string{"2020", "2021", "2022"} {
		if !strings.Contains(page.body, `name="year" value="`+y+`"`) {
			t.Errorf("no year filter for %s", y)
		}
	}
	year := get(t, srv.URL, q+"&year=2020")
	if got := seriesHits(year.body); len(got) != 4 || got[0].AlsoIn != "" || !strings.Contains(year.body, `value="2020" checked`) {
		t.Errorf("year=2020: %+v", got)
	}
	// Every year on demand: twelve provisions, ten to a page.
	every := get(t, srv.URL, q+"&collapse=0")
	if m := countRe.FindStringSubmatch(every.body); m == nil || m[1] != "12" || len(seriesHits(every.body)) != 10 {
		t.Errorf("collapse=0: count %v, %d hits on the page", m, len(seriesHits(every.body)))
	}
	// Partial hits are marked.
	partial := get(t, srv.URL, "/search?q="+url.QueryEscape("大学 訓練 演習")+"&year=2020")
	if got := seriesHits(partial.body); len(got) != 2 || got[0].Partial || !got[1].Partial {
		t.Errorf("partial hits: %+v", got)
	}
	// Bad filters are bad requests.
	for _, bad := range []string{"&year=twenty", "&collapse=maybe", "&series=series:nothing"} {
		if a := get(t, srv.URL, q+bad); a.status != 400 {
			t.Errorf("%s: %d, want 400", bad, a.status)
		}
	}
}
