package graph

import (
	"context"
	"sync"

	"github.com/policykb/policykb/internal/policy"
)

// This file resolves versions: the list of a document's versions, their
// changes, and documents and provisions read from an older version. A
// provision of an older version carries its number (policy.Provision.Version),
// and its fields resolve within that version.

// versionService is the store's VersionService: r.Versions, else the
// document reader if it is one.
func (r *Resolver) versionService() (policy.VersionService, error) {
	if r.Versions != nil {
		return r.Versions, nil
	}
	if v, ok := r.Documents.(policy.VersionService); ok {
		return v, nil
	}
	return nil, policy.Errorf(policy.EINTERNAL, "versions are not served")
}

// documentAt returns document id as it is (version nil or the current
// one) or as it was in an older version.
func (r *Resolver) documentAt(ctx context.Context, id string, version *int) (*policy.Document, error) {
	d, err := r.document(ctx, id)
	if err != nil || version == nil || *version == d.Version {
		return d, err
	}
	if *version < 1 {
		return nil, policy.Errorf(policy.EINVALID, "version must be 1 or more, not %d", *version)
	}
	v, err := r.historic(ctx, id, *version)
	if err != nil {
		return nil, err
	}
	return v.doc, nil
}

// version is an older version of a document, indexed for the resolvers.
type version struct {
	doc      *policy.Document
	byID     map[string]*policy.Provision
	children map[string][]*policy.Provision
	cites    map[string][]*policy.Citation       // by source
	xrefsBy  map[string][]*policy.CrossReference // by source
	xrefsTo  map[string][]*policy.CrossReference // by target
	refs     map[string]*policy.Reference
}

// versionCache keeps recently read older versions. Only versions older
// than the current one are kept: a version never becomes current again (a
// revert adds a new one), so what is kept never goes stale.
type versionCache struct {
	mu sync.Mutex
	m  map[versionKey]*version
}

type versionKey struct {
	doc    string
	number int
}

const versionCacheSize = 16

// historic returns version number of document id, read from the store
// once and then from the cache.
func (r *Resolver) historic(ctx context.Context, id string, number int) (*version, error) {
	key := versionKey{id, number}
	c := &r.versionCache
	c.mu.Lock()
	v := c.m[key]
	c.mu.Unlock()
	if v != nil {
		return v, nil
	}
	vs, err := r.versionService()
	if err != nil {
		return nil, err
	}
	d, err := vs.DocumentVersion(ctx, id, number)
	if err != nil {
		return nil, err
	}
	v = &version{doc: d, byID: map[string]*policy.Provision{}, children: map[string][]*policy.Provision{},
		cites: map[string][]*policy.Citation{}, xrefsBy: map[string][]*policy.CrossReference{},
		xrefsTo: map[string][]*policy.CrossReference{}, refs: map[string]*policy.Reference{}}
	for _, p := range d.Provisions {
		v.byID[p.ID] = p
		if p.ParentID != "" {
			v.children[p.ParentID] = append(v.children[p.ParentID], p)
		}
	}
	for _, c := range d.Citations {
		v.cites[c.SourceID] = append(v.cites[c.SourceID], c)
	}
	for _, x := range d.CrossReferences {
		v.xrefsBy[x.SourceID] = append(v.xrefsBy[x.SourceID], x)
		v.xrefsTo[x.TargetID] = append(v.xrefsTo[x.TargetID], x)
	}
	for _, ref := range d.References {
		v.refs[ref.ID] = ref
	}
	if d.Historic {
		c.mu.Lock()
		if c.m == nil || len(c.m) >= versionCacheSize {
			c.m = map[versionKey]*version{}
		}
		c.m[key] = v
		c.mu.Unlock()
	}
	return v, nil
}

// versionOf returns the older version a provision was read from.
func (r *Resolver) versionOf(ctx context.Context, p *policy.Provision) (*version, error) {
	return r.historic(ctx, p.DocumentID, p.Version)
}

// inVersion returns what get reads of the older version p was read from.
func inVersion[T any](ctx context.Context, r *Resolver, p *policy.Provision, get func(*version) T) (T, error) {
	v, err := r.versionOf(ctx, p)
	if err != nil {
		var zero T
		return zero, err
	}
	return get(v), nil
}

