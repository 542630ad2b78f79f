// Package cputime measures the CPU time of the process: on a machine
// shared with other work it tells the cost of a benchmark better than the
// time on the clock.
package cputime

import "time"

// Used returns the user and system CPU time the process has used so far,
// every thread and the garbage collector included; 0 where the system
// does not say (see used_unix.go).
func Used() time.Duration { return used() }
