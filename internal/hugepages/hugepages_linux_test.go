//go:build linux

package hugepages

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// madviseMode skips the test unless the system's transparent huge pages
// are in "madvise" mode and a large mapping is safe here.
func madviseMode(t *testing.T) {
	t.Helper()
	mode, err := os.ReadFile(modeFile)
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skipf("transparent huge pages not in madvise mode here (%q, %v)", mode, err)
	}
	if err := mappingSafe(); err != nil {
		t.Skip(err)
	}
}

// TestAdviseMarksRange checks that advise leaves the whole n-byte range it
// allocated marked for huge pages ("hg" in /proc/self/smaps) after it has
// handed the range back, and that the heap is still usable afterwards.
// It looks at the range itself, so it holds however often it runs in one
// process (a second run may reuse a range the first advised).
func TestAdviseMarksRange(t *testing.T) {
	madviseMode(t)
	const n = 64 << 20
	base, err := advise(n)
	if err != nil {
		t.Fatal(err)
	}
	if missing := unadvised(t, base, base+n); missing > 0 {
		t.Fatalf("%d of the %d bytes at %#x are not marked for huge pages", missing, n, base)
	}
	b := make([]byte, 8<<20)
	b[len(b)-1] = 1
	if b[len(b)-1] != 1 {
		t.Fatal("write lost")
	}
}

// TestPrepareHeap checks the answers: true where it advised, false for
// nothing asked.
func TestPrepareHeap(t *testing.T) {
	madviseMode(t)
	if advised, err := PrepareHeap(16 << 20); !advised || err != nil {
		t.Fatalf("PrepareHeap = %v, %v; want true, nil", advised, err)
	}
	if advised, err := PrepareHeap(0); advised || err != nil {
		t.Fatalf("PrepareHeap(0) = %v, %v; want false, nil", advised, err)
	}
}

// unadvised counts the bytes of [from, to) that no mapping marked "hg"
// (MADV_HUGEPAGE) in /proc/self/smaps covers.
func unadvised(t *testing.T, from, to uintptr) uintptr {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	type span struct{ lo, hi uintptr }
	var marked []span
	var cur span
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			if slices.Contains(strings.Fields(v), "hg") {
				marked = append(marked, cur)
			}
			continue
		}
		// A mapping's header: "lo-hi perms offset dev inode path".
		r, _, ok := strings.Cut(line, " ")
		lo, hi, ok2 := strings.Cut(r, "-")
		if !ok || !ok2 {
			continue
		}
		l, err1 := strconv.ParseUint(lo, 16, 64)
		h, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 == nil && err2 == nil {
			cur = span{uintptr(l), uintptr(h)}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	missing := to - from
	for _, s := range marked {
		if lo, hi := max(s.lo, from), min(s.hi, to); lo < hi {
			missing -= hi - lo
		}
	}
	return missing
}

// TestPrepareHeapLimitedAddressSpace checks that under an address-space
// limit, however large, PrepareHeap asks nothing and says so: the Go
// runtime would stop the program if the heap mapping were refused.
func TestPrepareHeapLimitedAddressSpace(t *testing.T) {
	madviseMode(t)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &old); err != nil {
		t.Skip(err)
	}
	limited := old
	limited.Cur = 1 << 46
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &limited); err != nil {
		t.Skipf("cannot set RLIMIT_AS: %v", err)
	}
	advised, err := PrepareHeap(16 << 20)
	if err := syscall.Setrlimit(syscall.RLIMIT_AS, &old); err != nil {
		t.Fatalf("restoring RLIMIT_AS: %v", err)
	}
	if advised || !errors.Is(err, ErrUnsupported) {
		t.Fatalf("PrepareHeap under a limit = %v, %v; want false, ErrUnsupported", advised, err)
	}
}
