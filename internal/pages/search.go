package pages

import (
	"context"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

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
	if f == formatJSON {
		if in.Q == "" {
			h.fail(w, r, f, userError(policy.EINVALID, "検索語を入れてください（/search?q=…）。", "give a query: /search?q=…"))
			return
		}
		data, err := h.query(r.Context(), h.searchJSON, in.vars(), nil)
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
		d, err := h.model.search(r.Context(), in)
		if err != nil {
			h.searchFail(w, r, f, in, err)
			return
		}
		v.Result = d
		v.Facets = facetsOf(in, d)
		for _, e := range d.Edges {
			p := e.Node.Provision
			hv := hitView{P: p, Matches: explain(e.Node.Matches), Partial: e.Node.Partial, AlsoIn: alsoIn(e.Node.AlsoIn, e.Node.AlsoInCount)}
			for _, hl := range e.Node.Highlights {
				plain := html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl))
				hv.Fragments = append(hv.Fragments, fragment{HTML: safeHighlight(hl),
					Cut: !strings.HasPrefix(p.Text, plain), CutEnd: !strings.HasSuffix(p.Text, plain)})
			}
			v.Hits = append(v.Hits, hv)
		}
		if d.PageInfo.HasNextPage && d.PageInfo.EndCursor != "" {
			next := in
			next.After = d.PageInfo.EndCursor
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

// alsoIn lists the other years a hit stands for, count in all: the first
// of ps each a link to the provision, named by its document's fiscal year
// (or title).
func alsoIn(ps []provisionData, count int) *alsoView {
	if len(ps) == 0 {
		return nil
	}
	v := &alsoView{More: max(count-maxAlsoIn, 0)}
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

// search runs the search of in, with its filters checked as the API checks
// them, and reads the provisions of the hits in one read of the store.
func (m *model) search(ctx context.Context, in searchInput) (*searchData, error) {
	if m.res.Search == nil {
		return nil, policy.Errorf(policy.EINTERNAL, "search is not served")
	}
	docs, err := m.allDocuments(ctx)
	if err != nil {
		return nil, err
	}
	q := policy.SearchQuery{Query: in.Q, First: searchPageSize, After: in.After, Filter: policy.SearchFilter{
		DocumentID: in.Document, Under: in.Under, Cites: in.Cites, FiscalYears: in.Years, Series: in.Series, NoCollapse: in.EveryYear}}
	for _, k := range in.Kinds {
		q.Filter.Kinds = append(q.Filter.Kinds, policy.Kind(k))
	}
	if err := m.checkFilter(ctx, docs, q.Filter); err != nil {
		return nil, err
	}
	res, err := m.res.Search.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	// The provisions of the hits, and of the other years each stands for
	// those the page links to: a hit of a series of hundreds of years
	// stands for hundreds of provisions, counted, not read.
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ProvisionID)
		ids = append(ids, h.AlsoIn[:min(len(h.AlsoIn), maxAlsoIn)]...)
	}
	byID, err := m.provisions(ctx, ids)
	if err != nil {
		return nil, err
	}
	docOf := func(id string) *documentData {
		if d := docs[id]; d != nil {
			return &documentData{ID: d.ID, Title: d.Title, FiscalYear: d.FiscalYear}
		}
		return &documentData{ID: id}
	}
	out := &searchData{TotalCount: res.TotalCount, Partial: res.Partial}
	for _, h := range res.Hits {
		p := byID[h.ProvisionID]
		if p == nil {
			// Removed from the store by an ingest the index is catching up
			// with: not a hit any more.
			continue
		}
		e := searchEdgeData{Cursor: h.Cursor}
		e.Node.Score, e.Node.Highlights, e.Node.Partial = h.Score, h.Highlights, h.Partial
		for _, mt := range h.Matches {
			e.Node.Matches = append(e.Node.Matches, matchData{Query: mt.Query, Matched: mt.Matched, Via: string(mt.Via)})
		}
		e.Node.Provision = provisionData{ID: p.ID, Kind: string(p.Kind), Level: p.Level, Label: p.Label, Heading: p.Heading,
			Text: p.Text(), Document: docOf(p.DocumentID)}
		e.Node.AlsoInCount = len(h.AlsoIn)
		for _, id := range h.AlsoIn[:min(len(h.AlsoIn), maxAlsoIn)] {
			if a := byID[id]; a != nil {
				e.Node.AlsoIn = append(e.Node.AlsoIn, provisionData{ID: a.ID, Label: a.Label, Document: docOf(a.DocumentID)})
			} else {
				e.Node.AlsoInCount-- // removed by an ingest the index is catching up with
			}
		}
		out.Edges = append(out.Edges, e)
	}
	for _, f := range res.Facets {
		out.Facets = append(out.Facets, facetData{Count: f.Count, Document: *docOf(f.DocumentID)})
	}
	out.PageInfo.HasNextPage = res.HasNextPage
	if n := len(out.Edges); n > 0 {
		out.PageInfo.EndCursor = out.Edges[n-1].Cursor
	}
	return out, nil
}

// checkFilter checks that what a search filter names is stored, as the
// API does: NOT_FOUND for an unknown document, provision, reference or
// series.
func (m *model) checkFilter(ctx context.Context, docs map[string]*policy.Document, f policy.SearchFilter) error {
	if f.DocumentID != "" && docs[f.DocumentID] == nil {
		return policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(f.DocumentID))
	}
	if f.Under != "" {
		ps, err := m.provisions(ctx, []string{f.Under})
		if err != nil {
			return err
		}
		if ps[f.Under] == nil {
			return policy.Errorf(policy.ENOTFOUND, "no provision %q", f.Under)
		}
	}
	if f.Cites != "" {
		refs, err := m.res.References.ReferencesByID(ctx, []string{f.Cites})
		if err != nil {
			return err
		}
		if len(refs) == 0 {
			return policy.Errorf(policy.ENOTFOUND, "no reference %s", policy.Quote(f.Cites))
		}
	}
	if f.Series != "" {
		all := make([]*policy.Document, 0, len(docs))
		for _, d := range docs {
			all = append(all, d)
		}
		if len(policy.SeriesDocuments(all, f.Series)) == 0 {
			return policy.Errorf(policy.ENOTFOUND, "no series %s", policy.Quote(f.Series))
		}
	}
	return nil
}
