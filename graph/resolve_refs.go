package graph

import (
	"context"
	"slices"

	"github.com/policykb/policykb/internal/policy"
)

func (r *Resolver) referenceByID(ctx context.Context, id string) (*policy.Reference, error) {
	ref, err := loadersFrom(ctx).reference.Load(ctx, id)
	if err == nil && ref == nil {
		err = policy.Errorf(policy.ENOTFOUND, "no reference %q", id)
	}
	return ref, err
}

func (r *Resolver) citationByID(ctx context.Context, id string) (*policy.Citation, error) {
	c, err := loadersFrom(ctx).citation.Load(ctx, id)
	if err == nil && c == nil {
		err = policy.Errorf(policy.ENOTFOUND, "no citation %q", id)
	}
	return c, err
}

// provisionReferences returns the distinct targets of p's citations, in the
// order of their first citation.
func (r *Resolver) provisionReferences(ctx context.Context, p *policy.Provision) ([]*policy.Reference, error) {
	cs, err := loadersFrom(ctx).citationsBySource.Load(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range cs {
		if !slices.Contains(ids, c.TargetID) {
			ids = append(ids, c.TargetID)
		}
	}
	refs, err := loadAll(ctx, loadersFrom(ctx).reference, ids)
	return orEmpty(refs), err
}

// referenceCitations returns ref's citations, only from provisions of the
// given kinds when there are any.
func (r *Resolver) referenceCitations(ctx context.Context, ref *policy.Reference, kinds []policy.Kind) ([]*policy.Citation, error) {
	cs, err := loadersFrom(ctx).citationsByTarget.Load(ctx, ref.ID)
	if err != nil || len(kinds) == 0 {
		return orEmpty(cs), err
	}
	out := []*policy.Citation{}
	for _, c := range cs {
		src, err := r.provisionByID(ctx, c.SourceID)
		if err != nil {
			return nil, err
		}
		if slices.Contains(kinds, src.Kind) {
			out = append(out, c)
		}
	}
	return out, nil
}

// distinctIDs returns the IDs that key gives for xs, each once, in order.
func distinctIDs[T any](xs []T, key func(T) string) []string {
	var ids []string
	for _, x := range xs {
		if id := key(x); !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// distinctProvisions loads the provisions that key gives for xs, each
// once, in the order of xs.
func distinctProvisions[T any](ctx context.Context, xs []T, key func(T) string) ([]*policy.Provision, error) {
	ps, err := loadAll(ctx, loadersFrom(ctx).provision, distinctIDs(xs, key))
	return orEmpty(ps), err
}

func (r *Resolver) terms(ctx context.Context, document *string) ([]*policy.DefinedTerm, error) {
	doc := ""
	if document != nil {
		if _, err := r.document(ctx, *document); err != nil {
			return nil, err
		}
		doc = *document
	}
	ts, err := r.References.Terms(ctx, doc)
	return orEmpty(ts), err
}

func (r *Resolver) citations(ctx context.Context, document, target *string) ([]*policy.Citation, error) {
	var f policy.CitationFilter
	if document != nil {
		if _, err := r.document(ctx, *document); err != nil {
			return nil, err
		}
		f.DocumentID = *document
	}
	if target != nil {
		if _, err := r.referenceByID(ctx, *target); err != nil {
			return nil, err
		}
		f.TargetIDs = []string{*target}
	}
	cs, err := r.References.Citations(ctx, f)
	return orEmpty(cs), err
}

func (r *Resolver) references(ctx context.Context, kind *policy.ReferenceKind, document *string) ([]*policy.Reference, error) {
	var f policy.ReferenceFilter
	if kind != nil {
		f.Kind = *kind
	}
	if document != nil {
		if _, err := r.document(ctx, *document); err != nil {
			return nil, err
		}
		f.DocumentID = *document
	}
	refs, err := r.References.References(ctx, f)
	return orEmpty(refs), err
}

// termScope returns the provisions where t's definition applies: from its
// provision to the end of its document.
func (r *Resolver) termScope(ctx context.Context, t *policy.DefinedTerm) ([]*policy.Provision, error) {
	def, err := r.provisionByID(ctx, t.DefinedIn)
	if err != nil {
		return nil, err
	}
	ps, err := loadersFrom(ctx).docProvisions.Load(ctx, t.DocumentID)
	if err != nil {
		return nil, err
	}
	out := []*policy.Provision{}
	for _, p := range ps {
		if p.Seq >= def.Seq {
			out = append(out, p)
		}
	}
	return out, nil
}
