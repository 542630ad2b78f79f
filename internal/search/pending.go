package search

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"syscall"
	"time"

	"github.com/policykb/policykb/internal/policy"
)

// Pending is an index that a server keeps available: it is opened in the
// background (a server answers other queries at once while the dictionary
// loads and the index is built), and whenever opening or rebuilding it
// fails (a full disk, a directory it may not write) it is tried again with
// a backoff capped at MaxBackoff, so that the server recovers within
// seconds of the cause going away. Meanwhile Ready and Search answer an
// error with the code UNAVAILABLE that says why.
type Pending struct {
	cfg    LoadConfig
	cancel context.CancelFunc
	done   chan struct{} // closed when the loader has stopped
	retry  chan struct{} // a search found the index failing: try again

	mu     sync.Mutex
	opened *Index        // the index loaded, whatever its state; closed by Close
	idx    *Index        // the index to search: opened, once ready
	status error         // nil once ready, else a *policy.Error with the code UNAVAILABLE
	final  bool          // status is the answer now (a failure being retried, shutting down), not after a wait
	change chan struct{} // closed and replaced whenever status changes
}

// LoadConfig configures Load.
type LoadConfig struct {
	Path  string // the index directory; "" for an index in memory
	Store Store
	// Logger gets the failures in full (Ready and Search say only what an
	// operator or a client needs); slog.Default() if nil.
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between two attempts
	// (default 50 ms and 1 s).
	MinBackoff, MaxBackoff time.Duration
}

// The messages of Ready and Search before the index is open.
var (
	errBuilding     = policy.Errorf(policy.EUNAVAILABLE, "the search index is being built; try again shortly")
	errShuttingDown = policy.Errorf(policy.EUNAVAILABLE, "the server is shutting down")
	errRebuilding   = policy.Errorf(policy.EUNAVAILABLE, "the search index is being rebuilt after a change of the data; try again shortly")
)

// OpenInBackground starts opening the index at path over store.
func OpenInBackground(path string, store Store) *Pending {
	return Load(context.Background(), LoadConfig{Path: path, Store: store})
}

// Load starts opening the index of c in the background and keeps it
// available until ctx is done or Close is called. When ctx is done, loading
// stops (it does not wait for the dictionary) and searches that wait for
// the index return at once.
func Load(ctx context.Context, c LoadConfig) *Pending {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 50 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Pending{cfg: c, cancel: cancel, done: make(chan struct{}), retry: make(chan struct{}, 1),
		status: errBuilding, change: make(chan struct{})}
	go p.load(ctx)
	return p
}

// load opens the index, and then brings it up to date whenever a search
// finds it failing, retrying with backoff until it succeeds or ctx is done.
// When ctx is done, an index that is ready stays open for the searches in
// flight, until Close.
func (p *Pending) load(ctx context.Context) {
	defer close(p.done)
	backoff := p.cfg.MinBackoff
	var idx *Index
	start, ready := time.Now(), false
	for {
		var err error
		if idx == nil {
			idx, err = OpenOptions(ctx, p.cfg.Path, p.cfg.Store, Options{})
			p.mu.Lock()
			p.opened = idx
			p.mu.Unlock()
		} else {
			err = idx.Sync(ctx)
		}
		if ctx.Err() != nil {
			p.setStatus(nil, errShuttingDown, true)
			return
		}
		if err == nil {
			switch {
			case !ready:
				p.cfg.Logger.Info("the search index is ready", "after", time.Since(start).Round(time.Millisecond).String(),
					"dictionary", DictionaryLoadTime().Round(time.Millisecond).String())
				ready = true
			case backoff > p.cfg.MinBackoff:
				p.cfg.Logger.Info("the search index is available again")
			}
			backoff = p.cfg.MinBackoff
			p.setStatus(idx, nil, false)
			select {
			case <-p.retry:
				continue
			case <-ctx.Done():
				return
			}
		}
		p.cfg.Logger.Warn("the search index could not be built; retrying", "error", err.Error(), "retry_in", backoff.String())
		p.setStatus(nil, retrying(err), true)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			p.setStatus(nil, errShuttingDown, true)
			return
		}
		backoff = min(2*backoff, p.cfg.MaxBackoff)
	}
}

