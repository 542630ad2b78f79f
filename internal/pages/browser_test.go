package pages

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/policykb/policykb/internal/browsertest"
)

// screenshotDir is where the browser tests keep their screenshots:
// $POLICYKB_SCREENSHOTS if set (CI keeps them as artefacts), else a
// temporary directory.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("POLICYKB_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// needBrowser returns the path of the browser to test with, or skips the
// test where there is none, unless $POLICYKB_REQUIRE_BROWSER is set (CI).
func needBrowser(t *testing.T) string {
	path := browsertest.Find()
	if path == "" {
		if os.Getenv("POLICYKB_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium or Chrome found, and POLICYKB_REQUIRE_BROWSER is set")
		}
		t.Skip("no Chromium or Chrome found (set POLICYKB_CHROME or install chromium): the browser tests are skipped")
	}
	return path
}

// newBrowser starts a headless browser with a new, empty profile and
// returns a context for its first tab. Every request the pages make is
// recorded: the test fails on any that leaves the server under test.
func newBrowser(t *testing.T, path, origin string) context.Context {
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		// Back is then a navigation that the protocol reports like others.
		chromedp.Flag("disable-features", "BackForwardCache"),
		chromedp.WindowSize(1280, 900),
	)
	t.Cleanup(cancel)
	var mu sync.Mutex
	var outside, errs []string
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf), chromedp.WithListener(func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			if !strings.HasPrefix(u, origin+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				outside = append(outside, u)
			}
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+e.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			// Errors the browser logs: blocked by the Content-Security-Policy,
			// failed loads other than the 404s and 400s the tests ask for.
			if e.Entry.Level == cdplog.EntryLevelError && !strings.Contains(e.Entry.Text, "404") &&
				!strings.Contains(e.Entry.Text, "status of 400 (Bad Request)") {
				errs = append(errs, string(e.Entry.Source)+": "+e.Entry.Text)
			}
		}
	}))
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(outside) > 0 {
			t.Errorf("the pages requested URLs outside the server: %v", outside)
		}
		if len(errs) > 0 {
			t.Errorf("errors in the browser: %q", errs)
		}
	})
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// shoot saves a screenshot of the whole page as name.png.
func shoot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	save(t, ctx, dir, name, chromedp.FullScreenshot(100))
}

