package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

const (
	maxQueryBytes   = 64 << 10 // longest query text
	queryCacheBytes = 32 << 20 // parsed queries and persisted queries, by the length of their text
	maxErrors       = 20       // errors in one answer; the rest are counted in the last
)

// httpTransport serves GraphQL over GET (queries only) and POST
// (application/json), and answers every other request with a coded error.
// Every error, including those about the HTTP request itself, goes through
// the error presenter, so it has extensions.code and quotes at most a short
// prefix of the input it complains about.
type httpTransport struct{}

var _ graphql.Transport = httpTransport{}

func (httpTransport) Supports(r *http.Request) bool { return true }

func (httpTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	w.Header().Set("Content-Type", "application/json")
	fail := func(code, format string, args ...any) {
		err := gqlerror.Errorf(format, args...)
		errcode.Set(err, code)
		w.WriteHeader(server.Status(code))
		writeJSON(w, exec.DispatchError(ctx, gqlerror.List{err}))
	}
	start := graphql.Now()
	params := &graphql.RawParams{Headers: r.Header}
	switch {
	case r.Header.Get("Upgrade") != "":
		fail(policy.EBADREQUEST, "this server answers GraphQL over GET and POST only, not over %s", shorten(r.Header.Get("Upgrade")))
		return
	case r.Method == http.MethodGet:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			fail(policy.EBADREQUEST, "the query string cannot be read")
			return
		}
		params.Query, params.OperationName = q.Get("query"), q.Get("operationName")
		for name, dst := range map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
			if v := q.Get(name); v != "" {
				if err := decodeJSON(strings.NewReader(v), dst); err != nil {
					fail(policy.EBADREQUEST, "the %s parameter is not a JSON object: %s", name, jsonError(err))
					return
				}
			}
		}
	case r.Method == http.MethodPost:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			fail(policy.EMEDIATYPE, "a POST request must have Content-Type application/json, not %q", shorten(r.Header.Get("Content-Type")))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				fail(policy.EREQUESTTOOLARGE, "the request body is larger than %d bytes", tooLarge.Limit)
			} else {
				fail(policy.EBADREQUEST, "the request body cannot be read")
			}
			return
		}
		if b := bytes.TrimLeft(body, " \t\r\n"); len(b) > 0 && b[0] == '[' {
			fail(policy.EBADREQUEST, "batched requests are not supported: send one JSON object per request")
			return
		}
		if err := decodeJSON(bytes.NewReader(body), params); err != nil {
			fail(policy.EBADREQUEST, "the request body is not a JSON object with a query: %s", jsonError(err))
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		fail(policy.EMETHOD, "method %s is not allowed: use GET or POST", shorten(r.Method))
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	rc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
		writeJSON(w, exec.DispatchError(graphql.WithOperationContext(ctx, rc), errs))
		return
	}
	if r.Method == http.MethodGet && rc.Operation.Operation != ast.Query {
		fail(policy.EMETHOD, "GET requests may only run queries")
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, rc)
	resp := responses(ctx)
	if resp == nil { // the request's context ended first
		fail(policy.ETIMEOUT, "the request took too long or was cancelled")
		return
	}
	writeJSON(w, resp)
}

func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// jsonError describes a JSON decoding error without quoting the input.
func jsonError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("%s where %s belongs, at byte %d", typ.Value, shorten(typ.Field), typ.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends too soon"
	}
	return shorten(err.Error())
}

// writeJSON writes resp as gqlgen would (errors, data, extensions), but
// without copying its data, as json.Marshal would to compact it.
func writeJSON(w io.Writer, resp *graphql.Response) {
	var head []byte
	if len(resp.Errors) > 0 {
		errs := resp.Errors
		if len(errs) > maxErrors {
			more := *errs[0]
			more.Message = fmt.Sprintf("and %d more errors", len(errs)-maxErrors+1)
			more.Locations, more.Path = nil, nil
			errs = append(errs[:maxErrors-1:maxErrors-1], &more)
		}
		b, err := json.Marshal(errs)
		if err != nil {
			w.Write([]byte(`{"errors":[{"message":"internal error","extensions":{"code":"` + policy.EINTERNAL + `"}}],"data":null}`))
			return
		}
		head = append(append([]byte(`{"errors":`), b...), `,"data":`...)
	} else {
		head = []byte(`{"data":`)
	}
	w.Write(head)
	if len(resp.Data) == 0 {
		w.Write([]byte("null"))
	} else {
		w.Write(resp.Data)
	}
	if len(resp.Extensions) > 0 {
		if b, err := json.Marshal(resp.Extensions); err == nil {
			w.Write([]byte(`,"extensions":`))
			w.Write(b)
		}
	}
	w.Write([]byte("}"))
}

