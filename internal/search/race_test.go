//go:build race

package search

// raceEnabled says whether the tests run under the race detector.
const raceEnabled = true
