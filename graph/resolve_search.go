package graph

import (
	"context"

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
		if filter.Document != nil {
			if _, err := r.document(ctx, *filter.Document); err != nil {
				return nil, err
			}
			q.Filter.DocumentID = *filter.Document
		}
		if filter.Under != nil {
			if _, err := r.provisionByID(ctx, *filter.Under); err != nil {
				return nil, err
			}
			q.Filter.Under = *filter.Under
		}
		if filter.Cites != nil {
			if _, err := r.referenceByID(ctx, *filter.Cites); err != nil {
				return nil, err
			}
			q.Filter.Cites = *filter.Cites
		}
		q.Filter.Kinds = filter.Kinds
	}
	res, err := r.Search.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	// The hits' provisions in one query now, rather than after a batching
	// delay when each edge asks for its own.
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ProvisionID
	}
	ps, err := r.Provisions.ProvisionsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	loadersFrom(ctx).prime(ps)
	conn := &model.SearchConnection{Edges: make([]*model.SearchEdge, len(res.Hits)), TotalCount: res.TotalCount,
		Partial: res.Partial, PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: res.HasPreviousPage}}
	for i := range res.Hits {
		h := &res.Hits[i]
		conn.Edges[i] = &model.SearchEdge{Cursor: h.Cursor, Node: h}
	}
	if n := len(res.Hits); n > 0 {
		conn.PageInfo.StartCursor = &res.Hits[0].Cursor
		conn.PageInfo.EndCursor = &res.Hits[n-1].Cursor
	}
	return conn, nil
}
