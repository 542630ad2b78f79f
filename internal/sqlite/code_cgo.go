//go:build cgo

package sqlite

import (
	"errors"
	"syscall"

	"github.com/mattn/go-sqlite3"
)

// sqliteCode returns the primary result code of an SQLite error in err and
// the system error number SQLite saw, if any; ok is false when err holds no
// SQLite error.
func sqliteCode(err error) (code int, errno syscall.Errno, ok bool) {
	var serr sqlite3.Error
	if !errors.As(err, &serr) {
		return 0, 0, false
	}
	return int(serr.Code), serr.SystemErrno, true
}