// save saves the image an action takes as name.png.
func save(t *testing.T, ctx context.Context, dir, name string, shot chromedp.Action[[]byte]) {
	t.Helper()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// call sends a protocol command to the tab, failing the test on an error.
func call[P any](t *testing.T, ctx context.Context, cmd cdp.Command[P, cdp.Empty], params P) {
	t.Helper()
	if _, err := chromedp.Call(ctx, cmd, params); err != nil {
		t.Fatal(err)
	}
}

// stepTimeout bounds one step of a browser test.
const stepTimeout = 45 * time.Second

// run runs a, failing the test on an error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// do runs steps, failing the test on an error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// waitLocation waits until the tab is at want, through the navigation
// that gets it there, and returns where it is.
func waitLocation(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	var loc string
	for deadline := time.Now().Add(stepTimeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		l, err := chromedp.Run(sctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.href : ""`))
		cancel()
		if err == nil && l != "" {
			if loc = l; loc == want {
				break
			}
		}
	}
	return loc
}

const hitLinks = `[...document.querySelectorAll(".hit-title a")].map(a => a.getAttribute("href"))`

// TestBrowser drives a headless Chromium through the reading view and the
// IDE as a reader would, with no access to anything but the server.
func TestBrowser(t *testing.T) {
	path := needBrowser(t)
	srv, _ := newServer(t)
	ctx := newBrowser(t, path, srv.URL)
	dir := screenshotDir(t)
	provision := srv.URL + "/documents/" + doc + "/2.2.2.1"

	t.Run("provision, citation, reference and back", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(provision), chromedp.WaitVisible(chromedp.CSS(`a.cite`)))
		cite := run(t, ctx, chromedp.Text(chromedp.CSS(`a.cite`)))
		href := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(`a.cite`), "href")).Value
		h1 := run(t, ctx, chromedp.Text(chromedp.CSS(`h1`)))
		if h1 != "２(2)②ⅰ）" || !strings.HasPrefix(cite, "「重要インフラの情報セキュリティ対策に係る第４次行動計画」") ||
			href != "/references/ci-action-plan-4" {
			t.Fatalf("provision page: h1 %q, citation %q to %q", h1, cite, href)
		}
		if run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("button.copy").hidden`)) {
			t.Errorf("the copy button stays hidden with JavaScript on")
		}
		shoot(t, ctx, dir, "provision")

		// The copy button copies the canonical ID.
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: name}, Setting: "granted", Origin: srv.URL}); err != nil {
				t.Fatal(err)
			}
		}
		do(t, ctx, chromedp.Click(chromedp.CSS(`button.copy`)), chromedp.Sleep(300*time.Millisecond))
		label := run(t, ctx, chromedp.Text(chromedp.CSS(`button.copy`)))
		copied := run(t, ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
		if label != "コピーしました" || copied != doc+":2.2.2.1" {
			t.Errorf("copy button: %q, clipboard %q", label, copied)
		}

		do(t, ctx, chromedp.Click(chromedp.CSS(`a.cite`)), chromedp.WaitVisible(chromedp.CSS(`ol.citing`)))
		loc := run(t, ctx, chromedp.Location())
		title := run(t, ctx, chromedp.Text(chromedp.CSS(`h1`)))
		marked := run(t, ctx, chromedp.Text(chromedp.CSS(`blockquote mark`)))
		if loc != srv.URL+href || title != "重要インフラの情報セキュリティ対策に係る第４次行動計画" || marked != cite {
			t.Fatalf("after the citation: at %s, h1 %q, marked %q", loc, title, marked)
		}
		shoot(t, ctx, dir, "reference")

		// The browser's back button (the page may come back from the
		// back-forward cache, with no load event to wait for).
		// Going back from a timer lets the evaluation return before the
		// page goes away.
		do(t, ctx, chromedp.Evaluate[chromedp.Void](`setTimeout(() => history.back(), 0)`))
		loc = waitLocation(t, ctx, provision)
		h1 = run(t, ctx, chromedp.Evaluate[string](`document.querySelector("h1").textContent`))
		if loc != provision || h1 != "２(2)②ⅰ）" {
			t.Errorf("back: at %s, h1 %q", loc, h1)
		}
	})

	t.Run("without JavaScript, and in print", func(t *testing.T) {
		call(t, ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		do(t, ctx, chromedp.Navigate(srv.URL+"/documents/"+doc+"/2.4.1"), chromedp.WaitVisible(chromedp.CSS(`a.cite`)))
		if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("a.cite").length`)); n != 4 {
			t.Errorf("%d citation links without JavaScript, want 4", n)
		}
		// Without the script the copy button stays hidden: the ID is there
		// to select.
		visible := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("button.copy").offsetParent !== null`))
		id := run(t, ctx, chromedp.Text(chromedp.ID(`provision-id`)))
		if visible || id != doc+":2.4.1" {
			t.Errorf("without JavaScript: copy button shown %v, ID %q", visible, id)
		}
		shoot(t, ctx, dir, "provision-nojs")
		call(t, ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		header := run(t, ctx, chromedp.Evaluate[bool](`document.querySelector("header.site").offsetParent !== null`))
		if header {
			t.Errorf("the site header is printed")
		}
		shoot(t, ctx, dir, "provision-print")
		call(t, ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		call(t, ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
	})

	t.Run("search and pages of results", func(t *testing.T) {
		do(t, ctx,
			chromedp.Navigate(srv.URL+"/"),
			chromedp.WaitVisible(chromedp.ID(`home-q`)),
			chromedp.SendKeys(chromedp.ID(`home-q`), "サイバーセキュリティ"),
			chromedp.Submit(chromedp.ID(`home-q`)),
			chromedp.WaitVisible(chromedp.CSS(`ol.hits`)),
		)
		count := run(t, ctx, chromedp.Text(chromedp.CSS(`.result-count`)))
		hits1 := run(t, ctx, chromedp.Evaluate[[]string](hitLinks))
		if len(hits1) != searchPageSize || !strings.Contains(count, "全") {
			t.Fatalf("first page: %q, %d hits", count, len(hits1))
		}
		if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".snippet mark").length`)); n == 0 {
			t.Errorf("no highlighted words in the hits")
		}
		shoot(t, ctx, dir, "search")
		do(t, ctx, chromedp.Click(chromedp.CSS(`.pager a.next`)), chromedp.WaitVisible(chromedp.CSS(`.pager a.first`)))
		loc := run(t, ctx, chromedp.Location())
		hits2 := run(t, ctx, chromedp.Evaluate[[]string](hitLinks))
		u, _ := url.Parse(loc)
		if u.Query().Get("after") == "" || len(hits2) == 0 {
			t.Fatalf("second page at %s with %d hits", loc, len(hits2))
		}
		for _, h := range hits2 {
			for _, g := range hits1 {
				if h == g {
					t.Errorf("%s on both pages", h)
				}
			}
		}
		shoot(t, ctx, dir, "search-page-2")
		do(t, ctx, chromedp.Click(chromedp.CSS(`.pager a.first`)), chromedp.WaitNotPresent(chromedp.CSS(`.pager a.first`)))
		back := run(t, ctx, chromedp.Evaluate[[]string](hitLinks))
		if strings.Join(back, " ") != strings.Join(hits1, " ") {
			t.Errorf("back to the first page: %v, want %v", back, hits1)
		}
	})

	t.Run("document page", func(t *testing.T) {
		do(t, ctx, chromedp.Navigate(srv.URL+"/documents/"+doc), chromedp.WaitVisible(chromedp.CSS(`svg.citation-graph`)))
		if n := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.citation-graph a").length`)); n < 20 {
			t.Errorf("%d links in the citation graph", n)
		}
		save(t, ctx, dir, "document", chromedp.CaptureScreenshot())
		save(t, ctx, dir, "document-graph", chromedp.Screenshot(chromedp.CSS(`figure.graph`)))
		do(t, ctx, chromedp.Click(chromedp.CSS(`svg.citation-graph .reference`)), chromedp.WaitVisible(chromedp.CSS(`ol.citing`)))
		if loc := run(t, ctx, chromedp.Location()); !strings.HasPrefix(loc, srv.URL+"/references/") {
			t.Errorf("a reference node of the graph led to %s", loc)
		}
	})

	t.Run("GraphiQL offline", func(t *testing.T) {
		do(t, ctx,
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(srv.URL+"/graphiql"),
			chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)),
			chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)),
		)
		result := run(t, ctx, chromedp.Poll[string](
			`(() => { const r = document.querySelector(".result-window"); return r && r.textContent.includes("統一基準") ? r.textContent : false })()`,
			chromedp.WithPollingTimeout(30*time.Second)))
		if !strings.Contains(result, "２(2)③ⅰ）") {
			t.Errorf("the IDE's answer: %.300s", result)
		}
		shoot(t, ctx, dir, "graphiql")
	})
	t.Run("phone", func(t *testing.T) {
		do(t, ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(srv.URL+"/documents/"+doc+"/2.2.3"),
			chromedp.WaitVisible(chromedp.CSS(`h1`)),
		)
		width := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.clientWidth`))
		scroll := run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if scroll > width {
			t.Errorf("the page is %d px wide on a %d px phone: it scrolls sideways", scroll, width)
		}
		shoot(t, ctx, dir, "provision-phone")
		do(t, ctx, chromedp.Navigate(srv.URL+"/documents/"+doc), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		width = run(t, ctx, chromedp.Evaluate[int](`document.documentElement.clientWidth`))
		scroll = run(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if scroll > width {
			t.Errorf("the document page is %d px wide on a %d px phone: it scrolls sideways", scroll, width)
		}
		save(t, ctx, dir, "document-phone", chromedp.CaptureScreenshot())
		// The citation graph fits the width: every node, the references of
		// its right column too, lies within the screen.
		outside := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("svg.citation-graph a")]
			.filter(a => { const r = a.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > document.documentElement.clientWidth })
			.map(a => a.textContent)`))
		if len(outside) > 0 {
			t.Errorf("%d nodes of the citation graph lie outside a 390 px screen: %q", len(outside), outside)
		}
		do(t, ctx, chromedp.ScrollIntoView(chromedp.CSS(`figure.graph`)))
		save(t, ctx, dir, "graph-phone", chromedp.CaptureScreenshot())
		// Breadcrumbs wrap between crumbs: a crumb that fits on a line is
		// not broken across two.
		do(t, ctx, chromedp.Navigate(srv.URL+"/documents/"+doc+"/2.2.3.1"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
		broken := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".breadcrumbs li")].filter(li => {
			const room = li.closest("ol").getBoundingClientRect().width;
			const lines = li.getClientRects().length > 1 ? 2 :
				Math.round(li.getBoundingClientRect().height / parseFloat(getComputedStyle(li).lineHeight));
			li.style.whiteSpace = "nowrap";
			li.style.maxWidth = "none";
			const w = li.getBoundingClientRect().width;
			li.style.whiteSpace = li.style.maxWidth = "";
			return lines > 1 && w <= room;
		}).map(li => li.textContent)`))
		if len(broken) > 0 {
			t.Errorf("breadcrumbs broken inside a crumb on a phone: %q", broken)
		}
		save(t, ctx, dir, "breadcrumbs-phone", chromedp.CaptureScreenshot())
	})

	// On a laptop the text is centred: no page sits in a column at the
	// left with the right of the screen empty.
	t.Run("laptop", func(t *testing.T) {
		for _, pg := range []struct{ path, column string }{
			{"/", ".measure"},
			{"/documents/" + doc + "/2.2.3", ".measure"},
			{"/references/cybersecurity-basic-act", ".measure"},
			{"/search?q=" + url.QueryEscape("人材"), ".measure"},
			{"/documents/" + doc, ".doc-body"},
		} {
			do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			margins := run(t, ctx, chromedp.Evaluate[[]float64](`(() => {
				const r = document.querySelector(`+strconv.Quote(pg.column)+`).getBoundingClientRect();
				return [r.left, document.documentElement.clientWidth - r.right];
			})()`))
			if left, right := margins[0], margins[1]; left-right > 32 || right-left > 32 {
				t.Errorf("%s at 1280 px: %s has %.0f px to its left and %.0f px to its right; want it centred", pg.path, pg.column, left, right)
			}
		}
	})

	// Screenshots of the pages at a laptop's and a phone's width.
	t.Run("screenshots", func(t *testing.T) {
		for _, size := range []struct {
			name          string
			width, height int64
			opts          []chromedp.EmulateViewportOption
		}{
			{"1280", 1280, 900, nil},
			{"390", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateScale(2), chromedp.EmulateMobile}},
		} {
			for _, pg := range []struct{ name, path string }{
				{"home", "/"},
				{"documents", "/documents"},
				{"references", "/references"},
				{"item-2.2.3", "/documents/" + doc + "/2.2.3"},
				{"reference-basic-act", "/references/cybersecurity-basic-act"},
				{"not-found", "/nope"},
				{"bad-parameter", "/documents/" + doc + "/2.2.3?foo=1"},
				{"search-error", "/search?q=-%E4%BA%88%E7%AE%97"},
			} {
				do(t, ctx, chromedp.EmulateViewport(size.width, size.height, size.opts...),
					chromedp.Navigate(srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS(`h1`)))
				shoot(t, ctx, dir, pg.name+"-"+size.name)
			}
			do(t, ctx, chromedp.EmulateViewport(size.width, size.height, size.opts...),
				chromedp.Navigate(srv.URL+"/documents/"+doc+"#2.2.2.2"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			save(t, ctx, dir, "document-page-break-"+size.name, chromedp.CaptureScreenshot())
			do(t, ctx, chromedp.Navigate(srv.URL+"/documents/"+doc+"#2.2.3.2"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			save(t, ctx, dir, "document-closing-"+size.name, chromedp.CaptureScreenshot())
			do(t, ctx, chromedp.Navigate(srv.URL+"/documents/"+doc+"#versions"), chromedp.WaitVisible(chromedp.CSS(`h1`)))
			save(t, ctx, dir, "document-versions-"+size.name, chromedp.CaptureScreenshot())
		}
	})

}

// TestBrowserSeries drives a headless Chromium through the search page of
// a series: the years a hit also stands in, the documents found as links
// that narrow the search, and the year filter of the form.
func TestBrowserSeries(t *testing.T) {
	path := needBrowser(t)
	srv := newSeriesServer(t)
	ctx := newBrowser(t, path, srv.URL)
	dir := screenshotDir(t)
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("サプライチェーン")),
		chromedp.WaitVisible(chromedp.CSS(`ol.hits`)),
	)
	also := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".hit .also-in")].map(p => p.textContent)`))
	want := []string{"同じ文言：2021年度", "同じ文言：2021年度、2020年度", "同じ文言：2021年度、2020年度", "同じ文言：2021年度、2020年度"}
	if strings.Join(also, "|") != strings.Join(want, "|") {
		t.Errorf("years the hits also stand in: %q, want %q", also, want)
	}
	facets := run(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".facets li")].map(li => li.textContent)`))
	if len(facets) != 3 || !strings.Contains(strings.Join(facets, " "), "2021年度") || !strings.Contains(facets[0], "4件") {
		t.Errorf("facets %q", facets)
	}
	shoot(t, ctx, dir, "search-series")
	// A facet narrows the search to its document.
	do(t, ctx, chromedp.Click(chromedp.CSS(`.facets li:nth-child(2) a`)), chromedp.WaitVisible(chromedp.CSS(`.facets li.current`)))
	loc := run(t, ctx, chromedp.Location())
	count := run(t, ctx, chromedp.Text(chromedp.CSS(`.result-count`)))
	if u, _ := url.Parse(loc); u.Query().Get("document") == "" || !strings.Contains(count, "全4件") {
		t.Errorf("after a facet: at %s, %q", loc, count)
	}
	// The year filter of the form.
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/search?q="+url.QueryEscape("サプライチェーン")),
		chromedp.WaitVisible(chromedp.CSS(`ol.hits`)),
		chromedp.Click(chromedp.CSS(`details.filters summary`)),
		chromedp.Click(chromedp.CSS(`input[name="year"][value="2020"]`)),
		chromedp.Submit(chromedp.ID(`q`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="year"][value="2020"]:checked`)),
	)
	loc = run(t, ctx, chromedp.Location())
	hits := run(t, ctx, chromedp.Evaluate[[]string](hitLinks))
	if u, _ := url.Parse(loc); u.Query().Get("year") != "2020" || len(hits) != 4 {
		t.Errorf("year filter: at %s, hits %v", loc, hits)
	}
	for _, h := range hits {
		if !strings.Contains(h, "fy2020") {
			t.Errorf("%s found with year=2020", h)
		}
	}
	shoot(t, ctx, dir, "search-series-2020")
}
