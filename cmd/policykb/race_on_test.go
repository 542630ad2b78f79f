//go:build race

package main

// raceDetector is true when the tests run under the race detector, which
// makes the longest ingests several times slower.
const raceDetector = true
