// Package policy holds the domain of policykb: documents of the budget-priority
// policy family, their numbered provisions, and the services that store and
// serve them. It depends on nothing but the standard library; parsing, storage,
// search and the GraphQL API are adapters around it.
package policy

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// Kind names the level of a provision in its document's numbering. Kinds
// go by level, whatever markers a document numbers with: its outermost
// numbered level is SECTION (１ in the FY2020 policy, 第１ in 公用文, 第1部
// in a strategy), the next AREA, then ITEM, SUBITEM, and POINT for the fifth
// level and every one below it.
type Kind string

// The provision kinds, outermost first.
const (
	KindPreamble Kind = "PREAMBLE" // level 0: text before the first numbered provision
	KindSection  Kind = "SECTION"  // level 1: １, ２ … in the FY2020 policy
	KindArea     Kind = "AREA"     // level 2: (1), (2) …
	KindItem     Kind = "ITEM"     // level 3: ①, ② …
	KindSubItem  Kind = "SUBITEM"  // level 4: ⅰ）, ⅱ） …
	KindPoint    Kind = "POINT"    // level 5 and deeper
)

// Kinds lists every kind, outermost first.
var Kinds = []Kind{KindPreamble, KindSection, KindArea, KindItem, KindSubItem, KindPoint}

// KindAt returns the kind of a provision at level (0 for the preamble).
func KindAt(level int) Kind {
	if level <= 0 {
		return KindPreamble
	}
	if level >= len(Kinds)-1 {
		return KindPoint
	}
	return Kinds[level]
}

// Level returns the level of kind k, and for POINT the first level it
// covers (5).
func (k Kind) Level() int { return slices.Index(Kinds, k) }

// Valid reports whether k is one of the declared kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// Document is one ingested policy text.
type Document struct {
	ID         string
	Title      string
	FiscalYear int  // Gregorian fiscal year of the title (令和２年度 → 2020); 0 if none
	DecidedOn  Date // zero if the source has no date line
	DecidedBy  string
	PageCount  int

	// The header lines exactly as they stand in the source (edge blanks trimmed).
	TitleLine     string
	DateLine      string
	DecidedByLine string
	// Source line numbers (1-based) of the header lines; 0 where absent.
	TitleLineNo, DateLineNo, DecidedByLineNo int

	// Encoding the source was decoded from: "UTF-8", "UTF-16LE", "UTF-16BE" or
	// "Shift_JIS"; "PDF" for the text read from a PDF.
	Encoding string
	// Source is the decoded text as ingested (UTF-8, line breaks as in the file).
	Source string
	// SHA256 is the hex digest of the source bytes as ingested.
	SHA256 string

	// Provisions in document order; filled by the parser, not by every query.
	Provisions []*Provision

	// Warnings say what the parser accepted only because it was told to: a
	// text that looks truncated, ingested anyway. Empty for a sound text.
	Warnings []string

	// What the document cites, filled at ingest by citation extraction: the
	// references it cites, the citations in document order, the terms it
	// defines and its internal cross-references.
	References      []*Reference
	Citations       []*Citation
	Terms           []*DefinedTerm
	CrossReferences []*CrossReference

	// Version is the number of the version this is (see Version); Historic
	// is true when it is an older version than the one served.
	Version  int
	Historic bool

	// Partial is true for an excerpt: its numbering may start at any
	// number and level, and it may have no title line of its own.
	Partial bool `json:",omitempty"`
}

// Provision is one numbered unit of a document, or its preamble.
type Provision struct {
	ID         string
	DocumentID string
	ParentID   string // "" at the top level
	Seq        int    // position in document order, from 0
	Kind       Kind
	Level      int    // 0 for the preamble, 1 for the outermost numbered level, 2 … below it
	Number     int    // 3 for ③; 0 for the preamble
	Label      string // printed marker chain, "２(2)③ⅰ）"; "前文" for the preamble
	Marker     string // the marker as printed in the source, with the blanks that follow it
	Heading    string // "" where the source has none
	Paragraphs []string
	Pages      []int // source pages the provision's own lines sit on, ascending

	// Notes are the footnotes whose markers stand in the provision's text,
	// in the order of their markers. The markers are taken out of the text.
	Notes []Note `json:",omitempty"`

	// Source line numbers (1-based): of the marker (the first line for the
	// preamble), of the heading (0 if none), and of each paragraph's first line.
	Line           int
	HeadingLine    int
	ParagraphLines []int

	// Version is the number of the document version the provision was read
	// from when that is an older version than the one served; 0 otherwise.
	Version int `json:"-"`
}

