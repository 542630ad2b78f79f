//go:build unix

package ingest

import (
	"os"
	"syscall"
)

// openNonBlocking opens name for reading without blocking, should it have
// become a FIFO since it was looked at.
func openNonBlocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
