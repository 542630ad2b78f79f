//go:build !legacy

package search

// legacyAvailable reports whether the Legacy strategy is built in (with
// -tags legacy; see legacy.go).
const legacyAvailable = false
