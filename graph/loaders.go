package graph

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/policykb/policykb/internal/policy"
	"github.com/vektah/gqlparser/v2/ast"
)

// A loader gathers the keys that the resolvers of one level of a query ask
// for into one call of its fetch. Where the resolver that asks first can
// have siblings that ask too — it is within a list, or the operation has
// several root fields — the batch waits loaderWait for them (at most
// loaderMaxBatch keys). Where it cannot, there is no fixed wait: the batch
// is fetched as soon as no resolver of the operation is running but those
// waiting for a loader (a resolver that asks for several keys asks for all
// before it waits), so that a lookup below a single object costs no idle
// time.
const (
	loaderWait     = 500 * time.Microsecond
	loaderMaxBatch = 500
)

// operation counts the resolvers of one operation that are running and not
// waiting for a loader: while there are any, they may still ask for keys.
type operation struct {
	active atomic.Int64
}

// running counts the resolver of ctx as running while next runs: the
// field middleware of every handler and executor.
func running(ctx context.Context, next graphql.Resolver) (any, error) {
	l, _ := ctx.Value(loadersKey{}).(*loaders)
	if fc := graphql.GetFieldContext(ctx); l == nil || fc == nil || !fc.IsResolver {
		return next(ctx)
	}
	l.op.active.Add(1)
	defer l.op.active.Add(-1)
	return next(ctx)
}

// wait waits for done, counting its resolver as not running meanwhile.
func (op *operation) wait(done chan struct{}) {
	select {
	case <-done:
		return
	default:
	}
	op.active.Add(-1)
	<-done
	op.active.Add(1)
}

// mayHaveSiblings reports whether other resolvers may ask a loader for
// keys together with the one of ctx: it is within a list, or its
// operation selects more than one root field.
func mayHaveSiblings(ctx context.Context) bool {
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
			set := oc.Operation.SelectionSet
			if len(set) != 1 {
				return true
			}
			if f, ok := set[0].(*ast.Field); !ok || f.Name == "nodes" {
				return true
			}
		}
	}
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index != nil {
			return true
		}
	}
	return false
}

// loader batches and caches the loads of one key type for one operation.
type loader[V any] struct {
	op    *operation
	fetch func(ctx context.Context, keys []string) ([]V, error)
	mu    sync.Mutex
	cache map[string]*loadResult[V]
	batch *loadBatch[V]
}

type loadResult[V any] struct {
	done  chan struct{}
	value V
	err   error
}

type loadBatch[V any] struct {
	window  bool // wait loaderWait for siblings
	ctx     context.Context
	keys    []string
	results []*loadResult[V]
	fetched bool
}

// Load returns the value of key, nil (the zero value) where fetch found
// none.
func (l *loader[V]) Load(ctx context.Context, key string) (V, error) {
	return l.LoadThunk(ctx, key)()
}

// LoadThunk asks for key and returns a function that waits for its value.
func (l *loader[V]) LoadThunk(ctx context.Context, key string) func() (V, error) {
	r := l.ask(ctx, key)
	return func() (V, error) {
		l.op.wait(r.done)
		return r.value, r.err
	}
}

// LoadAll loads keys in one batch and returns their values in order, or
// the first error.
func (l *loader[V]) LoadAll(ctx context.Context, keys []string) ([]V, error) {
	rs := make([]*loadResult[V], len(keys))
	for i, k := range keys {
		rs[i] = l.ask(ctx, k)
	}
	vs := make([]V, len(keys))
	for i, r := range rs {
		l.op.wait(r.done)
		if r.err != nil {
			return nil, r.err
		}
		vs[i] = r.value
	}
	return vs, nil
}

// Prime makes value the value of key, unless key was asked for already.
func (l *loader[V]) Prime(key string, value V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.cache[key]; ok {
		return
	}
	r := &loadResult[V]{done: make(chan struct{}), value: value}
	close(r.done)
	l.cache[key] = r
}

func (l *loader[V]) ask(ctx context.Context, key string) *loadResult[V] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.cache[key]; ok {
		return r
	}
	r := &loadResult[V]{done: make(chan struct{})}
	l.cache[key] = r
	b := l.batch
	if b == nil {
		b = &loadBatch[V]{ctx: ctx, window: mayHaveSiblings(ctx)}
		l.batch = b
		go l.gather(b)
	}
	b.keys = append(b.keys, key)
	b.results = append(b.results, r)
	if len(b.keys) >= loaderMaxBatch {
		l.batch, b.fetched = nil, true
		go l.run(b)
	}
	return r
}

// gather waits for the keys of b as the package comment says, then
// fetches them.
func (l *loader[V]) gather(b *loadBatch[V]) {
	if b.window {
		time.Sleep(loaderWait)
	} else {
		for start := time.Now(); l.op.active.Load() > 0 && time.Since(start) < loaderWait; {
			runtime.Gosched()
		}
	}
	l.mu.Lock()
	if b.fetched {
		l.mu.Unlock()
		return
	}
	l.batch, b.fetched = nil, true
	l.mu.Unlock()
	l.run(b)
}

// run fetches the keys of b and hands out their values.
func (l *loader[V]) run(b *loadBatch[V]) {
	vs, err := l.safeFetch(b.ctx, b.keys)
	for i, r := range b.results {
		if err != nil {
			r.err = err
		} else if i < len(vs) {
			r.value = vs[i]
		}
		close(r.done)
	}
}

func (l *loader[V]) safeFetch(ctx context.Context, keys []string) (vs []V, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic during fetch: %v", v)
		}
	}()
	return l.fetch(ctx, keys)
}

