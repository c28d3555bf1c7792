//go:build linux

package hugepages

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
)

// modeFile holds the system's transparent-huge-page mode, e.g.
// "always [madvise] never" (the bracketed word is the one in force).
const modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// PrepareHeap makes the next n bytes of Go heap the program grows into
// eligible for huge pages, and reports whether it had to: in "always"
// mode every page already is (false, nil), in "madvise" mode it advises
// them (true, nil), in "never" mode it returns ErrUnsupported.
//
// How: it allocates one n-byte object, which the runtime maps fresh and
// leaves untouched (so it costs no memory), marks that range
// MADV_HUGEPAGE, drops it and returns it to the operating system. The
// runtime reuses the lowest free addresses first, so the heap then grows
// into the advised range, and the mark stays with the range when the
// runtime releases and reuses pages. Only the first fault in each
// 2 MiB-aligned block of it maps memory: one fault where there were 512.
// It runs one garbage collection, so call it before the heap is large.
func PrepareHeap(n int) (bool, error) {
	mode, err := os.ReadFile(modeFile)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	switch {
	case bytes.Contains(mode, []byte("[always]")):
		return false, nil
	case !bytes.Contains(mode, []byte("[madvise]")):
		return false, fmt.Errorf("%w: mode %s", ErrUnsupported, bytes.TrimSpace(mode))
	}
	if n <= 0 {
		return false, nil
	}
	region := make([]byte, n)
	if err := syscall.Madvise(region, syscall.MADV_HUGEPAGE); err != nil {
		return false, fmt.Errorf("madvise: %w", err)
	}
	runtime.KeepAlive(region)
	// The freed object would otherwise count as memory in use against the
	// scan's memory limit until the background scavenger released it,
	// making the collector run too often meanwhile. It was never touched,
	// so releasing it costs next to nothing.
	debug.FreeOSMemory()
	return true, nil
}
