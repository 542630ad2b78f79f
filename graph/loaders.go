package graph

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/policykb/policykb/internal/policy"
	"github.com/vikstrous/dataloadgen"
)

// loaderWait is how long a loader waits for sibling resolvers to ask for
// more keys before it queries the store.
const (
	loaderWait     = 500 * time.Microsecond
	loaderMaxBatch = 500
)

// loaders batch the reads of one GraphQL operation.
type loaders struct {
	provision     *dataloadgen.Loader[string, *policy.Provision]   // by ID
	children      *dataloadgen.Loader[string, []*policy.Provision] // by parent ID
	document      *dataloadgen.Loader[string, *policy.Document]    // by ID
	docProvisions *dataloadgen.Loader[string, []*policy.Provision] // by document ID

	reference         *dataloadgen.Loader[string, *policy.Reference]        // by ID
	citation          *dataloadgen.Loader[string, *policy.Citation]         // by ID
	citationsBySource *dataloadgen.Loader[string, []*policy.Citation]       // by provision ID
	citationsByTarget *dataloadgen.Loader[string, []*policy.Citation]       // by reference ID
	xrefsBySource     *dataloadgen.Loader[string, []*policy.CrossReference] // by provision ID
	xrefsByTarget     *dataloadgen.Loader[string, []*policy.CrossReference] // by provision ID

	counterparts       *dataloadgen.Loader[string, []*policy.Provision] // by provision ID
	referenceDocument  *dataloadgen.Loader[string, string]              // document ID by reference ID
	documentReferences *dataloadgen.Loader[string, []string]            // reference IDs by document ID
	targetProvision    *dataloadgen.Loader[string, string]              // provision ID by citation ID
	incomingCitations  *dataloadgen.Loader[string, []*policy.Citation]  // by provision ID
	// series reads the series of the store once per operation.
	series func() ([]*policy.Series, error)
}

type loadersKey struct{}

// withLoaders returns ctx with fresh loaders over r's services.
func (r *Resolver) withLoaders(ctx context.Context) context.Context {
	l := &loaders{}
	l.provision = newLoader(func(ctx context.Context, ids []string) (map[string]*policy.Provision, error) {
		ps, err := r.Provisions.ProvisionsByID(ctx, ids)
		return byKey(ps, func(p *policy.Provision) string { return p.ID }), err
	})
	l.children = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		ps, err := r.Provisions.Provisions(ctx, policy.ProvisionFilter{ParentIDs: ids})
		l.prime(ps)
		return groupBy(ps, func(p *policy.Provision) string { return p.ParentID }), err
	})
	l.document = newLoader(func(ctx context.Context, ids []string) (map[string]*policy.Document, error) {
		ds, err := r.Documents.DocumentsByID(ctx, ids)
		return byKey(ds, func(d *policy.Document) string { return d.ID }), err
	})
	l.docProvisions = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		ps, err := r.Provisions.Provisions(ctx, policy.ProvisionFilter{DocumentIDs: ids})
		l.prime(ps)
		return groupBy(ps, func(p *policy.Provision) string { return p.DocumentID }), err
	})
	l.reference = newLoader(func(ctx context.Context, ids []string) (map[string]*policy.Reference, error) {
		rs, err := r.References.ReferencesByID(ctx, ids)
		return byKey(rs, func(x *policy.Reference) string { return x.ID }), err
	})
	l.citation = newLoader(func(ctx context.Context, ids []string) (map[string]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{IDs: ids})
		return byKey(cs, func(c *policy.Citation) string { return c.ID }), err
	})
	l.citationsBySource = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{SourceIDs: ids})
		return groupBy(cs, func(c *policy.Citation) string { return c.SourceID }), err
	})
	l.citationsByTarget = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{TargetIDs: ids})
		return groupBy(cs, func(c *policy.Citation) string { return c.TargetID }), err
	})
	l.xrefsBySource = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.CrossReference, error) {
		xs, err := r.References.CrossReferences(ctx, policy.CitationFilter{SourceIDs: ids})
		return groupBy(xs, func(x *policy.CrossReference) string { return x.SourceID }), err
	})
	l.xrefsByTarget = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.CrossReference, error) {
		xs, err := r.References.CrossReferences(ctx, policy.CitationFilter{TargetIDs: ids})
		return groupBy(xs, func(x *policy.CrossReference) string { return x.TargetID }), err
	})
	years, links := r.services()
	l.counterparts = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		return years.Counterparts(ctx, ids)
	})
	l.referenceDocument = newLoader(func(ctx context.Context, ids []string) (map[string]string, error) {
		return links.ReferenceDocuments(ctx, ids)
	})
	l.documentReferences = newLoader(func(ctx context.Context, ids []string) (map[string][]string, error) {
		return links.DocumentReferences(ctx, ids)
	})
	l.targetProvision = newLoader(func(ctx context.Context, ids []string) (map[string]string, error) {
		return links.TargetProvisions(ctx, ids)
	})
	l.incomingCitations = newLoader(func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
		return links.IncomingCitations(ctx, ids)
	})
	l.series = sync.OnceValues(func() ([]*policy.Series, error) { return years.Series(ctx) })
	return context.WithValue(ctx, loadersKey{}, l)
}

// prime makes provisions read by one query available to the ID loader, so
// that parent and ancestors of listed provisions cost no further query.
func (l *loaders) prime(ps []*policy.Provision) {
	for _, p := range ps {
		l.provision.Prime(p.ID, p)
	}
}

// newLoader returns a loader that batches the keys asked for within
// loaderWait into one call of fetch. Keys that fetch leaves out of its map
// load as the zero value (nil: not found), without error.
func newLoader[V any](fetch func(ctx context.Context, keys []string) (map[string]V, error)) *dataloadgen.Loader[string, V] {
	return dataloadgen.NewLoader(func(ctx context.Context, keys []string) ([]V, []error) {
		m, err := fetch(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		vs := make([]V, len(keys))
		for i, k := range keys {
			vs[i] = m[k]
		}
		return vs, nil
	}, dataloadgen.WithWait(loaderWait), dataloadgen.WithBatchCapacity(loaderMaxBatch))
}

// loadAll loads keys in one batch and returns their values in order, or
// the first error.
func loadAll[V any](ctx context.Context, l *dataloadgen.Loader[string, V], keys []string) ([]V, error) {
	vs, err := l.LoadAll(ctx, keys)
	var errs dataloadgen.ErrorSlice
	if errors.As(err, &errs) {
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
	}
	return vs, err
}

// loadNow is the loader l's Load for a lookup that has nothing to batch
// with, such as the root field of a query: it fetches at once and leaves
// the value in l for the rest of the operation.
func loadNow[V any](ctx context.Context, l *dataloadgen.Loader[string, V], key string, fetch func(context.Context, []string) ([]V, error)) (V, error) {
	var zero V
	vs, err := fetch(ctx, []string{key})
	if err != nil || len(vs) == 0 {
		return zero, err
	}
	l.Prime(key, vs[0])
	return vs[0], nil
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
