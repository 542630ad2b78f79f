package policy

import "context"

// SearchFilter narrows a search. Zero fields do not filter.
type SearchFilter struct {
	DocumentID string
	Kinds      []Kind
	Under      string // only descendants of this provision
	Cites      string // only provisions that cite this reference
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
}

// SearchService searches the provisions.
type SearchService interface {
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
}
