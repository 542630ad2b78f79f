package pages

// The objects of the pages: read from the domain for the HTML pages
// (model.go), in the shape of the GraphQL types, as the JSON queries below
// return them.

type documentData struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	FiscalYear int             `json:"fiscalYear"`
	DecidedOn  string          `json:"decidedOn"`
	DecidedBy  string          `json:"decidedBy"`
	PageCount  int             `json:"pageCount"`
	Partial    bool            `json:"partial"`
	Version    int             `json:"version"`
	Versions   []versionData   `json:"versions"`
	Provisions []provisionData `json:"provisions"`
	Series     *seriesData     `json:"series"`
	Previous   *documentData   `json:"previous"`
	Next       *documentData   `json:"next"`
	CitedAs    []referenceData `json:"citedAs"`
}

// seriesData is a series of documents, with the line of each provision
// through them.
type seriesData struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Documents []documentData `json:"documents"`
	Lines     []struct {
		Cells []lineCellData `json:"cells"`
	} `json:"lines"`
}

// lineCellData is one year of a provision's line.
type lineCellData struct {
	Provision  *provisionData `json:"provision"`
	Kind       string         `json:"kind"`
	Similarity float64        `json:"similarity"`
}

// comparisonData is two documents side by side.
type comparisonData struct {
	From  documentData `json:"from"`
	To    documentData `json:"to"`
	Pairs []pairData   `json:"pairs"`
}

// pairData is a provision and the one that continues it.
type pairData struct {
	Kind       string         `json:"kind"`
	Similarity float64        `json:"similarity"`
	From       *provisionData `json:"from"`
	To         *provisionData `json:"to"`
}

// versionData is one version of a document.
type versionData struct {
	Number         int    `json:"number"`
	IngestedAt     string `json:"ingestedAt"`
	ProvisionCount int    `json:"provisionCount"`
	Current        bool   `json:"current"`
}

type provisionData struct {
	ID              string          `json:"id"`
	Kind            string          `json:"kind"`
	Level           int             `json:"level"`
	Label           string          `json:"label"`
	Marker          string          `json:"marker"`
	Heading         string          `json:"heading"`
	Paragraphs      []string        `json:"paragraphs"`
	Leading         int             `json:"leadingParagraphs"`
	Text            string          `json:"text"`
	Pages           []int           `json:"pages"`
	Notes           []noteData      `json:"notes"`
	Document        *documentData   `json:"document"`
	Ancestors       []provisionData `json:"ancestors"`
	Children        []provisionData `json:"children"`
	Citations       []citationData  `json:"citations"`
	CrossReferences []provisionData `json:"crossReferences"`
	ReferencedBy    []provisionData `json:"referencedBy"`
	Counterparts    []provisionData `json:"counterparts"`
	Incoming        []citationData  `json:"incomingCitations"`
}

// noteData is a footnote of a provision.
type noteData struct {
	Marker string `json:"marker"`
	Text   string `json:"text"`
}

type citationData struct {
	ID       string         `json:"id"`
	Text     string         `json:"text"`
	Start    int            `json:"start"`
	End      int            `json:"end"`
	Pinpoint string         `json:"pinpoint"`
	Form     string         `json:"form"`
	Target   *referenceData `json:"target"`
	Source   *provisionData `json:"source"`
	// TargetProvision is the provision of the cited document that the
	// pinpoint names, where the document is in the store.
	TargetProvision *provisionData `json:"targetProvision"`
}

// matchData says how one word of a query was found in a hit.
type matchData struct {
	Query   string `json:"query"`
	Matched string `json:"matched"`
	Via     string `json:"via"`
}

type referenceData struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	TitleEn   string         `json:"titleEn"`
	Kind      string         `json:"kind"`
	IssuedOn  string         `json:"issuedOn"`
	RevisedOn []string       `json:"revisedOn"`
	Issuer    string         `json:"issuer"`
	LawNumber string         `json:"lawNumber"`
	EGovLawID string         `json:"eGovLawId"`
	Aliases   []string       `json:"aliases"`
	Resolved  bool           `json:"resolved"`
	Document  *documentData  `json:"document"`
	Citations []citationData `json:"citations"`
	CitedBy   []struct {
		ID string `json:"id"`
	} `json:"citedBy"`
}

