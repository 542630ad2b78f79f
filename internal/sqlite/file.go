package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// Create makes a new store at path, which must not exist, filled by fill.
// The store is built under a temporary name beside path and renamed into
// place only when fill has succeeded, so that path never holds a store
// that is half made. The caller keeps other processes from creating the
// same store at once (the ingest lock).
func Create(ctx context.Context, path string, fill func(*DB) error) (err error) {
	defer func() { err = policy.QuotePaths(err) }()
	tmp := path + ".new"
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		// Left by a creation that was killed.
		if err := os.Remove(tmp + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	db, err := Open(tmp)
	if err != nil {
		return err
	}
	err = fill(db)
	if err == nil {
		_, err = db.rw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncFile(tmp)
	}
	if err == nil {
		if _, serr := os.Stat(path); serr == nil {
			err = fmt.Errorf("store %s appeared while it was being created", policy.Name(path))
		} else {
			err = os.Rename(tmp, path)
		}
	}
	if err != nil {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	return syncDir(filepath.Dir(path))
}

// Backup writes a consistent copy of the store to dest, taken in one read
// transaction, so that ingests and a server may go on meanwhile. The copy
// is written under a temporary name beside dest, checked, synced and then
// renamed to dest: dest is either absent or a whole store. Unless
// overwrite, an existing dest is refused; dest is never the store itself.
func (db *DB) Backup(ctx context.Context, dest string, overwrite bool) (err error) {
	defer func() { err = policy.QuotePaths(err) }()
	// Not the store nor its -wal, -shm or -journal file, even before they exist.
	if d, s, err := absPaths(dest, db.path); err != nil {
		return err
	} else if filepath.Dir(d) == filepath.Dir(s) && strings.HasPrefix(filepath.Base(d), filepath.Base(s)) {
		return policy.Errorf(policy.EINVALID, "%s is the store itself or one of its files", policy.Name(dest))
	}
	fi, err := os.Stat(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return policy.Errorf(policy.EINVALID, "%s exists and is %s, not a file to overwrite", policy.Name(dest), policy.FileKind(fi.Mode()))
	default:
		if self, err := os.Stat(db.path); err == nil && os.SameFile(fi, self) {
			return policy.Errorf(policy.EINVALID, "%s is the store itself", policy.Name(dest))
		}
		if !overwrite {
			return policy.Errorf(policy.EINVALID, "%s exists; give --force to replace it", policy.Name(dest))
		}
	}
	f, err := os.CreateTemp(filepath.Dir(dest), ".policykb-backup-*.tmp")
	if err != nil {
		// Say it of dest: the temporary name is no name the user gave.
		if dir := filepath.Dir(dest); errors.Is(err, fs.ErrNotExist) {
			return policy.Errorf(policy.EINVALID, "cannot write %s: no directory %s", policy.Name(dest), policy.Name(dir))
		}
		var perr *fs.PathError
		if errors.As(err, &perr) {
			return fmt.Errorf("cannot write %s: %w", policy.Name(dest), perr.Err)
		}
		return err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp) // gone after the rename; removes a partial copy
	// A store open read-only is copied through a read-only connection
	// that may write the copy.
	from := db.rw
	if from == nil {
		q := url.Values{}
		for k, v := range db.roQuery {
			if k != "_query_only" {
				q[k] = v
			}
		}
		if from, err = sql.Open("sqlite3", dsn(db.path, q)); err != nil {
			return err
		}
		defer from.Close()
	}
	if _, err := from.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("copy the store: %w", err)
	}
	// A copy that does not open as a sound store is no backup.
	copyDB, err := Open(tmp)
	if err != nil {
		return err
	}
	err = copyDB.IntegrityCheck(ctx)
	if cerr := copyDB.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("the copy fails its check: %w", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return err
	}
	return syncDir(filepath.Dir(dest))
}

func absPaths(a, b string) (string, string, error) {
	a, err := filepath.Abs(a)
	if err != nil {
		return "", "", err
	}
	b, err = filepath.Abs(b)
	return a, b, err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename in dir durable; where directories cannot be
// synced (Windows), it does nothing.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	d.Sync() // an error here (EINVAL on some systems) does not undo the rename
	return nil
}