func (r *Resolver) historicParent(ctx context.Context, p *policy.Provision) (*policy.Provision, error) {
	return inVersion(ctx, r, p, func(v *version) *policy.Provision {
		if p.ParentID == "" {
			return nil
		}
		return v.byID[p.ParentID]
	})
}

func (r *Resolver) historicChildren(ctx context.Context, p *policy.Provision) ([]*policy.Provision, error) {
	return inVersion(ctx, r, p, func(v *version) []*policy.Provision { return orEmpty(v.children[p.ID]) })
}

func (r *Resolver) historicAncestors(ctx context.Context, p *policy.Provision) ([]*policy.Provision, error) {
	return inVersion(ctx, r, p, func(v *version) []*policy.Provision {
		out := []*policy.Provision{}
		for _, id := range policy.AncestorIDs(p.ID) {
			if a := v.byID[id]; a != nil {
				out = append(out, a)
			}
		}
		return out
	})
}

func (r *Resolver) historicCitations(ctx context.Context, p *policy.Provision) ([]*policy.Citation, error) {
	return inVersion(ctx, r, p, func(v *version) []*policy.Citation { return orEmpty(v.cites[p.ID]) })
}

func (r *Resolver) historicReferences(ctx context.Context, p *policy.Provision) ([]*policy.Reference, error) {
	return inVersion(ctx, r, p, func(v *version) []*policy.Reference {
		out, seen := []*policy.Reference{}, map[string]bool{}
		for _, c := range v.cites[p.ID] {
			if ref := v.refs[c.TargetID]; ref != nil && !seen[ref.ID] {
				seen[ref.ID] = true
				out = append(out, ref)
			}
		}
		return out
	})
}

// historicXrefs returns the distinct provisions at the other end of a
// provision's cross-references, outgoing or incoming, in text order.
func (r *Resolver) historicXrefs(ctx context.Context, p *policy.Provision, outgoing bool) ([]*policy.Provision, error) {
	v, err := r.versionOf(ctx, p)
	if err != nil {
		return nil, err
	}
	xs, end := v.xrefsTo[p.ID], func(x *policy.CrossReference) string { return x.SourceID }
	if outgoing {
		xs, end = v.xrefsBy[p.ID], func(x *policy.CrossReference) string { return x.TargetID }
	}
	out, seen := []*policy.Provision{}, map[string]bool{}
	for _, x := range xs {
		if q := v.byID[end(x)]; q != nil && !seen[q.ID] {
			seen[q.ID] = true
			out = append(out, q)
		}
	}
	return out, nil
}

// versions lists a document's versions.
func (r *Resolver) versions(ctx context.Context, d *policy.Document) ([]*policy.Version, error) {
	vs, err := r.versionService()
	if err != nil {
		return nil, err
	}
	return vs.Versions(ctx, d.ID)
}

// changes returns what changed in version v against the one before.
func (r *Resolver) changes(ctx context.Context, v *policy.Version) ([]*policy.ProvisionChange, error) {
	out := []*policy.ProvisionChange{}
	if v.Number <= 1 {
		return out, nil
	}
	before, err := r.provisionsAt(ctx, v.DocumentID, v.Number-1)
	if err != nil {
		return nil, err
	}
	after, err := r.provisionsAt(ctx, v.DocumentID, v.Number)
	if err != nil {
		return nil, err
	}
	for _, c := range policy.Diff(before, after) {
		out = append(out, &c)
	}
	return out, nil
}

// provisionsAt returns the provisions of version number of a document: the
// served ones for the current version.
func (r *Resolver) provisionsAt(ctx context.Context, id string, number int) ([]*policy.Provision, error) {
	d, err := r.document(ctx, id)
	if err != nil {
		return nil, err
	}
	if number == d.Version {
		return loadersFrom(ctx).docProvisions.Load(ctx, id)
	}
	v, err := r.historic(ctx, id, number)
	if err != nil {
		return nil, err
	}
	return v.doc.Provisions, nil
}
