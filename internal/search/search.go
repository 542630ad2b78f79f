package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/unicode/norm"
)

// Search runs q over the provisions. Hits are ordered by score, then by ID,
// so that pages fit together exactly. When no provision holds every word of
// the query, the hits are those holding the most of them (the result is
// Partial), ordered by how many they hold, then by score and ID.
func (x *Index) Search(ctx context.Context, q policy.SearchQuery) (*policy.SearchResult, error) {
	if q.First < 1 || q.First > policy.MaxSearchFirst {
		return nil, policy.Errorf(policy.EINVALID, "first must be between 1 and %d", policy.MaxSearchFirst)
	}
	offset := 0
	if q.After != "" {
		n, err := decodeCursor(q.After)
		if err != nil {
			return nil, err
		}
		offset = n + 1
	}
	clauses, err := parseQuery(q.Query)
	if err != nil {
		return nil, err
	}
	if err := x.Sync(ctx); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	key := cacheKey(q)
	if res, ok := x.cache.get(key, x.gen); ok {
		return res, nil
	}
	if x.strategy != Morphology {
		return x.searchWith(ctx, clauses, q, offset)
	}
	clauses = x.mergeEnglish(clauses)
	var units, positive []*unit
	var must, not []query.Query
	for _, c := range clauses {
		u := x.unitOf(c)
		units = append(units, u)
		bq := u.bleveQuery()
		switch {
		case bq == nil:
		case c.negate:
			not = append(not, bq)
		default:
			must = append(must, bq)
			positive = append(positive, u)
		}
	}
	out := &policy.SearchResult{Hits: []policy.SearchHit{}}
	if len(must) == 0 {
		return out, nil
	}
	filters := filterQueries(q.Filter)
	res, err := x.run(ctx, boolQuery(append(must, filters...), not), q.First, offset)
	if err != nil {
		return nil, err
	}
	pages := []*bleve.SearchResult{res}
	out.TotalCount = int(res.Total)
	if res.Total == 0 {
		// Partial matches: the words of the query, or the parts of its one
		// compound word.
		var partial []*unit
		if len(positive) == 1 {
			for _, c := range clauses {
				if !c.negate {
					partial = x.parts(c)
				}
			}
			units = append(units, partial...)
		} else {
			partial = positive
		}
		if len(partial) >= 2 && len(partial) <= maxPartialWords {
			pages, out.TotalCount, err = x.partial(ctx, partial, filters, not, q.First, offset)
			if err != nil {
				return nil, err
			}
			out.Partial = out.TotalCount > 0
		}
	}
	var hitIDs []string
	for _, page := range pages {
		for _, h := range page.Hits {
			hitIDs = append(hitIDs, h.ID)
		}
	}
	located, err := x.locate(ctx, hitIDs, termsOf(units))
	if err != nil {
		return nil, err
	}
	i := 0
	for _, page := range pages {
		for _, h := range page.Hits {
			text := x.texts[h.ID]
			locs := located[h.ID]
			out.Hits = append(out.Hits, policy.SearchHit{
				ProvisionID: h.ID, Score: h.Score, Cursor: encodeCursor(offset + i),
				Highlights: highlightSpans(text, spansOf(units, locs)),
				Matches:    explain(units, text, locs),
			})
			i++
		}
	}
	out.HasNextPage = offset+len(out.Hits) < out.TotalCount
	out.HasPreviousPage = min(offset, out.TotalCount) > 0
	x.cache.put(key, x.gen, out)
	return out, nil
}

// maxPartialWords bounds the words of a query answered with partial
// matches.
const maxPartialWords = 32

// heldWeight is what holding one more word of a query adds to the score of
// a partial match: more than any sum of term scores, so that provisions
// holding more words come first, and by score among those holding as many.
const heldWeight = 1000

// partial returns the page of provisions holding the most of units (none
// holds them all), and the number of provisions holding any. Each unit
// scores heldWeight where it holds, on top of its own score (heldQuery);
// bleve's disjunction sums them (and scales the sum by the share of units
// held, which keeps the order).
func (x *Index) partial(ctx context.Context, units []*unit, filters, not []query.Query, first, offset int) ([]*bleve.SearchResult, int, error) {
	qs := make([]query.Query, len(units))
	for i, u := range units {
		uq := u.bleveQuery()
		if uq == nil {
			return nil, 0, nil
		}
		qs[i] = heldQuery{uq}
	}
	r, err := x.run(ctx, boolQuery(append([]query.Query{bleve.NewDisjunctionQuery(qs...)}, filters...), not), first, offset)
	if err != nil {
		return nil, 0, err
	}
	return []*bleve.SearchResult{r}, int(r.Total), nil
}

// heldQuery finds what its query finds, each hit scoring heldWeight more.
// (A conjunction with a boosted match-all query scores the same, but
// bleve's match-all searcher steps through every document of the index to
// reach each hit: work proportional to the corpus for every word.)
type heldQuery struct{ query.Query }

// Searcher implements query.Query.
func (q heldQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	s, err := q.Query.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	return heldSearcher{s}, nil
}

