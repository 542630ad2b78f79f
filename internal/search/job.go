package search

import (
	"context"
	"time"
)

// job is a build of the whole index beside the live one, which searches
// keep reading meanwhile; a later update takes it up: it applies what
// changed in the store since the build read it, publishes it and makes it
// live.
type job struct {
	mode jobMode
	done chan struct{}
	snap *snapshot // the index built, not yet live or published
	err  error
}

// jobMode is where a job builds the index.
type jobMode int

const (
	jobWhole jobMode = iota // on disk where the index has a path, else or failing that in memory
	jobDisk                 // on disk only: to leave memory, or to merge the segments of updates
)

// startJob starts building the index whole beside the live one, unless a
// build runs or failed too recently. Called with upMu held.
func (x *Index) startJob(mode jobMode) {
	if x.job != nil || time.Now().Before(x.jobAfter) {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		cancel()
		return
	}
	x.jobCancel = cancel
	x.health.rebuilding = mode == jobWhole
	x.mu.Unlock()
	j := &job{mode: mode, done: make(chan struct{})}
	x.job = j
	go func() {
		defer close(j.done)
		defer cancel()
		disk := x.path != ""
		j.snap, j.err = x.buildBeside(ctx, disk)
		if j.err != nil && disk && mode == jobWhole && ctx.Err() == nil {
			x.setHealth(func(h *health) { h.memory = unavailable(j.err, "") })
			j.snap, j.err = x.buildBeside(ctx, false)
		}
		if x.onJobDone != nil {
			x.onJobDone()
		}
	}()
}

// buildBeside builds a snapshot of the whole store, on disk in a new
// subdirectory it does not publish, or in memory.
func (x *Index) buildBeside(ctx context.Context, disk bool) (*snapshot, error) {
	return x.build(ctx, disk, false)
}

// takeJob takes up a finished job: brought up to date with the store and
// published, its index becomes live. It reports whether it did. A failed
// job is retried after a backoff that doubles up to 30 times MaxBackoff.
// Called with upMu held.
func (x *Index) takeJob(ctx context.Context, cur *snapshot) (bool, error) {
	j := x.job
	if j == nil {
		return false, nil
	}
	select {
	case <-j.done:
	default:
		return false, nil
	}
	x.job = nil
	x.mu.Lock()
	x.jobCancel = nil
	x.health.rebuilding = false
	x.mu.Unlock()
	if j.err != nil {
		if ctx.Err() == nil {
			err := unavailable(j.err, "")
			x.setHealth(func(h *health) {
				if cur.dir == "" && x.path != "" {
					h.memory = err
				} else {
					h.stale = err
				}
			})
		}
		x.backOff()
		return false, nil
	}
	s := j.snap
	ch, err := x.store.Changes(ctx, s.gen)
	if err != nil {
		x.retire(s)
		return false, err
	}
	if ch.Store != s.store || !ch.Complete {
		x.retire(s)
		return false, nil
	}
	n := s
	if ch.Generation != s.gen || len(ch.Documents) > 0 {
		n, err = x.apply(ctx, s, ch)
		x.retire(s)
		if err != nil {
			x.setHealth(func(h *health) { h.stale = err })
			x.backOff()
			return false, nil
		}
	} else if s.dir != "" {
		pub := published{Dir: s.dir, Schema: schemaVersion, Store: s.store, Generation: s.gen, Docs: len(s.provs)}
		if err := publish(x.path, pub); err != nil {
			x.retire(s)
			x.setHealth(func(h *health) { h.stale = unavailable(err, "") })
			x.backOff()
			return false, nil
		}
	}
	x.setHealth(func(h *health) {
		h.stale = nil
		if n.dir != "" {
			h.memory = nil
		}
	})
	x.jobBackoff = 0
	if !x.install(n) {
		return true, errClosed
	}
	return true, nil
}

// backOff puts off the next job after a failed one.
func (x *Index) backOff() {
	x.jobBackoff = min(max(2*x.jobBackoff, x.maxBackoff), 30*x.maxBackoff)
	x.jobAfter = time.Now().Add(x.jobBackoff)
}

// maintain starts the builds the live index needs beside it: whole again
// after many updates, and on disk again when it had to live in memory and
// its directory can be written now. Called with upMu held.
func (x *Index) maintain(cur *snapshot) {
	if x.job != nil || x.path == "" {
		return
	}
	switch {
	case cur.dir != "" && cur.updates >= compactAfter:
		x.startJob(jobDisk)
	case cur.dir == "" && !time.Now().Before(x.jobAfter):
		if err := probeDir(x.path); err != nil {
			x.setHealth(func(h *health) { h.memory = unavailable(err, "") })
			x.jobAfter = time.Now().Add(x.maxBackoff)
			return
		}
		x.startJob(jobDisk)
	}
}
