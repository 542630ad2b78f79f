package pages

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/*
var assetFiles embed.FS

// page is what the layout of every page needs.
type page struct {
	Title      string
	Canonical  string // absolute path of the page's canonical URL
	Prev, Next string // paths of the previous and next pages, if any
	Query      string // the query of the search box in the header
	NoIndex    bool   // asks search engines not to index the page
	// NoSiteSearch leaves out the search box of the header, on pages whose
	// body has one.
	NoSiteSearch bool
	Body         any
	// Filled by render.
	CanonicalURL string
	JSONURL      string
}

type templates struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"docPath":       docPath,
	"provisionPath": provisionPath,
	"referencePath": referencePath,
	"citationPath":  citationPath,
	"localID":       localID,
	"asset":         assetURL,
	"kindName":      kindName,
	"levelName":     levelName,
	"refKindName":   refKindName,
	"formName":      formName,
	"viaName":       viaName,
	"date":          formatDate,
	"datetime":      formatDateTime,
	"pages":         formatPages,
	"title":         provisionTitle,
	"excerpt":       excerpt,
	"quote":         quote,
	"searchBox":     newSearchBox,
	"comparePath":   comparePath,
	"seriesPath":    seriesPath,
	"pairKindName":  pairKindName,
	"lower":         strings.ToLower,
}

// searchBox is the search form of the home and error pages.
type searchBox struct{ ID, Query, Placeholder string }

// newSearchBox is a search form whose field has the id id, holding query
// or showing placeholder.
func newSearchBox(id, query, placeholder string) searchBox {
	return searchBox{ID: id, Query: query, Placeholder: placeholder}
}

func parseTemplates() *templates {
	t := &templates{byName: map[string]*template.Template{}}
	names, _ := fs.Glob(templateFiles, "templates/*.html")
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		t.byName[base] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", name))
	}
	return t
}

// render writes page p with the template name and the status code.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, code int, name string, p page) {
	var b bytes.Buffer
	if err := h.renderTo(&b, name, p); err != nil {
		h.log.ErrorContext(r.Context(), "page template failed", "template", name, "error", err.Error())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintln(w, "internal error")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// renderTo writes page p with the template name to w.
func (h *Handler) renderTo(w io.Writer, name string, p page) error {
	if p.Canonical != "" {
		p.CanonicalURL = h.base + p.Canonical
		if i := strings.IndexByte(p.Canonical, '?'); i >= 0 {
			p.JSONURL = p.Canonical + "&format=json"
		} else {
			p.JSONURL = p.Canonical + "?format=json"
		}
	}
	return h.tmpl.byName[name].Execute(w, p)
}

// span is a part of a provision's text that links somewhere.
type span struct {
	start, end int // code points in the provision's text
	href       string
	class      string
	id         string
	title      string
}

// richProvision renders a provision's heading and paragraphs with its
// citations linked to their references and its cross-references linked to
// the provisions they point to (anchors on the document page, pages
// elsewhere). Offsets are code points of the provision's text: the heading
// and the paragraphs joined with "\n".
func richProvision(p *provisionData, xrefs []*policy.CrossReference, onDocument bool) (template.HTML, []template.HTML) {
	var spans []span
	for _, c := range p.Citations {
		title := c.Target.Title
		if c.Pinpoint != "" {
			title += " " + c.Pinpoint
		}
		spans = append(spans, span{start: c.Start, end: c.End, href: referencePath(c.Target.ID), class: "cite",
			id: localID(c.ID), title: title})
		if t := c.TargetProvision; t != nil {
			// The pinpoint, where it follows the citation (戦略に定める
			// 「目標達成のための施策」), links to the provision it names.
			if at := pinpointAt(fullText(p), c.End, c.Pinpoint); at >= 0 {
				spans = append(spans, span{start: at, end: at + utf8.RuneCountInString(c.Pinpoint), href: provisionPath(t.ID),
					class: "pinpoint", title: provisionTitle(t)})
			}
		}
	}
	for _, x := range xrefs {
		href := provisionPath(x.TargetID)
		if onDocument {
			href = "#" + localID(x.TargetID)
		}
		spans = append(spans, span{start: x.Start, end: x.End, href: href, class: "xref"})
	}
	// Citations first where spans overlap: they were added first and the
	// sort is stable.
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	kept := spans[:0]
	end := -1
	for _, s := range spans {
		if s.start >= end && s.end > s.start {
			kept = append(kept, s)
			end = s.end
		}
	}
	spans = kept

	offset := 0
	var heading template.HTML
	if p.Heading != "" {
		heading = linkSpans(p.Heading, offset, spans)
		offset += utf8.RuneCountInString(p.Heading) + 1
	}
	paras := make([]template.HTML, len(p.Paragraphs))
	for i, para := range p.Paragraphs {
		paras[i] = linkSpans(para, offset, spans)
		offset += utf8.RuneCountInString(para) + 1
	}
	return heading, paras
}

// fullText is a provision's text, its heading and paragraphs joined with
// "\n", where the query left it out.
func fullText(p *provisionData) string {
	if p.Text != "" {
		return p.Text
	}
	parts := p.Paragraphs
	if p.Heading != "" {
		parts = append([]string{p.Heading}, parts...)
	}
	return strings.Join(parts, "\n")
}

// pinpointAt returns the code-point offset in text of the pinpoint of a
// citation that ends at end, where it stands within a few characters after
// it; -1 where it does not.
func pinpointAt(text string, end int, pinpoint string) int {
	const near = 12
	runes := []rune(text)
	pin := []rune(pinpoint)
	if pinpoint == "" || end < 0 || end > len(runes) {
		return -1
	}
	for i := end; i <= min(end+near, len(runes)-len(pin)); i++ {
		if string(runes[i:i+len(pin)]) == pinpoint {
			return i
		}
	}
	return -1
}

// linkSpans renders text, which starts at code point base of the
// provision's text, with the parts of spans that fall in it as links.
func linkSpans(text string, base int, spans []span) template.HTML {
	runes := []rune(text)
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		start, end := s.start-base, s.end-base
		if end <= 0 || start >= len(runes) {
			continue
		}
		start, end = max(start, pos), min(end, len(runes))
		if start >= end {
			continue
		}
		b.WriteString(html.EscapeString(string(runes[pos:start])))
		b.WriteString(`<a class="` + s.class + `" href="` + html.EscapeString(s.href) + `"`)
		if s.id != "" && start == s.start-base {
			b.WriteString(` id="` + html.EscapeString(s.id) + `"`)
		}
		if s.title != "" {
			b.WriteString(` title="` + html.EscapeString(s.title) + `"`)
		}
		b.WriteString(`>` + html.EscapeString(string(runes[start:end])) + `</a>`)
		pos = end
	}
	b.WriteString(html.EscapeString(string(runes[pos:])))
	return template.HTML(b.String())
}

// brackets pairs the opening brackets of Japanese text with their closing
// ones.
var brackets = map[rune]rune{
	'（': '）', '(': ')', '「': '」', '『': '』', '【': '】', '〔': '〕', '［': '］', '[': ']', '｛': '｝', '〈': '〉', '《': '》',
}

var closers = func() map[rune]bool {
	m := map[rune]bool{}
	for _, c := range brackets {
		m[c] = true
	}
	return m
}()

// sentenceBounds returns the sentence of runes that holds [start, end): it
// ends at a 。 outside brackets or at a line break. A 。 inside （）, 「」
// and the like — 「（以下「基本法」という。）」 — ends no sentence. depth
// is the bracket depth before each rune of the sentence, counted from its
// start (unbalanced closers count as none).
func sentenceBounds(runes []rune, start, end int) (from, to int, depth []int) {
	var stack []rune
	from = 0
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if len(stack) > 0 && r == stack[len(stack)-1] {
			stack = stack[:len(stack)-1]
		} else if c, ok := brackets[r]; ok {
			stack = append(stack, c)
		}
		boundary := r == '\n' || (r == '。' && len(stack) == 0)
		if r == '\n' {
			stack = stack[:0]
		}
		if !boundary {
			continue
		}
		if i+1 <= start {
			from = i + 1
			continue
		}
		if i+1 >= end {
			to = i + 1
			if r == '\n' {
				to = i
			}
			break
		}
	}
	if to == 0 {
		to = len(runes)
	}
	return from, to, bracketDepth(runes[from:to])
}

// bracketDepth returns the bracket depth before each rune of runes and
// after the last (len(runes)+1 values); a closer that matches no open
// bracket counts as none.
func bracketDepth(runes []rune) []int {
	var stack []rune
	depth := make([]int, len(runes)+1)
	for i, r := range runes {
		depth[i] = len(stack)
		if len(stack) > 0 && r == stack[len(stack)-1] {
			stack = stack[:len(stack)-1]
		} else if c, ok := brackets[r]; ok {
			stack = append(stack, c)
		}
	}
	depth[len(runes)] = len(stack)
	return depth
}

// sentence renders the sentence of text around the span [start, end) with
// the span marked and linked to href. A long sentence is shortened to the
// clauses around the span, cut only after a 、 outside brackets.
func sentence(text string, start, end int, href string) template.HTML {
	runes := []rune(text)
	if start < 0 || end > len(runes) || start >= end {
		return template.HTML(html.EscapeString(text))
	}
	from, to, depth := sentenceBounds(runes, start, end)
	s0 := from          // depth[i-s0] is the bracket depth before rune i
	const context = 120 // characters either side, where a clause ends within them
	prefix, suffix := "", ""
	if start-from > context {
		for i := start - context; i < start; i++ {
			if runes[i-1] == '、' && depth[i-s0] == 0 {
				from, prefix = i, "…"
				break
			}
		}
	}
	if to-end > context {
		for j := end + context; j > end; j-- {
			if runes[j-1] == '、' && depth[j-s0] == 0 {
				to, suffix = j, "…"
				break
			}
		}
	}
	return template.HTML(prefix + html.EscapeString(string(runes[from:start])) +
		`<a class="cite" href="` + html.EscapeString(href) + `"><mark>` + html.EscapeString(string(runes[start:end])) + `</mark></a>` +
		html.EscapeString(string(runes[end:to])) + suffix)
}

// safeHighlight lets through the <mark> elements of a search highlight and
// escapes everything else, whatever the text holds.
func safeHighlight(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.Index(s, "<mark>")
		j := strings.Index(s, "</mark>")
		next, tag := -1, ""
		switch {
		case i >= 0 && (j < 0 || i < j):
			next, tag = i, "<mark>"
		case j >= 0:
			next, tag = j, "</mark>"
		}
		if next < 0 {
			b.WriteString(html.EscapeString(html.UnescapeString(s)))
			break
		}
		b.WriteString(html.EscapeString(html.UnescapeString(s[:next])))
		if (tag == "<mark>") != open {
			b.WriteString(tag)
			open = !open
		}
		s = s[next+len(tag):]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// quote puts text in 「」 unless it stands in brackets already.
func quote(text string) string {
	if strings.HasPrefix(text, "「") || strings.HasPrefix(text, "『") {
		return text
	}
	return "「" + text + "」"
}

// excerpt is the start of text, up to n characters, cut at the end of a
// sentence or clause outside brackets where one comes late enough.
func excerpt(text string, n int) string {
	runes := []rune(text)
	if len(runes) <= n {
		return text
	}
	depth := bracketDepth(runes[:n])
	cut := n
	for i := n; i > n*2/3; i-- {
		if (runes[i-1] == '。' || runes[i-1] == '、') && depth[i] == 0 {
			cut = i
			break
		}
	}
	return string(runes[:cut]) + "…"
}

// Japanese names of the kinds: those of the FY2020 policy's levels, and
// for POINT, which covers every level from the fifth down, the levels.

var kindNames = map[string]string{
	"PREAMBLE": "前文", "SECTION": "大項目", "AREA": "分野", "ITEM": "項目", "SUBITEM": "細目",
	string(policy.KindPoint): "第" + strconv.Itoa(policy.KindPoint.Level()) + "階層以下",
}

// kindName names a kind, as the search form offers it.
func kindName(k string) string { return nameIn(kindNames, k) }

// levelName names the kind of one provision at level: as kindName, but a
// provision of a kind that covers several levels (POINT) by its own level,
// 「第7階層」.
func levelName(k string, level int) string {
	kind := policy.Kind(k)
	if level > 0 && kind.Valid() && policy.KindAt(kind.Level()+1) == kind {
		return "第" + strconv.Itoa(level) + "階層"
	}
	return kindName(k)
}

var refKindNames = map[string]string{
	"LAW": "法律", "CABINET_DECISION": "閣議決定", "HQ_DECISION": "本部決定", "HQ_REPORT": "本部報告",
	"PLAN": "計画", "PROGRAMME": "プログラム", "FRAMEWORK": "枠組み", "STANDARD": "基準",
	"ORGANIZATION": "組織", "EVENT": "行事", "OTHER": "その他",
}

// refKindName names the kind of a reference.
func refKindName(k string) string { return nameIn(refKindNames, k) }

var formNames = map[string]string{
	"DIRECT": "題名による引用", "ABBREVIATION": "略称による引用", "ANAPHORA": "「同」による引用", "NAME": "名称による引用",
}

// formName names the form of a citation.
func formName(f string) string { return nameIn(formNames, f) }

var viaNames = map[string]string{
	"WRITTEN": "表記どおり", "VARIANT": "異表記", "DEFINED_TERM": "定義された略称", "THESAURUS": "類義語・訳語",
	"READING": "読み", "COMPOUND_PART": "複合語の一部",
}

// viaName names how a word of a query was found.
func viaName(v string) string { return nameIn(viaNames, v) }

// nameIn returns the name names gives key, or key itself when it gives
// none.
func nameIn(names map[string]string, key string) string {
	if n, ok := names[key]; ok {
		return n
	}
	return key
}

// formatDate writes a partial ISO date the Japanese way, with the era:
// "2019-05-23" → "2019年5月23日（令和元年）".
func formatDate(s string) string {
	d, err := policy.ParseDate(s)
	if err != nil || d.IsZero() {
		return s
	}
	out := strconv.Itoa(d.Year) + "年"
	if d.Month > 0 {
		out += strconv.Itoa(d.Month) + "月"
	}
	if d.Day > 0 {
		out += strconv.Itoa(d.Day) + "日"
	}
	if era := eraYear(d); era != "" {
		out += "（" + era + "）"
	}
	return out
}

// formatDateTime writes an RFC 3339 time the Japanese way, in UTC:
// "2026-11-26T16:21:00Z" → "2026年11月26日 16:21 UTC".
func formatDateTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2006年1月2日 15:04 UTC")
}

// eraYear names the year of d in the Japanese era: 令和元年, 平成30年. It
// is "" where the date is too coarse to tell the era at a change of eras.
func eraYear(d policy.Date) string {
	type era struct {
		name             string
		year, month, day int // its first day
	}
	eras := []era{{"令和", 2019, 5, 1}, {"平成", 1989, 1, 8}, {"昭和", 1926, 12, 25}}
	for _, e := range eras {
		after := d.Year > e.year
		if d.Year == e.year {
			switch {
			case d.Month == 0:
				return "" // the year of a change of eras, month unknown
			case d.Month > e.month:
				after = true
			case d.Month == e.month && d.Day == 0:
				if e.day != 1 {
					return "" // the month of a change of eras, day unknown
				}
				after = true
			case d.Month == e.month:
				after = d.Day >= e.day
			}
		}
		if after {
			n := d.Year - e.year + 1
			if n == 1 {
				return e.name + "元年"
			}
			return e.name + strconv.Itoa(n) + "年"
		}
	}
	return ""
}

// formatPages writes source pages: "3頁", "3–4頁", "2, 4頁" (頁, not
// ページ, which also means a web page).
func formatPages(ps []int) string {
	if len(ps) == 0 {
		return ""
	}
	contiguous := true
	for i := 1; i < len(ps); i++ {
		if ps[i] != ps[i-1]+1 {
			contiguous = false
		}
	}
	if len(ps) == 1 {
		return strconv.Itoa(ps[0]) + "頁"
	}
	if contiguous {
		return strconv.Itoa(ps[0]) + "–" + strconv.Itoa(ps[len(ps)-1]) + "頁"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ", ") + "頁"
}

// Assets: the style sheet and the script, at URLs that carry a hash of
// their content so that browsers may keep them for good.

type asset struct {
	data []byte
	ct   string
	tag  string
}

var assets = func() map[string]*asset {
	m := map[string]*asset{}
	entries, _ := fs.ReadDir(assetFiles, "assets")
	for _, e := range entries {
		data, _ := fs.ReadFile(assetFiles, "assets/"+e.Name())
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		m[e.Name()] = &asset{data: data, ct: ct, tag: hex.EncodeToString(sum[:8])}
	}
	return m
}()

func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("no asset " + name) // a template names an asset that is not embedded
	}
	return "/assets/" + name + "?v=" + a.tag
}

func serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ct)
	tag := `"` + a.tag + `"`
	h.Set("ETag", tag)
	if r.URL.Query().Get("v") == a.tag {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if strings.TrimSpace(t) == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Write(a.data)
}
