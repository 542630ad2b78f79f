package pages

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// document shows a document: contents, citation graph and full text.
func (h *Handler) document(w http.ResponseWriter, r *http.Request) {
	doc := r.PathValue("doc")
	req, ok := h.open(w, r, userError(policy.ENOTFOUND, "文書「"+clip(doc)+"」はありません。", "no document %q", clip(doc)), []string{doc}, "version")
	if !ok {
		return
	}
	f, version := req.f, req.version
	if f == formatJSON {
		vars := map[string]any{"id": doc}
		if version > 0 {
			vars["version"] = version
		}
		h.answerJSON(w, r, documentJSON, vars, "document", func(err error) error { return docError(err, doc, version) })
		return
	}
	dm, d, err := h.model.documentData(r.Context(), doc, version)
	if err != nil {
		h.fail(w, r, f, docError(err, doc, version))
		return
	}
	// The cross-references of the current version; an older version's
	// text is shown with its citations linked, without them.
	var xrefs []*policy.CrossReference
	current := currentVersion(d.Versions)
	if d.Version == current {
		xrefs = dm.xrefs
	}
	pg := documentPage(d, xrefs)
	if d.Version != current {
		v := pg.Body.(*documentView)
		v.Historic, v.Current, v.VQ = true, current, "?version="+strconv.Itoa(d.Version)
		pg.Canonical += "?version=" + strconv.Itoa(d.Version)
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

// documentData reads a document as its page shows it: the current version
// (version 0) or the version given, with its versions, its place in its
// series, the references that are it, and its provisions with their
// citations.
func (m *model) documentData(ctx context.Context, doc string, version int) (*docModel, *documentData, error) {
	var dm *docModel
	var versions []*policy.Version
	var err error
	if version > 0 {
		dm, versions, err = m.documentVersion(ctx, doc, version)
	} else if dm, err = m.document(ctx, doc); err == nil {
		versions, err = m.versions(ctx, doc)
	}
	if err != nil {
		return nil, nil, err
	}
	g, err := m.generation(ctx)
	if err != nil {
		return nil, nil, err
	}
	src := dm.doc
	d := &documentData{ID: src.ID, Title: src.Title, FiscalYear: src.FiscalYear, DecidedOn: src.DecidedOn.String(),
		DecidedBy: src.DecidedBy, PageCount: src.PageCount, Partial: src.Partial, Version: src.Version}
	for _, v := range versions {
		d.Versions = append(d.Versions, versionData{Number: v.Number, IngestedAt: v.IngestedAtUTC(), ProvisionCount: v.ProvisionCount, Current: v.Current})
	}
	series, err := m.seriesOf(ctx, g)
	if err != nil {
		return nil, nil, err
	}
	if s := series[doc]; s != nil {
		d.Series = &seriesData{ID: s.ID, Title: s.Title}
		i := s.Index(doc)
		if i > 0 {
			p := s.Documents[i-1]
			d.Previous = &documentData{ID: p.ID, Title: p.Title, FiscalYear: p.FiscalYear}
		}
		if i+1 < len(s.Documents) {
			n := s.Documents[i+1]
			d.Next = &documentData{ID: n.ID, Title: n.Title, FiscalYear: n.FiscalYear}
		}
	}
	if d.CitedAs, err = m.citedAs(ctx, doc); err != nil {
		return nil, nil, err
	}
	d.Provisions = make([]provisionData, len(dm.provs))
	for i, q := range dm.provs {
		p := dm.provisionOf(q)
		p.Notes = notesOf(q.Notes)
		for _, c := range dm.cites[q.ID] {
			p.Citations = append(p.Citations, dm.citationOf(c))
		}
		d.Provisions[i] = *p
	}
	return dm, d, nil
}

// versions returns the versions of document doc.
func (m *model) versions(ctx context.Context, doc string) ([]*policy.Version, error) {
	vs, err := m.versionService()
	if err != nil {
		return nil, err
	}
	return vs.Versions(ctx, doc)
}

// citedAs returns the references that are document doc.
func (m *model) citedAs(ctx context.Context, doc string) ([]referenceData, error) {
	ids, err := m.links.DocumentReferences(ctx, []string{doc})
	if err != nil || len(ids[doc]) == 0 {
		return nil, err
	}
	refs, err := m.res.References.ReferencesByID(ctx, ids[doc])
	if err != nil {
		return nil, err
	}
	byID := indexByID(refs, func(r *policy.Reference) string { return r.ID })
	var out []referenceData
	for _, id := range ids[doc] {
		if r := byID[id]; r != nil {
			out = append(out, referenceData{ID: r.ID, Title: r.Title})
		}
	}
	return out, nil
}
