//go:build linux

package hugepages

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestPrepareHeapAdvises checks, where the system is in "madvise" mode,
// that PrepareHeap leaves at least n more bytes of the process's memory
// marked for huge pages ("hg" in /proc/self/smaps), and that the heap
// is still usable afterwards.
func TestPrepareHeapAdvises(t *testing.T) {
	mode, err := os.ReadFile(modeFile)
	if err != nil || !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skipf("transparent huge pages not in madvise mode here (%q, %v)", mode, err)
	}
	before := advisedBytes(t)
	const n = 64 << 20
	advised, err := PrepareHeap(n)
	if err != nil || !advised {
		t.Fatalf("PrepareHeap = %v, %v; want true, nil", advised, err)
	}
	if after := advisedBytes(t); after < before+n {
		t.Fatalf("huge-page-advised memory %d → %d bytes; want at least %d more", before, after, n)
	}
	// The advised range was handed back to the runtime: allocating and
	// writing after it works.
	b := make([]byte, 8<<20)
	b[len(b)-1] = 1
	if b[len(b)-1] != 1 {
		t.Fatal("write lost")
	}
}

// TestPrepareHeapZero checks that asking for nothing changes nothing.
func TestPrepareHeapZero(t *testing.T) {
	mode, _ := os.ReadFile(modeFile)
	if !bytes.Contains(mode, []byte("[madvise]")) {
		t.Skip("transparent huge pages not in madvise mode here")
	}
	if advised, err := PrepareHeap(0); advised || err != nil {
		t.Fatalf("PrepareHeap(0) = %v, %v; want false, nil", advised, err)
	}
}

// advisedBytes sums the sizes of the mappings /proc/self/smaps marks
// "hg" (MADV_HUGEPAGE).
func advisedBytes(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no smaps: %v", err)
	}
	defer f.Close()
	var total, size int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "Size:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("smaps %q: %v", line, err)
			}
			size = kb << 10
		}
		if v, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			for _, fl := range strings.Fields(v) {
				if fl == "hg" {
					total += size
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}
