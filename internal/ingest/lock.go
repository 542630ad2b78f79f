package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock takes the ingest lock of the data directory dir, waiting for another
// ingest to finish if need be (wait is told so first). Unlock releases it;
// the lock also goes with the process.
func Lock(dir string, wait func()) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "ingest.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if wait != nil {
			wait()
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("ingest lock: %w", err)
		}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
