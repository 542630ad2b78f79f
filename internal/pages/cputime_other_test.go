//go:build !unix

package pages

import "time"

// cpuTime is 0 where the CPU time of the process is not measured.
func cpuTime() time.Duration { return 0 }
