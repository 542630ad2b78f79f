// Package server is the HTTP side of policykb: routes, health and readiness,
// request IDs, structured access logs, body and time limits, gzip, the
// answer cache, a bound on the memory of answers in flight, and
// ETag/Cache-Control on GET queries, around the GraphQL handler.
package server

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"
	"github.com/policykb/policykb/internal/policy"
)

// MemoryLimit is the soft memory limit a server process sets for the Go
// runtime unless GOMEMLIMIT says otherwise: the garbage collector works
// harder as the heap nears it, which keeps the RSS under load within the
// bound measured by bench/memory (BENCHMARKS.md).
const MemoryLimit = 384 << 20

// MaxConnections is how many connections a server process serves at once;
// more wait to be accepted. With MaxBody it bounds the memory of request
// bodies being read. Above IdleConnections open connections, the ones idle
// longest are closed to make room (see Conns), so that only busy
// connections can ever make clients wait.
const (
	MaxConnections  = 1024
	IdleConnections = 512
)

// Config is what New needs.
type Config struct {
	API    http.Handler // the GraphQL endpoint
	IDE    http.Handler // the in-browser IDE, served at /graphiql and below
	Pages  http.Handler // the reading view, at every other path: ETags and answer cache as for GET queries
	Logger *slog.Logger
	// Generation returns a number that changes whenever the data changes;
	// GET queries carry it in their ETag.
	Generation func(ctx context.Context) (int64, error)
	// Ready returns nil once the store and the search index are open, and a
	// *policy.Degraded where they answer but not as they should: /readyz
	// says 200 and why.
	Ready func() error
	// MaxBody bounds a request body (default 256 KiB: a query text has at
	// most 64 KiB, variables at most 1,000 values); Timeout bounds the work
	// of one request (default 10 s).
	MaxBody int64
	Timeout time.Duration
	// CacheBytes bounds the cache of answers to repeated queries (default
	// 32 MiB; negative: no cache).
	CacheBytes int
	// MaxAnswer is the largest answer the API gives (default 2 MiB, the
	// GraphQL handler's default); MaxInFlight bounds the bytes of answers
	// being made or sent at once (default 32 MiB). An execution of an API
	// that is SelfReserving (the GraphQL handler) holds of it what its
	// answer can take (see Reserve); of any other API, twice MaxAnswer; a
	// page, PageReserve (default 256 KiB) or, where Pages is
	// SelfReserving, what it says; every answer at least twice its size
	// as it is written.
	MaxAnswer   int
	MaxInFlight int64
	PageReserve int64
}

// New returns the handler of the whole service.
func New(c Config) http.Handler {
	if c.MaxBody == 0 {
		c.MaxBody = 256 << 10
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxAnswer == 0 {
		c.MaxAnswer = 2 << 20
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = 32 << 20
	}
	if c.CacheBytes == 0 {
		c.CacheBytes = 32 << 20
	}
	if c.PageReserve == 0 {
		c.PageReserve = 256 << 10
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if c.Ready != nil {
			err := c.Ready()
			if reason, ok := policy.IsDegraded(err); ok {
				// Serving, but not as it should: say why, and stay in
				// service (200).
				fmt.Fprintln(w, "ready, degraded:", reason)
				return
			}
			if err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintln(w, "not ready:", err)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	})
	answers := newAnswers(c, c.API)
	api := limit(c, answers)
	mux.Handle("/graphql", api)
	if c.IDE != nil {
		mux.Handle("GET /graphiql", c.IDE)
		mux.Handle("GET /graphiql/", c.IDE)
		// A browser that opens /graphql, with no query, is sent to the IDE.
		mux.HandleFunc("GET /graphql", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.RawQuery == "" && strings.Contains(r.Header.Get("Accept"), "text/html") {
				w.Header().Set("Cache-Control", "no-cache")
				http.Redirect(w, r, "/graphiql", http.StatusFound)
				return
			}
			api.ServeHTTP(w, r)
		})
	}
	if c.Pages != nil {
		// Pages share the answers' budget, ETags and cache with /graphql.
		mux.Handle("/", pageHeaders(limit(c, answers.serving(c.Pages, c.PageReserve))))
		mux.Handle("GET /assets/", pageHeaders(limit(c, c.Pages))) // content-addressed: their own ETags
	}
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.BestSpeed),
		gzhttp.EnableZstd(false), gzhttp.SuffixETag(gzipSuffix))
	if err != nil {
		panic(err) // the options above are valid
	}
	return requestID(accessLog(c.Logger, recoverer(c.Logger, gz(mux))))
}

// limit bounds the body and the time of a request.
func limit(c Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > c.MaxBody {
			WriteError(w, Status(policy.EREQUESTTOOLARGE), policy.EREQUESTTOOLARGE, fmt.Sprintf("the request body is larger than %d bytes", c.MaxBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, c.MaxBody)
		ctx, cancel := context.WithTimeout(r.Context(), c.Timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type ctxKey struct{}

var idRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID gives every request an ID: the caller's X-Request-ID if it is
// sane, else a new one. It is echoed in the response and in the logs.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !idRe.MatchString(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// RequestID returns the ID of the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// LogHandler wraps h so that records logged with a request's context carry
// its ID.
func LogHandler(h slog.Handler) slog.Handler { return ctxHandler{h} }

type ctxHandler struct{ slog.Handler }

func (h ctxHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h ctxHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return ctxHandler{h.Handler.WithAttrs(as)}
}
func (h ctxHandler) WithGroup(name string) slog.Handler { return ctxHandler{h.Handler.WithGroup(name)} }

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// accessLog logs one structured line per request.
func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration_ms", float64(time.Since(start).Microseconds())/1000, "remote", r.RemoteAddr)
	})
}

// recoverer turns a panic outside the GraphQL executor (which has its own)
// into a logged 500 with a GraphQL-shaped body.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				WriteError(w, Status(policy.EINTERNAL), policy.EINTERNAL, "internal error")
			}
		}()
		next.ServeHTTP(w, r)
	})
}
