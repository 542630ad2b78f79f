// Package pdftest makes PDFs for tests: printed by headless Chromium from
// HTML, or written directly, encrypted or not.
package pdftest

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/policykb/policykb/internal/browsertest"
)

// NeedBrowser returns the path of the browser to print PDFs with, or skips
// the test where there is none, unless $POLICYKB_REQUIRE_BROWSER is set (CI).
func NeedBrowser(t testing.TB) string {
	path := browsertest.Find()
	if path == "" {
		if os.Getenv("POLICYKB_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium or Chrome found, and POLICYKB_REQUIRE_BROWSER is set")
		}
		t.Skip("no Chromium or Chrome found (set POLICYKB_CHROME or install chromium): the tests on PDFs that Chromium prints are skipped")
	}
	return path
}

// Print prints each HTML document of docs to a PDF, on A4 paper, with
// the headless browser at path.
func Print(t testing.TB, path string, docs map[string]string) map[string][]byte {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := docs[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, doc)
	}))
	t.Cleanup(srv.Close)
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	pdfs := make(map[string][]byte)
	for name := range docs {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+name)); err != nil {
			t.Fatalf("starting %s, or loading %s: %v", path, name, err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatalf("%s: waiting for the fonts: %v", name, err)
		}
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatalf("%s: printing: %v", name, err)
		}
		pdfs[name] = pdf
	}
	return pdfs
}

// PageStart is the start of a document printed on A4 in a Japanese font, each
// line of the text in a block of its own.
const PageStart = `<!doctype html><html lang=ja><meta charset=utf-8><style>
@page { size: A4; margin: 20mm }
body { font-family: "Noto Sans CJK JP"; font-size: 10.5pt; line-height: 1.6; margin: 0 }
.l { white-space: pre }
</style>
`

// LinesHTML returns a document of lines, each in a block indented by
// indent(line) em.
func LinesHTML(text string, indent func(string) int) string {
	var b strings.Builder
	b.WriteString(PageStart)
	for l := range strings.Lines(text) {
		l = strings.TrimSuffix(l, "\n")
		fmt.Fprintf(&b, "<div class=l style=\"padding-left: %dem\">%s</div>\n", indent(l), html.EscapeString(l))
	}
	return b.String()
}
