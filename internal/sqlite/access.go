package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/policykb/policykb/internal/policy"
)

// damage reports whether err is SQLite saying that the file is damaged or
// not a database: only then is a store called damaged. A full disk, a
// read-only directory or a missing permission says nothing of the store.
func damage(err error) bool {
	code, _, ok := sqliteCode(err)
	return ok && (code == codeCorrupt || code == codeNotADB)
}

// SQLite's primary result codes (https://sqlite.org/rescode.html).
const (
	codePerm     = 3
	codeReadOnly = 8
	codeIOErr    = 10
	codeCorrupt  = 11
	codeFull     = 13
	codeCantOpen = 14
	codeAuth     = 23
	codeNotADB   = 26
)

// AccessError says that the store could not be opened, read or written for
// a reason that is not the store's: a full disk, a read-only data
// directory, a missing permission. The store is not damaged; nothing needs
// restoring.
type AccessError struct {
	Path    string
	Problem string // "no space left on device", "the data directory d is read-only"
	Err     error  // the error as SQLite or the system gave it
	Write   bool   // the store was to be written, not only read
}

func (e *AccessError) Error() string {
	if e.Write {
		return fmt.Sprintf("cannot write the store %s: %s; the store was left as it is", policy.Name(e.Path), e.Problem)
	}
	return fmt.Sprintf("cannot read the store %s: %s; the store was left as it is", policy.Name(e.Path), e.Problem)
}

// Unwrap makes an AccessError unavailable for policy.ErrorCode, with the
// same message.
func (e *AccessError) Unwrap() []error {
	return []error{&policy.Error{Code: policy.EUNAVAILABLE, Message: e.Error()}, e.Err}
}

// ErrReadOnly is returned by writes to a store opened read-only.
var ErrReadOnly = errors.New("the store is open read-only")

// writeProblem names what keeps the store at path from being opened or
// written, given the error SQLite or the system returned, or "" when err is
// none of those (damage, a bug, a cancelled context). It probes the data
// directory with a file of its own, removed at once, to tell a read-only
// directory from a full disk.
func writeProblem(path string, err error) string {
	if err == nil || damage(err) {
		return ""
	}
	dir := filepath.Dir(path)
	code, errno, isSQLite := sqliteCode(err)
	switch {
	case errors.Is(err, syscall.ENOSPC), isSQLite && (code == codeFull || errno == syscall.ENOSPC):
		return "no space left on device"
	case errors.Is(err, syscall.EROFS), isSQLite && errno == syscall.EROFS:
		return fmt.Sprintf("the data directory %s is read-only", policy.Name(dir))
	}
	if !isSQLite && !errors.Is(err, fs.ErrPermission) {
		return ""
	}
	if isSQLite {
		switch code {
		case codeCantOpen, codeReadOnly, codeIOErr, codePerm, codeAuth:
		default:
			return ""
		}
	}
	f, perr := os.CreateTemp(dir, ".policykb-probe-*")
	if perr == nil {
		f.Close()
		os.Remove(f.Name())
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o222 == 0 {
			return "the store file is read-only"
		}
		if isSQLite && code == codeReadOnly {
			return "the store file cannot be written"
		}
		return ""
	}
	switch {
	case errors.Is(perr, syscall.EROFS):
		return fmt.Sprintf("the data directory %s is read-only", policy.Name(dir))
	case errors.Is(perr, syscall.ENOSPC), errors.Is(perr, syscall.EDQUOT):
		return "no space left on device"
	case errors.Is(perr, fs.ErrPermission):
		return fmt.Sprintf("policykb may not write to the data directory %s", policy.Name(dir))
	}
	return ""
}

// accessError returns err as an *AccessError where writeProblem names its
// cause, else err as it is.
func accessError(path string, err error) error {
	if p := writeProblem(path, err); p != "" {
		return &AccessError{Path: path, Problem: p, Err: err}
	}
	return err
}

// writeError is accessError for a write.
func writeError(path string, err error) error {
	err = accessError(path, err)
	var aerr *AccessError
	if errors.As(err, &aerr) {
		aerr.Write = true
	}
	return err
}
