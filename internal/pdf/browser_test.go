package pdf

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/policykb/policykb/corpus"
)

// findBrowser returns the path of a Chromium or Chrome: $POLICYKB_CHROME,
// else the first one on $PATH.
func findBrowser() string {
	if p := os.Getenv("POLICYKB_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser returns the path of the browser to print PDFs with, or skips
// the test where there is none, unless $POLICYKB_REQUIRE_BROWSER is set (CI).
func needBrowser(t *testing.T) string {
	path := findBrowser()
	if path == "" {
		if os.Getenv("POLICYKB_REQUIRE_BROWSER") != "" {
			t.Fatal("no Chromium or Chrome found, and POLICYKB_REQUIRE_BROWSER is set")
		}
		t.Skip("no Chromium or Chrome found (set POLICYKB_CHROME or install chromium): the tests on PDFs that Chromium prints are skipped")
	}
	return path
}

// printPDFs prints each HTML document of docs to a PDF, on A4 paper, with
// the headless browser at path.
func printPDFs(t *testing.T, path string, docs map[string]string) map[string][]byte {
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

// pageStart is the start of a document printed on A4 in a Japanese font, each
// line of the text in a block of its own.
const pageStart = `<!doctype html><html lang=ja><meta charset=utf-8><style>
@page { size: A4; margin: 20mm }
body { font-family: "Noto Sans CJK JP"; font-size: 10.5pt; line-height: 1.6; margin: 0 }
.l { white-space: pre }
</style>
`

// linesHTML returns a document of lines, each in a block indented by
// indent(line) em.
func linesHTML(text string, indent func(string) int) string {
	var b strings.Builder
	b.WriteString(pageStart)
	for l := range strings.Lines(text) {
		l = strings.TrimSuffix(l, "\n")
		fmt.Fprintf(&b, "<div class=l style=\"padding-left: %dem\">%s</div>\n", indent(l), html.EscapeString(l))
	}
	return b.String()
}

// forms is a text in the forms Japanese policies number their parts with,
// full-width, each level indented by padding or by full-width spaces.
const forms = `第１章　総則
（１）　基本方針
①　ＩｏＴ機器のセキュリティ確保（𠮷野家・𠮟責）
ⅰ）　サプライチェーン・リスクへの対応（ＳＢＯＭ等）
ⅱ）　５Ｇ・ＡＩ等の新技術への対応
②　人材育成（「サイバーセキュリティ人材育成プログラム」）
　　（２）　推進体制
　　　　①　ＮＩＳＣ（内閣サイバーセキュリティセンター）の機能強化
　　　　　　ⅰ）　ＧＳＯＣの運用、ＣＳＩＲＴの訓練
Ｗｅｂサイト：ｈｔｔｐｓ：／／ｗｗｗ．ｎｉｓｃ．ｇｏ．ｊｐ／　全角ＡＢＣ１２３、半角ABC123、ｶﾀｶﾅ、〜～－―‐
`

// formsIndent indents the numbered levels of forms.
func formsIndent(l string) int {
	for i, prefix := range []string{"（", "①②", "ⅰⅱ"} {
		for _, p := range strings.Split(prefix, "") {
			if strings.HasPrefix(l, p) {
				return i + 1
			}
		}
	}
	return 0
}

// squeeze returns s without white space.
func squeeze(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

// lines returns the lines of s that hold more than white space, without it.
func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = squeeze(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// firstDiff describes where got and want first differ.
func firstDiff(got, want []rune) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	around := func(r []rune) string { return string(r[max(0, i-10):min(len(r), i+10)]) }
	return fmt.Sprintf("at character %d of %d (want %d): got …%s…, want …%s…", i, len(got), len(want), around(got), around(want))
}

// pageObject matches the dictionary of a page, not of the page tree, in the
// uncompressed objects that Chromium writes.
var pageObject = regexp.MustCompile(`/Type\s*/Page\b`)

func TestChromium(t *testing.T) {
	path := needBrowser(t)
	policy := ""
	for _, f := range corpus.Files() {
		if f.Name == "cs-budget-policy-fy2020.txt" {
			policy = string(f.Data)
		}
	}
	if policy == "" {
		t.Fatal("the corpus lacks cs-budget-policy-fy2020.txt")
	}
	pdfs := printPDFs(t, path, map[string]string{
		"policy": linesHTML(policy, func(string) int { return 0 }),
		"forms":  linesHTML(forms, formsIndent),
		"image": `<!doctype html><body style="margin: 0"><svg width="600" height="400" xmlns="http://www.w3.org/2000/svg">
<rect x="10" y="10" width="300" height="200" fill="#369"/><circle cx="400" cy="250" r="100" fill="#c33"/></svg>`,
	})

	t.Run("policy", func(t *testing.T) {
		got, err := text(t, pdfs["policy"])
		if err != nil {
			t.Fatal(err)
		}
		// Every character, in order, as it is: a full-width form not folded.
		if g, w := []rune(squeeze(got)), []rune(squeeze(policy)); !slices.Equal(g, w) {
			t.Errorf("the characters differ %s", firstDiff(g, w))
		}
		// The lines of the text, a page break at the end of a line.
		if g, w := lines(strings.ReplaceAll(got, "\f", "\n")), lines(policy); !slices.Equal(g, w) {
			for i := range min(len(g), len(w)) {
				if g[i] != w[i] {
					t.Errorf("line %d: got %q, want %q", i+1, g[i], w[i])
					break
				}
			}
			t.Errorf("got %d lines, want %d", len(g), len(w))
		}
		// A page of text for each page of the PDF.
		pages := len(pageObject.FindAll(pdfs["policy"], -1))
		if pages < 2 {
			t.Fatalf("Chromium printed %d pages: the test needs more than one", pages)
		}
		if n := strings.Count(got, "\f") + 1; n != pages {
			t.Errorf("got %d pages of text, want %d", n, pages)
		}
		for i, p := range strings.Split(got, "\f") {
			if strings.TrimSpace(p) == "" {
				t.Errorf("page %d has no text", i+1)
			}
		}
	})

	t.Run("forms", func(t *testing.T) {
		got, err := text(t, pdfs["forms"])
		if err != nil {
			t.Fatal(err)
		}
		if g, w := lines(got), lines(forms); !slices.Equal(g, w) {
			t.Errorf("got lines\n%s\nwant\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
		}
	})

	t.Run("image only", func(t *testing.T) {
		if _, err := text(t, pdfs["image"]); !errors.Is(err, ErrNoText) {
			t.Errorf("got %v, want ErrNoText", err)
		}
	})

	t.Run("truncated", func(t *testing.T) {
		half := pdfs["policy"][:len(pdfs["policy"])/2]
		for name, data := range map[string][]byte{
			"at half":                    half,
			"at half, end marker put on": append(half[:len(half):len(half)], "\n%%EOF\n"...),
		} {
			if _, err := text(t, data); !errors.Is(err, ErrDamaged) {
				t.Errorf("%s: got %v, want ErrDamaged", name, err)
			}
		}
	})
}
