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
	Cursor      string
}

// SearchResult is one page of hits.
type SearchResult struct {
	Hits            []SearchHit
	TotalCount      int
	HasNextPage     bool // hits follow this page
	HasPreviousPage bool // hits come before this page
}

// SearchService searches the provisions.
type SearchService interface {
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
}
