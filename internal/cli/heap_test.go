package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInputBytes checks what prepareHeap counts as a scan's input: file
// sizes, compressed files five times over, standard input by its size
// when it is a regular file, and -1 (unknown) for standard input from a
// pipe or reader, a device or a missing file.
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
	redirect, err := os.Open(small)
	if err != nil {
		t.Fatal(err)
	}
	defer redirect.Close()
	pipeR, pipeW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pipeR.Close()
	defer pipeW.Close()
	for _, tc := range []struct {
		name  string
		files []string
		stdin io.Reader
		want  int64
	}{
		{"none", nil, nil, 0},
		{"one", []string{small}, nil, 1000},
		{"two", []string{small, other}, nil, 1234},
		{"gzip", []string{gz}, nil, 100 * compressedRatio},
		{"zstd", []string{zst, small}, nil, 10*compressedRatio + 1000},
		{"stdin redirected", []string{other, "-"}, redirect, 1234},
		{"stdin pipe", []string{small, "-"}, pipeR, -1},
		{"stdin reader", []string{"-"}, strings.NewReader("{}"), -1},
		{"device", []string{os.DevNull}, nil, -1},
		{"gone", []string{filepath.Join(dir, "missing")}, nil, -1},
	} {
		if got := inputBytes(tc.files, tc.stdin); got != tc.want {
			t.Errorf("%s: inputBytes = %d, want %d", tc.name, got, tc.want)
		}
	}
}