type searchData struct {
	TotalCount int         `json:"totalCount"`
	Partial    bool        `json:"partial"`
	Facets     []facetData `json:"facets"`
	PageInfo   struct {
		HasNextPage bool   `json:"hasNextPage"`
		EndCursor   string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []searchEdgeData `json:"edges"`
}

// facetData is a document a search found, with the count of its hits.
type facetData struct {
	Count    int          `json:"count"`
	Document documentData `json:"document"`
}

// searchEdgeData is one hit of a search.
type searchEdgeData struct {
	Cursor string `json:"cursor"`
	Node   struct {
		Score      float64         `json:"score"`
		Highlights []string        `json:"highlights"`
		Matches    []matchData     `json:"matches"`
		Partial    bool            `json:"partial"`
		AlsoIn     []provisionData `json:"alsoIn"`
		Provision  provisionData   `json:"provision"`
		// AlsoInCount is how many other years the hit stands for, of
		// which AlsoIn holds the first, those the page links to.
		AlsoInCount int `json:"-"`
	} `json:"node"`
}

// The query of /id/{ID}: what an ID names.
const (
	nodeQuery = `query($id: ID!) {
	node(id: $id) {
		__typename id
		... on Citation { source { id } }
	}
}`
)

// The queries of the JSON answers: the object of each page with its fields,
// and the IDs of the objects it links to (as policykb export writes them).
const (
	provisionFields = `id kind level number label marker heading paragraphs leadingParagraphs text pages line notes { marker text }
		document { id } parent { id } children { id } ancestors { id }
		citations { id target { id } text start end pinpoint form targetProvision { id } }
		references { id } crossReferences { id } referencedBy { id }
		counterparts { id } incomingCitations { id } citedBy { id }`

	homeJSON = `{
	documents { id title fiscalYear decidedOn decidedBy pageCount partial }
	references { id title titleEn kind }
}`

	documentsJSON = `{ documents { id title fiscalYear decidedOn decidedBy pageCount partial version } }`

	referencesJSON = `{
	references { id title titleEn kind issuedOn revisedOn issuer lawNumber eGovLawId aliases resolved citedBy { id } }
}`

	documentJSON = `query($id: ID!, $version: Int) {
	document(id: $id, version: $version) {
		id title fiscalYear decidedOn decidedBy pageCount encoding sha256 partial version
		series { id } previous { id } next { id } citedAs { id }
		provisions { ` + provisionFields + ` }
	}
}`

	provisionJSON = `query($id: ID!) { provision(id: $id) { ` + provisionFields + ` } }`

	provisionVersionJSON = `query($doc: ID!, $version: Int) {
	document(id: $doc, version: $version) { provisions { ` + provisionFields + ` } }
}`

	referenceJSON = `query($id: ID!) {
	reference(id: $id) {
		id title titleEn kind issuedOn revisedOn issuer lawNumber eGovLawId aliases resolved
		document { id }
		citations { id source { id } text start end pinpoint form targetProvision { id } }
		citedBy { id }
	}
}`

	// compareJSON and seriesJSON are the objects of /compare and /series.
	compareJSON = `query($from: ID!, $to: ID!) {
	compare(from: $from, to: $to) {
		from { id } to { id }
		pairs { kind similarity from { id } to { id } }
	}
}`

	seriesJSON = `query($id: ID!) {
	node(id: $id) {
		... on Series {
			id title documents { id title fiscalYear }
			lines { cells { document { id } provision { id } kind similarity } }
		}
	}
}`

	// searchJSON names in %[1]s the fields of a search connection and in
	// %[2]s those of a hit that explain the search, where the schema has
	// them (see searchExtras).
	searchJSON = `query($q: String!, $first: Int, $after: String, $filter: SearchFilter) {
	search(query: $q, first: $first, after: $after, filter: $filter) {
		totalCount%[1]s
		pageInfo { hasNextPage endCursor }
		edges { cursor node { score highlights%[2]s provision { id label heading } } }
	}
}`
)
