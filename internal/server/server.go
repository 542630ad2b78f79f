// Package server is the HTTP side of policykb: routes, health and readiness,
// request IDs, structured access logs, body and time limits, gzip, and
// ETag/Cache-Control on GET queries, around the GraphQL handler.
package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
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
	// Ready returns nil once the store and the search index are open.
	Ready func() error
	// MaxBody bounds a request body (default 1 MiB); Timeout bounds the
	// work of one request (default 10 s).
	MaxBody int64
	Timeout time.Duration
	// CacheBytes bounds the cache of answers to repeated queries (default
	// 32 MiB; negative: no cache).
	CacheBytes int
}

// New returns the handler of the whole service.
func New(c Config) http.Handler {
	if c.MaxBody == 0 {
		c.MaxBody = 1 << 20
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if c.Ready != nil {
			if err := c.Ready(); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintln(w, "not ready:", err)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	})
	if c.Generation != nil {
		c.Generation = onceGeneration(c.Generation)
	}
	api, pages := c.API, c.Pages
	if c.CacheBytes == 0 {
		c.CacheBytes = 32 << 20
	}
	if c.CacheBytes > 0 {
		answers := newResponses(c.CacheBytes)
		api = cache(answers, c.Generation, api)
		if pages != nil {
			pages = cache(answers, c.Generation, pages)
		}
	}
	api = limit(c, etag(c, api))
	mux.Handle("/graphql", api)
	if c.IDE != nil {
		mux.Handle("GET /graphiql", c.IDE)
		mux.Handle("GET /graphiql/", c.IDE)
	}
	if pages != nil {
		mux.Handle("/", pageHeaders(limit(c, etag(c, pages))))
		mux.Handle("GET /assets/", pageHeaders(limit(c, c.Pages))) // content-addressed: their own ETags
	}
	return requestID(accessLog(c.Logger, recoverer(c.Logger, gzipped(mux))))
}

// limit bounds the body and the time of a request.
func limit(c Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > c.MaxBody {
			http.Error(w, fmt.Sprintf("request body larger than %d bytes", c.MaxBody), http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, c.MaxBody)
		ctx, cancel := context.WithTimeout(r.Context(), c.Timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// etag answers GET queries with an ETag made of the data generation and the
// query; a request that already has that version gets 304 Not Modified.
func etag(c Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || c.Generation == nil {
			next.ServeHTTP(w, r)
			return
		}
		gen, err := c.Generation(r.Context())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), genKey{}, gen))
		sum := sha256.Sum256([]byte(requestKey(r)))
		tag := fmt.Sprintf(`"g%d-%s"`, gen, hex.EncodeToString(sum[:12]))
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "public, max-age=0, must-revalidate")
		for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
			if t = strings.TrimSpace(t); t == tag || t == "W/"+tag || t == "*" {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

type ctxKey struct{}

// genKey holds the generation a request has already read.
type genKey struct{}

// onceGeneration wraps gen so that a request reads the generation once:
// the ETag and the answer cache both need it.
func onceGeneration(gen func(context.Context) (int64, error)) func(context.Context) (int64, error) {
	return func(ctx context.Context) (int64, error) {
		if g, ok := ctx.Value(genKey{}).(int64); ok {
			return g, nil
		}
		return gen(ctx)
	}
}

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
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprint(w, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
