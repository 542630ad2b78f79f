package pages

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/policykb/policykb/internal/policy"
)

// reference shows a referenced document and every citation of it.
func (h *Handler) reference(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	req, ok := h.open(w, r, userError(policy.ENOTFOUND, "参照文書「"+clip(slug)+"」はありません。", "no reference %q", clip(slug)), []string{slug})
	if !ok {
		return
	}
	f := req.f
	id := policy.ReferenceIDPrefix + slug
	wrap := func(err error) error {
		return inJapanese(err, policy.ENOTFOUND, "参照文書「%s」はありません。", clip(slug))
	}
	if f == formatJSON {
		h.answerJSON(w, r, referenceJSON, map[string]any{"id": id}, "reference", wrap)
		return
	}
	ref, err := h.model.reference(r.Context(), id)
	if err != nil {
		h.fail(w, r, f, wrap(err))
		return
	}
	v := &referenceView{Ref: ref}
	if id := ref.EGovLawID; id != "" {
		v.EGovURL = "https://laws.e-gov.go.jp/law/" + url.PathEscape(id)
	}
	for _, c := range ref.Citations {
		v.Citations = append(v.Citations, citingView{C: c, Sentence: sentence(c.Source.Text, c.Start, c.End, citationPath(c.ID))})
	}
	h.render(w, r, http.StatusOK, "reference", page{Title: ref.Title, Canonical: referencePath(ref.ID), Body: v})
}

type referenceView struct {
	Ref       *referenceData
	EGovURL   string
	Citations []citingView
}

type citingView struct {
	C        citationData
	Sentence template.HTML
}

// reference reads a reference as its page shows it: with the document of
// the store it is, and every citation of it with the provision that makes
// it and the provision it pinpoints.
func (m *model) reference(ctx context.Context, id string) (*referenceData, error) {
	refs, err := m.res.References.ReferencesByID(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return nil, policy.Errorf(policy.ENOTFOUND, "no reference %s", policy.Quote(id))
	}
	r := refs[0]
	docs, err := m.allDocuments(ctx)
	if err != nil {
		return nil, err
	}
	out := &referenceData{ID: r.ID, Title: r.Title, TitleEn: r.TitleEn, Kind: string(r.Kind), IssuedOn: r.IssuedOn.String(),
		Issuer: r.Issuer, LawNumber: r.LawNumber, EGovLawID: r.EGovLawID, Aliases: r.Aliases, Resolved: r.Resolved}
	for _, d := range r.RevisedOn {
		out.RevisedOn = append(out.RevisedOn, d.String())
	}
	linked, err := m.links.ReferenceDocuments(ctx, []string{id})
	if err != nil {
		return nil, err
	}
	if d := docs[linked[id]]; d != nil {
		out.Document = &documentData{ID: d.ID, Title: d.Title, DecidedOn: d.DecidedOn.String()}
	}
	cs, err := m.res.References.Citations(ctx, policy.CitationFilter{TargetIDs: []string{id}})
	if err != nil || len(cs) == 0 {
		return out, err
	}
	var srcIDs, pinned []string
	for _, c := range cs {
		if !slices.Contains(srcIDs, c.SourceID) {
			srcIDs = append(srcIDs, c.SourceID)
		}
		if c.Pinpoint != "" {
			pinned = append(pinned, c.ID)
		}
	}
	targets, err := m.links.TargetProvisions(ctx, pinned)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		srcIDs = append(srcIDs, t)
	}
	byID, err := m.provisions(ctx, srcIDs)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		cd := citationData{ID: c.ID, Text: c.Text, Start: c.Start, End: c.End, Pinpoint: c.Pinpoint, Form: string(c.Form)}
		if p := byID[c.SourceID]; p != nil {
			cd.Source = &provisionData{ID: p.ID, Kind: string(p.Kind), Label: p.Label, Heading: p.Heading, Text: p.Text()}
			if d := docs[p.DocumentID]; d != nil {
				cd.Source.Document = &documentData{ID: d.ID, Title: d.Title}
			}
		}
		if p := byID[targets[c.ID]]; p != nil {
			cd.TargetProvision = &provisionData{ID: p.ID, Label: p.Label, Heading: p.Heading}
		}
		out.Citations = append(out.Citations, cd)
	}
	return out, nil
}
