package pages

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/worddiff"
)

// This file serves the pages that put documents side by side: two
// documents compared (/compare/{from}/{to}) and a series with the line of
// each provision through its years (/series/{slug}).

func comparePath(from, to string) string {
	return "/compare/" + url.PathEscape(from) + "/" + url.PathEscape(to)
}

func seriesPath(id string) string {
	return "/series/" + url.PathEscape(strings.TrimPrefix(id, policy.SeriesIDPrefix))
}

// pairAnchor is the anchor of a pair on the comparison page: its provision
// in the later document, or for a removed one its provision in the
// earlier.
func pairAnchor(from, to *provisionData) string {
	if to != nil {
		return "p-" + localID(to.ID)
	}
	if from != nil {
		return "r-" + localID(from.ID)
	}
	return ""
}

// pairKindNames are the pair kinds as the pages name them.
var pairKindNames = map[string]string{
	string(policy.PairSame):    "同じ",
	string(policy.PairChanged): "変更",
	string(policy.PairMoved):   "移動",
	string(policy.PairAdded):   "追加",
	string(policy.PairRemoved): "削除",
}

func pairKindName(k string) string {
	if n, ok := pairKindNames[k]; ok {
		return n
	}
	return k
}

// compare shows two documents side by side.
func (h *Handler) compare(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err == nil {
		_, err = pageParams(r, "only")
	}
	only := r.URL.Query().Get("only")
	if err == nil && only != "" && only != "changes" {
		err = userError(policy.EINVALID, "only には changes を指定してください（変更のあった項目だけを表示します）。", "unknown value %q of only: use changes", clip(only))
	}
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	from, to := r.PathValue("from"), r.PathValue("to")
	if !validSegment(from) || !validSegment(to) {
		h.fail(w, r, f, userError(policy.ENOTFOUND, "比較する文書「"+clip(from)+"」「"+clip(to)+"」はありません。", "no document %q or %q", clip(from), clip(to)))
		return
	}
	vars := map[string]any{"from": from, "to": to}
	notFound := func(err error) error {
		return inJapanese(err, policy.ENOTFOUND, "文書「%s」または「%s」はありません。", clip(from), clip(to))
	}
	if f == formatJSON {
		data, err := h.query(r.Context(), compareJSON, vars, nil)
		if err != nil {
			h.fail(w, r, f, notFound(err))
			return
		}
		h.writeJSON(w, r, data, "compare")
		return
	}
	var d struct {
		Compare comparisonData `json:"compare"`
	}
	if _, err := h.query(r.Context(), compareQuery, vars, &d); err != nil {
		h.fail(w, r, f, notFound(err))
		return
	}
	c := &d.Compare
	v := &compareView{C: c, Only: only != ""}
	counts := map[string]int{}
	for _, p := range c.Pairs {
		counts[p.Kind]++
		if v.Only && p.Kind == string(policy.PairSame) {
			continue
		}
		v.Rows = append(v.Rows, pairRow(p))
	}
	for _, k := range policy.PairKinds {
		v.Counts = append(v.Counts, kindCount{Kind: string(k), Name: pairKindName(string(k)), N: counts[string(k)]})
	}
	// The years before and after, where the two are consecutive in a series.
	if c.From.Next != nil && c.From.Next.ID == c.To.ID {
		if c.From.Previous != nil {
			v.Before = comparePath(c.From.Previous.ID, c.From.ID)
		}
		if c.To.Next != nil {
			v.After = comparePath(c.To.ID, c.To.Next.ID)
		}
	}
	canonical := comparePath(from, to)
	if v.Only {
		canonical += "?only=changes"
	}
	v.All, v.Changes = comparePath(from, to), comparePath(from, to)+"?only=changes"
	title := fmt.Sprintf("比較：%s → %s", c.From.Title, c.To.Title)
	h.render(w, r, http.StatusOK, "compare", page{Title: title, Canonical: canonical, Body: v})
}

type compareView struct {
	C            *comparisonData
	Counts       []kindCount
	Rows         []compareRow
	Only         bool
	All, Changes string // the page with every pair, with the changes only
	Before       string // the comparison of the years before, if any
	After        string // the comparison of the years after, if any
}

type kindCount struct {
	Kind, Name string
	N          int
}

// compareRow is one pair, its texts marked: words deleted in <del> on the
// left, inserted in <ins> on the right.
type compareRow struct {
	Kind, KindName string
	Similarity     string
	Anchor         string
	From, To       *provisionData
	FromHeading    template.HTML
	ToHeading      template.HTML
	FromParas      []template.HTML
	ToParas        []template.HTML
}

func pairRow(p pairData) compareRow {
	row := compareRow{Kind: p.Kind, KindName: pairKindName(p.Kind), From: p.From, To: p.To, Anchor: pairAnchor(p.From, p.To),
		Similarity: fmt.Sprintf("%.3f", p.Similarity)}
	var fh, th, fp, tp string
	if p.From != nil {
		fh, fp = p.From.Heading, strings.Join(p.From.Paragraphs, "\n")
	}
	if p.To != nil {
		th, tp = p.To.Heading, strings.Join(p.To.Paragraphs, "\n")
	}
	// A provision added or removed is not marked word by word: its row
	// says so.
	mark := p.From != nil && p.To != nil
	heading := worddiff.Diff(fh, th)
	paras := worddiff.Diff(fp, tp)
	row.FromHeading, row.ToHeading = markSide(heading, worddiff.Delete, "del", mark)[0], markSide(heading, worddiff.Insert, "ins", mark)[0]
	if p.From != nil {
		row.FromParas = markSide(paras, worddiff.Delete, "del", mark)
	}
	if p.To != nil {
		row.ToParas = markSide(paras, worddiff.Insert, "ins", mark)
	}
	return row
}

