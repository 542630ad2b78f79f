package pages

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/pages/graphiql"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/testfixture"
)

// The made-up years of internal/corpusgen and the made-up Strategy of
// internal/cite.
const (
	yearsData    = "../corpusgen/testdata/years"
	strategyFile = "../cite/testdata/strategy-2018.txt"
	strategyID   = "cybersecurity-strategy-2018"
)

// yearsServer serves the embedded policy and the texts given (file →
// ingest options) from a fresh store, without search.
func yearsServer(t *testing.T, files map[string]ingest.Options) *httptest.Server {
	t.Helper()
	db := testfixture.StoreFiles(t, files)
	res := &graph.Resolver{Documents: db, Provisions: db, References: db}
	srv := httptest.NewServer(server.New(server.Config{
		API: graph.NewHandler(res, graph.Options{Logger: quiet}), IDE: graphiql.Handler("/graphiql", "/graphql"),
		Pages: New(res, Options{Logger: quiet}), Generation: db.Generation, Ready: func() error { return nil }, Logger: quiet,
	}))
	t.Cleanup(srv.Close)
	return srv
}

func localOf(id string) string {
	_, l, _ := policy.SplitID(id)
	return l
}

var pairRowRe = regexp.MustCompile(`<tr id="([^"]*)" class="pair pair-[a-z]+" data-kind="([A-Z]+)" data-from="([^"]*)" data-to="([^"]*)">`)

