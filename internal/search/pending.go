package search

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/policykb/policykb/internal/policy"
)

// Pending is an index that a server keeps available and up to date. It is
// opened in the background (a server answers other queries at once while
// the dictionary loads and the index is built); until then Ready and
// Search answer an error with the code UNAVAILABLE that says why. Once
// open, it follows the store in the background: it polls the store's
// generation every PollInterval and applies what changed, document by
// document, beside the snapshot that searches read, which it replaces
// when the update is whole (see Index.Sync). Searches never wait for an
// update and are never refused for one: they read the index as it was
// until the update is published, then the new one. An answer reflects an
// ingest, a revert or a replacement within PollInterval plus the time of
// the update (BENCHMARKS-search.md: tens of milliseconds for a document of
// the policy's size).
//
// Where the index cannot be written at its path (a file in the way, a
// directory it may not write, a full disk) it is built and kept in memory,
// and Ready returns a *policy.Degraded saying why, until a later attempt,
// with a backoff capped at MaxBackoff, finds the directory usable again
// and moves it back to disk. An update that fails to write (a disk that
// fills) leaves the live index as it was, and Ready says so until an
// update succeeds. Changes of state are logged once each, not at every
// attempt.
type Pending struct {
	cfg    LoadConfig
	cancel context.CancelFunc
	done   chan struct{} // closed when the loader has stopped
	nudge  chan struct{} // something finished: update now

	mu     sync.Mutex
	opened *Index        // the index loaded, whatever its state; closed by Close
	idx    *Index        // the index to search: opened, once it has a snapshot
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
	// PollInterval is how often the store's generation is read to find
	// ingests of other processes (default 200 ms).
	PollInterval time.Duration
}

// The messages of Ready and Search before the index is open.
var (
	errBuilding     = policy.Errorf(policy.EUNAVAILABLE, "the search index is being built; try again shortly")
	errShuttingDown = policy.Errorf(policy.EUNAVAILABLE, "the server is shutting down")
)

// OpenInBackground starts opening the index at path over store.
func OpenInBackground(path string, store Store) *Pending {
	return Load(context.Background(), LoadConfig{Path: path, Store: store})
}

// Load starts opening the index of c in the background and keeps it
// available and up to date until ctx is done or Close is called. When ctx
// is done, loading and updating stop (it does not wait for the dictionary)
// and searches go on reading the index as it is, until Close.
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
	if c.PollInterval <= 0 {
		c.PollInterval = 200 * time.Millisecond
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Pending{cfg: c, cancel: cancel, done: make(chan struct{}), nudge: make(chan struct{}, 1),
		status: errBuilding, change: make(chan struct{})}
	go p.load(ctx)
	return p
}

// load opens the index, and then keeps it up to date, retrying failures
// with backoff, until ctx is done.
func (p *Pending) load(ctx context.Context) {
	defer close(p.done)
	backoff := p.cfg.MinBackoff
	var idx *Index
	start, ready, last := time.Now(), false, ""
	for {
		var err error
		if idx == nil {
			idx, err = newIndex(ctx, p.cfg.Path, p.cfg.Store, Options{})
			if idx != nil {
				idx.background, idx.maxBackoff = true, p.cfg.MaxBackoff
				idx.onJobDone = p.wake
				p.mu.Lock()
				p.opened = idx
				p.mu.Unlock()
			}
		}
		if idx != nil {
			err = idx.update(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		live := idx != nil && idx.Generation() >= 0
		if live {
			if !ready {
				p.cfg.Logger.Info("the search index is ready", "after", time.Since(start).Round(time.Millisecond).String(),
					"dictionary", DictionaryLoadTime().Round(time.Millisecond).String(), "in_memory", idx.InMemory())
				ready = true
			}
			p.setStatus(idx, nil, false)
		} else if err != nil {
			p.setStatus(nil, retrying(err), true)
		}
		// Log what goes wrong once, when it starts, and when it ends.
		state := ""
		if !live && err != nil {
			state = policy.ErrorMessage(retrying(err))
		} else if live {
			state, _ = policy.IsDegraded(p.Ready())
		}
		if state != last {
			switch {
			case state != "" && err != nil:
				p.cfg.Logger.Warn("the search index is degraded", "state", state, "error", err.Error())
			case state != "":
				p.cfg.Logger.Warn("the search index is degraded", "state", state)
			case last != "":
				p.cfg.Logger.Info("the search index is healthy again")
			}
			last = state
		}
		wait := p.cfg.PollInterval
		if err != nil {
			wait, backoff = backoff, min(2*backoff, p.cfg.MaxBackoff)
		} else {
			backoff = p.cfg.MinBackoff
		}
		select {
		case <-time.After(wait):
		case <-p.nudge:
		case <-ctx.Done():
			return
		}
	}
}

// wake has the loader update now.
func (p *Pending) wake() {
	select {
	case p.nudge <- struct{}{}:
	default:
	}
}

// setStatus records the state and wakes the searches waiting for it. The
// index stays nil while status is not nil.
func (p *Pending) setStatus(idx *Index, status error, final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.idx == idx && p.status == status && p.final == final {
		return
	}
	p.idx, p.status, p.final = idx, status, final
	if status != nil {
		p.idx = nil
	}
	close(p.change)
	p.change = make(chan struct{})
}

// Ready returns nil once the index is open, current and where it should
// be. Before it opens it returns an error with the code UNAVAILABLE saying
// why (being built, failed for a stated reason and being retried, shutting
// down). Once open but degraded — kept in memory because its directory
// cannot be written, or unable to take the latest changes — it returns a
// *policy.Degraded saying why: searches are answered.
func (p *Pending) Ready() error {
	p.mu.Lock()
	status, idx := p.status, p.idx
	p.mu.Unlock()
	if status != nil {
		return status
	}
	h := idx.state()
	var reasons []string
	if h.memory != nil {
		reasons = append(reasons, "the search index is kept in memory, as its directory cannot be written"+because(h.memory)+"; retrying")
	}
	if h.stale != nil {
		reasons = append(reasons, "the search index could not take the latest changes"+because(h.stale)+
			": searches see the data as it was before them; retrying")
	}
	if h.rebuilding {
		reasons = append(reasons, "the search index is being rebuilt: searches see the data as it was before the latest changes")
	}
	if len(reasons) == 0 {
		return nil
	}
	return &policy.Degraded{Reason: strings.Join(reasons, "; ")}
}

// because says the system error of err in parentheses, or nothing.
func because(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return " (" + errno.Error() + ")"
	}
	// bleve and its storage wrap some errors as text only.
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EROFS, syscall.EACCES, syscall.ENOENT, syscall.EIO} {
		if err != nil && strings.Contains(err.Error(), errno.Error()) {
			return " (" + errno.Error() + ")"
		}
	}
	return ""
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
		case <-p.done: // stopped before the index was ready
			return nil, errShuttingDown
		case <-ctx.Done():
			return nil, status
		}
	}
}

// Search waits for the index to open, then searches the snapshot it has:
// never waiting for an update, which runs in the background.
func (p *Pending) Search(ctx context.Context, q policy.SearchQuery) (*policy.SearchResult, error) {
	idx, err := p.Wait(ctx)
	if err != nil {
		return nil, err
	}
	return idx.Search(ctx, q)
}

// Close stops loading, without waiting for the dictionary to load, and
// closes the index once the searches reading it are done.
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