// heldSearcher adds heldWeight to the score of each hit of its searcher.
type heldSearcher struct{ search.Searcher }

func (s heldSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return held(s.Searcher.Next(ctx))
}

func (s heldSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return held(s.Searcher.Advance(ctx, id))
}

func held(d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if d != nil {
		d.Score += heldWeight
	}
	return d, err
}

// run searches the index: size hits from offset, by score then ID, without
// the locations of the words (which bleve would gather for every provision
// found, not only those of the page).
func (x *Index) run(ctx context.Context, q query.Query, size, offset int) (*bleve.SearchResult, error) {
	req := bleve.NewSearchRequestOptions(q, size, offset, false)
	req.SortBy([]string{"-_score", "_id"})
	return x.idx.SearchInContext(ctx, req)
}

// locate returns where terms lie in the provisions ids: a second search,
// of those provisions alone and of single terms, whose locations bleve
// reads for these provisions only (asking for locations in the search
// itself reads them for every provision found, and phrase searches over
// known provisions still walk the index from its start).
func (x *Index) locate(ctx context.Context, ids []string, terms map[string]bool) (map[string]search.TermLocationMap, error) {
	out := map[string]search.TermLocationMap{}
	if len(ids) == 0 || len(terms) == 0 {
		return out, nil
	}
	var qs []query.Query
	for t := range terms {
		qs = append(qs, termQuery("text", t))
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(bleve.NewDocIDQuery(ids))
	b.AddShould(qs...)
	req := bleve.NewSearchRequestOptions(b, len(ids), 0, false)
	req.IncludeLocations = true
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		out[h.ID] = h.Locations["text"]
	}
	return out, nil
}

func boolQuery(must, not []query.Query) query.Query {
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	if len(not) > 0 {
		b.AddMustNot(not...)
	}
	return b
}

// filterQueries turns a filter into queries every hit must match.
func filterQueries(f policy.SearchFilter) []query.Query {
	var must []query.Query
	if f.DocumentID != "" {
		must = append(must, termQuery("document", f.DocumentID))
	}
	if len(f.Kinds) > 0 {
		var kinds []query.Query
		for _, k := range f.Kinds {
			kinds = append(kinds, termQuery("kind", string(k)))
		}
		must = append(must, bleve.NewDisjunctionQuery(kinds...))
	}
	if f.Under != "" {
		must = append(must, termQuery("ancestors", f.Under))
	}
	if f.Cites != "" {
		must = append(must, termQuery("cites", f.Cites))
	}
	return must
}

// cacheKey identifies a search request.
func cacheKey(q policy.SearchQuery) string {
	b, _ := json.Marshal(q)
	return string(b)
}

// searchWith answers with one of the strategies kept for comparison (see
// Strategy): words ANDed, no explanation, no partial matches.
func (x *Index) searchWith(ctx context.Context, clauses []clause, q policy.SearchQuery, offset int) (*policy.SearchResult, error) {
	var must, not []query.Query
	for _, c := range clauses {
		bq := x.otherClause(c)
		switch {
		case bq == nil:
		case c.negate:
			not = append(not, bq)
		default:
			must = append(must, bq)
		}
	}
	out := &policy.SearchResult{Hits: []policy.SearchHit{}}
	if len(must) == 0 {
		return out, nil
	}
	res, err := x.run(ctx, boolQuery(append(must, filterQueries(q.Filter)...), not), q.First, offset)
	if err != nil {
		return nil, err
	}
	out.TotalCount = int(res.Total)
	for i, h := range res.Hits {
		out.Hits = append(out.Hits, policy.SearchHit{ProvisionID: h.ID, Score: h.Score, Cursor: encodeCursor(offset + i),
			Highlights: highlight(x.texts[h.ID], h.Locations[x.field()]), Matches: []policy.Match{}})
	}
	out.HasNextPage = offset+len(out.Hits) < out.TotalCount
	return out, nil
}

// field is the field the strategy searches.
func (x *Index) field() string {
	switch x.strategy {
	case Legacy:
		return "legacy"
	case Bigrams:
		return "bigram"
	}
	return "text"
}

