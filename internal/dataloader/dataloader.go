// Package dataloader batches the loads of one request: concurrent calls to
// Load within a short window become one call of the fetch function, and each
// key is fetched at most once per Loader. GraphQL resolvers of sibling fields
// run concurrently, so a list of N provisions asking for their parents costs
// one query instead of N.
package dataloader

import (
	"context"
	"sync"
	"time"
)

// FetchFunc fetches the values of keys. Keys it leaves out of the map have
// the zero value.
type FetchFunc[K comparable, V any] func(ctx context.Context, keys []K) (map[K]V, error)

// Loader batches and caches loads for one request. Its zero value is not
// usable; make one with New.
type Loader[K comparable, V any] struct {
	fetch    FetchFunc[K, V]
	wait     time.Duration
	maxBatch int

	mu    sync.Mutex
	cur   *batch[K, V]
	cache map[K]*batch[K, V]
}

type batch[K comparable, V any] struct {
	keys    []K
	done    chan struct{}
	once    sync.Once
	results map[K]V
	err     error
}

// New returns a Loader that waits up to wait for more keys after the first
// one of a batch, and fetches at most maxBatch keys at a time.
func New[K comparable, V any](fetch FetchFunc[K, V], wait time.Duration, maxBatch int) *Loader[K, V] {
	return &Loader[K, V]{fetch: fetch, wait: wait, maxBatch: maxBatch, cache: map[K]*batch[K, V]{}}
}

// Load returns the value of key, fetched together with the keys other
// goroutines ask for at the same time.
func (l *Loader[K, V]) Load(ctx context.Context, key K) (V, error) {
	l.mu.Lock()
	b, ok := l.cache[key]
	if !ok {
		b = l.cur
		if b == nil {
			b = &batch[K, V]{done: make(chan struct{})}
			l.cur = b
			time.AfterFunc(l.wait, func() { l.dispatch(ctx, b) })
		}
		b.keys = append(b.keys, key)
		l.cache[key] = b
		if len(b.keys) >= l.maxBatch {
			l.cur = nil // full: later keys start a new batch
			go l.dispatch(ctx, b)
		}
	}
	l.mu.Unlock()
	select {
	case <-b.done:
		return b.results[key], b.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// LoadNow is Load without waiting for other keys: for a lone lookup, such
// as the root field of a query, that has nothing to batch with. The value is
// cached like any other.
func (l *Loader[K, V]) LoadNow(ctx context.Context, key K) (V, error) {
	l.mu.Lock()
	b, ok := l.cache[key]
	if !ok {
		b = &batch[K, V]{done: make(chan struct{}), keys: []K{key}}
		l.cache[key] = b
	}
	l.mu.Unlock()
	if !ok {
		l.dispatch(ctx, b)
	}
	select {
	case <-b.done:
		return b.results[key], b.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// LoadMany loads several keys in one batch and returns their values in order.
func (l *Loader[K, V]) LoadMany(ctx context.Context, keys []K) ([]V, error) {
	out := make([]V, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = l.Load(ctx, k)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Prime stores a value that is known already, so that loading its key costs
// nothing. It does not replace a value loaded or being loaded.
func (l *Loader[K, V]) Prime(key K, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.cache[key]; ok {
		return
	}
	b := &batch[K, V]{done: make(chan struct{}), results: map[K]V{key: v}}
	b.once.Do(func() { close(b.done) })
	l.cache[key] = b
}

func (l *Loader[K, V]) dispatch(ctx context.Context, b *batch[K, V]) {
	l.mu.Lock()
	if l.cur == b {
		l.cur = nil
	}
	keys := b.keys
	l.mu.Unlock()
	b.once.Do(func() {
		b.results, b.err = l.fetch(ctx, keys)
		close(b.done)
	})
}
