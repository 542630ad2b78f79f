package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/policykb/policykb/internal/policy"
	"golang.org/x/sync/semaphore"
)

// The data changes only on ingest, so the answer to a query stays right
// until the store generation moves on. responses keeps the answers to
// recent queries — GET and POST alike, keyed by the request and the
// generation — least recently used first out, within a budget of bytes.
type responses struct {
	mu       sync.Mutex
	lru      *simplelru.LRU[[32]byte, *cached]
	maxBytes int
	bytes    int
}

type cached struct {
	gen  int64
	body []byte
	ct   string
}

func newResponses(maxBytes int) *responses {
	c := &responses{maxBytes: maxBytes}
	c.lru, _ = simplelru.NewLRU[[32]byte, *cached](1<<20, func(_ [32]byte, v *cached) { c.bytes -= len(v.body) })
	return c
}

func (c *responses) get(key [32]byte, gen int64) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.lru.Get(key)
	if !ok {
		return nil
	}
	if v.gen != gen {
		c.lru.Remove(key)
		return nil
	}
	return v
}

func (c *responses) put(key [32]byte, v *cached) {
	if len(v.body) > c.maxBytes/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Add(key, v) // an older entry for key is evicted first
	c.bytes += len(v.body)
	for c.bytes > c.maxBytes {
		c.lru.RemoveOldest()
	}
}

// answers runs the API for GET and POST requests and decides what may be
// kept of the answer:
//
//   - an answer without errors gets, for GET, an ETag made of the data
//     generation and the query (a request that already has it gets 304 Not
//     Modified) and is kept in the cache of answers when there is one;
//   - an answer with errors (a timeout, a refused query, a bad request)
//     gets Cache-Control: no-store, no ETag, and is never kept;
//   - so does an answer made from a search index that has not yet caught
//     up with the store's generation (see policy.AnswerBasis).
//
// It bounds the memory of answers in flight: every execution holds a part
// of a shared budget of inflight bytes while it runs (and waits for it, up
// to its deadline), holds the answer's size while the client reads it, and
// the write has a deadline that grows with the size, so that slow readers
// cannot pin more than the budget. What an execution holds is what it can
// produce: a handler that says so itself (SelfReserving: the GraphQL
// handler, by the cost of the operation) starts with minReserve and
// raises it with Reserve; any other starts with reserve (twice MaxAnswer;
// pages: pageReserve); and every answer holds at least twice the bytes it
// has written.
type answers struct {
	c        Config
	cache    *responses // nil: no cache
	budget   *semaphore.Weighted
	reserve  int64 // what an execution holds from its start
	inflight int64
	next     http.Handler
}

// minReserve is what a request to a SelfReserving handler holds before the
// handler says what it needs: enough for an error or a small answer.
const minReserve = 16 << 10

func newAnswers(c Config, next http.Handler) *answers {
	a := &answers{c: c, next: next, reserve: int64(2 * c.MaxAnswer), inflight: c.MaxInFlight}
	if _, ok := next.(SelfReserving); ok {
		a.reserve = minReserve
	}
	a.reserve = min(a.reserve, a.inflight)
	a.budget = semaphore.NewWeighted(a.inflight)
	if c.CacheBytes > 0 && c.Generation != nil {
		a.cache = newResponses(c.CacheBytes)
	}
	return a
}

// serving returns answers that share a's budget and cache but run next:
// the pages beside the API, which hold pageReserve from their start.
func (a *answers) serving(next http.Handler, pageReserve int64) *answers {
	b := *a
	b.next = next
	b.reserve = min(pageReserve, a.inflight)
	if _, ok := next.(SelfReserving); ok {
		b.reserve = minReserve
	}
	return &b
}

// SelfReserving is a handler that says, with Reserve, how much of the
// budget of answers in flight each of its requests needs (for GraphQL: as
// much as the operation's answer can take, by its cost), so that a request
// holds what it can produce rather than the most any request can.
type SelfReserving interface {
	http.Handler
	// ReservesInFlight marks the handler; it does nothing.
	ReservesInFlight()
}

type reservationKey struct{}

// reservation is what one request holds of the budget of answers in
// flight.
type reservation struct {
	budget  *semaphore.Weighted
	limit   int64 // the whole budget
	mu      sync.Mutex
	held    int64
	refused bool // a Reserve failed: the request is answered UNAVAILABLE
}

// grow makes r hold at least n bytes (at most the whole budget), waiting
// for them up to the end of ctx.
func (r *reservation) grow(ctx context.Context, n int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	n = min(n, r.limit)
	if r.refused {
		return errBusy
	}
	if n <= r.held {
		return nil
	}
	if err := r.budget.Acquire(ctx, n-r.held); err != nil {
		r.refused = true
		return errBusy
	}
	r.held = n
	return nil
}

// shrink makes r hold n bytes where it holds more, and returns what it
// holds.
func (r *reservation) shrink(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n < r.held {
		r.budget.Release(r.held - n)
		r.held = n
	}
}

func (r *reservation) isRefused() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused
}

// errBusy is what Reserve returns when the budget of answers in flight
// cannot make room before the request's deadline.
var errBusy = &policy.Error{Code: policy.EUNAVAILABLE, Message: "the server is busy: try again in a moment"}