// TestComparePage shows the shipped policy and each made-up next year side
// by side: every pair the edits imply is a row, in the order of the later
// year, with the words that changed marked; the page's JSON is the
// GraphQL answer.
func TestComparePage(t *testing.T) {
	for _, name := range []string{"split-merged", "subitems", "renumbered"} {
		t.Run(name, func(t *testing.T) {
			srv := yearsServer(t, map[string]ingest.Options{filepath.Join(yearsData, name, "to.txt"): {}})
			path := "/compare/" + doc + "/cs-budget-policy-fy2021"
			a := get(t, srv.URL, path, "Accept", htmlAccept)
			if a.status != http.StatusOK || !strings.Contains(a.body, `<html lang="ja">`) {
				t.Fatalf("%s: %d %.300s", path, a.status, a.body)
			}
			if c, _ := canonical(a.body); c != path {
				t.Errorf("canonical %q", c)
			}
			var got []string
			for _, m := range pairRowRe.FindAllStringSubmatch(a.body, -1) {
				got = append(got, m[2]+"\t"+localOf(html.UnescapeString(m[3]))+"\t"+localOf(html.UnescapeString(m[4])))
			}
			slices.Sort(got)
			if want := testfixture.ExpectedLines(t, filepath.Join(yearsData, name, "pairs.tsv")); !slices.Equal(got, want) {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			// The year in the preamble, marked word by word on each side.
			if !strings.Contains(a.body, "令和<del>２</del>年度の概算要求") || !strings.Contains(a.body, "令和<ins>３</ins>年度の概算要求") {
				t.Errorf("the changed year is not marked")
			}
			only := get(t, srv.URL, path+"?only=changes")
			if strings.Contains(only.body, `data-kind="SAME"`) || !strings.Contains(only.body, `data-kind="CHANGED"`) {
				t.Errorf("?only=changes shows SAME rows, or no CHANGED one")
			}
			sameAsGraphQL(t, srv, path, compareJSON, map[string]any{"from": doc, "to": "cs-budget-policy-fy2021"}, "compare")
		})
	}
	srv := yearsServer(t, nil)
	for path, status := range map[string]int{
		"/compare/" + doc + "/nosuch":                404,
		"/compare/nosuch/" + doc:                     404,
		"/compare/" + doc + "/" + doc + "?only=all":  400,
		"/compare/" + doc + "/" + doc + "?kind=SAME": 400,
		"/compare/" + doc + "/" + doc:                200,
	} {
		if a := get(t, srv.URL, path); a.status != status {
			t.Errorf("%s: %d, want %d", path, a.status, status)
		}
	}
}

var lineRowRe = regexp.MustCompile(`(?s)<tr class="line">(.*?)</tr>`)
var lineCellRe = regexp.MustCompile(`<td(?: class="[^"]*")? data-provision="([^"]*)" data-kind="([A-Z]*)">`)

// TestSeriesPage shows five made-up years as a series: each provision's
// line through the years is a row of the page, as the edits of each year
// imply (lines.tsv); the page's JSON is the GraphQL answer, and /id/ of
// the series leads to it.
func TestSeriesPage(t *testing.T) {
	files := map[string]ingest.Options{}
	for fy := 2021; fy <= 2024; fy++ {
		files[filepath.Join(yearsData, "series", fmt.Sprintf("cs-budget-policy-fy%d.txt", fy))] = ingest.Options{}
	}
	srv := yearsServer(t, files)
	const path = "/series/cs-budget-policy"
	a := get(t, srv.URL, path, "Accept", htmlAccept)
	if a.status != http.StatusOK {
		t.Fatalf("%s: %d %.300s", path, a.status, a.body)
	}
	if c, _ := canonical(a.body); c != path {
		t.Errorf("canonical %q", c)
	}
	var got []string
	for _, row := range lineRowRe.FindAllStringSubmatch(a.body, -1) {
		var cells []string
		for k, c := range lineCellRe.FindAllStringSubmatch(row[1], -1) {
			id, kind := localOf(html.UnescapeString(c[1])), c[2]
			switch {
			case k == 0 && id != "":
				cells = append(cells, id)
			case kind == "" && id == "":
				cells = append(cells, "·")
			case id == "":
				cells = append(cells, kind)
			default:
				cells = append(cells, kind+" "+id)
			}
			// Each provision is a link to its page.
			if id != "" && !strings.Contains(row[1], `href="`+provisionPath(html.UnescapeString(c[1]))+`"`) {
				t.Errorf("%s is not linked", c[1])
			}
		}
		got = append(got, strings.Join(cells, "\t"))
	}
	slices.Sort(got)
	if want := testfixture.ExpectedLines(t, filepath.Join(yearsData, "series", "lines.tsv")); !slices.Equal(got, want) {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for fy := 2020; fy < 2024; fy++ {
		if cmp := fmt.Sprintf(`href="/compare/cs-budget-policy-fy%d/cs-budget-policy-fy%d"`, fy, fy+1); !strings.Contains(a.body, cmp) {
			t.Errorf("no link %s", cmp)
		}
	}
	sameAsGraphQL(t, srv, path, seriesJSON, map[string]any{"id": "series:cs-budget-policy"}, "node")
	if r := get(t, srv.URL, "/id/series:cs-budget-policy"); r.status != http.StatusSeeOther || r.header.Get("Location") != path {
		t.Errorf("/id/series:cs-budget-policy: %d %s", r.status, r.header.Get("Location"))
	}
	if r := get(t, srv.URL, "/series/series:cs-budget-policy"); r.status != http.StatusMovedPermanently || r.header.Get("Location") != path {
		t.Errorf("/series/series:cs-budget-policy: %d %s", r.status, r.header.Get("Location"))
	}
	for _, p := range []string{"/series/nosuch", "/series/nosuch?format=json"} {
		if r := get(t, srv.URL, p); r.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, r.status)
		}
	}
	// A document's page links to its series and to the years beside it;
	// a provision's page to its counterparts in the other years.
	d := get(t, srv.URL, "/documents/cs-budget-policy-fy2022").body
	for _, want := range []string{`href="/series/cs-budget-policy"`, `href="/compare/cs-budget-policy-fy2021/cs-budget-policy-fy2022"`,
		`href="/compare/cs-budget-policy-fy2022/cs-budget-policy-fy2023"`} {
		if !strings.Contains(d, want) {
			t.Errorf("document page: no %s", want)
		}
	}
	// ２(2)⑥ of FY2020 is ２(3)④ from FY2022 on.
	pv := get(t, srv.URL, "/documents/cs-budget-policy-fy2022/2.3.4").body
	for _, want := range []string{`href="/documents/cs-budget-policy-fy2020/2.2.6"`, `href="/documents/cs-budget-policy-fy2021/2.2.6"`,
		`href="/documents/cs-budget-policy-fy2023/2.3.4"`, `href="/documents/cs-budget-policy-fy2024/2.3.4"`,
		`href="/compare/cs-budget-policy-fy2021/cs-budget-policy-fy2022#p-2.3.4"`} {
		if !strings.Contains(pv, want) {
			t.Errorf("provision page: no %s", want)
		}
	}
	// ２(1)③, removed in FY2022, has no counterpart there.
	if r := get(t, srv.URL, "/documents/cs-budget-policy-fy2021/2.1.3").body; !strings.Contains(r, "対応する項目なし") {
		t.Errorf("the page of a provision removed the year after does not say so")
	}
}

