//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive, non-blocking flock on f: it fails at once
// when another open file (this process's or another's) holds one.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
