// Command gen prints the benchmark PDFs with headless Chromium.
package main

import (
	"context"
	"fmt"
	"html"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

const styleFmt = `<style>
@page { size: A4; margin: 20mm; }
body { font-family: "%s"; font-size: 10.5pt; line-height: 1.6; margin: 0; }
.l { white-space: pre; }
</style>`

var style = fmt.Sprintf(styleFmt, "Noto Sans CJK JP")

// ipa is a TrueType font, which Chromium embeds as a CID font (Type0,
// CIDFontType2); Noto Sans CJK is CFF, which Chromium embeds as Type 3.
var ipa = fmt.Sprintf(styleFmt, "IPAGothic")

func lines(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(&b, "<div class=l>%s</div>\n", html.EscapeString(l))
	}
	return b.String()
}

// forms is legal-style text: numbering in full-width forms, levels shown by
// CSS indentation (padding) and by full-width spaces.
const forms = `第１章　総則
（１）　基本方針
①　ＩｏＴ機器のセキュリティ確保（𠮷野家・𠮟責）
ⅰ）　サプライチェーン・リスクへの対応（ＳＢＯＭ等）
ⅱ）　５Ｇ・ＡＩ等の新技術への対応
②　人材育成（「サイバーセキュリティ人材育成プログラム」）
（２）　推進体制
①　ＮＩＳＣ（内閣サイバーセキュリティセンター）の機能強化
ⅰ）　ＧＳＯＣの運用、ＣＳＩＲＴの訓練
第２章　施策
（１）　国際連携
①　日米豪印（ＱＵＡＤ）の枠組み
ⅲ）　ＡＳＥＡＮ諸国との能力構築支援
Ｗｅｂサイト：ｈｔｔｐｓ：／／ｗｗｗ．ｎｉｓｃ．ｇｏ．ｊｐ／　全角英数ＡＢＣ１２３、半角ABC123、ｶﾀｶﾅ半角、〜～－―‐
`

func formsHTML() string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(forms, "\n"), "\n") {
		pad := 0
		switch {
		case strings.HasPrefix(l, "（"):
			pad = 1
		case strings.HasPrefix(l, "①"), strings.HasPrefix(l, "②"):
			pad = 2
		case strings.HasPrefix(l, "ⅰ"), strings.HasPrefix(l, "ⅱ"), strings.HasPrefix(l, "ⅲ"):
			pad = 3
		}
		fmt.Fprintf(&b, "<div class=l style=\"padding-left:%dem\">%s</div>\n", pad, html.EscapeString(l))
	}
	// Repeat with full-width spaces for indentation, and a hanging indent paragraph.
	b.WriteString("<div class=l>　</div>\n")
	for _, l := range strings.Split(strings.TrimRight(forms, "\n"), "\n") {
		fmt.Fprintf(&b, "<div class=l>　　%s</div>\n", html.EscapeString(l))
	}
	return b.String()
}

func main() {
	out := os.Args[1]
	src, err := os.ReadFile(os.Args[2])
	if err != nil {
		log.Fatal(err)
	}
	docs := map[string]string{
		"policy.pdf": style + lines(string(src)),
		"forms.pdf":  style + formsHTML(),
		"vertical.pdf": style + `<div style="writing-mode: vertical-rl; height: 250mm">` +
			lines(strings.Join(strings.Split(string(src), "\n")[:25], "\n")) + `</div>`,
		"policy-cid.pdf": ipa + lines(string(src)),
		"columns-cid.pdf": ipa + `<style>.c .l { white-space: pre-wrap }</style><div class=c style="columns: 2; column-gap: 8mm; font-size: 9pt">` +
			lines(strings.Join(strings.Split(string(src), "\n")[:60], "\n")) + `</div>`,
		"forms-cid.pdf": ipa + formsHTML(),
		"image.pdf": `<body style="margin:0"><svg width="600" height="400" xmlns="http://www.w3.org/2000/svg">` +
			`<rect x="10" y="10" width="300" height="200" fill="#369"/><circle cx="400" cy="250" r="100" fill="#c33"/>` +
			`<path d="M10 380 L590 300" stroke="black" stroke-width="4"/></svg></body>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html lang=ja><meta charset=utf-8>%s", docs[strings.TrimPrefix(r.URL.Path, "/")])
	}))
	defer srv.Close()
	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath("chromium"), chromedp.Headless, chromedp.NoFirstRun,
		chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel3()
	for name := range docs {
		buf, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+name)); err != nil {
				return nil, err
			}
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
				return nil, err
			}
			return chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
		})
		if err != nil {
			log.Fatal(name, err)
		}
		if err := os.WriteFile(filepath.Join(out, name), buf, 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("%s: %d bytes", name, len(buf))
	}
}
