//go:build !unix

package parse_test

// cpuTime is not measured here.
func cpuTime() int64 { return 0 }
