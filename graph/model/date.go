// Package model holds the GraphQL types that are not domain types: the Date
// scalar and whatever gqlgen generates.
package model

import (
	"fmt"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/policykb/policykb/internal/policy"
)

// MarshalDate writes a date in partial ISO 8601, or null for the zero date.
func MarshalDate(d policy.Date) graphql.Marshaler {
	if d.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDate reads a date in partial ISO 8601.
func UnmarshalDate(v any) (policy.Date, error) {
	s, ok := v.(string)
	if !ok {
		return policy.Date{}, fmt.Errorf("a Date must be a string such as \"2019-05-23\"")
	}
	return policy.ParseDate(s)
}

// Node is any object that the node query resolves: a *policy.Document,
// *policy.Provision, *policy.Reference or *policy.Citation.
type Node any
