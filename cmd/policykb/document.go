package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
)

// maxKnown bounds the document IDs named when a command is given one the
// store does not hold.
const maxKnown = 10

// checkDocument returns nil if the store holds a document id, else a
// not-found error naming the documents it holds (at most maxKnown):
// `no document "nosuch"; the store holds cs-budget-policy-fy2020`.
func checkDocument(ctx context.Context, db *sqlite.DB, id string) error {
	docs, err := db.Documents(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		if d.ID == id {
			return nil
		}
		ids[i] = d.ID
	}
	return policy.Errorf(policy.ENOTFOUND, "no document %s; %s", policy.Quote(id), holds(ids))
}

// holds says which documents the store holds: "the store holds no
// document", "the store holds a, b", "the store holds 12 documents: a, …,
// and 2 more".
func holds(ids []string) string {
	switch {
	case len(ids) == 0:
		return "the store holds no document"
	case len(ids) <= maxKnown:
		return "the store holds " + strings.Join(ids, ", ")
	}
	return fmt.Sprintf("the store holds %d documents: %s, and %d more", len(ids), strings.Join(ids[:maxKnown], ", "), len(ids)-maxKnown)
}
