//go:build !race

package parse

// raceDetector is true when the tests run under the race detector, which
// makes the longest tests several times slower.
const raceDetector = false
