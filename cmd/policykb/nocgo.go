//go:build !cgo

package main

// cgoEnabled reports whether the binary was built with cgo, which the
// SQLite driver (github.com/mattn/go-sqlite3) needs. Without it the driver
// compiles to a stub that fails at the first query; policykb says so at
// start instead.
var cgoEnabled = false
