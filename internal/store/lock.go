package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockFileName is the file in the data directory a running service holds
// locked, so that a second `fullqa serve` on the same directory refuses to
// start instead of running a second inspector, retention sweep and alert
// sender over the same store (alerts would go out twice).
const LockFileName = "serve.lock"

// ErrInUse is returned by LockServe when another process holds the lock.
var ErrInUse = errors.New("in use by another fullqa serve")

// LockServe takes the data directory's service lock and writes this
// process's id into it. The lock is the kernel's (flock where the system
// has it), so it goes with the process however that ends: a killed
// service leaves no stale lock. Release gives it back.
func LockServe(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store: lock: %w", err)
	}
	if err := lockFile(f); err != nil {
		b := make([]byte, 32)
		n, _ := f.ReadAt(b, 0)
		f.Close()
		if pid := strings.TrimSpace(string(b[:n])); pid != "" {
			return nil, fmt.Errorf("data dir %s: %w (pid %s); give each service its own serve.data_dir", dir, ErrInUse, pid)
		}
		return nil, fmt.Errorf("data dir %s: %w; give each service its own serve.data_dir", dir, ErrInUse)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() { f.Close() }, nil
}
