package pages

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// This file fills the filters of the search form.

// searchForm is what the filters of the search form offer, the same for
// every search of a store generation.
type searchForm struct {
	Documents  []documentData
	References []referenceData // by title
	// Under holds the sections and areas of each document, in document
	// order: the scopes the form offers for the document searched.
	Under map[string][]provisionData
}

// searchForm returns the choices of the search form, read once per store
// generation.
func (m *model) searchForm(ctx context.Context) (*searchForm, error) {
	g, err := m.generation(ctx)
	if err != nil {
		return nil, err
	}
	return g.form.get(func() (*searchForm, error) {
		docs, err := m.res.Documents.Documents(ctx)
		if err != nil {
			return nil, err
		}
		form := &searchForm{Under: map[string][]provisionData{}}
		for _, d := range docs {
			form.Documents = append(form.Documents, documentData{ID: d.ID, Title: d.Title, FiscalYear: d.FiscalYear})
		}
		for _, k := range []policy.Kind{policy.KindSection, policy.KindArea} {
			ps, err := m.res.Provisions.Provisions(ctx, policy.ProvisionFilter{Kind: k})
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				form.Under[p.DocumentID] = append(form.Under[p.DocumentID], provisionData{ID: p.ID, Label: p.Label, Heading: p.Heading})
			}
		}
		for _, under := range form.Under {
			sort.SliceStable(under, func(i, j int) bool { return idLess(under[i].ID, under[j].ID) })
		}
		refs, err := m.res.References.References(ctx, policy.ReferenceFilter{})
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			form.References = append(form.References, referenceData{ID: r.ID, Title: r.Title})
		}
		sort.SliceStable(form.References, func(i, j int) bool { return form.References[i].Title < form.References[j].Title })
		return form, nil
	})
}

// searchForm fills the choices of the filters.
func (h *Handler) searchForm(r *http.Request, v *searchView) error {
	form, err := h.model.searchForm(r.Context())
	if err != nil {
		return err
	}
	v.Documents, v.References = form.Documents, form.References
	// The scopes of one document: the one searched, the one the scope
	// asked for is in, or the store's only one. Those of every document
	// of a family would make the page grow with the store.
	doc := v.In.Document
	if doc == "" && v.In.Under != "" {
		doc, _, _ = policy.SplitID(v.In.Under)
	}
	if doc == "" && len(form.Documents) == 1 {
		doc = form.Documents[0].ID
	}
	v.Under = form.Under[doc]
	if in := v.In.Under; in != "" && !slices.ContainsFunc(v.Under, func(p provisionData) bool { return p.ID == in }) {
		v.Under = append(slices.Clip(v.Under), provisionData{ID: in, Label: localID(in)})
	}
	for _, k := range policy.Kinds {
		v.Kinds = append(v.Kinds, kindChoice{Kind: string(k), Checked: slices.Contains(v.In.Kinds, string(k))})
	}
	years := map[int]bool{}
	for _, y := range v.In.Years {
		years[y] = true
	}
	for _, d := range form.Documents {
		if d.FiscalYear > 0 && !slices.ContainsFunc(v.Years, func(c yearChoice) bool { return c.Year == d.FiscalYear }) {
			v.Years = append(v.Years, yearChoice{Year: d.FiscalYear, Checked: years[d.FiscalYear]})
		}
	}
	for _, y := range v.In.Years {
		if !slices.ContainsFunc(v.Years, func(c yearChoice) bool { return c.Year == y }) {
			v.Years = append(v.Years, yearChoice{Year: y, Checked: true})
		}
	}
	sort.Slice(v.Years, func(i, j int) bool { return v.Years[i].Year < v.Years[j].Year })
	return nil
}

// idLess orders provision IDs in document order: by document, then by the
// numbers of the chain.
func idLess(a, b string) bool {
	da, la, _ := policy.SplitID(a)
	db, lb, _ := policy.SplitID(b)
	if da != db {
		return da < db
	}
	if la == "preamble" || lb == "preamble" {
		return la == "preamble" && lb != "preamble"
	}
	pa, pb := strings.Split(la, "."), strings.Split(lb, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		x, _ := strconv.Atoi(pa[i])
		y, _ := strconv.Atoi(pb[i])
		if x != y {
			return x < y
		}
	}
	return len(pa) < len(pb)
}
