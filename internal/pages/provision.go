package pages

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// provision shows one provision.
func (h *Handler) provision(w http.ResponseWriter, r *http.Request) {
	doc, local := r.PathValue("doc"), r.PathValue("local")
	req, ok := h.open(w, r, userError(policy.ENOTFOUND, "文書「"+clip(doc)+"」に項目「"+clip(local)+"」はありません。",
		"no provision %q in %q", clip(local), clip(doc)), []string{doc, local}, "version")
	if !ok {
		return
	}
	if !localRe.MatchString(local) {
		h.provisionByLabel(w, r, req, doc, local)
		return
	}
	id := doc + ":" + local
	if req.version > 0 {
		h.provisionVersion(w, r, req, id)
		return
	}
	if req.f == formatJSON {
		h.answerJSON(w, r, provisionJSON, map[string]any{"id": id}, "provision", func(err error) error { return provError(err, id) })
		return
	}
	d, err := h.model.document(r.Context(), doc)
	if err != nil {
		h.fail(w, r, req.f, provError(err, id))
		return
	}
	v, err := h.model.provisionView(r.Context(), d, id, true, true)
	if err != nil {
		h.fail(w, r, req.f, provError(err, id))
		return
	}
	h.render(w, r, http.StatusOK, "provision", provisionPage(v))
}

// provisionByLabel redirects a label in any form that lookup by label
// accepts — (2)③ⅰ, (2)3i — to the provision's page.
func (h *Handler) provisionByLabel(w http.ResponseWriter, r *http.Request, req request, doc, label string) {
	p, err := h.model.byLabel(r.Context(), doc, label)
	if err != nil {
		err = inJapanese(err, policy.ENOTFOUND, "文書「%s」に「%s」という番号の項目はありません。", clip(doc), clip(label))
		h.fail(w, r, req.f, inJapanese(err, policy.EINVALID, "「%s」に当てはまる項目が複数あります。大項目の番号から指定してください（例：２(2)③）。", clip(label)))
		return
	}
	to := provisionPath(p.ID)
	if req.version > 0 {
		to += "?version=" + strconv.Itoa(req.version)
	}
	redirect(w, r, to, http.StatusSeeOther)
}

// provError gives the errors of reading a provision Japanese messages.
func provError(err error, id string) error {
	doc, local, _ := policy.SplitID(id)
	return inJapanese(err, policy.ENOTFOUND, "文書「%s」に項目「%s」はありません。", clip(doc), clip(local))
}

// provisionVersion shows a provision as it stands in a given version of its
// document: an older one with a banner naming the current version, and
// without the cross-references, which are those of the current version.
func (h *Handler) provisionVersion(w http.ResponseWriter, r *http.Request, req request, id string) {
	doc, _, _ := policy.SplitID(id)
	notFound := userError(policy.ENOTFOUND, "文書「"+clip(doc)+"」の第"+strconv.Itoa(req.version)+"版に項目「"+clip(localID(id))+"」はありません。",
		"no provision %q in version %d of %q", clip(localID(id)), req.version, clip(doc))
	if req.f == formatJSON {
		h.provisionVersionJSON(w, r, id, req.version, notFound)
		return
	}
	d, versions, err := h.model.documentVersion(r.Context(), doc, req.version)
	if err != nil {
		h.fail(w, r, req.f, docError(err, doc, req.version))
		return
	}
	current := 0
	for _, v := range versions {
		if v.Current {
			current = v.Number
		}
	}
	if d.provision(id) == nil {
		h.fail(w, r, req.f, notFound)
		return
	}
	historic := d.doc.Version != current
	v, err := h.model.provisionView(r.Context(), d, id, false, !historic)
	if err != nil {
		h.fail(w, r, req.f, err)
		return
	}
	v.Document.Version = d.doc.Version
	pg := provisionPage(v)
	if historic {
		v := pg.Body.(*provisionView)
		q := "?version=" + strconv.Itoa(d.doc.Version)
		v.Historic, v.Version, v.Current, v.VQ = true, d.doc.Version, current, q
		pg.Canonical += q
		pg.NoIndex = true
		if pg.Prev != "" {
			pg.Prev += q
		}
		if pg.Next != "" {
			pg.Next += q
		}
	}
	h.render(w, r, http.StatusOK, "provision", pg)
}

