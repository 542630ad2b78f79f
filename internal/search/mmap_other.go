//go:build !unix

package search

import "os"

// mapFile reads file into memory.
func mapFile(file string) (b []byte, unmap func(), err error) {
	b, err = os.ReadFile(file)
	return b, func() {}, err
}
