package graph

import (
	"context"
	_ "embed"
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Limits bound what one request may ask and answer. Zero fields take the
// defaults.
type Limits struct {
	// Complexity is the largest query cost. Every field costs 1, plus 1 for
	// every 64 bytes its name (alias) and, for long texts (a document's
	// source, a provision's text …), its value can take; a list multiplies
	// what is selected in it by the largest size the store can return for
	// it, level by level (the children of a section: at most as many as the
	// section with the most children has). Introspection is counted too,
	// exactly, over the schema.
	Complexity int
	// Depth is the deepest nesting of fields, introspection included. Relay
	// queries such as search { edges { node { provision { parent { id } } } } }
	// are 6 deep; the standard introspection queries pass.
	Depth int
	// Fields is the most fields (aliases included, fragments expanded) one
	// operation may select.
	Fields int
	// Tokens is the most lexical tokens a query document may have.
	Tokens int
	// ListLength is the longest list an argument may hold, at any nesting
	// (filter.kinds, ids …), given literally or in variables.
	ListLength int
	// Values is the most values the variables of one request may hold
	// together (every list element and input field counts).
	Values int
	// AnswerBytes is the largest answer: beyond it the request gets an
	// ANSWER_TOO_LARGE error instead, and execution stops as soon as the
	// fields resolved so far pass it.
	AnswerBytes int
}

// Default limits.
const (
	DefaultComplexity  = 20000
	DefaultDepth       = 15
	DefaultFields      = 1000
	DefaultTokens      = 10000
	DefaultListLength  = 100
	DefaultValues      = 1000
	DefaultAnswerBytes = 2 << 20
)

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&l.Complexity, DefaultComplexity)
	def(&l.Depth, DefaultDepth)
	def(&l.Fields, DefaultFields)
	def(&l.Tokens, DefaultTokens)
	def(&l.ListLength, DefaultListLength)
	def(&l.Values, DefaultValues)
	def(&l.AnswerBytes, DefaultAnswerBytes)
	return l
}

// maxCost is where costs stop growing, so that nested lists cannot
// overflow the sum into a small number.
const maxCost = 1 << 40

// byteUnit is how many bytes of a name or a long text cost 1.
const byteUnit = 64

// add and mul saturate at maxCost.
func add(a, b int) int { return min(a+b, maxCost) }

func mul(n, c int) int {
	if n <= 0 || c <= 0 {
		return 0
	}
	if c >= maxCost/n {
		return maxCost
	}
	return n * c
}

// complexity gives gqlgen's complexity of the list fields that the limiter
// does not know (fields added to the schema later): a list costs 100 times
// what it selects unless a function here says otherwise.
func complexity() ComplexityRoot {
	var c ComplexityRoot
	c.SearchConnection.Edges = func(child int) int { return 1 + child } // counted by search's first
	return c
}

func limitError(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	errcode.Set(err, code)
	return err
}

// limiter checks an operation against the limits before it runs: list
// arguments, variables, depth, fields, introspection and cost.
type limiter struct {
	limits        Limits
	es            graphql.ExecutableSchema
	schema        *ast.Schema
	fan           *fanOuts
	introspection bool
	types         []*ast.Definition // as __schema.types lists them
	introLimit    int               // twice the cost of the standard introspection query
}

// standardIntrospection is graphql-js's getIntrospectionQuery with every
// option on, as GraphQL code generators send it: the largest of the
// standard introspection queries.
//
//go:embed testdata/introspection/graphql-codegen.graphql
var standardIntrospection string

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*limiter)(nil)

func newLimiter(l Limits, es graphql.ExecutableSchema, res *Resolver, introspection bool) *limiter {
	lim := &limiter{limits: l, es: es, schema: es.Schema(), fan: &fanOuts{res: res}, introspection: introspection}
	for _, t := range lim.schema.Types {
		lim.types = append(lim.types, t)
	}
	lim.introLimit = maxCost
	if doc, err := gqlparser.LoadQuery(lim.schema, standardIntrospection); err == nil && len(doc.Operations) == 1 {
		w := &walker{l: lim, doc: doc, fan: &fanOut{}}
		if c := w.selections(doc.Operations[0].SelectionSet, "", allLevels, 0); c < maxCost {
			lim.introLimit = 2 * c
		}
	}
	return lim
}

