package graph

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/policykb/policykb/internal/align"
	"github.com/policykb/policykb/internal/cite"
	"github.com/policykb/policykb/internal/policy"
)

// This file resolves what puts documents side by side — series, their
// documents and lines, comparisons and counterparts — and what links
// documents that cite each other: the document a reference is, the
// provision a citation pinpoints, and who cites a provision.

// services returns the YearService and LinkService of r: those it was
// given, else the default ones over its other services.
func (r *Resolver) services() (policy.YearService, policy.LinkService) {
	r.defaults.Do(func() {
		r.years, r.links = r.Years, r.Links
		// A store that numbers its changes lets the services keep what
		// they found until it changes.
		var gen func(context.Context) (int64, error)
		if g, ok := r.Documents.(generationer); ok {
			gen = g.Generation
		}
		if r.years == nil {
			r.years = &align.Service{Documents: r.Documents, Provisions: r.Provisions, Generation: gen}
		}
		if r.links == nil {
			l := &cite.Links{Documents: r.Documents, Provisions: r.Provisions, References: r.References, Generation: gen}
			if named, ok := r.Documents.(policy.NamedReferenceReader); ok {
				l.Named = named
			}
			r.links = l
		}
	})
	return r.years, r.links
}

func (r *Resolver) yearService() policy.YearService { y, _ := r.services(); return y }
func (r *Resolver) linkService() policy.LinkService { _, l := r.services(); return l }

// seriesLocal is what follows "series:" in the ID of a provision of a
// document called "series", which a series ID never is.
var seriesLocal = regexp.MustCompile(`^(preamble|[0-9.]+)$`)

// isSeriesID reports whether id names a series.
func isSeriesID(id string) bool {
	rest, ok := strings.CutPrefix(id, policy.SeriesIDPrefix)
	return ok && rest != "" && !seriesLocal.MatchString(rest)
}

// allSeries returns the series of the store, read once per operation.
func (r *Resolver) allSeries(ctx context.Context) ([]*policy.Series, error) {
	return loadersFrom(ctx).series()
}

// seriesByID returns the series with the ID id, or NOT_FOUND.
func (r *Resolver) seriesByID(ctx context.Context, id string) (*policy.Series, error) {
	all, err := r.allSeries(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, policy.Errorf(policy.ENOTFOUND, "no series %s", policy.Quote(id))
}

// seriesOf returns the series of document d, or nil.
func (r *Resolver) seriesOf(ctx context.Context, d *policy.Document) (*policy.Series, error) {
	all, err := r.allSeries(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if s.Index(d.ID) >= 0 {
			return s, nil
		}
	}
	return nil, nil
}

// neighbour returns the document step places from d in its series, or nil.
func (r *Resolver) neighbour(ctx context.Context, d *policy.Document, step int) (*policy.Document, error) {
	s, err := r.seriesOf(ctx, d)
	if err != nil || s == nil {
		return nil, err
	}
	i := s.Index(d.ID) + step
	if i < 0 || i >= len(s.Documents) {
		return nil, nil
	}
	return s.Documents[i], nil
}

// compare compares two documents; their provisions are then known to the
// operation's provision loader.
func (r *Resolver) compare(ctx context.Context, from, to string) (*policy.Comparison, error) {
	c, err := r.yearService().Compare(ctx, from, to)
	if err != nil {
		return nil, err
	}
	l := loadersFrom(ctx)
	for _, p := range c.Pairs {
		for _, q := range []*policy.Provision{p.From, p.To} {
			if q != nil {
				l.provision.Prime(q.ID, q)
			}
		}
	}
	return c, nil
}

// pairs returns the pairs of c, only those of the given kinds where there
// are any.
func pairs(c *policy.Comparison, kinds []policy.PairKind) []*policy.ProvisionPair {
	out := make([]*policy.ProvisionPair, 0, len(c.Pairs))
	for i := range c.Pairs {
		if len(kinds) == 0 || slices.Contains(kinds, c.Pairs[i].Kind) {
			out = append(out, &c.Pairs[i])
		}
	}
	return out
}

// lines returns the lines of a series.
func (r *Resolver) lines(ctx context.Context, s *policy.Series) ([]*policy.Line, error) {
	ls, err := r.yearService().Lines(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*policy.Line, len(ls))
	for i := range ls {
		out[i] = &ls[i]
	}
	return out, nil
}

// counterparts returns the provisions that continue p in its series; none
// for a provision of an older version.
func (r *Resolver) counterparts(ctx context.Context, p *policy.Provision) ([]*policy.Provision, error) {
	if p.Version != 0 {
		return []*policy.Provision{}, nil
	}
	ps, err := loadersFrom(ctx).counterparts.Load(ctx, p.ID)
	return orEmpty(ps), err
}

// referenceDocument returns the document ref is, or nil.
func (r *Resolver) referenceDocument(ctx context.Context, ref *policy.Reference) (*policy.Document, error) {
	id, err := loadersFrom(ctx).referenceDocument.Load(ctx, ref.ID)
	if err != nil || id == "" {
		return nil, err
	}
	return loadersFrom(ctx).document.Load(ctx, id)
}

// citedAs returns the references that are d.
func (r *Resolver) citedAs(ctx context.Context, d *policy.Document) ([]*policy.Reference, error) {
	ids, err := loadersFrom(ctx).documentReferences.Load(ctx, d.ID)
	if err != nil || len(ids) == 0 {
		return []*policy.Reference{}, err
	}
	refs, err := loadAll(ctx, loadersFrom(ctx).reference, ids)
	return orEmpty(refs), err
}

// targetProvision returns the provision c's pinpoint names, or nil.
func (r *Resolver) targetProvision(ctx context.Context, c *policy.Citation) (*policy.Provision, error) {
	if c.Pinpoint == "" {
		return nil, nil
	}
	id, err := loadersFrom(ctx).targetProvision.Load(ctx, c.ID)
	if err != nil || id == "" {
		return nil, err
	}
	return loadersFrom(ctx).provision.Load(ctx, id)
}

// incomingCitations returns the citations whose target provision p is.
func (r *Resolver) incomingCitations(ctx context.Context, p *policy.Provision) ([]*policy.Citation, error) {
	if p.Version != 0 {
		return []*policy.Citation{}, nil
	}
	cs, err := loadersFrom(ctx).incomingCitations.Load(ctx, p.ID)
	return orEmpty(cs), err
}
