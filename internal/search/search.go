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

// Search runs q over the provisions. Hits holding every word of the query
// come first, by score, then by ID, so that pages fit together exactly;
// then, where the query has three words or more (or its one word is a
// compound of three parts or more), the provisions holding most of them
// (partial hits), by how many they hold, then score and ID. When no
// provision holds every word, the hits are those holding any (the result
// is Partial), by how many they hold. Unless the filter says NoCollapse,
// provisions of one series holding the same text are one hit (see
// policy.SearchFilter).
//
// An Index that a Pending keeps searches the snapshot it has, which its
// Pending brings up to date in the background; any other brings itself up
// to date first (see Sync).
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
	if !x.background {
		if err := x.Sync(ctx); err != nil {
			return nil, err
		}
	}
	s := x.acquire()
	if s == nil {
		return nil, errClosed
	}
	defer x.release(s)
	policy.NoteGeneration(ctx, s.gen)
	key := cacheKey(q)
	if res, ok := x.cache.get(key, s.serial); ok {
		return res, nil
	}
	var res *policy.SearchResult
	if x.strategy != Morphology {
		res, err = x.searchWith(ctx, s, clauses, q, offset)
	} else {
		res, err = x.search(ctx, s, clauses, q, offset)
	}
	if err != nil {
		return nil, err
	}
	x.cache.put(key, s.serial, res)
	return res, nil
}

// maxPartialWords bounds the words of a query answered with partial
// matches.
const maxPartialWords = 32

// search is Search with the analysis the service uses, over snapshot s.
func (x *Index) search(ctx context.Context, s *snapshot, clauses []clause, q policy.SearchQuery, offset int) (*policy.SearchResult, error) {
	clauses = x.mergeEnglish(clauses)
	var units, positive []*unit
	var must, not []query.Query
	var word clause // the one positive clause, when there is one
	for _, c := range clauses {
		u := x.unitOf(s, c)
		units = append(units, u)
		if addClause(u.bleveQuery(), c.negate, &must, &not) {
			positive = append(positive, u)
			word = c
		}
	}
	out := &policy.SearchResult{Hits: []policy.SearchHit{}, Facets: []policy.SearchFacet{}}
	if len(must) == 0 {
		return out, nil
	}
	f := s.filter(q.Filter)
	if f.none {
		return out, nil
	}
	filters := f.queries()
	m := newMatches(s)
	defer m.release()
	least := 1 // words (or runs of parts) a partial hit holds at least
	var err error
	switch n := len(positive); {
	case n >= 3 && n <= maxPartialWords:
		// One pass over the provisions holding any word finds those
		// holding all of them too, with the scores they have as such.
		// Where some hold them all, partial hits hold most of them.
		if err = m.collectCounted(ctx, positive, filters, not, f, true); m.full > 0 {
			least = n/2 + 1
		}
	case n == 1:
		err = m.collectAll(ctx, append(must, filters...), not, f)
		if err != nil {
			break
		}
		// Partial hits of a compound word: where some provision holds it,
		// those holding most of its parts written together (サイバー犯罪
		// of サイバー犯罪対策); else, as for words, those holding any part.
		counted := x.parts(s, word)
		if m.full > 0 {
			counted = x.runs(s, word)
		}
		if len(counted) > 0 && len(counted) <= maxPartialWords && (m.full > 0 || len(counted) >= 2) {
			units = append(units, counted...)
			err = m.collectCounted(ctx, counted, filters, not, f, false)
		}
	default:
		err = m.collectAll(ctx, append(must, filters...), not, f)
		if err == nil && m.full == 0 && n <= maxPartialWords {
			err = m.collectCounted(ctx, positive, filters, not, f, true)
		}
	}
	if err != nil {
		return nil, err
	}
	page, total := m.rank(least, !q.Filter.NoCollapse, offset, q.First)
	out.TotalCount = total
	out.Partial = m.full == 0 && total > 0
	out.Facets = m.facets()
	reps := make([]int32, len(page))
	for i, h := range page {
		reps[i] = h.rep
	}
	located, err := s.locate(ctx, reps, termsOf(units))
	if err != nil {
		return nil, err
	}
	for i, h := range page {
		p := s.provs[h.rep]
		locs := located[h.rep]
		hit := policy.SearchHit{
			ProvisionID: p.id, Score: h.score, Cursor: encodeCursor(offset + i),
			Highlights: highlightSpans(p.text, spansOf(units, locs)),
			Matches:    explain(units, p.text, locs),
			Partial:    !h.full,
			AlsoIn:     []string{},
		}
		if h.group >= 0 {
			for _, o := range s.members[h.group] {
				if o != h.rep && m.found(o) {
					hit.AlsoIn = append(hit.AlsoIn, s.provs[o].id)
				}
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	out.HasNextPage = offset+len(out.Hits) < out.TotalCount
	out.HasPreviousPage = min(offset, out.TotalCount) > 0
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

// cacheKey identifies a search request.
func cacheKey(q policy.SearchQuery) string {
	b, _ := json.Marshal(q)
	return string(b)
}

// searchWith answers with one of the strategies kept for comparison (see
// Strategy): words ANDed, no explanation, no partial matches, no
// collapsing.
func (x *Index) searchWith(ctx context.Context, s *snapshot, clauses []clause, q policy.SearchQuery, offset int) (*policy.SearchResult, error) {
	var must, not []query.Query
	for _, c := range clauses {
		addClause(x.otherClause(s, c), c.negate, &must, &not)
	}
	out := &policy.SearchResult{Hits: []policy.SearchHit{}, Facets: []policy.SearchFacet{}}
	f := s.filter(q.Filter)
	if len(must) == 0 || f.none {
		return out, nil
	}
	m := newMatches(s)
	defer m.release()
	if err := m.collectAll(ctx, append(must, f.queries()...), not, f); err != nil {
		return nil, err
	}
	page, total := m.rank(1, false, offset, q.First)
	out.TotalCount = total
	out.Facets = m.facets()
	for i, h := range page {
		p := s.provs[h.rep]
		out.Hits = append(out.Hits, policy.SearchHit{ProvisionID: p.id, Score: h.score, Cursor: encodeCursor(offset + i),
			Highlights: highlightSpans(p.text, nil), Matches: []policy.Match{}, AlsoIn: []string{}})
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
func (x *Index) otherClause(s *snapshot, c clause) query.Query {
	if c.or != nil {
		var qs []query.Query
		for _, o := range c.or {
			if q := x.otherClause(s, o); q != nil {
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
	for _, t := range s.terms() {
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

// addClause adds the query of a clause, bq, to not when the clause is
// negated and to must otherwise, and reports whether it added it to must.
// A nil bq (a clause that selects nothing to query) is left out.
func addClause(bq query.Query, negate bool, must, not *[]query.Query) bool {
	switch {
	case bq == nil:
		return false
	case negate:
		*not = append(*not, bq)
		return false
	default:
		*must = append(*must, bq)
		return true
	}
}
