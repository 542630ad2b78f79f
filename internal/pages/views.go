package pages

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

// home lists the documents and the references they cite.
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	f, done := h.listJSON(w, r, homeJSON, "")
	if done {
		return
	}
	var d struct {
		Documents  []documentData  `json:"documents"`
		References []referenceData `json:"references"`
	}
	if _, err := h.query(r.Context(), homeQuery, nil, &d); err != nil {
		h.fail(w, r, f, err)
		return
	}
	v := &homeView{Documents: d.Documents, Groups: groupReferences(d.References)}
	h.render(w, r, http.StatusOK, "home", page{Title: "policykb", Canonical: "/", Body: v, NoSiteSearch: true})
}

// listJSON starts a page that takes no parameters: it answers errors and,
// where JSON is asked for, the answer of jsonQuery (its field name, or all
// for ""). done says whether it has answered; f is the format asked for.
func (h *Handler) listJSON(w http.ResponseWriter, r *http.Request, jsonQuery, name string) (f format, done bool) {
	f, err := negotiate(r)
	if err == nil {
		_, err = pageParams(r)
	}
	if err != nil {
		h.fail(w, r, f, err)
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

// list serves the index page of documents or of references.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, jsonQuery, name, title string) {
	f, done := h.listJSON(w, r, jsonQuery, name)
	if done {
		return
	}
	var d struct {
		Documents  []documentData  `json:"documents"`
		References []referenceData `json:"references"`
	}
	if _, err := h.query(r.Context(), homeQuery, nil, &d); err != nil {
		h.fail(w, r, f, err)
		return
	}
	v := &homeView{Documents: d.Documents, Groups: groupReferences(d.References), Count: len(d.References)}
	h.render(w, r, http.StatusOK, name, page{Title: title, Canonical: "/" + name, Body: v})
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

// document shows a document: contents, citation graph and full text.
func (h *Handler) document(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	var version int
	if err == nil {
		version, err = pageParams(r, "version")
	}
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	doc := r.PathValue("doc")
	if !validSegment(doc) {
		h.fail(w, r, f, userError(policy.ENOTFOUND, "文書「"+clip(doc)+"」はありません。", "no document %q", clip(doc)))
		return
	}
	vars := map[string]any{"id": doc}
	if version > 0 {
		vars["version"] = version
	}
	if f == formatJSON {
		data, err := h.query(r.Context(), documentJSON, vars, nil)
		if err != nil {
			h.fail(w, r, f, docError(err, doc, version))
			return
		}
		h.writeJSON(w, r, data, "document")
		return
	}
	var d struct {
		Document documentData `json:"document"`
	}
	if _, err := h.query(r.Context(), documentQuery, vars, &d); err != nil {
		h.fail(w, r, f, docError(err, doc, version))
		return
	}
	// The cross-references of the current version; an older version's
	// text is shown with its citations linked, without them.
	var xrefs []*policy.CrossReference
	current := currentVersion(d.Document.Versions)
	if d.Document.Version == current {
		if xrefs, err = h.res.References.CrossReferences(r.Context(), policy.CitationFilter{DocumentID: doc}); err != nil {
			h.fail(w, r, f, err)
			return
		}
	}
	pg := documentPage(&d.Document, xrefs)
	if d.Document.Version != current {
		v := pg.Body.(*documentView)
		v.Historic, v.Current, v.VQ = true, current, "?version="+strconv.Itoa(d.Document.Version)
		pg.Canonical += "?version=" + strconv.Itoa(d.Document.Version)
		pg.NoIndex = true
	}
	h.render(w, r, http.StatusOK, "document", pg)
}

// docError gives the errors of reading a document Japanese messages.
func docError(err error, doc string, version int) error {
	if version > 0 {
		return inJapanese(err, policy.ENOTFOUND, "文書「%s」に第%d版はありません。", clip(doc), version)
	}
	return inJapanese(err, policy.ENOTFOUND, "文書「%s」はありません。", clip(doc))
}

// currentVersion is the number of the version served.
func currentVersion(vs []versionData) int {
	for _, v := range vs {
		if v.Current {
			return v.Number
		}
	}
	return 0
}

// documentPage lays out a document and its cross-references.
func documentPage(d *documentData, xrefs []*policy.CrossReference) page {
	bySource := map[string][]*policy.CrossReference{}
	for _, x := range xrefs {
		bySource[x.SourceID] = append(bySource[x.SourceID], x)
	}
	v := &documentView{Document: *d, Graph: citationGraph(d.Provisions)}
	// The full text in the order of the source: a provision's leading
	// paragraphs, its children, then the paragraphs that follow its
	// children. open holds the provisions whose closing paragraphs are
	// still to come, innermost last.
	type pending struct {
		id    string
		depth int
		paras []template.HTML
		pages []int // pages that begin after its children start
	}
	var open []pending
	lastPage := 0
	closeUntil := func(id string) {
		for len(open) > 0 {
			top := open[len(open)-1]
			if id != "" && strings.HasPrefix(id, top.id+".") {
				return
			}
			open = open[:len(open)-1]
			if len(top.paras) > 0 {
				sv := sectionView{Depth: top.depth, Closing: true, Anchor: localID(top.id), Paragraphs: top.paras}
				for _, pg := range top.pages {
					if pg > lastPage {
						sv.InnerPages = append(sv.InnerPages, pg)
						lastPage = pg
					}
				}
				v.Sections = append(v.Sections, sv)
			}
		}
	}
	for i := range d.Provisions {
		p := &d.Provisions[i]
		closeUntil(p.ID)
		sv := sectionView{P: p, Depth: level(p), Anchor: localID(p.ID), Marker: strings.Join(strings.Fields(p.Marker), "")}
		sv.Indent = min(max(sv.Depth-4, 0), maxIndent)
		var paras []template.HTML
		sv.Heading, paras = richProvision(p, bySource[p.ID], true)
		lead := min(max(p.Leading, 0), len(paras))
		sv.Paragraphs = paras[:lead]
		own := pending{id: p.ID, depth: sv.Depth, paras: paras[lead:]}
		// The first page of its first child, if it has one.
		childPage := 0
		if i+1 < len(d.Provisions) && strings.HasPrefix(d.Provisions[i+1].ID, p.ID+".") && len(d.Provisions[i+1].Pages) > 0 {
			childPage = d.Provisions[i+1].Pages[0]
		}
		// A source page that begins at this provision's first line is
		// marked before it; one that begins further down its own text,
		// after the paragraphs it begins in: the leading ones, or the
		// closing ones where its children start on an earlier page (the
		// source pages of a provision are known, not where in its text
		// each begins).
		for j, pg := range p.Pages {
			if pg <= lastPage {
				continue
			}
			switch {
			case lastPage == 0:
			case j == 0:
				sv.NewPages = append(sv.NewPages, pg)
			case len(own.paras) > 0 && childPage > 0 && childPage < pg:
				own.pages = append(own.pages, pg)
				continue // marked after the closing paragraphs, unless a child claims it
			default:
				sv.InnerPages = append(sv.InnerPages, pg)
			}
			lastPage = pg
		}
		v.Sections = append(v.Sections, sv)
		open = append(open, own)
	}
	closeUntil("")
	v.TOC = tocTree(d.Provisions)
	return page{Title: d.Title, Canonical: docPath(d.ID), Body: v}
}

type documentView struct {
	Document documentData
	// Historic is true when Document is an older version than Current, the
	// version served.
	Historic bool
	Current  int
	VQ       string // "?version=N" on links within an older version
	Sections []sectionView
	TOC      []*tocNode
	Graph    template.HTML
}

// sectionView is one provision in the full text of a document.
type sectionView struct {
	P          *provisionData
	Depth      int // the level: 0 preamble, 1 section, 2 area, 3 item, 4 sub-item, 5 … below
	Indent     int // how far a provision below the fourth level is indented: 1 … maxIndent
	Anchor     string
	Marker     string
	Heading    template.HTML
	Paragraphs []template.HTML
	NewPages   []int // source pages that begin at this provision's first line
	InnerPages []int // source pages that begin further down its text
	// Closing is true for the paragraphs of a provision that follow its
	// children (P is nil then).
	Closing bool
}

type tocNode struct {
	P        *provisionData
	Anchor   string
	Children []*tocNode

	depth int      // the lists it is nested in, from 1
	flat  *tocNode // for a node at maxTOCDepth and below, the one at maxTOCDepth
}

// maxTOCDepth is how deep the table of contents nests: the provisions
// below the provision at that depth are listed in it, in document order,
// not nested further. Browsers build no deeper trees than 512 elements
// (Chromium, and the HTML parsing of Go's x/net/html, flatten the rest).
const maxTOCDepth = 64

// tocTree nests the provisions of a document by their IDs, to any depth
// down to maxTOCDepth.
func tocTree(ps []provisionData) []*tocNode {
	byID := map[string]*tocNode{}
	var roots []*tocNode
	for i := range ps {
		n := &tocNode{P: &ps[i], Anchor: localID(ps[i].ID), depth: 1}
		byID[ps[i].ID] = n
		parent := byID[parentID(ps[i].ID)]
		switch {
		case parent == nil:
			roots = append(roots, n)
		case parent.flat != nil:
			n.depth, n.flat = parent.depth+1, parent.flat
			n.flat.Children = append(n.flat.Children, n)
		default:
			n.depth = parent.depth + 1
			parent.Children = append(parent.Children, n)
		}
		if n.depth == maxTOCDepth {
			n.flat = n
		}
	}
	return roots
}

// maxIndent is the most a provision is indented in the full text: those
// below the fourth level step in up to here, deeper ones stay.
const maxIndent = 4

// level is the level of a provision: 0 for the preamble, 1 for a section
// …, as it says or, where it does not say, as its ID gives.
func level(p *provisionData) int {
	if p.Level > 0 {
		return p.Level
	}
	return policy.LevelOf(p.ID)
}

// parentID is the ID of the provision that encloses the provision id, as
// its ID gives it; "" for one at the top. Unlike policy.AncestorIDs it makes
// one ID, not one per level: documents may number hundreds of levels.
func parentID(id string) string {
	doc, local, ok := policy.SplitID(id)
	i := strings.LastIndexByte(local, '.')
	if !ok || i < 0 {
		return ""
	}
	return doc + ":" + local[:i]
}

// provision shows one provision.
func (h *Handler) provision(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	var version int
	if err == nil {
		version, err = pageParams(r, "version")
	}
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	doc, local := r.PathValue("doc"), r.PathValue("local")
	if !validSegment(doc) || !validSegment(local) {
		h.fail(w, r, f, userError(policy.ENOTFOUND, "文書「"+clip(doc)+"」に項目「"+clip(local)+"」はありません。", "no provision %q in %q", clip(local), clip(doc)))
		return
	}
	if !localRe.MatchString(local) {
		// A label in any form that lookup by label accepts: (2)③ⅰ, (2)3i.
		var d struct {
			Provision struct{ ID string } `json:"provision"`
		}
		if _, err := h.query(r.Context(), labelQuery, map[string]any{"doc": doc, "label": local}, &d); err != nil {
			err = inJapanese(err, policy.ENOTFOUND, "文書「%s」に「%s」という番号の項目はありません。", clip(doc), clip(local))
			h.fail(w, r, f, inJapanese(err, policy.EINVALID, "「%s」に当てはまる項目が複数あります。大項目の番号から指定してください（例：２(2)③）。", clip(local)))
			return
		}
		to := provisionPath(d.Provision.ID)
		if version > 0 {
			to += "?version=" + strconv.Itoa(version)
		}
		redirect(w, r, to, http.StatusSeeOther)
		return
	}
	id := doc + ":" + local
	if version > 0 {
		h.provisionVersion(w, r, f, id, version)
		return
	}
	vars := map[string]any{"id": id}
	if f == formatJSON {
		data, err := h.query(r.Context(), provisionJSON, vars, nil)
		if err != nil {
			h.fail(w, r, f, provError(err, id))
			return
		}
		h.writeJSON(w, r, data, "provision")
		return
	}
	var d struct {
		Provision provisionData `json:"provision"`
	}
	if _, err := h.query(r.Context(), provisionQuery, vars, &d); err != nil {
		h.fail(w, r, f, provError(err, id))
		return
	}
	// The cross-references of the document: the spans of this provision's
	// and the provisions that point to it.
	xrefs, err := h.res.References.CrossReferences(r.Context(), policy.CitationFilter{DocumentID: doc})
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	h.render(w, r, http.StatusOK, "provision", provisionPage(&d.Provision, xrefs))
}

// provError gives the errors of reading a provision Japanese messages.
func provError(err error, id string) error {
	doc, local, _ := policy.SplitID(id)
	return inJapanese(err, policy.ENOTFOUND, "文書「%s」に項目「%s」はありません。", clip(doc), clip(local))
}

// provisionVersion shows a provision as it stands in a given version of its
// document: an older one with a banner naming the current version, and
// without the cross-references, which are those of the current version.
func (h *Handler) provisionVersion(w http.ResponseWriter, r *http.Request, f format, id string, version int) {
	doc, _, _ := policy.SplitID(id)
	vars := map[string]any{"doc": doc, "version": version}
	notFound := userError(policy.ENOTFOUND, "文書「"+clip(doc)+"」の第"+strconv.Itoa(version)+"版に項目「"+clip(localID(id))+"」はありません。",
		"no provision %q in version %d of %q", clip(localID(id)), version, clip(doc))
	if f == formatJSON {
		var d struct {
			Document struct {
				Provisions []json.RawMessage `json:"provisions"`
			} `json:"document"`
		}
		if _, err := h.query(r.Context(), provisionVersionJSON, vars, &d); err != nil {
			h.fail(w, r, f, docError(err, doc, version))
			return
		}
		for _, raw := range d.Document.Provisions {
			var p struct{ ID string }
			if json.Unmarshal(raw, &p) == nil && p.ID == id {
				h.writeJSON(w, r, raw, "")
				return
			}
		}
		h.fail(w, r, f, notFound)
		return
	}
	var d struct {
		Document documentData `json:"document"`
	}
	if _, err := h.query(r.Context(), provisionVersionQuery, vars, &d); err != nil {
		h.fail(w, r, f, docError(err, doc, version))
		return
	}
	var p *provisionData
	for i := range d.Document.Provisions {
		if d.Document.Provisions[i].ID == id {
			q := d.Document.Provisions[i]
			p = &q
		}
	}
	if p == nil {
		h.fail(w, r, f, notFound)
		return
	}
	current := currentVersion(d.Document.Versions)
	p.Document = &d.Document
	var xrefs []*policy.CrossReference
	if d.Document.Version == current {
		var err error
		if xrefs, err = h.res.References.CrossReferences(r.Context(), policy.CitationFilter{DocumentID: doc}); err != nil {
			h.fail(w, r, f, err)
			return
		}
	}
	pg := provisionPage(p, xrefs)
	if d.Document.Version != current {
		v := pg.Body.(*provisionView)
		q := "?version=" + strconv.Itoa(d.Document.Version)
		v.Historic, v.Version, v.Current, v.VQ = true, d.Document.Version, current, q
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

// provisionPage lays out a provision, with the cross-references of its
// document.
func provisionPage(p *provisionData, xrefs []*policy.CrossReference) page {
	relate(p, xrefs)
	var own []*policy.CrossReference
	for _, x := range xrefs {
		if x.SourceID == p.ID {
			own = append(own, x)
		}
	}
	v := &provisionView{P: p, Anchor: localID(p.ID), Document: p.Document, Kind: p.Kind}
	var paras []template.HTML
	v.Heading, paras = richProvision(p, own, false)
	lead := min(max(p.Leading, 0), len(paras))
	v.Paragraphs, v.Closing = paras[:lead], paras[lead:]
	for i, q := range p.Document.Provisions {
		if q.ID != p.ID {
			continue
		}
		if i > 0 {
			v.Prev = &p.Document.Provisions[i-1]
		}
		if i+1 < len(p.Document.Provisions) {
			v.Next = &p.Document.Provisions[i+1]
		}
	}
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

// relate fills a provision's ancestors, children, the provisions it points
// to and those that point to it, from the provisions of its document (in
// document order) and the document's cross-references.
func relate(p *provisionData, xrefs []*policy.CrossReference) {
	p.Ancestors, p.Children, p.CrossReferences, p.ReferencedBy = nil, nil, nil, nil
	byID := make(map[string]*provisionData, len(p.Document.Provisions))
	for i := range p.Document.Provisions {
		byID[p.Document.Provisions[i].ID] = &p.Document.Provisions[i]
	}
	for _, a := range policy.AncestorIDs(p.ID) {
		if q := byID[a]; q != nil {
			p.Ancestors = append(p.Ancestors, *q)
		}
	}
	for _, q := range p.Document.Provisions {
		if parentID(q.ID) == p.ID {
			p.Children = append(p.Children, q)
		}
	}
	to, from := map[string]bool{}, map[string]bool{}
	for _, x := range xrefs {
		if x.SourceID == p.ID && byID[x.TargetID] != nil {
			to[x.TargetID] = true
		}
		if x.TargetID == p.ID && byID[x.SourceID] != nil {
			from[x.SourceID] = true
		}
	}
	for _, q := range p.Document.Provisions { // in document order
		if to[q.ID] {
			p.CrossReferences = append(p.CrossReferences, q)
		}
		if from[q.ID] {
			p.ReferencedBy = append(p.ReferencedBy, q)
		}
	}
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

// reference shows a referenced document and every citation of it.
func (h *Handler) reference(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err == nil {
		_, err = pageParams(r)
	}
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	slug := r.PathValue("slug")
	if !validSegment(slug) {
		h.fail(w, r, f, userError(policy.ENOTFOUND, "参照文書「"+clip(slug)+"」はありません。", "no reference %q", clip(slug)))
		return
	}
	vars := map[string]any{"id": policy.ReferenceIDPrefix + slug}
	if f == formatJSON {
		data, err := h.query(r.Context(), referenceJSON, vars, nil)
		if err != nil {
			h.fail(w, r, f, inJapanese(err, policy.ENOTFOUND, "参照文書「%s」はありません。", clip(slug)))
			return
		}
		h.writeJSON(w, r, data, "reference")
		return
	}
	var d struct {
		Reference referenceData `json:"reference"`
	}
	if _, err := h.query(r.Context(), referenceQuery, vars, &d); err != nil {
		h.fail(w, r, f, inJapanese(err, policy.ENOTFOUND, "参照文書「%s」はありません。", clip(slug)))
		return
	}
	v := &referenceView{Ref: &d.Reference}
	if id := d.Reference.EGovLawID; id != "" {
		v.EGovURL = "https://laws.e-gov.go.jp/law/" + url.PathEscape(id)
	}
	for _, c := range d.Reference.Citations {
		v.Citations = append(v.Citations, citingView{C: c, Sentence: sentence(c.Source.Text, c.Start, c.End, citationPath(c.ID))})
	}
	h.render(w, r, http.StatusOK, "reference", page{Title: d.Reference.Title, Canonical: referencePath(d.Reference.ID), Body: v})
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

// id redirects a canonical ID to its page.
func (h *Handler) id(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err == nil {
		_, err = pageParams(r)
	}
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	id := r.PathValue("id")
	if !validSegment(id) {
		h.fail(w, r, f, userError(policy.ENOTFOUND, "ID「"+clip(id)+"」のものはありません。", "no object with the ID %q", clip(id)))
		return
	}
	var d struct {
		Node *struct {
			Typename string `json:"__typename"`
			ID       string `json:"id"`
			Source   *struct {
				ID string `json:"id"`
			} `json:"source"`
		} `json:"node"`
	}
	if _, err := h.query(r.Context(), nodeQuery, map[string]any{"id": id}, &d); err != nil {
		h.fail(w, r, f, inJapanese(err, policy.ENOTFOUND, "ID「%s」のものはありません。", clip(id)))
		return
	}
	if d.Node == nil {
		h.fail(w, r, f, userError(policy.ENOTFOUND, "ID「"+clip(id)+"」のものはありません。", "no object with the ID %q", clip(id)))
		return
	}
	var to string
	switch d.Node.Typename {
	case "Document":
		to = docPath(d.Node.ID)
	case "Provision":
		to = provisionPath(d.Node.ID)
	case "Reference":
		to = referencePath(d.Node.ID)
	case "Citation":
		to = citationPath(d.Node.ID)
	case "Series":
		to = seriesPath(d.Node.ID)
	default:
		h.fail(w, r, f, userError(policy.ENOTFOUND, "ID「"+clip(id)+"」のページはありません。", "no page for the ID %q", clip(id)))
		return
	}
	redirect(w, r, to, http.StatusSeeOther)
}

// searchParams are the query parameters /search accepts.
var searchParams = map[string]bool{"q": true, "kind": true, "under": true, "cites": true, "document": true, "after": true, "format": true,
	"year": true, "series": true, "collapse": true}

// maxParam bounds the bytes of a search parameter; the search service has
// its own, lower bound on the query in characters.
const maxParam = 2048

// searchPageSize is the number of hits on a page of results.
const searchPageSize = 10

// search shows the hits of a query.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	f, err := negotiate(r)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	in, err := parseSearch(r.URL.Query())
	if err == nil {
		if n := utf8.RuneCountInString(in.Q); n > policy.MaxQueryLength {
			err = userError(policy.EINVALID, fmt.Sprintf("検索語は%d文字までです（いまは%d文字）。短くしてお試しください。", policy.MaxQueryLength, n),
				"search query of %d characters; at most %d", n, policy.MaxQueryLength)
		}
	}
	if err != nil {
		h.searchFail(w, r, f, in, err)
		return
	}
	filter := map[string]any{}
	if in.Document != "" {
		filter["document"] = in.Document
	}
	if len(in.Kinds) > 0 {
		filter["kinds"] = in.Kinds
	}
	if in.Under != "" {
		filter["under"] = in.Under
	}
	if in.Cites != "" {
		filter["cites"] = in.Cites
	}
	if len(in.Years) > 0 {
		filter["fiscalYears"] = in.Years
	}
	if in.Series != "" {
		filter["series"] = in.Series
	}
	if in.EveryYear {
		filter["collapse"] = false
	}
	vars := map[string]any{"q": in.Q, "first": searchPageSize, "filter": filter}
	if in.After != "" {
		vars["after"] = in.After
	}
	if f == formatJSON {
		if in.Q == "" {
			h.fail(w, r, f, userError(policy.EINVALID, "検索語を入れてください（/search?q=…）。", "give a query: /search?q=…"))
			return
		}
		data, err := h.query(r.Context(), h.searchJSON, vars, nil)
		if err != nil {
			h.searchFail(w, r, f, in, err)
			return
		}
		h.writeJSON(w, r, data, "search")
		return
	}
	v := &searchView{In: in}
	if err := h.searchForm(r, v); err != nil {
		h.fail(w, r, f, err)
		return
	}
	if in.Q != "" {
		var d struct {
			Search searchData `json:"search"`
		}
		if _, err := h.query(r.Context(), h.searchQuery, vars, &d); err != nil {
			h.searchFail(w, r, f, in, err)
			return
		}
		v.Result = &d.Search
		v.Facets = facetsOf(in, &d.Search)
		for _, e := range d.Search.Edges {
			p := e.Node.Provision
			hv := hitView{P: p, Matches: explain(e.Node.Matches), Partial: e.Node.Partial, AlsoIn: alsoIn(e.Node.AlsoIn)}
			for _, hl := range e.Node.Highlights {
				plain := html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl))
				hv.Fragments = append(hv.Fragments, fragment{HTML: safeHighlight(hl),
					Cut: !strings.HasPrefix(p.Text, plain), CutEnd: !strings.HasSuffix(p.Text, plain)})
			}
			v.Hits = append(v.Hits, hv)
		}
		if d.Search.PageInfo.HasNextPage && d.Search.PageInfo.EndCursor != "" {
			next := in
			next.After = d.Search.PageInfo.EndCursor
			v.NextURL = next.path()
		}
		if in.After != "" {
			first := in
			first.After = ""
			v.FirstURL = first.path()
		}
	}
	title := "検索"
	if in.Q != "" {
		title = "「" + in.Q + "」の検索結果"
	}
	h.render(w, r, http.StatusOK, "search", page{Title: title, Canonical: in.path(), Query: in.Q, Body: v, NoIndex: in.Q != "", NoSiteSearch: true})
}

// searchFail answers a search that cannot run with the form and the reason.
func (h *Handler) searchFail(w http.ResponseWriter, r *http.Request, f format, in searchInput, err error) {
	if policy.ErrorCode(err) == policy.ENOTFOUND {
		// A filter names an unknown document, provision or reference: the
		// search page exists, the request is wrong.
		err = &jaError{err: &policy.Error{Code: policy.EINVALID, Message: policy.ErrorMessage(err)},
			ja: "絞り込みに指定した文書・項目・参照文書が見つかりません。"}
	}
	err = searchServiceError(err, in)
	code := status(err)
	if f == formatJSON || code != http.StatusBadRequest {
		h.fail(w, r, f, err)
		return
	}
	v := &searchView{In: in, Error: japanese(err)}
	if err := h.searchForm(r, v); err != nil {
		h.fail(w, r, f, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, code, "search", page{Title: "検索できません", Canonical: "/search", Query: in.Q, Body: v, NoIndex: true, NoSiteSearch: true})
}

// searchForm fills the choices of the filters.
func (h *Handler) searchForm(r *http.Request, v *searchView) error {
	var d struct {
		Documents  []documentData  `json:"documents"`
		Sections   []provisionData `json:"sections"`
		Areas      []provisionData `json:"areas"`
		References []referenceData `json:"references"`
	}
	if _, err := h.query(r.Context(), searchFormQuery, nil, &d); err != nil {
		return err
	}
	v.Documents = d.Documents
	v.References = d.References
	sort.SliceStable(v.References, func(i, j int) bool { return v.References[i].Title < v.References[j].Title })
	v.Under = append(d.Sections, d.Areas...)
	sort.SliceStable(v.Under, func(i, j int) bool { return idLess(v.Under[i].ID, v.Under[j].ID) })
	if in := v.In.Under; in != "" && !slices.ContainsFunc(v.Under, func(p provisionData) bool { return p.ID == in }) {
		v.Under = append(v.Under, provisionData{ID: in, Label: localID(in)})
	}
	for _, k := range policy.Kinds {
		v.Kinds = append(v.Kinds, kindChoice{Kind: string(k), Checked: slices.Contains(v.In.Kinds, string(k))})
	}
	years := map[int]bool{}
	for _, y := range v.In.Years {
		years[y] = true
	}
	for _, d := range d.Documents {
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

// maxFacets bounds the documents listed with their counts; maxAlsoIn the
// other years listed for a hit.
const (
	maxFacets = 20
	maxAlsoIn = 12
)

// facetsOf lists the documents a search found, each a link that narrows
// the search to it.
func facetsOf(in searchInput, d *searchData) []facetView {
	var out []facetView
	for _, f := range d.Facets {
		if len(out) == maxFacets {
			break
		}
		narrow := in
		narrow.Document, narrow.After = f.Document.ID, ""
		out = append(out, facetView{Label: documentLabel(f.Document), ID: f.Document.ID, Count: f.Count,
			URL: narrow.path(), Current: in.Document == f.Document.ID})
	}
	return out
}

// documentLabel names a document in a list of the documents of a search:
// its fiscal year and title, or its title.
func documentLabel(d documentData) string {
	if d.FiscalYear > 0 {
		return fmt.Sprintf("%d年度　%s", d.FiscalYear, d.Title)
	}
	return d.Title
}

// alsoIn lists the other years a hit stands for: each a link to the
// provision, named by its document's fiscal year (or title).
func alsoIn(ps []provisionData) *alsoView {
	if len(ps) == 0 {
		return nil
	}
	v := &alsoView{More: max(len(ps)-maxAlsoIn, 0)}
	for _, p := range ps[:min(len(ps), maxAlsoIn)] {
		label := p.ID
		if p.Document != nil {
			label = p.Document.Title
			if p.Document.FiscalYear > 0 {
				label = fmt.Sprintf("%d年度", p.Document.FiscalYear)
			}
		}
		v.Links = append(v.Links, link{Label: label, URL: provisionPath(p.ID), Title: p.ID})
	}
	return v
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

type searchInput struct {
	Q, Document, Under, Cites, After string
	Kinds                            []string
	Years                            []int  // fiscal years (year=2020&year=2021)
	Series                           string // a series ID or key
	EveryYear                        bool   // collapse=0: every document's provision a hit
}

// parseSearch reads and checks the parameters of /search.
func parseSearch(q url.Values) (searchInput, error) {
	var in searchInput
	for k, vs := range q {
		if !searchParams[k] {
			return in, userError(policy.EINVALID, "検索はパラメーター「"+clip(k)+"」を受け付けません（使えるのは q, kind, under, cites, document, year, series, collapse, after, format）。",
				"unknown parameter %q: /search takes q, kind, under, cites, document, year, series, collapse and after", clip(k))
		}
		if k != "kind" && k != "year" && len(vs) > 1 {
			return in, userError(policy.EINVALID, "パラメーター「"+clip(k)+"」は一度だけ指定してください。", "give %s once", k)
		}
		for _, v := range vs {
			if len(v) > maxParam {
				return in, userError(policy.EINVALID, "パラメーター「"+clip(k)+"」が長すぎます。", "parameter %s is longer than %d bytes", k, maxParam)
			}
			if !utf8.ValidString(v) {
				return in, userError(policy.EINVALID, "パラメーター「"+clip(k)+"」の文字を読めません（UTF-8 ではありません）。", "parameter %s is not valid UTF-8", k)
			}
		}
	}
	in.Q = strings.TrimSpace(q.Get("q"))
	in.Document, in.Under, in.Cites, in.After = q.Get("document"), q.Get("under"), q.Get("cites"), q.Get("after")
	if len(q["kind"]) > len(policy.Kinds) {
		return in, userError(policy.EINVALID, "項目の種類（kind）の指定が多すぎます。", "too many kinds")
	}
	for _, k := range q["kind"] {
		if k == "" {
			continue
		}
		kind := policy.Kind(strings.ToUpper(k))
		if !kind.Valid() {
			return in, userError(policy.EINVALID, "項目の種類「"+clip(k)+"」はありません（"+kindList(", ", ", ")+" のいずれか）。",
				"unknown kind %q: use %s", clip(k), kindList(", ", " or "))
		}
		if !slices.Contains(in.Kinds, string(kind)) {
			in.Kinds = append(in.Kinds, string(kind))
		}
	}
	if in.Cites != "" && !strings.HasPrefix(in.Cites, policy.ReferenceIDPrefix) {
		in.Cites = policy.ReferenceIDPrefix + in.Cites
	}
	if len(q["year"]) > 50 {
		return in, userError(policy.EINVALID, "年度（year）の指定が多すぎます。", "too many years")
	}
	for _, y := range q["year"] {
		if y == "" {
			continue
		}
		n, err := strconv.Atoi(y)
		if err != nil || n < 1868 || n > 2999 {
			return in, userError(policy.EINVALID, "年度「"+clip(y)+"」は西暦の年（2020 など）で指定してください。",
				"year %q: give a Gregorian year such as 2020", clip(y))
		}
		if !slices.Contains(in.Years, n) {
			in.Years = append(in.Years, n)
		}
	}
	slices.Sort(in.Years)
	in.Series = q.Get("series")
	switch c := q.Get("collapse"); c {
	case "", "1", "true":
	case "0", "false":
		in.EveryYear = true
	default:
		return in, userError(policy.EINVALID, "collapse は 0 か 1 で指定してください。", "collapse %q: give 0 or 1", clip(c))
	}
	return in, nil
}

// kindList lists the kinds of policy.Kinds, separated by sep, the last two
// by last: "PREAMBLE, SECTION, … or POINT".
func kindList(sep, last string) string {
	var b strings.Builder
	for i, k := range policy.Kinds {
		switch {
		case i == 0:
		case i == len(policy.Kinds)-1:
			b.WriteString(last)
		default:
			b.WriteString(sep)
		}
		b.WriteString(string(k))
	}
	return b.String()
}

// path is the canonical URL of a search: its parameters in a fixed order.
func (in searchInput) path() string {
	var parts []string
	add := func(k, s string) {
		if s != "" {
			parts = append(parts, k+"="+url.QueryEscape(s))
		}
	}
	add("q", in.Q)
	add("document", in.Document)
	for _, k := range in.Kinds {
		parts = append(parts, "kind="+k)
	}
	add("under", in.Under)
	add("cites", strings.TrimPrefix(in.Cites, policy.ReferenceIDPrefix))
	for _, y := range in.Years {
		parts = append(parts, "year="+strconv.Itoa(y))
	}
	add("series", in.Series)
	if in.EveryYear {
		parts = append(parts, "collapse=0")
	}
	add("after", in.After)
	if len(parts) == 0 {
		return "/search"
	}
	return "/search?" + strings.Join(parts, "&")
}

type searchView struct {
	In         searchInput
	Error      string
	Result     *searchData
	Hits       []hitView
	Facets     []facetView // the documents found, with their counts
	NextURL    string
	FirstURL   string
	Documents  []documentData
	References []referenceData
	Under      []provisionData
	Kinds      []kindChoice
	Years      []yearChoice
}

type yearChoice struct {
	Year    int
	Checked bool
}

// facetView is one document of a search's results: how many provisions
// it holds, and the search narrowed to it.
type facetView struct {
	Label, ID, URL string
	Count          int
	Current        bool // the search is narrowed to it
}

// alsoView lists the other years a hit stands for, and how many more are
// not listed.
type alsoView struct {
	Links []link
	More  int
}

type link struct{ Label, URL, Title string }

type kindChoice struct {
	Kind    string
	Checked bool
}

type hitView struct {
	P         provisionData
	Fragments []fragment
	Matches   []matchData
	Partial   bool      // holds only some of the words
	AlsoIn    *alsoView // the other years of the series holding the same text
}

// explain keeps one of each distinct way a word was found.
func explain(ms []matchData) []matchData {
	var out []matchData
	seen := map[matchData]bool{}
	for _, m := range ms {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// fragment is a highlighted part of a hit's text; Cut and CutEnd say
// whether text is left out before and after it.
type fragment struct {
	HTML        template.HTML
	Cut, CutEnd bool
}

type errorView struct {
	Status                int
	Title, Message, Query string
}
