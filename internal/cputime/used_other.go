//go:build !unix

package cputime

import "time"

// used is not measured on this system.
func used() time.Duration { return 0 }
