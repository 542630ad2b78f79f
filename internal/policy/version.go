package policy

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Version is one stored version of a document. Every ingest that changes a
// document's text adds one, numbered from 1; none is ever removed.
type Version struct {
	DocumentID     string
	Number         int
	SHA256         string // of the source bytes of this version
	IngestedAt     time.Time
	ProvisionCount int
	Current        bool   // the version served
	Note           string // how it came: "ingest", "revert to 2", …
}

// ChangeKind says how a provision changed from one version to the next.
type ChangeKind string

// The kinds of change.
const (
	ChangeAdded   ChangeKind = "ADDED"
	ChangeRemoved ChangeKind = "REMOVED"
	ChangeChanged ChangeKind = "CHANGED"
)

// ProvisionChange is a provision added, removed or changed between two
// versions of a document. Before is nil for an added provision, After for a
// removed one.
type ProvisionChange struct {
	Kind          ChangeKind
	ID            string
	Before, After *Provision
}

// Diff returns the changes from the provisions before to the provisions
// after: those of after that are new or differ, in after's order, then
// those of before that after lacks, in before's order. Two provisions
// differ when anything a reader sees differs: kind, number, label, marker,
// heading, paragraphs, pages or parent; source line numbers alone do not count.
func Diff(before, after []*Provision) []ProvisionChange {
	old := make(map[string]*Provision, len(before))
	for _, p := range before {
		old[p.ID] = p
	}
	seen := make(map[string]bool, len(after))
	var out []ProvisionChange
	for _, p := range after {
		seen[p.ID] = true
		q, ok := old[p.ID]
		switch {
		case !ok:
			out = append(out, ProvisionChange{Kind: ChangeAdded, ID: p.ID, After: p})
		case !sameProvision(q, p):
			out = append(out, ProvisionChange{Kind: ChangeChanged, ID: p.ID, Before: q, After: p})
		}
	}
	for _, p := range before {
		if !seen[p.ID] {
			out = append(out, ProvisionChange{Kind: ChangeRemoved, ID: p.ID, Before: p})
		}
	}
	return out
}

func sameProvision(a, b *Provision) bool {
	return a.Kind == b.Kind && a.Number == b.Number && a.Label == b.Label && a.Marker == b.Marker &&
		a.Heading == b.Heading && a.ParentID == b.ParentID &&
		reflect.DeepEqual(a.Paragraphs, b.Paragraphs) && reflect.DeepEqual(a.Pages, b.Pages) && sameNotes(a.Notes, b.Notes)
}

// sameNotes reports whether two provisions' footnotes say the same, where
// ever their lines stand.
func sameNotes(a, b []Note) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Marker != b[i].Marker || a[i].Text != b[i].Text {
			return false
		}
	}
	return true
}

// Lost returns the provisions of current that next lacks, in current's order.
func Lost(current, next []*Provision) []*Provision {
	have := make(map[string]bool, len(next))
	for _, p := range next {
		have[p.ID] = true
	}
	var out []*Provision
	for _, p := range current {
		if !have[p.ID] {
			out = append(out, p)
		}
	}
	return out
}

// IngestOptions says how a document is stored.
type IngestOptions struct {
	// Replace makes the document current even if it lacks provisions the
	// current version has.
	Replace bool
	// Note says how the version came about; it is shown in its history.
	Note string
	// Rebuilt stores a document whose source bytes are those of the current
	// version when what it holds differs (a document built or changed by a
	// program rather than parsed); otherwise the same bytes change nothing.
	Rebuilt bool
	// References names the references ("ref:…") the document is, as the
	// user says at ingest: a citation of any of them then leads to it. They
	// are kept until an ingest names the reference for another document.
	References []string
}

// IngestResult says what an ingest did.
type IngestResult struct {
	Version   int  // the number of the current version after the ingest
	Previous  int  // the number of the version that was current before; 0 if none
	Unchanged bool // the text was that of the current version: no version was added
	// Unlike says, when Unchanged though the bytes differ from the current
	// version's, how they differ: "in Shift_JIS, not UTF-8", "with CRLF
	// line breaks, not LF". Empty when the bytes are the same.
	Unlike string
	Lost   []*Provision
}

// LossError refuses to make current a version of a document that lacks
// provisions its current version has.
type LossError struct {
	DocumentID string
	Current    int          // the current version's number
	Lost       []*Provision // of the current version, in document order
}

// MaxListed bounds the provisions a LossError names.
const MaxListed = 10

func (e *LossError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "refused: the new text of %s lacks %d provision%s of version %d (the current one): ",
		e.DocumentID, len(e.Lost), plural(len(e.Lost)), e.Current)
	for i, p := range e.Lost {
		if i == MaxListed {
			fmt.Fprintf(&b, ", and %d more", len(e.Lost)-MaxListed)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		_, local, _ := SplitID(p.ID)
		fmt.Fprintf(&b, "%s (%s)", p.Label, local)
	}
	b.WriteString("; nothing was changed. Give --replace to make it current anyway (the current version stays readable)")
	return b.String()
}

// Unwrap makes a LossError a conflict for ErrorCode.
func (e *LossError) Unwrap() error { return &Error{Code: EINVALID, Message: e.Error()} }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// VersionService reads the versions of documents.
type VersionService interface {
	// Versions returns the versions of a document, oldest first; NOT_FOUND
	// if there is no such document.
	Versions(ctx context.Context, documentID string) ([]*Version, error)
	// DocumentVersion returns a document as it was in one version, with its
	// provisions, references, citations, terms and cross-references filled
	// in and their Version set; NOT_FOUND if there is no such version.
	DocumentVersion(ctx context.Context, documentID string, number int) (*Document, error)
}

// StoreChanges is what changed in a store after a generation: the
// documents whose current version an ingest, a revert or a replacement
// changed (see ChangeService).
type StoreChanges struct {
	// Store identifies the store: a store made anew (which counts its
	// generations from 0 again) has another.
	Store string
	// Generation is the store's generation now.
	Generation int64
	// Documents are the IDs of the documents changed after the generation
	// asked about, sorted, each once.
	Documents []string
	// Complete is false when the store cannot tell every change since that
	// generation (it kept no log that far back, or the generation is of
	// another store): then anything may have changed.
	Complete bool
}

// ChangeService tells what changed in a store, so that what is derived
// from it (the search index) can follow it document by document.
type ChangeService interface {
	// Changes returns what changed after generation since.
	Changes(ctx context.Context, since int64) (*StoreChanges, error)
}
