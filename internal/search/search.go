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
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/text/unicode/norm"
)

// Search runs q over the provisions. Hits are ordered by score, then by ID,
// so that pages fit together exactly.
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
	bq := x.build(clauses, q.Filter)
	if bq == nil {
		return &policy.SearchResult{Hits: []policy.SearchHit{}}, nil
	}
	req := bleve.NewSearchRequestOptions(bq, q.First, offset, false)
	req.SortBy([]string{"-_score", "_id"})
	req.IncludeLocations = true
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &policy.SearchResult{Hits: make([]policy.SearchHit, 0, len(res.Hits)), TotalCount: int(res.Total)}
	for i, h := range res.Hits {
		out.Hits = append(out.Hits, policy.SearchHit{
			ProvisionID: h.ID, Score: h.Score, Cursor: encodeCursor(offset + i),
			Highlights: highlight(x.texts[h.ID], h.Locations["text"]),
		})
	}
	out.HasNextPage = offset+len(out.Hits) < out.TotalCount
	out.HasPreviousPage = min(offset, out.TotalCount) > 0
	x.cache.put(key, x.gen, out)
	return out, nil
}

// cacheKey identifies a search request.
func cacheKey(q policy.SearchQuery) string {
	b, _ := json.Marshal(q)
	return string(b)
}

// build turns the clauses and filter into a bleve query; nil if nothing in
// the query can match (only particles, say).
func (x *Index) build(clauses []clause, f policy.SearchFilter) query.Query {
	var must, not []query.Query
	for _, c := range clauses {
		q := x.clauseQuery(c)
		switch {
		case q == nil:
		case c.negate:
			not = append(not, q)
		default:
			must = append(must, q)
		}
	}
	if len(must) == 0 {
		return nil
	}
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
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	if len(not) > 0 {
		b.AddMustNot(not...)
	}
	return b
}

// clauseQuery is the query of one clause, with the terms documents define
// for its words: デジタルトランスフォーメーション also finds ＤＸ where the
// definition applies.
func (x *Index) clauseQuery(c clause) query.Query {
	if c.or != nil {
		var qs []query.Query
		for _, o := range c.or {
			if q := x.clauseQuery(o); q != nil {
				qs = append(qs, q)
			}
		}
		if len(qs) == 0 {
			return nil
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	base := x.textQuery(c.text, c.phrase)
	if base == nil {
		return nil
	}
	if c.phrase {
		return base
	}
	alts := []query.Query{base}
	key := foldKey(c.text)
	seen := map[[2]string]bool{}
	for _, t := range x.terms {
		var alt string
		switch key {
		case foldKey(t.Term):
			alt = t.Meaning
		case foldKey(t.Meaning):
			alt = t.Term
		default:
			continue
		}
		k := [2]string{alt, foldKey(t.Term)}
		if seen[k] {
			continue
		}
		seen[k] = true
		q := x.textQuery(alt, true) // the whole defined name, not its words anywhere
		if q == nil {
			continue
		}
		alts = append(alts, bleve.NewConjunctionQuery(q, termQuery("scope", k[1])))
	}
	if len(alts) == 1 {
		return base
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// textQuery matches all the words of s, or s as a phrase; nil if s has no
// word the index keeps.
func (x *Index) textQuery(s string, phrase bool) query.Query {
	if len(Analyze(s)) == 0 {
		return nil
	}
	switch x.strategy {
	case Bigrams:
		return bigramQuery(s, 1)
	case Both:
		return bleve.NewDisjunctionQuery(morphQuery(s, phrase), bigramQuery(s, 0.3))
	}
	return morphQuery(s, phrase)
}

// bigramQuery matches the character bigrams of s, all of them, as a phrase.
func bigramQuery(s string, boost float64) query.Query {
	q := bleve.NewMatchPhraseQuery(s)
	q.SetField("bigram")
	q.Analyzer = cjk.AnalyzerName
	q.SetBoost(boost)
	return q
}

func morphQuery(s string, phrase bool) query.Query {
	if phrase {
		q := bleve.NewMatchPhraseQuery(s)
		q.SetField("text")
		q.Analyzer = analyzerName
		return q
	}
	q := bleve.NewMatchQuery(s)
	q.SetField("text")
	q.Analyzer = analyzerName
	q.SetOperator(query.MatchQueryOperatorAnd)
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
			if int(l.End) <= len(text) && l.Start < l.End {
				spans = append(spans, [2]int{int(l.Start), int(l.End)})
			}
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
