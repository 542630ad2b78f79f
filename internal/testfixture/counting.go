package testfixture

import (
	"context"
	"sync/atomic"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// CountingStore is a store that counts its reads: the calls of the
// documents', provisions', references' and citations' methods that reach
// the database.
type CountingStore struct {
	*sqlite.DB
	// Reads is the number of reads so far; tests reset it with Store(0).
	Reads atomic.Int64
}

// Documents counts a read and reads the documents.
func (s *CountingStore) Documents(ctx context.Context) ([]*policy.Document, error) {
	s.Reads.Add(1)
	return s.DB.Documents(ctx)
}

// DocumentsByID counts a read and reads the documents of ids.
func (s *CountingStore) DocumentsByID(ctx context.Context, ids []string) ([]*policy.Document, error) {
	s.Reads.Add(1)
	return s.DB.DocumentsByID(ctx, ids)
}

// ProvisionsByID counts a read and reads the provisions of ids.
func (s *CountingStore) ProvisionsByID(ctx context.Context, ids []string) ([]*policy.Provision, error) {
	s.Reads.Add(1)
	return s.DB.ProvisionsByID(ctx, ids)
}

// Provisions counts a read and reads the provisions f selects.
func (s *CountingStore) Provisions(ctx context.Context, f policy.ProvisionFilter) ([]*policy.Provision, error) {
	s.Reads.Add(1)
	return s.DB.Provisions(ctx, f)
}

// ProvisionsByLabel counts a read and reads the provisions of doc labelled label.
func (s *CountingStore) ProvisionsByLabel(ctx context.Context, doc, label string) ([]*policy.Provision, error) {
	s.Reads.Add(1)
	return s.DB.ProvisionsByLabel(ctx, doc, label)
}

// References counts a read and reads the references f selects.
func (s *CountingStore) References(ctx context.Context, f policy.ReferenceFilter) ([]*policy.Reference, error) {
	s.Reads.Add(1)
	return s.DB.References(ctx, f)
}

// ReferencesByID counts a read and reads the references of ids.
func (s *CountingStore) ReferencesByID(ctx context.Context, ids []string) ([]*policy.Reference, error) {
	s.Reads.Add(1)
	return s.DB.ReferencesByID(ctx, ids)
}

// Citations counts a read and reads the citations f selects.
func (s *CountingStore) Citations(ctx context.Context, f policy.CitationFilter) ([]*policy.Citation, error) {
	s.Reads.Add(1)
	return s.DB.Citations(ctx, f)
}

// CrossReferences counts a read and reads the cross-references f selects.
func (s *CountingStore) CrossReferences(ctx context.Context, f policy.CitationFilter) ([]*policy.CrossReference, error) {
	s.Reads.Add(1)
	return s.DB.CrossReferences(ctx, f)
}