// shortenMessage shortens every quoted part and every long word of an
// error message to its first characters, and the whole message to 300
// bytes: an error never
// echoes more than a short prefix of what it complains about.
func shortenMessage(msg string) string {
	if len(msg) <= 80 {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			b.WriteString(msg)
			break
		}
		b.WriteString(msg[:i+1])
		msg = msg[i+1:]
		j := closingQuote(msg)
		if j < 0 {
			b.WriteString(shorten(msg))
			msg = ""
			break
		}
		b.WriteString(shorten(msg[:j]))
		b.WriteByte('"')
		msg = msg[j+1:]
	}
	words := strings.Split(b.String(), " ")
	for i, w := range words {
		words[i] = shorten(w)
	}
	out := strings.Join(words, " ")
	if len(out) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut] + "…"
	}
	return out
}

// closingQuote returns the index of the quote that closes a quoted part
// (skipping escaped quotes), or -1.
func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// preCheck refuses, before they are parsed by gqlgen, validated or kept
// anywhere, query texts longer than maxBytes and query documents whose
// validation would cost too much: more fields written than the field
// limit, many fields with the same name in one selection (validation
// compares them pairwise), or many fragments, operations or directives.
// A query already in the cache of parsed queries has passed these checks.
type preCheck struct {
	maxBytes, tokens, fields int
	parsed                   *queryCache[*ast.QueryDocument]
}

// Bounds of a query document, checked before validation.
const (
	maxRepeatedNames = 200 // fields whose response name repeats one before them in the same selection
	maxDefinitions   = 100 // operations and fragments
	maxDirectives    = 100
)

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = preCheck{}

func (preCheck) ExtensionName() string                          { return "PreCheck" }
func (preCheck) Validate(schema graphql.ExecutableSchema) error { return nil }

func (p preCheck) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	refuse := func(code, format string, args ...any) *gqlerror.Error {
		err := gqlerror.Errorf(format, args...)
		errcode.Set(err, code)
		return err
	}
	if len(params.Query) > p.maxBytes {
		return refuse(policy.EREQUESTTOOLARGE, "the query text is %d bytes long, more than the limit of %d", len(params.Query), p.maxBytes)
	}
	if params.Query == "" {
		return nil
	}
	if _, ok := p.parsed.Get(ctx, params.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, p.tokens)
	if err != nil {
		return nil // gqlgen reports it
	}
	if n := len(doc.Operations) + len(doc.Fragments); n > maxDefinitions {
		return refuse(policy.ECOMPLEXITY, "the query document has %d operations and fragments, more than the limit of %d", n, maxDefinitions)
	}
	fields, repeated, directives := 0, 0, 0
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		var names map[string]bool
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				fields++
				directives += len(s.Directives)
				if names == nil {
					names = map[string]bool{}
				}
				if names[s.Alias] {
					repeated++
				}
				names[s.Alias] = true
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				directives += len(s.Directives)
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				directives += len(s.Directives)
			}
		}
	}
	for _, op := range doc.Operations {
		directives += len(op.Directives)
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		directives += len(f.Directives)
		walk(f.SelectionSet)
	}
	switch {
	case fields > p.fields:
		return refuse(policy.ECOMPLEXITY, "the query document has %d fields, more than the limit of %d", fields, p.fields)
	case repeated > maxRepeatedNames:
		return refuse(policy.ECOMPLEXITY, "the query document repeats field names %d times within selections, more than the limit of %d", repeated, maxRepeatedNames)
	case directives > maxDirectives:
		return refuse(policy.ECOMPLEXITY, "the query document has %d directives, more than the limit of %d", directives, maxDirectives)
	}
	return nil
}

// queryCache keeps values by query text, least recently used first out,
// within a budget of bytes: each entry counts the length of its key times
// weight (a parsed query takes many times the bytes of its text).
type queryCache[T any] struct {
	mu            sync.Mutex
	lru           *simplelru.LRU[string, T]
	bytes, budget int
	weight        int
}

var _ graphql.Cache[string] = (*queryCache[string])(nil)

func newQueryCache[T any](budget, weight int) *queryCache[T] {
	c := &queryCache[T]{budget: budget, weight: weight}
	c.lru, _ = simplelru.NewLRU[string, T](1<<20, func(k string, _ T) { c.bytes -= c.size(k) })
	return c
}

func (c *queryCache[T]) size(key string) int { return 1024 + c.weight*len(key) }

// Get returns the value kept for key.
func (c *queryCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Get(key)
}

// Add keeps value for key, dropping the least recently used entries to
// stay within the budget.
func (c *queryCache[T]) Add(_ context.Context, key string, value T) {
	n := c.size(key)
	if n > c.budget/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lru.Contains(key) {
		return
	}
	c.lru.Add(key, value)
	c.bytes += n
	for c.bytes > c.budget {
		c.lru.RemoveOldest()
	}
}