// otherClause is a clause's query under a comparison strategy: its words
// ANDed (a phrase if quoted), with the terms documents define.
func (x *Index) otherClause(c clause) query.Query {
	if c.or != nil {
		var qs []query.Query
		for _, o := range c.or {
			if q := x.otherClause(o); q != nil {
				qs = append(qs, q)
			}
		}
		if len(qs) == 0 {
			return nil
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	base := x.otherText(c.text, c.phrase)
	if base == nil || c.phrase {
		return base
	}
	alts := []query.Query{base}
	key := foldKey(c.text)
	for _, t := range x.terms {
		var other string
		switch key {
		case foldKey(t.Term):
			other = t.Meaning
		case foldKey(t.Meaning):
			other = t.Term
		default:
			continue
		}
		if q := x.otherText(other, true); q != nil {
			alts = append(alts, bleve.NewConjunctionQuery(q, termQuery("scope", foldKey(t.Term))))
		}
	}
	if len(alts) == 1 {
		return base
	}
	return bleve.NewDisjunctionQuery(alts...)
}

func (x *Index) otherText(s string, phrase bool) query.Query {
	if len(Analyze(s)) == 0 && !hasAlnum(s) {
		return nil
	}
	switch x.strategy {
	case Bigrams:
		return bigramQuery(s, 1)
	case Both:
		k, _ := japanese()
		ws := k.words(s)
		if len(ws) == 0 {
			return bigramQuery(s, 0.3)
		}
		return bleve.NewDisjunctionQuery(bleve.NewPhraseQuery(flat(phraseOf(ws, writtenTerms)), "text"), bigramQuery(s, 0.3))
	}
	if phrase {
		q := bleve.NewMatchPhraseQuery(s)
		q.SetField("legacy")
		q.Analyzer = legacyAnalyzerName
		return q
	}
	q := bleve.NewMatchQuery(s)
	q.SetField("legacy")
	q.Analyzer = legacyAnalyzerName
	q.SetOperator(query.MatchQueryOperatorAnd)
	return q
}

// flat turns a phrase of one term per position into terms ("" for gaps).
func flat(ph [][]string) []string {
	out := make([]string, len(ph))
	for i, ts := range ph {
		if len(ts) > 0 {
			out[i] = ts[0]
		}
	}
	return out
}

// bigramQuery matches the character bigrams of s, all of them, as a phrase.
func bigramQuery(s string, boost float64) query.Query {
	q := bleve.NewMatchPhraseQuery(s)
	q.SetField("bigram")
	q.Analyzer = cjk.AnalyzerName
	q.SetBoost(boost)
	return q
}

func termQuery(field, value string) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

func foldKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), ""))
}

const cursorPrefix = "policykb:search:"

// CursorAfter returns the cursor of the hit at offset n (from 0): a page
// asked for after it starts with hit n+1.
func CursorAfter(n int) string { return encodeCursor(n) }

func encodeCursor(n int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(n)))
}

func decodeCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	s, ok := strings.CutPrefix(string(b), cursorPrefix)
	n, err2 := strconv.Atoi(s)
	if err != nil || !ok || err2 != nil || n < 0 || n > 1<<20 {
		return 0, policy.Errorf(policy.EINVALID, "invalid cursor %q", c)
	}
	return n, nil
}

// Highlights: at most this many fragments, with this many characters of
// context around the hits.
const (
	maxFragments = 3
	contextRunes = 24
)

// highlight returns fragments of text around the hit locations, hits in
// <mark>…</mark> and everything else HTML-escaped. Hits that touch (人材,
// 育成) are marked as one.
func highlight(text string, locs search.TermLocationMap) []string {
	var spans [][2]int // byte offsets
	for _, ls := range locs {
		for _, l := range ls {
			spans = append(spans, [2]int{int(l.Start), int(l.End)})
		}
	}
	return highlightSpans(text, spans)
}

// highlightSpans is highlight of spans (byte offsets) of text.
func highlightSpans(text string, all [][2]int) []string {
	var spans [][2]int
	for _, s := range all {
		if s[1] <= len(text) && s[0] < s[1] && s[0] >= 0 {
			spans = append(spans, s)
		}
	}
	if len(spans) == 0 {
		if text == "" {
			return []string{}
		}
		end := len(text)
		for i, n := 0, 0; i < len(text); n++ {
			if n == 2*contextRunes {
				end = i
				break
			}
			_, w := utf8.DecodeRuneInString(text[i:])
			i += w
		}
		return []string{html.EscapeString(text[:end])}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	merged := [][2]int{spans[0]}
	for _, s := range spans[1:] {
		last := &merged[len(merged)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		merged = append(merged, s)
	}
	// Windows of context around the hits, merged where they overlap.
	type window struct {
		s, e int
		hits [][2]int
	}
	var ws []window
	for _, h := range merged {
		s, e := back(text, h[0], contextRunes), forward(text, h[1], contextRunes)
		if n := len(ws); n > 0 && s <= ws[n-1].e {
			ws[n-1].e = max(ws[n-1].e, e)
			ws[n-1].hits = append(ws[n-1].hits, h)
			continue
		}
		ws = append(ws, window{s, e, [][2]int{h}})
	}
	if len(ws) > maxFragments {
		ws = ws[:maxFragments]
	}
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		var b strings.Builder
		at := w.s
		for _, h := range w.hits {
			b.WriteString(html.EscapeString(text[at:h[0]]))
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(text[h[0]:h[1]]))
			b.WriteString("</mark>")
			at = h[1]
		}
		b.WriteString(html.EscapeString(text[at:w.e]))
		out = append(out, b.String())
	}
	return out
}

// back moves n runes back from byte offset i, stopping after a line break.
func back(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		r, w := utf8.DecodeLastRuneInString(s[:i])
		if r == '\n' {
			break
		}
		i -= w
	}
	return i
}

// forward moves n runes on from byte offset i, stopping before a line break.
func forward(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == '\n' {
			break
		}
		i += w
	}
	return i
}
