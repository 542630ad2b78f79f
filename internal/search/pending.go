package search

import (
	"context"
	"errors"
	"sync"

	"github.com/policykb/policykb/internal/policy"
)

// Pending is an index being opened in the background: a server answers
// other queries at once while the dictionary loads and the index is built,
// and searches wait for it.
type Pending struct {
	ready chan struct{}
	once  sync.Once
	idx   *Index
	err   error
}

// OpenInBackground starts opening the index at path over store.
func OpenInBackground(path string, store Store) *Pending {
	p := &Pending{ready: make(chan struct{})}
	go func() {
		idx, err := Open(context.Background(), path, store)
		p.set(idx, err)
	}()
	return p
}

func (p *Pending) set(idx *Index, err error) {
	p.once.Do(func() {
		p.idx, p.err = idx, err
		close(p.ready)
	})
}

var errNotReady = errors.New("the search index is being built")

// Ready returns nil once the index is open, its error if it failed, and an
// error saying it is being built before that.
func (p *Pending) Ready() error {
	select {
	case <-p.ready:
		return p.err
	default:
		return errNotReady
	}
}

// Wait waits until the index is open or ctx is done.
func (p *Pending) Wait(ctx context.Context) (*Index, error) {
	select {
	case <-p.ready:
		return p.idx, p.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Search waits for the index, then searches it.
func (p *Pending) Search(ctx context.Context, q policy.SearchQuery) (*policy.SearchResult, error) {
	idx, err := p.Wait(ctx)
	if err != nil {
		return nil, err
	}
	return idx.Search(ctx, q)
}

// Close waits for the index and closes it.
func (p *Pending) Close() error {
	<-p.ready
	if p.idx != nil {
		return p.idx.Close()
	}
	return nil
}
