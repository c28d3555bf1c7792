//go:build linux

package hugepages

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"syscall"
	"unsafe"
)

// modeFile holds the system's transparent-huge-page mode, e.g.
// "always [madvise] never" (the bracketed word is the one in force).
const modeFile = "/sys/kernel/mm/transparent_hugepage/enabled"

// overcommitFile holds the kernel's overcommit policy; 2 is strict
// accounting, where every writable mapping is charged when it is made.
const overcommitFile = "/proc/sys/vm/overcommit_memory"

// PrepareHeap makes the next n bytes of Go heap the program grows into
// eligible for huge pages, and reports whether it had to: in "always"
// mode every page already is (false, nil), in "madvise" mode it advises
// them (true, nil), in "never" mode it returns ErrUnsupported.
//
// How: it allocates one n-byte object, which the runtime maps fresh and
// leaves untouched (so it costs no resident memory), marks that range
// MADV_HUGEPAGE, drops it and returns it to the operating system. The
// runtime reuses the lowest free addresses first, so the heap then grows
// into the advised range, and the mark stays with the range when the
// runtime releases and reuses pages. Only the first fault in each
// 2 MiB-aligned block of it maps memory: one fault where there were 512.
// It runs a garbage collection, so call it before the heap is large.
//
// The object does cost n bytes of address space at once, and the Go
// runtime stops the program when a heap mapping is refused: under an
// address-space limit (ulimit -v) or strict overcommit accounting it
// returns ErrUnsupported and asks nothing.
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
	if err := mappingSafe(); err != nil {
		return false, err
	}
	if _, err := advise(n); err != nil {
		return false, err
	}
	return true, nil
}

// mappingSafe returns ErrUnsupported when a large mapping could be
// refused: an address-space limit is set, or overcommit is strict.
func mappingSafe() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &lim); err != nil {
		return fmt.Errorf("%w: %w", ErrUnsupported, err)
	}
	if lim.Cur != ^uint64(0) {
		return fmt.Errorf("%w: address space limited to %d bytes", ErrUnsupported, lim.Cur)
	}
	if policy, err := os.ReadFile(overcommitFile); err == nil && bytes.Equal(bytes.TrimSpace(policy), []byte("2")) {
		return fmt.Errorf("%w: strict overcommit accounting", ErrUnsupported)
	}
	return nil
}

// advise allocates the n-byte object, marks it MADV_HUGEPAGE and hands it
// back to the runtime and the operating system; it returns where the
// object was (a number only, for the test to find the range).
func advise(n int) (uintptr, error) {
	region := make([]byte, n)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(region)))
	if err := syscall.Madvise(region, syscall.MADV_HUGEPAGE); err != nil {
		return base, fmt.Errorf("madvise: %w", err)
	}
	runtime.KeepAlive(region)
	// The freed object would otherwise count as memory in use against the
	// scan's memory limit until the background scavenger released it,
	// making the collector run too often meanwhile. It was never touched,
	// so releasing it costs next to nothing.
	debug.FreeOSMemory()
	return base, nil
}
