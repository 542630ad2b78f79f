package policy

import (
	"context"
	"slices"
)

// ReferenceKind classifies a referenced document or entity.
type ReferenceKind string

// The reference kinds.
const (
	RefLaw             ReferenceKind = "LAW"              // an Act, by name and law number
	RefCabinetDecision ReferenceKind = "CABINET_DECISION" // 閣議決定
	RefHQDecision      ReferenceKind = "HQ_DECISION"      // decided by a headquarters (本部決定)
	RefHQReport        ReferenceKind = "HQ_REPORT"        // reported to a headquarters (本部報告)
	RefPlan            ReferenceKind = "PLAN"
	RefProgramme       ReferenceKind = "PROGRAMME"
	RefFramework       ReferenceKind = "FRAMEWORK"
	RefStandard        ReferenceKind = "STANDARD"
	RefOrganization    ReferenceKind = "ORGANIZATION"
	RefEvent           ReferenceKind = "EVENT"
	RefOther           ReferenceKind = "OTHER"
	ReferenceIDPrefix                = "ref:"
)

// ReferenceKinds lists every reference kind.
var ReferenceKinds = []ReferenceKind{RefLaw, RefCabinetDecision, RefHQDecision, RefHQReport, RefPlan,
	RefProgramme, RefFramework, RefStandard, RefOrganization, RefEvent, RefOther}

// Valid reports whether k is one of the declared kinds.
func (k ReferenceKind) Valid() bool { return slices.Contains(ReferenceKinds, k) }

// Reference is a document (or organisation, event) that policies cite.
type Reference struct {
	ID        string // "ref:<slug>"
	Title     string
	TitleEn   string
	Kind      ReferenceKind
	IssuedOn  Date
	RevisedOn []Date
	Issuer    string
	LawNumber string // "平成26年法律第104号"
	EGovLawID string // "426AC1000000104"
	Aliases   []string
	Resolved  bool // known to the reference registry
}

// CitationForm is how a citation names its target.
type CitationForm string

// The citation forms.
const (
	FormDirect       CitationForm = "DIRECT"       // by title, usually with date and body
	FormAbbreviation CitationForm = "ABBREVIATION" // by a term the document defines (基本法)
	FormAnaphora     CitationForm = "ANAPHORA"     // 同プログラム, 同法 …
	FormName         CitationForm = "NAME"         // by a known name without date (統一基準)
)

// Citation is one place where a provision cites a reference.
type Citation struct {
	ID         string // "<provision ID>~c<n>", n counting the provision's citations from 1
	DocumentID string
	SourceID   string // the citing provision
	TargetID   string // the reference
	Seq        int    // position among the document's citations
	Text       string // the cited span as it stands in the source's Text()
	Start, End int    // code-point offsets of Text in the source's Text()
	Pinpoint   string // the part of the target cited: "第26条第１項第５号"
	Form       CitationForm
}

// DefinedTerm is an abbreviation a document defines: （以下「基本法」という。）.
type DefinedTerm struct {
	DocumentID  string
	Term        string
	Meaning     string // what the term stands for
	ReferenceID string // the reference it names, "" if none
	DefinedIn   string // provision ID
	Start, End  int    // code-point offsets of the definition in DefinedIn's Text()
	Uses        []string
}

// CrossReference is a provision pointing at another of the same document:
// 上記１, ２に示す.
type CrossReference struct {
	DocumentID string
	SourceID   string
	TargetID   string
	Text       string
	Start, End int
}

// CitationFilter selects citations and cross-references. Zero fields do not
// filter.
type CitationFilter struct {
	IDs        []string // citations only
	DocumentID string
	SourceIDs  []string
	TargetIDs  []string
}

// ReferenceFilter selects references. Zero fields do not filter.
type ReferenceFilter struct {
	Kind       ReferenceKind
	DocumentID string // only references this document cites
}

// ReferenceService reads references, citations, terms and cross-references.
type ReferenceService interface {
	// References returns the references that pass f, by ID.
	References(ctx context.Context, f ReferenceFilter) ([]*Reference, error)
	// ReferencesByID returns the references with the given IDs.
	ReferencesByID(ctx context.Context, ids []string) ([]*Reference, error)
	// Citations returns the citations that pass f, in document order.
	Citations(ctx context.Context, f CitationFilter) ([]*Citation, error)
	// CrossReferences returns the cross-references that pass f, in document order.
	CrossReferences(ctx context.Context, f CitationFilter) ([]*CrossReference, error)
	// Terms returns the terms defined in a document, or in all for "".
	Terms(ctx context.Context, documentID string) ([]*DefinedTerm, error)
}

// LinkService links what documents cite to the documents the store holds:
// a reference whose document has been ingested, and the provision of it
// that a citation's pinpoint names (戦略に定める「目標達成のための施策」).
type LinkService interface {
	// ReferenceDocuments returns, for each of the given references that is
	// a document of the store, that document's ID.
	ReferenceDocuments(ctx context.Context, referenceIDs []string) (map[string]string, error)
	// DocumentReferences returns, for each of the given documents, the IDs
	// of the references that are it, by ID.
	DocumentReferences(ctx context.Context, documentIDs []string) (map[string][]string, error)
	// TargetProvisions returns, for each of the citations with the given
	// IDs whose pinpoint names a provision of its reference's document, the
	// ID of that provision, by citation ID.
	TargetProvisions(ctx context.Context, citationIDs []string) (map[string]string, error)
	// IncomingCitations returns, for each of the given provisions, the
	// citations whose target provision it is, in document order.
	IncomingCitations(ctx context.Context, provisionIDs []string) (map[string][]*Citation, error)
}

// NamedReferenceReader reads what ingest was told: which document a
// reference is (policykb ingest --reference).
type NamedReferenceReader interface {
	// NamedReferences returns the reference IDs named at ingest and the ID
	// of the document each was named for.
	NamedReferences(ctx context.Context) (map[string]string, error)
}
