package graph

import (
	"context"
	"time"

	"github.com/policykb/policykb/internal/dataloader"
	"github.com/policykb/policykb/internal/policy"
)

// loaderWait is how long a loader waits for sibling resolvers to ask for
// more keys before it queries the store.
const (
	loaderWait     = 500 * time.Microsecond
	loaderMaxBatch = 500
)

// loaders batch the reads of one GraphQL operation.
type loaders struct {
	provision     *dataloader.Loader[string, *policy.Provision]   // by ID
	children      *dataloader.Loader[string, []*policy.Provision] // by parent ID
	document      *dataloader.Loader[string, *policy.Document]    // by ID
	docProvisions *dataloader.Loader[string, []*policy.Provision] // by document ID

	reference         *dataloader.Loader[string, *policy.Reference]        // by ID
	citation          *dataloader.Loader[string, *policy.Citation]         // by ID
	citationsBySource *dataloader.Loader[string, []*policy.Citation]       // by provision ID
	citationsByTarget *dataloader.Loader[string, []*policy.Citation]       // by reference ID
	xrefsBySource     *dataloader.Loader[string, []*policy.CrossReference] // by provision ID
	xrefsByTarget     *dataloader.Loader[string, []*policy.CrossReference] // by provision ID
}

type loadersKey struct{}

// withLoaders returns ctx with fresh loaders over r's services.
func (r *Resolver) withLoaders(ctx context.Context) context.Context {
	l := &loaders{}
	l.provision = dataloader.New(func(ctx context.Context, ids []string) (map[string]*policy.Provision, error) {
		ps, err := r.Provisions.ProvisionsByID(ctx, ids)
		return byKey(ps, func(p *policy.Provision) string { return p.ID }), err
	}, loaderWait, loaderMaxBatch)
	l.children = dataloader.New(func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		ps, err := r.Provisions.Provisions(ctx, policy.ProvisionFilter{ParentIDs: ids})
		l.prime(ps)
		return groupBy(ps, func(p *policy.Provision) string { return p.ParentID }), err
	}, loaderWait, loaderMaxBatch)
	l.document = dataloader.New(func(ctx context.Context, ids []string) (map[string]*policy.Document, error) {
		ds, err := r.Documents.DocumentsByID(ctx, ids)
		return byKey(ds, func(d *policy.Document) string { return d.ID }), err
	}, loaderWait, loaderMaxBatch)
	l.docProvisions = dataloader.New(func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		ps, err := r.Provisions.Provisions(ctx, policy.ProvisionFilter{DocumentIDs: ids})
		l.prime(ps)
		return groupBy(ps, func(p *policy.Provision) string { return p.DocumentID }), err
	}, loaderWait, loaderMaxBatch)
	l.reference = dataloader.New(func(ctx context.Context, ids []string) (map[string]*policy.Reference, error) {
		rs, err := r.References.ReferencesByID(ctx, ids)
		return byKey(rs, func(x *policy.Reference) string { return x.ID }), err
	}, loaderWait, loaderMaxBatch)
	l.citation = dataloader.New(func(ctx context.Context, ids []string) (map[string]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{IDs: ids})
		return byKey(cs, func(c *policy.Citation) string { return c.ID }), err
	}, loaderWait, loaderMaxBatch)
	l.citationsBySource = dataloader.New(func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{SourceIDs: ids})
		return groupBy(cs, func(c *policy.Citation) string { return c.SourceID }), err
	}, loaderWait, loaderMaxBatch)
	l.citationsByTarget = dataloader.New(func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{TargetIDs: ids})
		return groupBy(cs, func(c *policy.Citation) string { return c.TargetID }), err
	}, loaderWait, loaderMaxBatch)
	l.xrefsBySource = dataloader.New(func(ctx context.Context, ids []string) (map[string][]*policy.CrossReference, error) {
		xs, err := r.References.CrossReferences(ctx, policy.CitationFilter{SourceIDs: ids})
		return groupBy(xs, func(x *policy.CrossReference) string { return x.SourceID }), err
	}, loaderWait, loaderMaxBatch)
	l.xrefsByTarget = dataloader.New(func(ctx context.Context, ids []string) (map[string][]*policy.CrossReference, error) {
		xs, err := r.References.CrossReferences(ctx, policy.CitationFilter{TargetIDs: ids})
		return groupBy(xs, func(x *policy.CrossReference) string { return x.TargetID }), err
	}, loaderWait, loaderMaxBatch)
	return context.WithValue(ctx, loadersKey{}, l)
}

// prime makes provisions read by one query available to the ID loader, so
// that parent and ancestors of listed provisions cost no further query.
func (l *loaders) prime(ps []*policy.Provision) {
	for _, p := range ps {
		l.provision.Prime(p.ID, p)
	}
}

func loadersFrom(ctx context.Context) *loaders {
	return ctx.Value(loadersKey{}).(*loaders)
}

func byKey[V any](vs []V, key func(V) string) map[string]V {
	m := make(map[string]V, len(vs))
	for _, v := range vs {
		m[key(v)] = v
	}
	return m
}

func groupBy[V any](vs []V, key func(V) string) map[string][]V {
	m := map[string][]V{}
	for _, v := range vs {
		m[key(v)] = append(m[key(v)], v)
	}
	return m
}
