//go:build !linux

package hugepages

// PrepareHeap returns ErrUnsupported: only Linux has transparent huge
// pages to ask for.
func PrepareHeap(n int) (bool, error) { return false, ErrUnsupported }
