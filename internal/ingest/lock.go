package ingest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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
		if errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ENOSPC) {
			return nil, lockError(dir, filepath.Join(dir, LockFile), err)
		}
		return nil, fmt.Errorf("create data directory %s: %w", policy.Name(dir), errors.Unwrap(err))
	}
	path := filepath.Join(dir, LockFile)
	l := flock.New(path)
	ok, err := l.TryLock()
	if err != nil {
		return nil, lockError(dir, path, err)
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
	return &timeoutError{fmt.Sprintf("waited %v for another policykb process to finish ingesting (it holds %s); giving up: try again when it is done, or give a longer --lock-timeout",
		timeout, policy.Name(path))}
}

// timeoutError is ErrLockTimeout with what was waited for.
type timeoutError struct{ msg string }

func (e *timeoutError) Error() string        { return e.msg }
func (e *timeoutError) Is(target error) bool { return target == ErrLockTimeout }

// lockError explains a failure to open the lock file: a read-only data
// directory, one policykb may not write to, or a full disk, each of which
// keeps the store from being written.
func lockError(dir, path string, err error) error {
	switch {
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("the data directory %s is read-only: the store cannot be written (%w)", policy.Name(dir), err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("policykb may not write to the data directory %s: the store cannot be written (%w)", policy.Name(dir), err)
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("no space left on the device of the data directory %s: the store cannot be written (%w)", policy.Name(dir), err)
	}
	return fmt.Errorf("ingest lock %s: %w", policy.Name(path), err)
}