func (*limiter) ExtensionName() string                          { return "Limits" }
func (*limiter) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l *limiter) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	op := rc.Operation
	if op == nil {
		return nil
	}
	if err := l.checkVariables(rc.Variables); err != nil {
		return err
	}
	fan, err := l.fan.get(ctx)
	if err != nil {
		fan = conservative // the store cannot be measured: assume large lists
	}
	w := &walker{l: l, doc: rc.Doc, vars: rc.Variables, fan: fan}
	w.shape(op.SelectionSet, 0, 0)
	if w.err != nil {
		return w.err
	}
	cost := w.selections(op.SelectionSet, "", allLevels, 0)
	switch {
	case w.err != nil:
		return w.err
	case w.intro > l.introLimit:
		return limitError(policy.ECOMPLEXITY, "operation introspects more than the limit of %d (twice the standard introspection query)", l.introLimit)
	case cost >= maxCost:
		return limitError(policy.ECOMPLEXITY, "operation costs more than the complexity limit of %d", l.limits.Complexity)
	case cost > l.limits.Complexity:
		return limitError(policy.ECOMPLEXITY, "operation has complexity %d, more than the limit of %d", cost, l.limits.Complexity)
	}
	// Hold of the server's budget of answers in flight what the answer can
	// take: a unit of cost stands for at most byteUnit bytes of it, twice
	// over (the answer as it is made and as it is sent). answerLimit holds
	// more should the answer pass it.
	reserve := 2 * int64(min(mul(max(cost, 1), answerUnit), l.limits.AnswerBytes))
	if err := server.Reserve(ctx, reserve); err != nil {
		return limitError(policy.EUNAVAILABLE, "%s", err.Error())
	}
	rc.Stats.SetExtension(reservedKey, reserve)
	return nil
}

// answerUnit is how many bytes of an answer one unit of cost stands for:
// a field's name and short value, or byteUnit bytes of a long text, with
// room for JSON's quotes and escapes.
const answerUnit = 2 * byteUnit

// reservedKey names, in an operation's stats, what it holds of the
// server's budget of answers in flight.
const reservedKey = "policykb.reserved"

