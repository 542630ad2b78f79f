package policy

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// SearchFilter narrows a search. Zero fields do not filter.
type SearchFilter struct {
	DocumentID string
	Kinds      []Kind
	Under      string // only descendants of this provision
	Cites      string // only provisions that cite this reference
	// FiscalYears: only provisions of documents of these fiscal years.
	FiscalYears []int
	// Series: only provisions of the documents of this series, named by its
	// ID (series:cs-budget-policy, see GroupSeries) or its key (see SeriesKey).
	Series string
	// NoCollapse shows each document's provision as a hit of its own. By
	// default a provision whose counterparts in other documents of its
	// series hold the same text (equal after NFKC and blank removal) is one
	// hit, shown in its latest document, the others in its AlsoIn.
	NoCollapse bool
}

// SearchQuery is a full-text search over provisions.
type SearchQuery struct {
	Query  string // words (ANDed), "phrases", OR, -excluded
	First  int    // hits per page, 1 to MaxSearchFirst
	After  string // cursor of the last hit of the previous page
	Filter SearchFilter
}

// Limits of a search.
const (
	MaxSearchFirst = 100
	MaxQueryLength = 256 // characters
)

// SearchHit is one provision found.
type SearchHit struct {
	ProvisionID string
	Score       float64
	Highlights  []string // fragments of the provision's text, hits in <mark>…</mark>, HTML-escaped
	Matches     []Match  // why it was found: one per query word it holds
	Cursor      string
	// AlsoIn holds the provisions of other documents of the series that
	// hold the same text and were found too, latest document first; the
	// hit stands for them (empty unless collapsed).
	AlsoIn []string
	// Partial is true when the provision holds only some of the words of
	// the query (or of the parts of its one compound word). Partial hits
	// come after every hit holding them all.
	Partial bool
}

// SearchFacet is how many provisions of one document a search found,
// shown or standing in another hit's AlsoIn: narrowing the search to the
// document finds that many.
type SearchFacet struct {
	DocumentID string
	Count      int
}

// MatchKind is how a word of a query was found in a provision.
type MatchKind string

// The kinds of match, from the closest to the loosest.
const (
	MatchWritten      MatchKind = "WRITTEN"       // as written (after width and case folding)
	MatchVariant      MatchKind = "VARIANT"       // another form of the word: inflection, okurigana, kana for kanji, long vowel, middle dots
	MatchDefinedTerm  MatchKind = "DEFINED_TERM"  // a term the document defines for it, or the other way round
	MatchThesaurus    MatchKind = "THESAURUS"     // a synonym, a renamed term or an English word's Japanese
	MatchReading      MatchKind = "READING"       // a word in kana found through the reading of the text's kanji
	MatchCompoundPart MatchKind = "COMPOUND_PART" // a part of a compound the text does not hold whole
)

// Match says how one word of a query was found in a provision.
type Match struct {
	Query   string    // the word of the query, as typed
	Matched string    // the text it matched, as it stands in the provision
	Via     MatchKind // how
}

// SearchResult is one page of hits.
type SearchResult struct {
	Hits            []SearchHit
	TotalCount      int
	HasNextPage     bool // hits follow this page
	HasPreviousPage bool // hits come before this page
	// Partial is true when no provision holds every word of the query and
	// the hits are those holding the most of them.
	Partial bool
	// Facets counts the provisions found per document, before paging and
	// collapsing: most first, then by document ID.
	Facets []SearchFacet
}

// SearchService searches the provisions.
type SearchService interface {
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
}

// SeriesDocuments returns the IDs of the documents of the series named by
// series — its ID (series:cs-budget-policy, see GroupSeries), its ID
// without the prefix (cs-budget-policy) or its key (see SeriesKey) — among
// docs, in ID order. It returns nil when series
// names no series of docs.
func SeriesDocuments(docs []*Document, series string) []string {
	var out []string
	for _, s := range GroupSeries(docs) {
		if s.ID != series && s.ID != SeriesIDPrefix+series && s.Key != series {
			continue
		}
		for _, d := range s.Documents {
			out = append(out, d.ID)
		}
	}
	sort.Strings(out)
	return out
}

// AnswerBasis records, for one request, the generation of the oldest
// derived data its answers were made from: the search index follows the
// store a moment behind it, and an answer made from an index behind the
// store must not be kept as the answer for the store's generation (see
// the answer cache and ETags of internal/server).
type AnswerBasis struct {
	mu  sync.Mutex
	gen int64
	set bool
}

type answerBasisKey struct{}

// WithAnswerBasis returns ctx carrying a new AnswerBasis, and it.
func WithAnswerBasis(ctx context.Context) (context.Context, *AnswerBasis) {
	b := &AnswerBasis{}
	return context.WithValue(ctx, answerBasisKey{}, b), b
}

// NoteGeneration records that an answer to the request of ctx was made
// from data of store generation gen. It does nothing where ctx carries no
// AnswerBasis.
func NoteGeneration(ctx context.Context, gen int64) {
	b, _ := ctx.Value(answerBasisKey{}).(*AnswerBasis)
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.set || gen < b.gen {
		b.gen, b.set = gen, true
	}
}

// Oldest returns the oldest generation noted, and whether any was.
func (b *AnswerBasis) Oldest() (int64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.gen, b.set
}

// AlsoInLine says, for a line of text such as the command line prints
// under a hit, which provisions of other years the hit stands for (its
// AlsoIn, latest first): "FY2021 cs-budget-policy-fy2021:2.3.2, FY2020
// cs-budget-policy-fy2020:2.3.2", each by the fiscal year of its document
// (fiscalYear; 0 for none, then the ID alone), at most max of them, then
// "and N more". It returns "" for none.
func AlsoInLine(alsoIn []string, fiscalYear func(documentID string) int, max int) string {
	var parts []string
	for i, id := range alsoIn {
		if max > 0 && i == max {
			parts = append(parts, "and "+strconv.Itoa(len(alsoIn)-max)+" more")
			break
		}
		doc, _, _ := SplitID(id)
		if y := fiscalYear(doc); y > 0 {
			parts = append(parts, "FY"+strconv.Itoa(y)+" "+id)
		} else {
			parts = append(parts, id)
		}
	}
	return strings.Join(parts, ", ")
}
