package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
	"github.com/policykb/policykb/internal/policy"
)

// LockFile is the name of the ingest lock in a data directory.
const LockFile = "ingest.lock"

// ErrLockTimeout is returned by Lock when the lock stays held by another
// process for longer than the timeout.
var ErrLockTimeout = errors.New("ingest lock: timed out")

// Lock takes the ingest lock of the data directory dir. If another process
// holds it, wait is called first (to say so), then Lock waits at most
// timeout (0: not at all), or until ctx is done. Unlock releases it; the
// lock also goes with the process.
func Lock(ctx context.Context, dir string, timeout time.Duration, wait func()) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", policy.Name(dir), errors.Unwrap(err))
	}
	path := filepath.Join(dir, LockFile)
	l := flock.New(path)
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("ingest lock %s: %w", policy.Name(path), err)
	}
	if !ok {
		if wait != nil {
			wait()
		}
		if timeout <= 0 {
			return nil, lockTimeout(path, timeout)
		}
		wctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		ok, err = l.TryLockContext(wctx, 50*time.Millisecond)
		switch {
		case ok:
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			return nil, lockTimeout(path, timeout)
		case err != nil:
			return nil, fmt.Errorf("ingest lock %s: %w", policy.Name(path), err)
		default:
			return nil, lockTimeout(path, timeout)
		}
	}
	return func() { l.Unlock() }, nil
}

func lockTimeout(path string, timeout time.Duration) error {
	return fmt.Errorf("%w: another policykb process has held %s for %v; try again when it is done, or give a longer --lock-timeout",
		ErrLockTimeout, policy.Name(path), timeout)
}
