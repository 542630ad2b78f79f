package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/policykb/policykb/graph/model"
	"github.com/policykb/policykb/internal/policy"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one request may ask. Zero fields take the defaults.
type Limits struct {
	// Complexity is the largest query cost: every field costs 1, and lists
	// multiply what is selected in them by the size they can reach (search:
	// first; a document's provisions: 50 …).
	Complexity int
	// Depth is the deepest nesting of fields, not counting introspection.
	// Relay queries such as search { edges { node { provision { parent
	// { id } } } } } are 6 deep.
	Depth int
	// Fields is the most fields (aliases included, fragments expanded) one
	// operation may select.
	Fields int
	// Tokens is the most lexical tokens a query document may have.
	Tokens int
}

// Default limits.
const (
	DefaultComplexity = 20000
	DefaultDepth      = 15
	DefaultFields     = 1000
	DefaultTokens     = 10000
)

func (l Limits) withDefaults() Limits {
	if l.Complexity == 0 {
		l.Complexity = DefaultComplexity
	}
	if l.Depth == 0 {
		l.Depth = DefaultDepth
	}
	if l.Fields == 0 {
		l.Fields = DefaultFields
	}
	if l.Tokens == 0 {
		l.Tokens = DefaultTokens
	}
	return l
}

// maxCost is where costs stop growing, so that nested lists cannot
// overflow the sum into a small number.
const maxCost = 1 << 40

// cost is the cost of a list of up to n elements of child cost each.
func cost(n, child int) int {
	if child >= maxCost/n {
		return maxCost
	}
	return 1 + n*child
}

// complexity weights list fields by how long they can be.
func complexity() ComplexityRoot {
	var c ComplexityRoot
	times := func(n int) func(int) int { return func(child int) int { return cost(n, child) } }
	c.Query.Documents = times(10)
	c.Query.Provisions = func(child int, _ *string, _ *policy.Kind, _ *string) int { return cost(100, child) }
	c.Query.References = func(child int, _ *policy.ReferenceKind, _ *string) int { return cost(50, child) }
	c.Query.Terms = func(child int, _ *string) int { return cost(20, child) }
	c.Query.Citations = func(child int, _, _ *string) int { return cost(100, child) }
	c.Query.Search = func(child int, _ string, first *int, _ *string, _ *model.SearchFilter) int {
		n := 10
		if first != nil && *first > 0 {
			n = min(*first, policy.MaxSearchFirst+1) // more is refused by the resolver
		}
		return cost(n, child)
	}
	c.Document.Provisions = func(child int, _ *policy.Kind) int { return cost(50, child) }
	c.Provision.Children = times(10)
	c.Provision.Ancestors = times(4)
	c.Provision.Citations = times(5)
	c.Provision.References = times(5)
	c.Provision.CrossReferences = times(5)
	c.Provision.ReferencedBy = times(5)
	c.Provision.Paragraphs = times(5)
	c.Reference.Citations = func(child int, _ []policy.Kind) int { return cost(20, child) }
	c.Reference.CitedBy = func(child int, _ []policy.Kind) int { return cost(20, child) }
	c.DefinedTerm.Uses = times(10)
	c.DefinedTerm.Scope = times(50)
	c.SearchConnection.Edges = times(1) // counted by search's first
	c.Document.Versions = times(10)
	c.DocumentVersion.Changes = times(50)
	return c
}

// shapeLimit rejects operations nested too deep or selecting too many fields.
type shapeLimit struct{ depth, fields int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = shapeLimit{}

func (shapeLimit) ExtensionName() string                          { return "ShapeLimit" }
func (shapeLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l shapeLimit) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	op := rc.Doc.Operations.ForName(rc.OperationName)
	if op == nil {
		return nil
	}
	fields, depth := 0, 0
	var walk func(set ast.SelectionSet, d int, spreads int)
	walk = func(set ast.SelectionSet, d int, spreads int) {
		if fields > l.fields || spreads > 50 {
			return
		}
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				fields++
				if len(s.Name) > 1 && s.Name[:2] == "__" {
					continue // introspection may nest deep
				}
				depth = max(depth, d+1)
				walk(s.SelectionSet, d+1, spreads)
			case *ast.InlineFragment:
				walk(s.SelectionSet, d, spreads)
			case *ast.FragmentSpread:
				if f := rc.Doc.Fragments.ForName(s.Name); f != nil {
					walk(f.SelectionSet, d, spreads+1)
				}
			}
		}
	}
	walk(op.SelectionSet, 0, 0)
	switch {
	case depth > l.depth:
		err := gqlerror.Errorf("operation is %d fields deep, more than the limit of %d", depth, l.depth)
		errcode.Set(err, "DEPTH_LIMIT_EXCEEDED")
		return err
	case fields > l.fields:
		err := gqlerror.Errorf("operation selects more than %d fields (aliases and fragments included)", l.fields)
		errcode.Set(err, "COMPLEXITY_LIMIT_EXCEEDED")
		return err
	}
	return nil
}