// setStatus records the state and wakes the searches waiting for it. The
// index stays nil while status is not nil.
func (p *Pending) setStatus(idx *Index, status error, final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idx, p.status, p.final = idx, status, final
	if status != nil {
		p.idx = nil
	}
	close(p.change)
	p.change = make(chan struct{})
}

// Ready returns nil once the index is open and current, and otherwise an
// error with the code UNAVAILABLE saying why it is not: being built, failed
// for a stated reason and being retried, or shutting down.
func (p *Pending) Ready() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// Wait waits until the index is open and returns it. It returns the error
// of Ready at once when the last attempt failed or the server is shutting
// down, and when ctx is done while the index is being built.
func (p *Pending) Wait(ctx context.Context) (*Index, error) {
	for {
		p.mu.Lock()
		idx, status, final, change := p.idx, p.status, p.final, p.change
		p.mu.Unlock()
		if status == nil {
			return idx, nil
		}
		if final {
			return nil, status
		}
		select {
		case <-change:
		case <-p.done: // stopped before the index was ready again
			return nil, errShuttingDown
		case <-ctx.Done():
			return nil, status
		}
	}
}

// Search waits for the index, then searches it. When the store has moved
// on (an ingest), the index is rebuilt in the background, not in the
// request (whose deadline would cut the build short, again and again), and
// the search waits for it like for the first build. A search that finds
// the index failing answers UNAVAILABLE and has it tried again.
func (p *Pending) Search(ctx context.Context, q policy.SearchQuery) (*policy.SearchResult, error) {
	for {
		idx, err := p.Wait(ctx)
		if err != nil {
			return nil, err
		}
		stale, err := idx.stale(ctx)
		if err != nil {
			return nil, err
		}
		if stale {
			p.fail(idx, errRebuilding, false)
			continue
		}
		res, err := idx.Search(ctx, q)
		var u *unavailableError
		if errors.As(err, &u) && ctx.Err() == nil {
			p.fail(idx, retrying(u), true)
		}
		return res, err
	}
}

// fail takes idx out of service with status, unless that happened
// already, and has the loader bring it up to date.
func (p *Pending) fail(idx *Index, status error, final bool) {
	p.mu.Lock()
	if p.idx == idx && p.status == nil {
		p.idx, p.status, p.final = nil, status, final
		close(p.change)
		p.change = make(chan struct{})
	}
	p.mu.Unlock()
	select {
	case p.retry <- struct{}{}:
	default:
	}
}

// Close stops loading, without waiting for the dictionary to load, and
// closes the index.
func (p *Pending) Close() error {
	p.cancel()
	<-p.done
	p.mu.Lock()
	idx := p.opened
	p.opened = nil
	p.mu.Unlock()
	p.setStatus(nil, errShuttingDown, true)
	if idx != nil {
		return idx.Close()
	}
	return nil
}

// unavailableError is a failure to build the index: its message tells the
// cause in full (for the log), and it is a *policy.Error with the code
// UNAVAILABLE and a message that tells only what a client or an operator
// needs (no paths).
type unavailableError struct {
	perr *policy.Error
	err  error
}

func (e *unavailableError) Error() string   { return e.perr.Message + ": " + e.err.Error() }
func (e *unavailableError) Unwrap() []error { return []error{e.perr, e.err} }

// unavailable wraps err, a failure to build or open the index, as an
// UNAVAILABLE error with message msg, or one naming the system error of
// err if msg is "".
func unavailable(err error, msg string) error {
	var u *unavailableError
	if errors.As(err, &u) {
		return u
	}
	if msg == "" {
		msg = "the search index could not be built"
		var errno syscall.Errno
		if errors.As(err, &errno) {
			msg += " (" + errno.Error() + ")"
		}
	}
	return &unavailableError{perr: policy.Errorf(policy.EUNAVAILABLE, "%s", msg), err: err}
}

// retrying is the status of a Pending whose last attempt failed with err.
func retrying(err error) *policy.Error {
	return policy.Errorf(policy.EUNAVAILABLE, "%s; retrying", policy.ErrorMessage(unavailable(err, "")))
}
