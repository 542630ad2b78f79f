//go:build cgo

package main

// cgoEnabled reports whether the binary was built with cgo, which the
// SQLite driver (github.com/mattn/go-sqlite3) needs.
var cgoEnabled = true
