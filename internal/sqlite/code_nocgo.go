//go:build !cgo

package sqlite

import "syscall"

// sqliteCode: without cgo there is no SQLite, and no SQLite error.
func sqliteCode(error) (code int, errno syscall.Errno, ok bool) { return 0, 0, false }