// loaders batch the reads of one GraphQL operation.
type loaders struct {
	provision     *loader[*policy.Provision]   // by ID
	children      *loader[[]*policy.Provision] // by parent ID
	document      *loader[*policy.Document]    // by ID
	docProvisions *loader[[]*policy.Provision] // by document ID

	reference         *loader[*policy.Reference]        // by ID
	citation          *loader[*policy.Citation]         // by ID
	citationsBySource *loader[[]*policy.Citation]       // by provision ID
	citationsByTarget *loader[[]*policy.Citation]       // by reference ID
	xrefsBySource     *loader[[]*policy.CrossReference] // by provision ID
	xrefsByTarget     *loader[[]*policy.CrossReference] // by provision ID

	counterparts       *loader[[]*policy.Provision] // by provision ID
	referenceDocument  *loader[string]              // document ID by reference ID
	documentReferences *loader[[]string]            // reference IDs by document ID
	targetProvision    *loader[string]              // provision ID by citation ID
	incomingCitations  *loader[[]*policy.Citation]  // by provision ID
	// series reads the series of the store once per operation.
	series func() ([]*policy.Series, error)
	op     *operation
}

type loadersKey struct{}

// withLoaders returns ctx with fresh loaders over r's services.
func (r *Resolver) withLoaders(ctx context.Context) context.Context {
	op := &operation{}
	l := &loaders{op: op}
	l.provision = newLoader(op, func(ctx context.Context, ids []string) (map[string]*policy.Provision, error) {
		ps, err := r.Provisions.ProvisionsByID(ctx, ids)
		return byKey(ps, func(p *policy.Provision) string { return p.ID }), err
	})
	l.children = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		ps, err := r.Provisions.Provisions(ctx, policy.ProvisionFilter{ParentIDs: ids})
		l.prime(ps)
		return groupBy(ps, func(p *policy.Provision) string { return p.ParentID }), err
	})
	l.document = newLoader(op, func(ctx context.Context, ids []string) (map[string]*policy.Document, error) {
		ds, err := r.Documents.DocumentsByID(ctx, ids)
		return byKey(ds, func(d *policy.Document) string { return d.ID }), err
	})
	l.docProvisions = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		ps, err := r.Provisions.Provisions(ctx, policy.ProvisionFilter{DocumentIDs: ids})
		l.prime(ps)
		return groupBy(ps, func(p *policy.Provision) string { return p.DocumentID }), err
	})
	l.reference = newLoader(op, func(ctx context.Context, ids []string) (map[string]*policy.Reference, error) {
		rs, err := r.References.ReferencesByID(ctx, ids)
		return byKey(rs, func(x *policy.Reference) string { return x.ID }), err
	})
	l.citation = newLoader(op, func(ctx context.Context, ids []string) (map[string]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{IDs: ids})
		return byKey(cs, func(c *policy.Citation) string { return c.ID }), err
	})
	l.citationsBySource = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{SourceIDs: ids})
		return groupBy(cs, func(c *policy.Citation) string { return c.SourceID }), err
	})
	l.citationsByTarget = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
		cs, err := r.References.Citations(ctx, policy.CitationFilter{TargetIDs: ids})
		return groupBy(cs, func(c *policy.Citation) string { return c.TargetID }), err
	})
	l.xrefsBySource = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.CrossReference, error) {
		xs, err := r.References.CrossReferences(ctx, policy.CitationFilter{SourceIDs: ids})
		return groupBy(xs, func(x *policy.CrossReference) string { return x.SourceID }), err
	})
	l.xrefsByTarget = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.CrossReference, error) {
		xs, err := r.References.CrossReferences(ctx, policy.CitationFilter{TargetIDs: ids})
		return groupBy(xs, func(x *policy.CrossReference) string { return x.TargetID }), err
	})
	years, links := r.services()
	l.counterparts = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.Provision, error) {
		return years.Counterparts(ctx, ids)
	})
	l.referenceDocument = newLoader(op, func(ctx context.Context, ids []string) (map[string]string, error) {
		return links.ReferenceDocuments(ctx, ids)
	})
	l.documentReferences = newLoader(op, func(ctx context.Context, ids []string) (map[string][]string, error) {
		return links.DocumentReferences(ctx, ids)
	})
	l.targetProvision = newLoader(op, func(ctx context.Context, ids []string) (map[string]string, error) {
		return links.TargetProvisions(ctx, ids)
	})
	l.incomingCitations = newLoader(op, func(ctx context.Context, ids []string) (map[string][]*policy.Citation, error) {
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

// newLoader returns a loader that batches the keys its resolvers ask for
// at once into one call of fetch. Keys that fetch leaves out of its map
// load as the zero value (nil: not found), without error.
func newLoader[V any](op *operation, fetch func(ctx context.Context, keys []string) (map[string]V, error)) *loader[V] {
	return &loader[V]{op: op, cache: map[string]*loadResult[V]{}, fetch: func(ctx context.Context, keys []string) ([]V, error) {
		m, err := fetch(ctx, keys)
		if err != nil {
			return nil, err
		}
		vs := make([]V, len(keys))
		for i, k := range keys {
			vs[i] = m[k]
		}
		return vs, nil
	}}
}

// loadAll loads keys in one batch and returns their values in order, or
// the first error.
func loadAll[V any](ctx context.Context, l *loader[V], keys []string) ([]V, error) {
	return l.LoadAll(ctx, keys)
}

// loadNow is the loader l's Load for a lookup that has nothing to batch
// with, such as the root field of a query: it fetches at once and leaves
// the value in l for the rest of the operation.
func loadNow[V any](ctx context.Context, l *loader[V], key string, fetch func(context.Context, []string) ([]V, error)) (V, error) {
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
