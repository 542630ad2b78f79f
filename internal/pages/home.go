package pages

import (
	"context"
	"net/http"
	"slices"

	"github.com/policykb/policykb/internal/policy"
)

// home lists the documents and the references they cite.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	h.list(w, r, homeJSON, "", "policykb")
}

// listJSON starts a page that takes no parameters: it answers errors and,
// where JSON is asked for, the answer of jsonQuery (its field name, or all
// for ""). done says whether it has answered; f is the format asked for.
func (h *Handler) listJSON(w http.ResponseWriter, r *http.Request, jsonQuery, name string) (f format, done bool) {
	req, ok := h.open(w, r, nil, nil)
	if f = req.f; !ok {
		return f, true
	}
	if f != formatJSON {
		return f, false
	}
	data, err := h.query(r.Context(), jsonQuery, nil, nil)
	if err != nil {
		h.fail(w, r, f, err)
		return f, true
	}
	h.writeJSON(w, r, data, name)
	return f, true
}

// groupReferences groups references by kind, in the order of the kinds.
func groupReferences(refs []referenceData) []*refGroup {
	groups := map[string]*refGroup{}
	for _, ref := range refs {
		g := groups[ref.Kind]
		if g == nil {
			g = &refGroup{Kind: ref.Kind}
			groups[ref.Kind] = g
		}
		g.References = append(g.References, ref)
	}
	var out []*refGroup
	for _, k := range policy.ReferenceKinds {
		if g := groups[string(k)]; g != nil {
			out = append(out, g)
		}
	}
	return out
}

// documents lists the documents.
func (h *Handler) documents(w http.ResponseWriter, r *http.Request) {
	h.list(w, r, documentsJSON, "documents", "文書")
}

// references lists every referenced document, grouped by kind.
func (h *Handler) references(w http.ResponseWriter, r *http.Request) {
	h.list(w, r, referencesJSON, "references", "引用されている文書")
}

// list serves the home page ("") or the index page of documents or of
// references (name).
func (h *Handler) list(w http.ResponseWriter, r *http.Request, jsonQuery, name, title string) {
	f, done := h.listJSON(w, r, jsonQuery, name)
	if done {
		return
	}
	d, err := h.model.home(r.Context())
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	if name == "" {
		v := &homeView{Documents: d.Documents, Groups: d.Groups}
		h.render(w, r, http.StatusOK, "home", page{Title: title, Canonical: "/", Body: v, NoSiteSearch: true})
		return
	}
	h.render(w, r, http.StatusOK, name, page{Title: title, Canonical: "/" + name, Body: d})
}

type homeView struct {
	Documents []documentData
	Groups    []*refGroup
	Count     int // of references
}

type refGroup struct {
	Kind       string
	References []referenceData
}

// home returns the documents and the references they cite, grouped by
// kind, read once per store generation.
func (m *model) home(ctx context.Context) (*homeView, error) {
	g, err := m.generation(ctx)
	if err != nil {
		return nil, err
	}
	return g.home.get(func() (*homeView, error) {
		docs, err := m.res.Documents.Documents(ctx)
		if err != nil {
			return nil, err
		}
		refs, err := m.res.References.References(ctx, policy.ReferenceFilter{})
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(refs))
		for i, r := range refs {
			ids[i] = r.ID
		}
		var cs []*policy.Citation
		if len(ids) > 0 {
			if cs, err = m.res.References.Citations(ctx, policy.CitationFilter{TargetIDs: ids}); err != nil {
				return nil, err
			}
		}
		// The provisions that cite each reference, each once.
		citing := map[string][]string{}
		for _, c := range cs {
			if !slices.Contains(citing[c.TargetID], c.SourceID) {
				citing[c.TargetID] = append(citing[c.TargetID], c.SourceID)
			}
		}
		v := &homeView{Count: len(refs)}
		for _, d := range docs {
			v.Documents = append(v.Documents, documentData{ID: d.ID, Title: d.Title, FiscalYear: d.FiscalYear,
				DecidedOn: d.DecidedOn.String(), DecidedBy: d.DecidedBy, PageCount: d.PageCount, Partial: d.Partial})
		}
		list := make([]referenceData, len(refs))
		for i, r := range refs {
			list[i] = referenceData{ID: r.ID, Title: r.Title, TitleEn: r.TitleEn, Kind: string(r.Kind)}
			for _, id := range citing[r.ID] {
				list[i].CitedBy = append(list[i].CitedBy, struct {
					ID string `json:"id"`
				}{id})
			}
		}
		v.Groups = groupReferences(list)
		return v, nil
	})
}