// TestCitingDocumentPages ingests a made-up Strategy beside the policy:
// the policy's pinpoint 「目標達成のための施策」 links to the Strategy's
// section of that name, whose page lists the citing provision, and the
// reference's page leads to the Strategy.
func TestCitingDocumentPages(t *testing.T) {
	srv := yearsServer(t, map[string]ingest.Options{strategyFile: {ID: strategyID}})
	section := "/documents/" + strategyID + "/4"
	policyPage := get(t, srv.URL, "/documents/"+doc+"/2").body
	if !strings.Contains(policyPage, `<a class="pinpoint" href="`+section+`" title="4　目標達成のための施策">目標達成のための施策</a>`) {
		t.Errorf("the pinpoint is not a link to %s", section)
	}
	docPage := get(t, srv.URL, "/documents/"+doc).body
	if !strings.Contains(docPage, `<a class="pinpoint" href="`+section+`"`) {
		t.Errorf("the pinpoint is not a link on the document page")
	}
	s := get(t, srv.URL, section).body
	if !strings.Contains(s, "この項目を引用している他の文書の項目") || !strings.Contains(s, `href="/documents/`+doc+`/2"`) ||
		!strings.Contains(s, `<mark>戦略</mark>`) {
		t.Errorf("the section's page does not list the citing provision")
	}
	ref := get(t, srv.URL, "/references/cybersecurity-strategy-2018").body
	if !strings.Contains(ref, `href="/documents/`+strategyID+`"`) || !strings.Contains(ref, `<a class="pinpoint" href="`+section+`"`) {
		t.Errorf("the reference's page does not lead to the Strategy")
	}
	st := get(t, srv.URL, "/documents/"+strategyID).body
	if !strings.Contains(st, `href="/references/cybersecurity-strategy-2018"`) {
		t.Errorf("the Strategy's page does not say it is cited")
	}
	sameAsGraphQL(t, srv, section, `query($id: ID!) { provision(id: $id) { `+provisionFields+` } }`, map[string]any{"id": strategyID + ":4"}, "provision")
}

// TestBrowserYears reads a series and a comparison in a headless Chromium,
// as a reader does: the line of each provision through five years, a
// comparison reached from the series page with the changed words marked
// side by side, and the counterparts of a provision, linked.
func TestBrowserYears(t *testing.T) {
	path := needBrowser(t)
	files := map[string]ingest.Options{}
	for fy := 2021; fy <= 2024; fy++ {
		files[filepath.Join(yearsData, "series", fmt.Sprintf("cs-budget-policy-fy%d.txt", fy))] = ingest.Options{}
	}
	srv := yearsServer(t, files)
	ctx := newBrowser(t, path, srv.URL)
	dir := screenshotDir(t)

	do(t, ctx, chromedp.Navigate(srv.URL+"/series/cs-budget-policy"), chromedp.WaitVisible(chromedp.CSS(`tr.line`)))
	rows := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("tr.line")].map(tr =>
		[...tr.querySelectorAll("td[data-provision]")].map((td, k) => {
			const id = td.dataset.provision.replace(/^.*:/, ""), kind = td.dataset.kind;
			if (k === 0 && id) return id;
			if (!id) return kind || "·";
			return kind ? kind + " " + id : id;
		}).join("\t"))`))
	slices.Sort(rows)
	if want := testfixture.ExpectedLines(t, filepath.Join(yearsData, "series", "lines.tsv")); !slices.Equal(rows, want) {
		t.Errorf("the series page shows the lines\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	save(t, ctx, dir, "series", chromedp.CaptureScreenshot())

	do(t, ctx, chromedp.Click(chromedp.CSS(`.series-compares a`)), chromedp.WaitVisible(chromedp.CSS(`table.side-by-side`)))
	if loc := run(t, ctx, chromedp.Location()); loc != srv.URL+"/compare/cs-budget-policy-fy2020/cs-budget-policy-fy2021" {
		t.Errorf("the first comparison of the series led to %s", loc)
	}
	marked := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.side-by-side del, table.side-by-side ins")].map(e => e.tagName + " " + e.textContent)`))
	for _, want := range []string{"DEL ２", "INS ３", "DEL 新たな", "INS 一層の"} {
		if !slices.Contains(marked, want) {
			t.Errorf("the comparison does not mark %q (marked: %v)", want, marked)
		}
	}
	save(t, ctx, dir, "compare", chromedp.CaptureScreenshot())

	do(t, ctx, chromedp.Navigate(srv.URL+"/documents/cs-budget-policy-fy2020/2.1.1"), chromedp.WaitVisible(chromedp.CSS(`main`)))
	links := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href^='/documents/cs-budget-policy-fy202']")].map(a => a.getAttribute("href"))`))
	for fy := 2021; fy <= 2024; fy++ {
		if want := fmt.Sprintf("/documents/cs-budget-policy-fy%d/2.1.1", fy); !slices.Contains(links, want) {
			t.Errorf("the provision's page does not link its counterpart %s (links: %v)", want, links)
		}
	}
}
