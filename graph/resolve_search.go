package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/policykb/policykb/graph/model"
	"github.com/policykb/policykb/internal/policy"
)

func (r *Resolver) search(ctx context.Context, query string, first *int, after *string, filter *model.SearchFilter) (*model.SearchConnection, error) {
	q := policy.SearchQuery{Query: query, First: 10}
	if first != nil {
		q.First = *first
	}
	if after != nil {
		q.After = *after
	}
	if filter != nil {
		if err := r.searchFilter(ctx, filter, &q.Filter); err != nil {
			return nil, err
		}
	}
	res, err := r.Search.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	// The hits' provisions, and those they stand for where the operation
	// asks for them (in a family of many years, hundreds a hit), in one
	// query now, rather than after a batching delay when each edge asks
	// for its own.
	alsoIn := true
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		alsoIn = selects(fc.Field.Selections, "alsoIn", 0)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ProvisionID)
		if alsoIn {
			ids = append(ids, h.AlsoIn...)
		}
	}
	ps, err := r.Provisions.ProvisionsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).prime(ps)
	stored := make(map[string]bool, len(ps))
	for _, p := range ps {
		stored[p.ID] = true
	}
	conn := &model.SearchConnection{Edges: make([]*model.SearchEdge, 0, len(res.Hits)), TotalCount: res.TotalCount,
		Partial: res.Partial, PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: res.HasPreviousPage},
		Facets: make([]*policy.SearchFacet, len(res.Facets))}
	for i := range res.Hits {
		h := &res.Hits[i]
		if !stored[h.ProvisionID] {
			// Removed from the store by an ingest the index is catching up
			// with (within a second): not a hit any more.
			continue
		}
		conn.Edges = append(conn.Edges, &model.SearchEdge{Cursor: h.Cursor, Node: h})
	}
	for i := range res.Facets {
		conn.Facets[i] = &res.Facets[i]
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

// selects reports whether set selects a field called name at any depth,
// fragments included.
func selects(set ast.SelectionSet, name string, depth int) bool {
	if depth > 64 {
		return true // deeper than any operation the limits let through
	}
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == name || selects(s.SelectionSet, name, depth+1) {
				return true
			}
		case *ast.InlineFragment:
			if selects(s.SelectionSet, name, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || selects(s.Definition.SelectionSet, name, depth+1) {
				return true
			}
		}
	}
	return false
}

// searchFilter checks filter, whose IDs must name what is stored, and
// fills f from it.
func (r *Resolver) searchFilter(ctx context.Context, filter *model.SearchFilter, f *policy.SearchFilter) error {
	if filter.Document != nil {
		if _, err := r.document(ctx, *filter.Document); err != nil {
			return err
		}
		f.DocumentID = *filter.Document
	}
	if filter.Under != nil {
		if _, err := r.provisionByID(ctx, *filter.Under); err != nil {
			return err
		}
		f.Under = *filter.Under
	}
	if filter.Cites != nil {
		if _, err := r.referenceByID(ctx, *filter.Cites); err != nil {
			return err
		}
		f.Cites = *filter.Cites
	}
	if filter.Series != nil {
		docs, err := r.Documents.Documents(ctx)
		if err != nil {
			return err
		}
		if len(policy.SeriesDocuments(docs, *filter.Series)) == 0 {
			return policy.Errorf(policy.ENOTFOUND, "no series %s", policy.Quote(*filter.Series))
		}
		f.Series = *filter.Series
	}
	f.Kinds = filter.Kinds
	f.FiscalYears = filter.FiscalYears
	f.NoCollapse = filter.Collapse != nil && !*filter.Collapse
	return nil
}

// alsoIn returns the provisions a hit stands for, those still stored.
func (r *Resolver) alsoIn(ctx context.Context, h *policy.SearchHit) ([]*policy.Provision, error) {
	return loadStored(ctx, h.AlsoIn)
}

// loadStored loads the provisions of ids, in their order, leaving out those
// not stored; the result is never nil.
func loadStored(ctx context.Context, ids []string) ([]*policy.Provision, error) {
	ps, err := loadAll(ctx, loadersFrom(ctx).provision, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*policy.Provision, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}
