package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// readAllLines reads r with a lineReader of buffer size and max, calling
// hasLine before next when ask says so, and returns what next gave, an
// error as its text.
func readAllLines(r string, size, max int, ask func() bool) []string {
	lr := newLineReader("t", bufio.NewReaderSize(iotest.HalfReader(strings.NewReader(r)), size), max)
	var out []string
	for {
		if ask() {
			lr.hasLine()
		}
		line, err := lr.next()
		var tl errLineTooLong
		switch {
		case errors.As(err, &tl):
			out = append(out, fmt.Sprintf("%d: error: %v", lr.n, err))
		case err != nil:
			return append(out, fmt.Sprintf("%d: error: %v", lr.n, err))
		default:
			out = append(out, fmt.Sprintf("%d: %s", lr.n, line))
		}
	}
}

// FuzzLineReaderHasLine holds next after hasLine (which hands next the
// line end it found) to next alone: the same lines, numbers and errors,
// lines longer than the buffer or than max, \r\n and a last line without
// its end included.
func FuzzLineReaderHasLine(f *testing.F) {
	f.Add("a\nbb\r\n\nccc", uint8(16), uint8(3), uint64(1))
	f.Add(strings.Repeat("x", 40)+"\ny\n", uint8(16), uint8(100), uint64(2))
	f.Add("{\"id\":\"1\"}\n{\"id\":\"2\"}\n", uint8(20), uint8(8), uint64(3))
	f.Fuzz(func(t *testing.T, input string, size, max uint8, seed uint64) {
		sz, mx := 16+int(size)%64, 1+int(max)
		want := readAllLines(input, sz, mx, func() bool { return false })
		rng := rand.New(rand.NewPCG(seed, 1))
		got := readAllLines(input, sz, mx, func() bool { return rng.IntN(2) == 0 })
		if strings.Join(got, "\x00|") != strings.Join(want, "\x00|") {
			t.Fatalf("size %d max %d:\nwith hasLine %q\nwithout      %q", sz, mx, got, want)
		}
		always := readAllLines(input, sz, mx, func() bool { return true })
		if strings.Join(always, "\x00|") != strings.Join(want, "\x00|") {
			t.Fatalf("size %d max %d:\nhasLine always %q\nwithout        %q", sz, mx, always, want)
		}
	})
}

// TestLineReaderHasLine runs FuzzLineReaderHasLine's check on random
// inputs of short and long lines.
func TestLineReaderHasLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 3000 {
		var b strings.Builder
		for n := rng.IntN(12); n > 0; n-- {
			b.WriteString(strings.Repeat("好x", rng.IntN(30)))
			switch rng.IntN(4) {
			case 0:
				b.WriteString("\r\n")
			case 1, 2:
				b.WriteString("\n")
			}
		}
		sz, mx := 16+rng.IntN(64), 1+rng.IntN(120)
		want := readAllLines(b.String(), sz, mx, func() bool { return false })
		got := readAllLines(b.String(), sz, mx, func() bool { return rng.IntN(2) == 0 })
		if strings.Join(got, "\x00|") != strings.Join(want, "\x00|") {
			t.Fatalf("%q size %d max %d:\nwith hasLine %q\nwithout      %q", b.String(), sz, mx, got, want)
		}
	}
}