// provisionVersionJSON answers the JSON of a provision of a version of its
// document: the provision as the document's provisions list it.
func (h *Handler) provisionVersionJSON(w http.ResponseWriter, r *http.Request, id string, version int, notFound error) {
	doc, _, _ := policy.SplitID(id)
	var d struct {
		Document struct {
			Provisions []json.RawMessage `json:"provisions"`
		} `json:"document"`
	}
	if _, err := h.query(r.Context(), provisionVersionJSON, map[string]any{"doc": doc, "version": version}, &d); err != nil {
		h.fail(w, r, formatJSON, docError(err, doc, version))
		return
	}
	for _, raw := range d.Document.Provisions {
		var p struct{ ID string }
		if json.Unmarshal(raw, &p) == nil && p.ID == id {
			h.writeJSON(w, r, raw, "")
			return
		}
	}
	h.fail(w, r, formatJSON, notFound)
}

// provisionPageData is a provision as its page shows it.
type provisionPageData struct {
	*provisionData
	Prev, Next *provisionData
	// Own are the cross-references the provision makes.
	Own []*policy.CrossReference
}

// provisionView reads the provision id of d as its page shows it: with its
// ancestors, children and neighbours; where xrefs, the provisions it
// points to and those that point to it; and where live (d the current
// version), its counterparts in the other years and the citations that
// pinpoint it.
func (m *model) provisionView(ctx context.Context, d *docModel, id string, live, xrefs bool) (*provisionPageData, error) {
	i, ok := d.index[id]
	if !ok {
		return nil, policy.Errorf(policy.ENOTFOUND, "no provision %q", id)
	}
	q := d.provs[i]
	p := d.provisionOf(q)
	p.Text = q.Text()
	p.Notes = notesOf(q.Notes)
	p.Document = &documentData{ID: d.doc.ID, Title: d.doc.Title, Partial: d.doc.Partial, FiscalYear: d.doc.FiscalYear}
	v := &provisionPageData{provisionData: p}
	if i > 0 {
		v.Prev = d.outline(d.provs[i-1])
	}
	if i+1 < len(d.provs) {
		v.Next = d.outline(d.provs[i+1])
	}
	for _, a := range policy.AncestorIDs(id) {
		if a := d.provision(a); a != nil {
			p.Ancestors = append(p.Ancestors, *d.outline(a))
		}
	}
	for _, c := range d.children[id] {
		p.Children = append(p.Children, *d.outline(c))
	}
	if xrefs {
		v.Own = d.xsrc[id]
		p.CrossReferences = d.related(d.xsrc[id], func(x *policy.CrossReference) string { return x.TargetID })
		p.ReferencedBy = d.related(d.xtgt[id], func(x *policy.CrossReference) string { return x.SourceID })
	}
	for _, c := range d.cites[id] {
		cd := d.citationOf(c)
		if !live {
			// As the page of a version always showed them: without the
			// provisions they pinpoint.
			cd.TargetProvision = nil
		}
		p.Citations = append(p.Citations, cd)
	}
	if !live {
		return v, nil
	}
	g, err := m.generation(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.yearsOf(ctx, g, p); err != nil {
		return nil, err
	}
	return v, m.incoming(ctx, g, p)
}

// yearsOf fills the series of p's document and p's counterparts in it.
func (m *model) yearsOf(ctx context.Context, g *generation, p *provisionData) error {
	series, err := m.seriesOf(ctx, g)
	if err != nil {
		return err
	}
	s := series[p.Document.ID]
	if s == nil {
		return nil
	}
	p.Document.Series = &seriesData{ID: s.ID, Title: s.Title}
	for _, d := range s.Documents {
		p.Document.Series.Documents = append(p.Document.Series.Documents, documentData{ID: d.ID, Title: d.Title, FiscalYear: d.FiscalYear})
	}
	cps, err := m.counterparts(ctx, g, s, p.ID)
	if err != nil {
		return err
	}
	for _, c := range cps {
		p.Counterparts = append(p.Counterparts, provisionData{ID: c.ID, Label: c.Label, Heading: c.Heading, Document: &documentData{ID: c.DocumentID}})
	}
	return nil
}

// incoming fills the citations of other documents that pinpoint p.
func (m *model) incoming(ctx context.Context, g *generation, p *provisionData) error {
	in, err := m.links.IncomingCitations(ctx, []string{p.ID})
	if err != nil || len(in[p.ID]) == 0 {
		return err
	}
	var ids []string
	for _, c := range in[p.ID] {
		ids = append(ids, c.SourceID)
	}
	src, err := m.provisions(ctx, ids)
	if err != nil {
		return err
	}
	docs, err := m.documents(ctx, g)
	if err != nil {
		return err
	}
	for _, c := range in[p.ID] {
		cd := citationData{ID: c.ID, Text: c.Text, Start: c.Start, End: c.End, Pinpoint: c.Pinpoint, Form: string(c.Form)}
		if q := src[c.SourceID]; q != nil {
			cd.Source = &provisionData{ID: q.ID, Label: q.Label, Heading: q.Heading, Text: q.Text()}
			if d := docs[q.DocumentID]; d != nil {
				cd.Source.Document = &documentData{ID: d.ID, Title: d.Title}
			}
		}
		p.Incoming = append(p.Incoming, cd)
	}
	return nil
}

// provisionPage lays out a provision.
func provisionPage(d *provisionPageData) page {
	p := d.provisionData
	v := &provisionView{P: p, Anchor: localID(p.ID), Document: p.Document, Kind: p.Kind, Prev: d.Prev, Next: d.Next}
	var paras []template.HTML
	v.Heading, paras = richProvision(p, d.Own, false)
	lead := min(max(p.Leading, 0), len(paras))
	v.Paragraphs, v.Closing = paras[:lead], paras[lead:]
	seen := map[string]bool{}
	for _, c := range p.Citations {
		if !seen[c.Target.ID] {
			seen[c.Target.ID] = true
			v.Cited = append(v.Cited, citedRef{Ref: c.Target})
		}
		for j := range v.Cited {
			if v.Cited[j].Ref.ID == c.Target.ID {
				v.Cited[j].Citations = append(v.Cited[j].Citations, c)
			}
		}
	}
	v.Years = years(p)
	for _, c := range p.Incoming {
		v.Incoming = append(v.Incoming, citingView{C: c, Sentence: sentence(c.Source.Text, c.Start, c.End, citationPath(c.ID))})
	}
	pg := page{Title: provisionTitle(p) + " — " + p.Document.Title, Canonical: provisionPath(p.ID), Body: v}
	if v.Prev != nil {
		pg.Prev = provisionPath(v.Prev.ID)
	}
	if v.Next != nil {
		pg.Next = provisionPath(v.Next.ID)
	}
	return pg
}

type provisionView struct {
	P *provisionData
	// Historic is true when P is read from Version, an older version of
	// its document than Current.
	Historic         bool
	Version, Current int
	VQ               string // "?version=N" on links within an older version
	Anchor           string
	Kind             string
	Document         *documentData
	Heading          template.HTML
	Paragraphs       []template.HTML // those before the children
	Closing          []template.HTML // those after the children
	Prev, Next       *provisionData
	Cited            []citedRef
	// Years are the documents of its series, each with the provision
	// that continues it there; Incoming, the citations of other
	// documents that name it.
	Years    []yearView
	Incoming []citingView
}

type citedRef struct {
	Ref       *referenceData
	Citations []citationData
}

// provisionTitle is a provision's label and heading: "２(2)③ 政府機関等…".
func provisionTitle(p *provisionData) string {
	if p.Heading == "" {
		return p.Label
	}
	return p.Label + "　" + p.Heading
}

// byLabel returns the provision of document doc with the label given, in
// any form that lookup by label accepts, with the errors of the API's
// provision(document:, label:).
func (m *model) byLabel(ctx context.Context, doc, label string) (*policy.Provision, error) {
	docs, err := m.allDocuments(ctx)
	if err != nil {
		return nil, err
	}
	if docs[doc] == nil {
		return nil, policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(doc))
	}
	ps, err := m.res.Provisions.ProvisionsByLabel(ctx, doc, label)
	switch {
	case err != nil:
		return nil, err
	case len(ps) == 0:
		return nil, policy.Errorf(policy.ENOTFOUND, "no provision labelled %q in %s", label, doc)
	case len(ps) > 1:
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		return nil, policy.Errorf(policy.EINVALID, "label %q is ambiguous: %s; give document or the full label", label, strings.Join(ids, ", "))
	}
	return ps[0], nil
}
