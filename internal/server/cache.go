package server

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"sync"
)

// The data changes only on ingest, so the answer to a query stays right
// until the store generation moves on. responses keeps the answers to
// recent queries — GET and POST alike, keyed by the request and the
// generation — and serves them again without running GraphQL. Answers with
// errors are not kept.
type responses struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	order    *list.List // of *cached, most recent first
	byKey    map[[32]byte]*list.Element
}

type cached struct {
	key  [32]byte
	gen  int64
	body []byte
	ct   string
}

func newResponses(maxBytes int) *responses {
	return &responses{maxBytes: maxBytes, order: list.New(), byKey: map[[32]byte]*list.Element{}}
}

func (c *responses) get(key [32]byte, gen int64) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil
	}
	if v := e.Value.(*cached); v.gen == gen {
		c.order.MoveToFront(e)
		return v
	}
	c.remove(e)
	return nil
}

func (c *responses) put(v *cached) {
	if len(v.body) > c.maxBytes/16 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[v.key]; ok {
		c.remove(e)
	}
	c.byKey[v.key] = c.order.PushFront(v)
	c.bytes += len(v.body)
	for c.bytes > c.maxBytes {
		c.remove(c.order.Back())
	}
}

func (c *responses) remove(e *list.Element) {
	v := c.order.Remove(e).(*cached)
	delete(c.byKey, v.key)
	c.bytes -= len(v.body)
}

// cache serves repeated queries from c.
func cache(c *responses, generation func(context.Context) (int64, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if generation == nil || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
			next.ServeHTTP(w, r)
			return
		}
		h := sha256.New()
		io.WriteString(h, r.Method+"\x00"+requestKey(r)+"\x00"+r.Header.Get("Content-Type")+"\x00")
		if r.Method == http.MethodPost {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				next.ServeHTTP(w, r) // let the handler report the body error
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			h.Write(body)
		}
		var key [32]byte
		h.Sum(key[:0])
		gen, err := generation(r.Context())
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		if v := c.get(key, gen); v != nil {
			w.Header().Set("Content-Type", v.ct)
			w.Write(v.body)
			return
		}
		rec := &capture{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if (rec.status == 0 || rec.status == http.StatusOK) && !bytes.Contains(rec.buf.Bytes(), []byte(`"errors":`)) {
			c.put(&cached{key: key, gen: gen, body: bytes.Clone(rec.buf.Bytes()), ct: w.Header().Get("Content-Type")})
		}
	})
}

// capture passes a response through and keeps a copy of its body.
type capture struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *capture) Write(b []byte) (int, error) {
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}

func (c *capture) Unwrap() http.ResponseWriter { return c.ResponseWriter }
