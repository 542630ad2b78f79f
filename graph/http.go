package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Options configure the GraphQL handler.
type Options struct {
	Logger *slog.Logger // where internal errors are logged; slog.Default() if nil
	// NoIntrospection switches introspection off. The data is public, so it
	// is on by default.
	NoIntrospection bool
	// Limits bound what one request may ask.
	Limits Limits
}

// Handler is the GraphQL endpoint. It is server.SelfReserving: each
// operation holds of the server's budget of answers in flight what its
// answer can take, by its cost, rather than the most any answer can.
type Handler struct {
	*handler.Server
}

// ReservesInFlight marks Handler as server.SelfReserving.
func (*Handler) ReservesInFlight() {}

var _ server.SelfReserving = (*Handler)(nil)

// NewHandler returns the GraphQL endpoint over res: POST and GET requests,
// automatic persisted queries, limits checked before execution, and errors
// carrying extensions.code.
func NewHandler(res *Resolver, opt Options) *Handler {
	limits := opt.Limits.withDefaults()
	es := NewExecutableSchema(Config{Resolvers: res, Complexity: complexity()})
	srv := handler.New(es)
	srv.AddTransport(transport.Options{})
	srv.AddTransport(httpTransport{})
	parsed := newQueryCache[*ast.QueryDocument](queryCacheBytes, 16)
	srv.SetQueryCache(parsed)
	srv.SetParserTokenLimit(limits.Tokens)
	if !opt.NoIntrospection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(preCheck{maxBytes: maxQueryBytes, tokens: limits.Tokens, fields: limits.Fields, parsed: parsed})
	srv.Use(extension.AutomaticPersistedQuery{Cache: newQueryCache[string](queryCacheBytes/4, 1)})
	srv.Use(newLimiter(limits, es, res, !opt.NoIntrospection))
	srv.Use(answerLimit{limit: limits.AnswerBytes})
	configure(srv, res, opt)
	return &Handler{srv}
}

// configurable is what handler.Server and executor.Executor have in common.
type configurable interface {
	AroundOperations(graphql.OperationMiddleware)
	AroundFields(graphql.FieldMiddleware)
	SetErrorPresenter(graphql.ErrorPresenterFunc)
	SetRecoverFunc(graphql.RecoverFunc)
}

func configure(c configurable, res *Resolver, opt Options) {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	c.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		return next(res.withLoaders(ctx))
	})
	c.AroundFields(running)
	c.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	})
	c.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return presentError(ctx, log, err)
	})
}

// presentError gives every error an extensions.code: the code of a
// *policy.Error, the code gqlgen gave to a parse or validation error,
// BAD_USER_INPUT for other errors about the request, and INTERNAL, with a
// message that tells nothing of internals, for the rest (which are logged).
func presentError(ctx context.Context, log *slog.Logger, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	defer func() { gerr.Message = shortenMessage(gerr.Message) }()
	var perr *policy.Error
	switch {
	case errors.As(err, &perr):
		gerr.Message = perr.Message
		gerr.Extensions["code"] = perr.Code
	case gerr.Extensions["code"] != nil:
	case gerr.Err == nil:
		gerr.Extensions["code"] = policy.EINVALID
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		gerr.Message = "the request took too long or was cancelled"
		gerr.Extensions["code"] = policy.ETIMEOUT
	default:
		log.ErrorContext(ctx, "internal error", "error", err.Error(), "path", gerr.Path.String())
		gerr.Message = "internal error"
		gerr.Extensions["code"] = policy.EINTERNAL
		gerr.Err = nil
	}
	return gerr
}

// newExecutor returns an executor for in-process queries such as Export,
// with a cache of parsed queries.
func newExecutor(res *Resolver, opt Options) *executor.Executor {
	e := executor.New(NewExecutableSchema(Config{Resolvers: res}))
	e.SetQueryCache(newQueryCache[*ast.QueryDocument](queryCacheBytes/4, 16))
	configure(e, res, opt)
	return e
}
