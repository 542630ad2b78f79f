package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/policykb/policykb/graph/model"
	"github.com/policykb/policykb/internal/policy"
)

// This file holds what the resolvers share: lookups that answer NOT_FOUND,
// argument checks, and conversions of zero values to null.

// nodeKind is what an ID names, told by its form alone.
type nodeKind int

const (
	documentNode nodeKind = iota
	provisionNode
	referenceNode
	citationNode
	seriesNode
)

func kindOfID(id string) nodeKind {
	switch {
	case isSeriesID(id):
		return seriesNode
	case strings.HasPrefix(id, policy.ReferenceIDPrefix):
		return referenceNode
	case strings.Contains(id, "~c"):
		return citationNode
	}
	if _, _, ok := policy.SplitID(id); ok {
		return provisionNode
	}
	return documentNode
}

func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	switch kindOfID(id) {
	case seriesNode:
		return nodeOf(r.seriesByID(ctx, id))
	case referenceNode:
		return nodeOf(r.referenceByID(ctx, id))
	case citationNode:
		return nodeOf(r.citationByID(ctx, id))
	case provisionNode:
		return nodeOf(r.provisionByID(ctx, id))
	}
	return nodeOf(r.document(ctx, id))
}

// nodeOf returns v as a Node, and err only where v is nil: a nil *T in the
// interface would not be null.
func nodeOf[T any, P interface {
	*T
	model.Node
}](v P, err error) (model.Node, error) {
	if v == nil {
		return nil, err
	}
	return v, nil
}

// nodes looks up ids of any kind, in order, nil where an ID is unknown.
// Every ID is handed to its loader before any answer is awaited, so that
// each kind of object costs one batch.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	l := loadersFrom(ctx)
	wait := make([]func() (model.Node, error), len(ids))
	for i, id := range ids {
		switch kindOfID(id) {
		case seriesNode:
			wait[i] = func() (model.Node, error) {
				s, err := r.seriesByID(ctx, id)
				if policy.ErrorCode(err) == policy.ENOTFOUND {
					return nil, nil // null, as for any unknown ID
				}
				if err != nil {
					return nil, err
				}
				return s, nil
			}
		case referenceNode:
			wait[i] = asNode(l.reference.LoadThunk(ctx, id))
		case citationNode:
			wait[i] = asNode(l.citation.LoadThunk(ctx, id))
		case provisionNode:
			wait[i] = asNode(l.provision.LoadThunk(ctx, id))
		default:
			wait[i] = asNode(l.document.LoadThunk(ctx, id))
		}
	}
	out := make([]model.Node, len(ids))
	for i, w := range wait {
		n, err := w()
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// asNode turns the wait for a *T into the wait for a Node that is nil, not
// a nil *T, where nothing was found.
func asNode[T any, P interface {
	*T
	model.Node
}](wait func() (P, error)) func() (model.Node, error) {
	return func() (model.Node, error) {
		v, err := wait()
		if err != nil || v == nil {
			return nil, err
		}
		return v, nil
	}
}

func (r *Resolver) document(ctx context.Context, id string) (*policy.Document, error) {
	return loadOne(ctx, loadersFrom(ctx).document, id, r.Documents.DocumentsByID, func() error {
		return policy.Errorf(policy.ENOTFOUND, "no document %s", policy.Quote(id))
	})
}

func (r *Resolver) provisionByID(ctx context.Context, id string) (*policy.Provision, error) {
	return loadOne(ctx, loadersFrom(ctx).provision, id, r.Provisions.ProvisionsByID, func() error {
		return policy.Errorf(policy.ENOTFOUND, "no provision %q", id)
	})
}

// loadOne loads key with l or, at the root of a query, with fetch at once
// (loadNow); when nothing has the key it returns the error of notFound.
func loadOne[V comparable](ctx context.Context, l *loader[V], key string, fetch func(context.Context, []string) ([]V, error), notFound func() error) (V, error) {
	var v V
	var err error
	if isRoot(ctx) {
		v, err = loadNow(ctx, l, key, fetch)
	} else {
		v, err = l.Load(ctx, key)
	}
	var zero V
	if err == nil && v == zero {
		err = notFound()
	}
	return v, err
}

func (r *Resolver) provision(ctx context.Context, id, document, label *string) (*policy.Provision, error) {
	switch {
	case id != nil && (document != nil || label != nil):
		return nil, policy.Errorf(policy.EINVALID, "give either id, or label (with or without document), not both")
	case id != nil:
		return r.provisionByID(ctx, *id)
	case label == nil:
		return nil, policy.Errorf(policy.EINVALID, "give id, or label (with or without document)")
	}
	doc := ""
	if document != nil {
		if _, err := r.document(ctx, *document); err != nil {
			return nil, err
		}
		doc = *document
	}
	ps, err := r.Provisions.ProvisionsByLabel(ctx, doc, *label)
	switch {
	case err != nil:
		return nil, err
	case len(ps) == 0 && doc != "":
		return nil, policy.Errorf(policy.ENOTFOUND, "no provision labelled %q in %s", *label, doc)
	case len(ps) == 0:
		return nil, policy.Errorf(policy.ENOTFOUND, "no provision labelled %q", *label)
	case len(ps) > 1:
		ids := make([]string, len(ps))
		for i, p := range ps {
			ids[i] = p.ID
		}
		return nil, policy.Errorf(policy.EINVALID, "label %q is ambiguous: %s; give document or the full label", *label, strings.Join(ids, ", "))
	}
	return ps[0], nil
}

func (r *Resolver) provisions(ctx context.Context, document *string, kind *policy.Kind, under *string) ([]*policy.Provision, error) {
	var f policy.ProvisionFilter
	if document != nil {
		if _, err := r.document(ctx, *document); err != nil {
			return nil, err
		}
		f.DocumentID = *document
	}
	if kind != nil {
		f.Kind = *kind
	}
	if under != nil {
		if _, err := r.provisionByID(ctx, *under); err != nil {
			return nil, err
		}
		f.Under = *under
	}
	ps, err := r.Provisions.Provisions(ctx, f)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).prime(ps)
	return orEmpty(ps), nil
}

// isRoot reports whether ctx is that of a root field, whose lookups have no
// siblings to be batched with. (gqlgen gives root fields a parent context
// of the operation: a root field is one of the Query type.)
func isRoot(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Object == "Query"
}

// orEmpty turns a nil slice into an empty one, for non-null lists.
func orEmpty[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