// markSide renders one side of a diff — the segments equal and those of
// op — as paragraphs (split at line breaks), the segments of op in the
// element tag where mark is true.
func markSide(segs []worddiff.Segment, op worddiff.Op, tag string, mark bool) []template.HTML {
	var paras []template.HTML
	var cur strings.Builder
	for _, s := range segs {
		if s.Op != worddiff.Equal && s.Op != op {
			continue
		}
		for i, piece := range strings.Split(s.Text, "\n") {
			if i > 0 {
				paras = append(paras, template.HTML(cur.String()))
				cur.Reset()
			}
			if piece == "" {
				continue
			}
			if s.Op == op && mark {
				cur.WriteString("<" + tag + ">" + html.EscapeString(piece) + "</" + tag + ">")
			} else {
				cur.WriteString(html.EscapeString(piece))
			}
		}
	}
	return append(paras, template.HTML(cur.String()))
}

// series shows a series: its documents and the line of each provision
// through them.
func (h *Handler) series(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err == nil {
		_, err = pageParams(r)
	}
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	slug := r.PathValue("slug")
	if rest, ok := strings.CutPrefix(slug, policy.SeriesIDPrefix); ok && rest != "" {
		// The whole ID: /series/series:cs-budget-policy.
		redirect(w, r, seriesPath(rest), http.StatusMovedPermanently)
		return
	}
	id := policy.SeriesIDPrefix + slug
	notFound := userError(policy.ENOTFOUND, "シリーズ「"+clip(slug)+"」はありません。", "no series %q", clip(id))
	if !validSegment(slug) {
		h.fail(w, r, f, notFound)
		return
	}
	vars := map[string]any{"id": id}
	if f == formatJSON {
		data, err := h.query(r.Context(), seriesJSON, vars, nil)
		if err != nil {
			h.fail(w, r, f, inJapanese(err, policy.ENOTFOUND, "シリーズ「%s」はありません。", clip(slug)))
			return
		}
		h.writeJSON(w, r, data, "node")
		return
	}
	var d struct {
		Node *seriesData `json:"node"`
	}
	if _, err := h.query(r.Context(), seriesQuery, vars, &d); err != nil {
		h.fail(w, r, f, inJapanese(err, policy.ENOTFOUND, "シリーズ「%s」はありません。", clip(slug)))
		return
	}
	if d.Node == nil || d.Node.ID == "" {
		h.fail(w, r, f, notFound)
		return
	}
	s := d.Node
	v := &seriesView{S: s}
	for i := 0; i+1 < len(s.Documents); i++ {
		v.Compares = append(v.Compares, compareLink{From: s.Documents[i], To: s.Documents[i+1],
			URL: comparePath(s.Documents[i].ID, s.Documents[i+1].ID)})
	}
	for _, l := range s.Lines {
		row := make([]lineCellView, len(l.Cells))
		for k, c := range l.Cells {
			cv := lineCellView{Kind: c.Kind, KindName: pairKindName(c.Kind), P: c.Provision}
			if k > 0 && c.Provision != nil && c.Kind != "" {
				cv.Compare = comparePath(s.Documents[k-1].ID, s.Documents[k].ID) + "#" + pairAnchor(nil, c.Provision)
				if c.Kind != string(policy.PairAdded) {
					cv.Similarity = fmt.Sprintf("%.3f", c.Similarity)
				}
			}
			row[k] = cv
		}
		v.Rows = append(v.Rows, row)
	}
	h.render(w, r, http.StatusOK, "series", page{Title: s.Title, Canonical: seriesPath(s.ID), Body: v})
}

type seriesView struct {
	S        *seriesData
	Compares []compareLink
	Rows     [][]lineCellView
}

type compareLink struct {
	From, To documentData
	URL      string
}

// lineCellView is one year of a line: its provision, and how it came from
// the year before.
type lineCellView struct {
	P              *provisionData
	Kind, KindName string
	Similarity     string
	Compare        string // the pair on the comparison with the year before
}

// yearView is one document of a provision's series on the provision's
// page: the provision that continues it there, if any.
type yearView struct {
	Doc     documentData
	P       *provisionData
	This    bool
	Compare string // the pair on the comparison with this document's year
}

// years lays out the other years of p's series: for each document, the
// counterpart of p there.
func years(p *provisionData) []yearView {
	if p.Document == nil || p.Document.Series == nil || len(p.Document.Series.Documents) < 2 {
		return nil
	}
	byDoc := map[string]*provisionData{}
	for i := range p.Counterparts {
		q := &p.Counterparts[i]
		if doc, _, ok := policy.SplitID(q.ID); ok {
			byDoc[doc] = q
		}
	}
	var out []yearView
	before := true
	for _, d := range p.Document.Series.Documents {
		y := yearView{Doc: d}
		switch {
		case d.ID == p.Document.ID:
			y.This, y.P, before = true, p, false
		case before:
			y.P = byDoc[d.ID]
			y.Compare = comparePath(d.ID, p.Document.ID) + "#" + pairAnchor(y.P, p)
		default:
			y.P = byDoc[d.ID]
			y.Compare = comparePath(p.Document.ID, d.ID) + "#" + pairAnchor(p, y.P)
		}
		out = append(out, y)
	}
	return out
}
