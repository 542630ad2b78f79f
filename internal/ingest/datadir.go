package ingest

// The data directory of a store: the ingest lock that keeps two ingests
// from interleaving, the paths of the store and its index, and the
// creation of a store with the embedded corpus.

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
	"github.com/policykb/policykb/internal/sqlite"
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

// StorePath is the file of the store in data directory dir.
func StorePath(dir string) string { return filepath.Join(dir, "policykb.db") }

// IndexPath is the directory of the search index in data directory dir.
func IndexPath(dir string) string { return filepath.Join(dir, "index") }

// LockTimeout is how long a command waits by default for another
// process's ingest to finish.
const LockTimeout = 30 * time.Second

// StoreOptions says how OpenStore opens a store.
type StoreOptions struct {
	// Locked: the caller holds the ingest lock of the data directory and
	// means to write. Otherwise the store is opened for reading, read-only
	// where it cannot be written, and the lock is taken only to create it.
	Locked bool
	// Waiting is called when another process holds the ingest lock that
	// creating the store needs (with how long OpenStore waits for it).
	Waiting func(timeout time.Duration)
	// Created is called for each document loaded into a new store.
	Created func(doc *policy.Document, path string)
}

// OpenStore opens the store of data directory dir. Where there is no store
// yet, it first creates one under the ingest lock, with the embedded corpus
// loaded into it; an existing store is never refilled.
func OpenStore(ctx context.Context, dir string, opt StoreOptions) (*sqlite.DB, error) {
	path := StorePath(dir)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		if err := createStore(ctx, dir, opt); err != nil {
			return nil, err
		}
	}
	if opt.Locked {
		return sqlite.Open(path)
	}
	// Commands that only read can read a store they cannot write.
	return sqlite.OpenForReading(path)
}

// createStore creates the store of dir with the embedded corpus, under the
// ingest lock, unless another process created it meanwhile.
func createStore(ctx context.Context, dir string, opt StoreOptions) error {
	if !opt.Locked {
		var wait func()
		if opt.Waiting != nil {
			wait = func() { opt.Waiting(LockTimeout) }
		}
		unlock, err := Lock(ctx, dir, LockTimeout, wait)
		if err != nil {
			return err
		}
		defer unlock()
	}
	path := StorePath(dir)
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil // created meanwhile
	}
	var docs []*policy.Document
	err := sqlite.Create(ctx, path, func(db *sqlite.DB) error {
		in, err := New(db)
		if err != nil {
			return err
		}
		docs, err = in.Corpus(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("create the store in %s: %w", policy.Name(dir), err)
	}
	if opt.Created != nil {
		for _, doc := range docs {
			opt.Created(doc, path)
		}
	}
	return nil
}