// checkVariables bounds the lists and the number of values in vars.
func (l *limiter) checkVariables(vars map[string]any) *gqlerror.Error {
	values := 0
	var walk func(name string, v any, depth int) *gqlerror.Error
	walk = func(name string, v any, depth int) *gqlerror.Error {
		values++
		if values > l.limits.Values {
			return limitError(policy.EINVALID, "the variables hold more than %d values", l.limits.Values)
		}
		if depth > 16 {
			return limitError(policy.EINVALID, "variable $%s is nested more than 16 deep", name)
		}
		switch v := v.(type) {
		case []any:
			if len(v) > l.limits.ListLength {
				return limitError(policy.EINVALID, "variable $%s holds a list of %d values, more than the limit of %d", name, len(v), l.limits.ListLength)
			}
			for _, e := range v {
				if err := walk(name, e, depth+1); err != nil {
					return err
				}
			}
		case map[string]any:
			for _, e := range v {
				if err := walk(name, e, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for name, v := range vars {
		if err := walk(shorten(name), v, 0); err != nil {
			return err
		}
	}
	return nil
}

// walker measures one operation: depth and fields as written (fragments
// expanded), list arguments, and cost.
type walker struct {
	l      *limiter
	doc    *ast.QueryDocument
	vars   map[string]any
	fan    *fanOut
	fields int
	steps  int // selections visited while costing introspection
	intro  int // the cost of the introspection fields
	err    *gqlerror.Error
}

func (w *walker) fail(err *gqlerror.Error) int {
	if w.err == nil {
		w.err = err
	}
	return maxCost
}

// keyCost is what the name of a field costs in the answer.
func keyCost(f *ast.Field) int { return len(f.Alias) / byteUnit }

// selections returns the cost of set, selected on an object of type typ;
// levels are the levels the object can be at when it is a provision.
func (w *walker) selections(set ast.SelectionSet, typ string, levels levelSet, d int) int {
	total := 0
	for _, s := range set {
		if w.err != nil {
			return maxCost
		}
		switch s := s.(type) {
		case *ast.Field:
			total = add(total, w.field(s, levels, d))
		case *ast.InlineFragment:
			total = add(total, w.selections(s.SelectionSet, typ, levels, d))
		case *ast.FragmentSpread:
			def := s.Definition
			if def == nil {
				def = w.doc.Fragments.ForName(s.Name)
			}
			if def != nil {
				total = add(total, w.selections(def.SelectionSet, typ, levels, d))
			}
		}
		if total > w.l.limits.Complexity {
			return maxCost // no need to look further
		}
	}
	return total
}

// shape walks the operation as written, fragments expanded, and checks
// the number of fields, their depth, their list arguments and whether they
// ask for introspection.
func (w *walker) shape(set ast.SelectionSet, d, spreads int) {
	for _, s := range set {
		if w.err != nil {
			return
		}
		switch s := s.(type) {
		case *ast.Field:
			w.fields++
			switch {
			case w.fields > w.l.limits.Fields:
				w.fail(limitError(policy.ECOMPLEXITY, "operation selects more than %d fields (aliases and fragments included)", w.l.limits.Fields))
			case d+1 > w.l.limits.Depth:
				w.fail(limitError(policy.EDEPTH, "operation is more than %d fields deep", w.l.limits.Depth))
			case !w.l.introspection && (s.Name == "__schema" || s.Name == "__type"):
				w.fail(limitError(policy.EINTROSPECTION, "introspection is switched off on this server"))
			}
			for _, a := range s.Arguments {
				if n := longestList(a.Value); n > w.l.limits.ListLength {
					w.fail(limitError(policy.EINVALID, "argument %s of %s holds a list of %d values, more than the limit of %d",
						shorten(a.Name), shorten(s.Name), n, w.l.limits.ListLength))
				}
			}
			w.shape(s.SelectionSet, d+1, spreads)
		case *ast.InlineFragment:
			w.shape(s.SelectionSet, d, spreads)
		case *ast.FragmentSpread:
			if def := w.doc.Fragments.ForName(s.Name); def != nil && spreads < 64 {
				w.shape(def.SelectionSet, d, spreads+1)
			}
		}
	}
}

// longestList is the length of the longest list literal in v.
func longestList(v *ast.Value) int {
	if v == nil {
		return 0
	}
	n := 0
	if v.Kind == ast.ListValue {
		n = len(v.Children)
	}
	for _, c := range v.Children {
		n = max(n, longestList(c.Value))
	}
	return n
}

func (w *walker) field(f *ast.Field, levels levelSet, d int) int {
	key := keyCost(f)
	switch f.Name {
	case "__typename":
		return 1 + key
	case "__schema", "__type":
		c := 1 + key
		if f.Name == "__schema" {
			c = add(c, w.introspect(f.SelectionSet, ival{kind: "__Schema"}, d+1))
		} else {
			name, _ := f.ArgumentMap(w.vars)["name"].(string)
			if t := w.l.schema.Types[name]; t != nil {
				c = add(c, w.introspect(f.SelectionSet, ival{kind: "__Type", def: t}, d+1))
			}
		}
		w.intro = add(w.intro, c)
		return c
	}
	def := f.Definition
	if def == nil || f.ObjectDefinition == nil {
		return 1 + key
	}
	parent, named := f.ObjectDefinition.Name, def.Type.Name()
	isList := def.Type.Elem != nil
	var args map[string]any
	if len(def.Arguments) > 0 {
		args = f.ArgumentMap(w.vars)
	}
	n, childLevels, known := w.fanOut(parent, f.Name, args, levels)
	if !isList {
		n = 1
	}
	if t := w.l.schema.Types[named]; t == nil || t.Kind == ast.Scalar || t.Kind == ast.Enum {
		// A leaf: its value costs by the bytes it can take.
		return add(1+key, mul(n, 1+w.fan.valueBytes(parent, f.Name)/byteUnit))
	}
	child := w.selections(f.SelectionSet, named, childLevels, d+1)
	if !known && isList {
		if c, ok := w.l.es.Complexity(context.Background(), parent, f.Name, child, args); ok {
			return add(key, c)
		}
	}
	return add(1+key, mul(n, child))
}

// fanOut returns how many elements the list field parent.name can have
// at most, on a provision at levels, and the levels of the provisions it
// returns. known is false for a field the limiter does not know.
func (w *walker) fanOut(parent, name string, args map[string]any, levels levelSet) (n int, out levelSet, known bool) {
	f := w.fan
	kindArg := func() (policy.Kind, bool) {
		switch k := args["kind"].(type) {
		case string:
			return policy.Kind(k), true
		case policy.Kind:
			return k, true
		}
		return "", false
	}
	hasDoc := args["document"] != nil
	switch parent + "." + name {
	case "Query.documents":
		return f.documents, allLevels, true
	case "Query.provisions", "Document.provisions":
		if k, ok := kindArg(); ok {
			if hasDoc || parent == "Document" {
				return f.kindPerDoc[k], kindLevels(k), true
			}
			return f.kindTotal[k], kindLevels(k), true
		}
		if hasDoc || parent == "Document" {
			return f.perDoc, allLevels, true
		}
		return f.total, allLevels, true
	case "Query.provision", "Query.node":
		// A provision by its ID is at the level the ID gives.
		if id, ok := args["id"].(string); ok {
			if kindOfID(id) == provisionNode {
				l := policy.LevelOf(id)
				return 1, levelSet{l, l}, true
			}
		}
		return 1, allLevels, true
	case "Query.references":
		return f.referenceTotal, allLevels, true
	case "Query.terms":
		return f.terms, allLevels, true
	case "Query.citations":
		return f.citationTotal, allLevels, true
	case "Query.search":
		first := 10
		switch v := args["first"].(type) {
		case int:
			first = v
		case int64:
			first = int(v)
		case json.Number:
			if i, err := v.Int64(); err == nil {
				first = int(min(max(i, -1), 1<<20))
			}
		}
		return min(max(first, 1), policy.MaxSearchFirst+1), allLevels, true // more is refused by the resolver
	case "SearchConnection.edges":
		return 1, allLevels, true // counted by search's first
	case "SearchHit.highlights":
		return 3, allLevels, true
	case "SearchHit.alsoIn":
		// At most one provision of each other document.
		return max(f.documents-1, 1), allLevels, true
	case "SearchConnection.facets":
		return f.documents, allLevels, true
	case "Provision.children":
		return f.most(levels, f.children), f.levels(levels, f.childLevels), true
	case "Provision.parent":
		return 1, f.levels(levels, f.parentLevels), true
	case "Provision.ancestors":
		return f.mostAncestors(levels), f.levels(levels, f.upLevels), true
	case "Provision.notes":
		return f.notes, allLevels, true
	case "Provision.paragraphs":
		return f.paragraphs, allLevels, true
	case "Provision.pages":
		return f.pages, allLevels, true
	case "Provision.citations":
		return f.citations, allLevels, true
	case "Provision.references":
		return f.references, allLevels, true
	case "Provision.crossReferences":
		return f.crossRefs, allLevels, true
	case "Provision.referencedBy":
		return f.refBy, allLevels, true
	case "Reference.citations":
		return f.refCitations, allLevels, true
	case "Reference.citedBy":
		return f.citedBy, allLevels, true
	case "Reference.aliases":
		return f.aliases, allLevels, true
	case "Reference.revisedOn":
		return f.revisedOn, allLevels, true
	case "DefinedTerm.uses":
		return f.uses, allLevels, true
	case "DefinedTerm.scope":
		return f.scope, allLevels, true
	case "Document.versions":
		return max(f.versions, 1), allLevels, true
	case "DocumentVersion.changes":
		// Each provision of the two versions compared changes at most once.
		return 2 * f.perDoc, allLevels, true
	case "Comparison.pairs":
		// Each provision of the two documents is in one pair.
		return 2 * f.perDoc, allLevels, true
	case "Query.series":
		return f.series, allLevels, true
	case "Series.documents", "SeriesLine.cells":
		return f.seriesDocs, allLevels, true
	case "Series.lines":
		return f.seriesLines, allLevels, true
	case "Provision.counterparts":
		return max(f.seriesDocs-1, 0), allLevels, true
	case "Provision.incomingCitations", "Provision.citedBy":
		return f.pinned, allLevels, true
	case "Document.citedAs":
		return f.linkedRefs, allLevels, true
	}
	// A field added later: as long as its longest list argument (nodes(ids:)),
	// else 100.
	n = 0
	for _, v := range args {
		if l, ok := v.([]any); ok {
			n = max(n, len(l))
		}
	}
	if n == 0 {
		n = 100
	}
	return n, allLevels, false
}

// conservative is the fan-out assumed when the store cannot be measured
// and nothing was measured before.
var conservative = func() *fanOut {
	n := 100
	f := &fanOut{kindTotal: map[policy.Kind]int{}, kindPerDoc: map[policy.Kind]int{}, unmeasured: n}
	for _, k := range policy.Kinds {
		f.kindTotal[k], f.kindPerDoc[k] = n, n
	}
	f.documents, f.total, f.perDoc = n, n, n
	f.paragraphs, f.pages, f.citations, f.references, f.crossRefs, f.refBy, f.notes = n, n, n, n, n, n, n
	f.referenceTotal, f.refCitations, f.citedBy, f.aliases, f.revisedOn = n, n, n, n, n
	f.citationTotal, f.terms, f.uses, f.scope = n, n, n, n
	f.series, f.seriesDocs, f.seriesLines, f.pinned, f.linkedRefs = n, n, n, n, n
	f.paragraphBytes, f.textBytes, f.headingBytes, f.citationBytes, f.meaningBytes, f.sourceBytes = 4096, 16384, 1024, 1024, 1024, 1<<20
	f.noteBytes = 4096
	return f
}()

// valueBytes is the most bytes the value of a long text field can take;
// 0 for short values.
func (f *fanOut) valueBytes(parent, name string) int {
	switch parent + "." + name {
	case "Document.source":
		return f.sourceBytes
	case "Provision.text":
		return f.textBytes
	case "Provision.paragraphs":
		return f.paragraphBytes
	case "Provision.heading":
		return f.headingBytes
	case "Citation.text":
		return f.citationBytes
	case "DefinedTerm.meaning":
		return f.meaningBytes
	case "Note.text":
		return f.noteBytes
	case "SearchHit.highlights":
		return 512
	}
	return 0
}

// ival is an introspection object: the schema, a type (named, or a list
// or non-null wrapper), a field, an argument or input field, an enum value
// or a directive.
type ival struct {
	kind string // __Schema, __Type, __Field, __InputValue, __EnumValue, __Directive
	def  *ast.Definition
	typ  *ast.Type // for a wrapper type
	fd   *ast.FieldDefinition
	arg  *ast.ArgumentDefinition
	enum *ast.EnumValueDefinition
	dir  *ast.DirectiveDefinition
}

// typeOf returns the __Type of t: a wrapper, or the named definition.
func (w *walker) typeOf(t *ast.Type) ival {
	if t == nil {
		return ival{}
	}
	if t.NonNull || t.Elem != nil {
		return ival{kind: "__Type", typ: t}
	}
	return ival{kind: "__Type", def: w.l.schema.Types[t.NamedType]}
}

// introspect returns the exact cost of set selected on v: what the answer
// holds, over the real schema.
func (w *walker) introspect(set ast.SelectionSet, v ival, d int) int {
	total := 0
	for _, s := range set {
		w.steps++
		if w.err != nil || w.steps > 4*w.l.limits.Complexity {
			return maxCost
		}
		switch s := s.(type) {
		case *ast.Field:
			total = add(total, w.introspectField(s, v, d))
		case *ast.InlineFragment:
			if s.TypeCondition == "" || s.TypeCondition == v.kind {
				total = add(total, w.introspect(s.SelectionSet, v, d))
			}
		case *ast.FragmentSpread:
			def := s.Definition
			if def == nil {
				def = w.doc.Fragments.ForName(s.Name)
			}
			if def != nil && def.TypeCondition == v.kind {
				total = add(total, w.introspect(def.SelectionSet, v, d))
			}
		}
		if total > w.l.limits.Complexity {
			return maxCost
		}
	}
	return total
}

// introspectField returns the cost of one field of an introspection object.
func (w *walker) introspectField(f *ast.Field, v ival, d int) int {
	cost := 1 + keyCost(f)
	text := func(s string) int { return add(cost, len(s)/byteUnit) }
	list := func(vs []ival) int {
		for _, e := range vs {
			cost = add(cost, w.introspect(f.SelectionSet, e, d+1))
			if cost > w.l.limits.Complexity {
				return maxCost
			}
		}
		return cost
	}
	one := func(e ival) int {
		if e.kind == "" {
			return cost
		}
		return add(cost, w.introspect(f.SelectionSet, e, d+1))
	}
	s := w.l.schema
	switch v.kind + "." + f.Name {
	case "__Schema.types":
		vs := make([]ival, len(w.l.types))
		for i, t := range w.l.types {
			vs[i] = ival{kind: "__Type", def: t}
		}
		return list(vs)
	case "__Schema.queryType":
		return one(named(s.Query))
	case "__Schema.mutationType":
		return one(named(s.Mutation))
	case "__Schema.subscriptionType":
		return one(named(s.Subscription))
	case "__Schema.directives":
		var vs []ival
		for _, dir := range s.Directives {
			vs = append(vs, ival{kind: "__Directive", dir: dir})
		}
		return list(vs)
	case "__Schema.description":
		return text(s.Description)
	case "__Type.name", "__Type.description", "__Type.specifiedByURL":
		if v.def == nil {
			return cost
		}
		return text(v.def.Name + v.def.Description)
	case "__Type.fields":
		if v.def == nil || (v.def.Kind != ast.Object && v.def.Kind != ast.Interface) {
			return cost
		}
		var vs []ival
		for _, fd := range v.def.Fields {
			if !strings.HasPrefix(fd.Name, "__") {
				vs = append(vs, ival{kind: "__Field", fd: fd})
			}
		}
		return list(vs)
	case "__Type.inputFields":
		if v.def == nil || v.def.Kind != ast.InputObject {
			return cost
		}
		var vs []ival
		for _, fd := range v.def.Fields {
			vs = append(vs, ival{kind: "__InputValue", arg: &ast.ArgumentDefinition{Name: fd.Name, Description: fd.Description, Type: fd.Type, DefaultValue: fd.DefaultValue}})
		}
		return list(vs)
	case "__Type.interfaces":
		if v.def == nil {
			return cost
		}
		var vs []ival
		for _, name := range v.def.Interfaces {
			vs = append(vs, ival{kind: "__Type", def: s.Types[name]})
		}
		return list(vs)
	case "__Type.possibleTypes":
		if v.def == nil || (v.def.Kind != ast.Interface && v.def.Kind != ast.Union) {
			return cost
		}
		var vs []ival
		for _, t := range s.GetPossibleTypes(v.def) {
			vs = append(vs, ival{kind: "__Type", def: t})
		}
		return list(vs)
	case "__Type.enumValues":
		if v.def == nil || v.def.Kind != ast.Enum {
			return cost
		}
		var vs []ival
		for _, e := range v.def.EnumValues {
			vs = append(vs, ival{kind: "__EnumValue", enum: e})
		}
		return list(vs)
	case "__Type.ofType":
		if v.typ == nil {
			return cost
		}
		if v.typ.NonNull {
			t := *v.typ
			t.NonNull = false
			return one(w.typeOf(&t))
		}
		return one(w.typeOf(v.typ.Elem))
	case "__Field.name", "__Field.description", "__Field.deprecationReason":
		return text(v.fd.Name + v.fd.Description)
	case "__Field.args":
		var vs []ival
		for _, a := range v.fd.Arguments {
			vs = append(vs, ival{kind: "__InputValue", arg: a})
		}
		return list(vs)
	case "__Field.type":
		return one(w.typeOf(v.fd.Type))
	case "__InputValue.name", "__InputValue.description", "__InputValue.defaultValue", "__InputValue.deprecationReason":
		t := v.arg.Name + v.arg.Description
		if v.arg.DefaultValue != nil {
			t += v.arg.DefaultValue.String()
		}
		return text(t)
	case "__InputValue.type":
		return one(w.typeOf(v.arg.Type))
	case "__EnumValue.name", "__EnumValue.description", "__EnumValue.deprecationReason":
		return text(v.enum.Name + v.enum.Description)
	case "__Directive.name", "__Directive.description":
		return text(v.dir.Name + v.dir.Description)
	case "__Directive.locations":
		return add(cost, len(v.dir.Locations))
	case "__Directive.args":
		var vs []ival
		for _, a := range v.dir.Arguments {
			vs = append(vs, ival{kind: "__InputValue", arg: a})
		}
		return list(vs)
	}
	return cost // scalars: kind, isDeprecated, isRepeatable, isOneOf, __typename …
}

func named(def *ast.Definition) ival {
	if def == nil {
		return ival{}
	}
	return ival{kind: "__Type", def: def}
}

// answerBudget counts the bytes of the answer as fields resolve.
type answerBudget struct {
	limit int64
	bytes atomic.Int64
	over  atomic.Bool
	// reserved is what the operation holds of the server's budget of
	// answers in flight; it holds more as the answer passes half of it.
	reserved atomic.Int64
	grow     sync.Mutex
}

type budgetKey struct{}

// answerLimit stops an operation whose answer passes limit bytes: fields
// resolved after that fail at once, and the answer is replaced by one
// ANSWER_TOO_LARGE error.
type answerLimit struct{ limit int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.FieldInterceptor
	graphql.ResponseInterceptor
} = answerLimit{}

func (answerLimit) ExtensionName() string                          { return "AnswerLimit" }
func (answerLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (a answerLimit) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	b := &answerBudget{limit: int64(a.limit)}
	if rc := graphql.GetOperationContext(ctx); rc != nil {
		if n, ok := rc.Stats.GetExtension(reservedKey).(int64); ok {
			b.reserved.Store(n)
		}
	}
	return next(context.WithValue(ctx, budgetKey{}, b))
}

var errTooLarge = &policy.Error{Code: policy.ETOOLARGE}

func (answerLimit) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	b, _ := ctx.Value(budgetKey{}).(*answerBudget)
	if b == nil {
		return next(ctx)
	}
	if b.over.Load() {
		return nil, errTooLarge
	}
	res, err := next(ctx)
	n := int64(8 + sizeOf(res))
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Field.Field != nil {
		n += int64(len(fc.Field.Alias))
	}
	total := b.bytes.Add(n)
	if total > b.limit {
		b.over.Store(true)
		return nil, errTooLarge
	}
	if r := b.reserved.Load(); r > 0 && 2*total > r {
		if err := b.hold(ctx, 4*total); err != nil {
			return nil, err
		}
	}
	return res, err
}

// hold makes the operation hold n bytes of the server's budget of answers
// in flight (at most twice the answer limit), where it holds less.
func (b *answerBudget) hold(ctx context.Context, n int64) error {
	b.grow.Lock()
	defer b.grow.Unlock()
	n = min(n, 2*b.limit)
	if n <= b.reserved.Load() {
		return nil
	}
	if err := server.Reserve(ctx, n); err != nil {
		return err
	}
	b.reserved.Store(n)
	return nil
}

// sizeOf estimates the bytes v takes in the answer: exact for texts, a few
// bytes for other values (their fields are counted as they resolve).
func sizeOf(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case *string:
		if v != nil {
			return len(*v)
		}
	case []string:
		n := 0
		for _, s := range v {
			n += len(s) + 3
		}
		return n
	case []int:
		return 4 * len(v)
	case []*policy.Provision:
		return 2 * len(v)
	case []introspection.Type:
		return 2 * len(v)
	}
	return 4
}

func (a answerLimit) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	b, _ := ctx.Value(budgetKey{}).(*answerBudget)
	if resp == nil || b == nil {
		return resp
	}
	if b.over.Load() || len(resp.Data) > a.limit {
		err := limitError(policy.ETOOLARGE, "the answer would be larger than %d bytes: ask for fewer fields or smaller lists", a.limit)
		return &graphql.Response{Errors: gqlerror.List{err}}
	}
	return resp
}

// shorten returns s, or its first 40 characters and "…" when it is longer:
// what an error message may quote of a user's input.
func shorten(s string) string {
	const n = 40
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
