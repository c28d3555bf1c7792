package store

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestLockServe: a second lock on the same data directory fails with
// ErrInUse naming the holder's pid, and succeeds once the first is released.
func TestLockServe(t *testing.T) {
	dir := t.TempDir()
	release, err := LockServe(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = LockServe(dir)
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second lock: %v, want ErrInUse with this pid", err)
	}
	release()
	release2, err := LockServe(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	release2()
}
