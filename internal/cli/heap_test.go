package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestInputBytes checks what prepareHeap counts as a scan's input: file
// sizes, compressed files five times over, and standard input or a
// non-regular file as large whatever they hold.
func TestInputBytes(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small := write("a.jsonl", 1000)
	other := write("b.csv", 234)
	gz := write("c.jsonl.gz", 100)
	zst := write("d.tsv.zst", 10)
	for _, tc := range []struct {
		name  string
		files []string
		want  int64
	}{
		{"none", nil, 0},
		{"one", []string{small}, 1000},
		{"two", []string{small, other}, 1234},
		{"gzip", []string{gz}, 100 * compressedRatio},
		{"zstd", []string{zst, small}, 10*compressedRatio + 1000},
		{"stdin", []string{small, "-"}, hugeHeapInput},
		{"device", []string{os.DevNull}, hugeHeapInput},
		{"gone", []string{filepath.Join(dir, "missing")}, hugeHeapInput},
	} {
		if got := inputBytes(tc.files); got != tc.want {
			t.Errorf("%s: inputBytes = %d, want %d", tc.name, got, tc.want)
		}
	}
}