// Reserve makes the request of ctx hold at least n bytes of the server's
// budget of answers in flight (at most the whole budget), waiting up to
// the request's deadline. It returns a *policy.Error with code UNAVAILABLE
// when the budget cannot make room in time: the request is then answered
// 503 with Retry-After, whatever its handler writes. Outside a request of
// the server it does nothing.
func Reserve(ctx context.Context, n int64) error {
	r, _ := ctx.Value(reservationKey{}).(*reservation)
	if r == nil {
		return nil
	}
	return r.grow(ctx, n)
}

// gzipSuffix marks the ETag of a gzipped answer.
const gzipSuffix = "-gzip"

func (a *answers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		h.Set("Cache-Control", "no-store")
		a.next.ServeHTTP(w, r)
		return
	}
	gen, haveGen := int64(0), false
	if a.c.Generation != nil && (r.Method == http.MethodGet || a.cache != nil) {
		g, err := a.c.Generation(r.Context())
		gen, haveGen = g, err == nil
	}
	tag := ""
	if r.Method == http.MethodGet && haveGen {
		sum := sha256.Sum256([]byte(requestKey(r)))
		tag = fmt.Sprintf(`"g%d-%s"`, gen, hex.EncodeToString(sum[:12]))
		for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == tag || t == strings.TrimSuffix(tag, `"`)+gzipSuffix+`"` || t == "*" {
				h.Set("ETag", t)
				h.Set("Cache-Control", "public, max-age=0, must-revalidate")
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
	}
	// The body is read before the budget is taken, so that clients that
	// send slowly hold no part of it.
	var body []byte
	useCache := a.cache != nil && haveGen
	if r.Method == http.MethodPost {
		var err error
		body, err = io.ReadAll(r.Body)
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		if err != nil {
			useCache = false // the API reports the body error
		}
	}
	var key [32]byte
	if useCache {
		hash := sha256.New()
		io.WriteString(hash, r.Method+"\x00"+requestKey(r)+"\x00"+r.Header.Get("Content-Type")+"\x00")
		hash.Write(body)
		hash.Sum(key[:0])
		if v := a.cache.get(key, gen); useCache && v != nil {
			h.Set("Content-Type", v.ct)
			if tag != "" {
				h.Set("ETag", tag)
				h.Set("Cache-Control", "public, max-age=0, must-revalidate")
			}
			a.write(w, http.StatusOK, v.body)
			return
		}
	}
	busy := func() {
		h.Set("Retry-After", "1")
		WriteError(w, Status(policy.EUNAVAILABLE), policy.EUNAVAILABLE, errBusy.Message)
	}
	res := &reservation{budget: a.budget, limit: a.inflight}
	defer res.shrink(0)
	if err := res.grow(r.Context(), a.reserve); err != nil {
		busy()
		return
	}
	ctx, basis := policy.WithAnswerBasis(context.WithValue(r.Context(), reservationKey{}, res))
	rec := &buffer{header: h, limit: 2 * a.c.MaxAnswer, res: res, ctx: ctx}
	a.next.ServeHTTP(rec, r.WithContext(ctx))
	if res.isRefused() {
		h.Del("ETag")
		busy()
		return
	}
	if g, ok := basis.Oldest(); ok && haveGen && g < gen {
		// Made from a search index still catching up with the store: right
		// for now, but not the answer of this generation to keep.
		tag, useCache = "", false
	}
	status, body := rec.status, rec.buf.Bytes()
	if status == 0 {
		status = http.StatusOK
	}
	if rec.over {
		// An answer, as GraphQL answers the errors of an operation: 200.
		status, body = http.StatusOK, errorJSON(policy.ETOOLARGE, "the answer is too large")
		h.Set("Content-Type", "application/json")
	}
	res.shrink(int64(len(body))) // hold only what the client has yet to read
	if status == http.StatusOK && !bytes.HasPrefix(body, []byte(`{"errors":`)) {
		if tag != "" {
			h.Set("ETag", tag)
			h.Set("Cache-Control", "public, max-age=0, must-revalidate")
		}
		if useCache {
			a.cache.put(key, &cached{gen: gen, body: bytes.Clone(body), ct: h.Get("Content-Type")})
		}
	} else {
		h.Del("ETag")
		h.Set("Cache-Control", "no-store")
	}
	if status == http.StatusOK && tag == "" && r.Method == http.MethodGet && haveGen {
		h.Set("Cache-Control", "no-store")
	}
	a.write(w, status, body)
}

// write sends body with a write deadline of 10 s plus a second for every
// 128 KiB.
func (a *answers) write(w http.ResponseWriter, status int, body []byte) {
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(10*time.Second + time.Duration(len(body)>>17)*time.Second))
	w.WriteHeader(status)
	w.Write(body)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, io.EOF
	}
	return 0, e.err
}

// buffer holds an answer (up to limit bytes) before it is sent, and makes
// its request hold at least twice the bytes it holds.
type buffer struct {
	header http.Header
	status int
	buf    bytes.Buffer
	limit  int
	over   bool
	res    *reservation
	ctx    context.Context
}

func (b *buffer) Header() http.Header { return b.header }

func (b *buffer) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *buffer) Write(p []byte) (int, error) {
	n := b.buf.Len() + len(p)
	if n > b.limit {
		b.over = true
		return 0, errTooLarge
	}
	if err := b.res.grow(b.ctx, 2*int64(n)); err != nil {
		return 0, err
	}
	return b.buf.Write(p)
}

var errTooLarge = fmt.Errorf("answer too large")
