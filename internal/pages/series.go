package pages

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// This file serves a series with the line of each provision through its
// years (/series/{slug}), and lays out those years on a provision's page.

func seriesPath(id string) string {
	return "/series/" + url.PathEscape(strings.TrimPrefix(id, policy.SeriesIDPrefix))
}

// series shows a series: its documents and the line of each provision
// through them.
func (h *Handler) series(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	notFound := userError(policy.ENOTFOUND, "シリーズ「"+clip(slug)+"」はありません。", "no series %q", clip(policy.SeriesIDPrefix+slug))
	req, ok := h.open(w, r, notFound, nil)
	if !ok {
		return
	}
	f := req.f
	if rest, ok := strings.CutPrefix(slug, policy.SeriesIDPrefix); ok && rest != "" {
		// The whole ID: /series/series:cs-budget-policy.
		redirect(w, r, seriesPath(rest), http.StatusMovedPermanently)
		return
	}
	id := policy.SeriesIDPrefix + slug
	if !validSegment(slug) {
		h.fail(w, r, f, notFound)
		return
	}
	wrap := func(err error) error {
		return inJapanese(err, policy.ENOTFOUND, "シリーズ「%s」はありません。", clip(slug))
	}
	if f == formatJSON {
		h.answerJSON(w, r, seriesJSON, map[string]any{"id": id}, "node", wrap)
		return
	}
	s, err := h.model.series(r.Context(), id)
	if err != nil {
		h.fail(w, r, f, wrap(err))
		return
	}
	if s == nil {
		h.fail(w, r, f, notFound)
		return
	}
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
	URL     string // the page of P
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
		if y.P != nil {
			y.URL = provisionPath(y.P.ID)
		}
		out = append(out, y)
	}
	return out
}

// series reads a series and the lines of its provisions; nil for an
// unknown series.
func (m *model) series(ctx context.Context, id string) (*seriesData, error) {
	all, err := m.years.Series(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(s *policy.Series) bool { return s.ID == id })
	if i < 0 {
		return nil, nil
	}
	s := all[i]
	lines, err := m.years.Lines(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	out := &seriesData{ID: s.ID, Title: s.Title}
	for _, d := range s.Documents {
		out.Documents = append(out.Documents, documentData{ID: d.ID, Title: d.Title, FiscalYear: d.FiscalYear, DecidedOn: d.DecidedOn.String(), Partial: d.Partial})
	}
	out.Lines = make([]struct {
		Cells []lineCellData `json:"cells"`
	}, len(lines))
	for i, l := range lines {
		cells := make([]lineCellData, len(l.Cells))
		for k, c := range l.Cells {
			// As the API answers a cell: its kind wherever it has one, its
			// similarity only beside a provision.
			cells[k].Kind = string(c.Kind)
			if c.Provision != nil {
				cells[k].Provision = &provisionData{ID: c.Provision.ID, Label: c.Provision.Label, Heading: c.Provision.Heading}
				cells[k].Similarity = c.Similarity
			}
		}
		out.Lines[i].Cells = cells
	}
	return out, nil
}
