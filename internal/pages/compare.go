package pages

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/worddiff"
)

// This file serves two documents compared: /compare/{from}/{to}.

func comparePath(from, to string) string {
	return "/compare/" + url.PathEscape(from) + "/" + url.PathEscape(to)
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

func pairKindName(k string) string { return nameIn(pairKindNames, k) }

// compare shows two documents side by side.
func (h *Handler) compare(w http.ResponseWriter, r *http.Request) {
	from, to := r.PathValue("from"), r.PathValue("to")
	req, ok := h.open(w, r, userError(policy.ENOTFOUND, "比較する文書「"+clip(from)+"」「"+clip(to)+"」はありません。",
		"no document %q or %q", clip(from), clip(to)), []string{from, to}, "only")
	if !ok {
		return
	}
	f := req.f
	only := r.URL.Query().Get("only")
	if only != "" && only != "changes" {
		h.fail(w, r, f, userError(policy.EINVALID, "only には changes を指定してください（変更のあった項目だけを表示します）。", "unknown value %q of only: use changes", clip(only)))
		return
	}
	notFound := func(err error) error {
		return inJapanese(err, policy.ENOTFOUND, "文書「%s」または「%s」はありません。", clip(from), clip(to))
	}
	if f == formatJSON {
		h.answerJSON(w, r, compareJSON, map[string]any{"from": from, "to": to}, "compare", notFound)
		return
	}
	c, err := h.model.compare(r.Context(), from, to)
	if err != nil {
		h.fail(w, r, f, notFound(err))
		return
	}
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

// compare reads two documents side by side, with their neighbours in
// their series.
func (m *model) compare(ctx context.Context, from, to string) (*comparisonData, error) {
	c, err := m.years.Compare(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var series map[string]*policy.Series
	g, err := m.generation(ctx)
	if err == nil {
		series, err = m.seriesOf(ctx, g)
	}
	if err != nil {
		return nil, err
	}
	side := func(d *policy.Document) documentData {
		out := documentData{ID: d.ID, Title: d.Title, FiscalYear: d.FiscalYear, Partial: d.Partial}
		if s := series[d.ID]; s != nil {
			i := s.Index(d.ID)
			if i > 0 {
				out.Previous = &documentData{ID: s.Documents[i-1].ID}
			}
			if i+1 < len(s.Documents) {
				out.Next = &documentData{ID: s.Documents[i+1].ID}
			}
		}
		return out
	}
	pro := func(p *policy.Provision) *provisionData {
		if p == nil {
			return nil
		}
		return &provisionData{ID: p.ID, Kind: string(p.Kind), Level: p.Level, Label: p.Label, Heading: p.Heading, Paragraphs: p.Paragraphs, Text: p.Text()}
	}
	out := &comparisonData{From: side(c.From), To: side(c.To), Pairs: make([]pairData, len(c.Pairs))}
	for i, p := range c.Pairs {
		out.Pairs[i] = pairData{Kind: string(p.Kind), Similarity: p.Similarity, From: pro(p.From), To: pro(p.To)}
	}
	return out, nil
}