// Note is a footnote: its marker as printed at the foot of the page ("1",
// "※2", "注3") and its text, lines joined. Line is the source line where the
// note starts; Ref, the source line of the marker in the provision's text.
type Note struct {
	Marker string
	Sep    string `json:",omitempty"` // the blanks between marker and text, as printed
	Text   string
	Line   int `json:",omitempty"`
	Ref    int `json:",omitempty"`
}

// LevelOf returns the level of the provision with the given ID, as it
// follows from the ID's form: 0 for the preamble, else the number of parts
// after the colon.
func LevelOf(id string) int {
	_, local, ok := SplitID(id)
	if !ok || local == "preamble" {
		return 0
	}
	return strings.Count(local, ".") + 1
}

// Text is the heading (if any) and the paragraphs, joined with "\n".
func (p *Provision) Text() string {
	parts := make([]string, 0, len(p.Paragraphs)+1)
	if p.Heading != "" {
		parts = append(parts, p.Heading)
	}
	parts = append(parts, p.Paragraphs...)
	return strings.Join(parts, "\n")
}

// PreambleLabel is the label of every preamble.
const PreambleLabel = "前文"

// ProvisionID returns the identifier of the provision at path in document doc:
// "doc:2.2.3.1", or "doc:preamble" for an empty path.
func ProvisionID(doc string, path []int) string {
	if len(path) == 0 {
		return doc + ":preamble"
	}
	var b strings.Builder
	b.WriteString(doc)
	b.WriteByte(':')
	for i, n := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(n))
	}
	return b.String()
}

// SplitID splits a provision ID into its document ID and the part after the
// colon. ok is false if id is not of that form.
func SplitID(id string) (doc, local string, ok bool) {
	i := strings.LastIndexByte(id, ':')
	if i <= 0 || i == len(id)-1 {
		return "", "", false
	}
	return id[:i], id[i+1:], true
}

// AncestorIDs returns the IDs of the provisions that enclose the provision id,
// outermost first, as they follow from the structure of provision IDs.
func AncestorIDs(id string) []string {
	doc, local, ok := SplitID(id)
	if !ok || local == "preamble" {
		return nil
	}
	var out []string
	for i := 0; i < len(local); i++ {
		if local[i] == '.' {
			out = append(out, doc+":"+local[:i])
		}
	}
	return out
}

// ProvisionFilter selects provisions. Zero fields do not filter.
type ProvisionFilter struct {
	DocumentID  string
	DocumentIDs []string // only provisions of these documents
	Kind        Kind
	Under       string   // only descendants of this provision (not itself)
	ParentIDs   []string // only children of these provisions
}

// DocumentService reads documents.
type DocumentService interface {
	// Documents returns every document, ordered by ID.
	Documents(ctx context.Context) ([]*Document, error)
	// DocumentsByID returns the documents with the given IDs, in no particular
	// order; unknown IDs are left out.
	DocumentsByID(ctx context.Context, ids []string) ([]*Document, error)
}

// ProvisionService reads provisions.
type ProvisionService interface {
	// ProvisionsByID returns the provisions with the given IDs, in no particular
	// order; unknown IDs are left out.
	ProvisionsByID(ctx context.Context, ids []string) ([]*Provision, error)
	// Provisions returns the provisions that pass f, in document order.
	Provisions(ctx context.Context, f ProvisionFilter) ([]*Provision, error)
	// ProvisionsByLabel returns the provisions whose label matches label (see
	// package label), in document order; documentID "" searches every document.
	ProvisionsByLabel(ctx context.Context, documentID, label string) ([]*Provision, error)
}

// Ingester stores parsed documents.
type Ingester interface {
	// IngestVersion makes doc the current version of the document with its
	// ID, atomically, adding a version unless the current one has the same
	// source bytes. Unless opt.Replace, it refuses with a *LossError to make
	// current a version that lacks provisions the current one has.
	IngestVersion(ctx context.Context, doc *Document, opt IngestOptions) (*IngestResult, error)
}

// LeadingParagraphs returns how many of the provision's paragraphs come
// before its children in the source, given the source line of its first
// child (0 when it has none): the paragraphs that start above that line.
// The rest follow the children, as a closing paragraph after a list of
// sub-items does. Without line numbers every paragraph counts as leading.
func (p *Provision) LeadingParagraphs(firstChildLine int) int {
	if firstChildLine <= 0 || len(p.ParagraphLines) != len(p.Paragraphs) {
		return len(p.Paragraphs)
	}
	n := 0
	for _, line := range p.ParagraphLines {
		if line > 0 && line >= firstChildLine {
			break
		}
		n++
	}
	return n
}
