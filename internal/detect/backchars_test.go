package detect

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
)

// backCharsRef is backChars as it was before it stepped over three-byte
// characters inline: the reference of TestBackChars.
func backCharsRef(s string, pos, n int) int {
	lo := max(0, pos-11)
	if k := strings.LastIndexByte(s[lo:pos], '['); k >= 0 && strings.IndexByte(s[lo+k:pos], ']') < 0 {
		pos = lo + k
	}
	for ; n > 0 && pos > 0; n-- {
		if s[pos-1] == ']' {
			lo = max(0, pos-12)
			if k := strings.LastIndexByte(s[lo:pos], '['); k >= 0 {
				pos = lo + k
				continue
			}
		}
		pos -= lastRuneSize(s[:pos])
	}
	return pos
}

// checkBackChars compares backChars with its reference at every offset
// of s and every count up to 14.
func checkBackChars(t *testing.T, s string) {
	t.Helper()
	for pos := 0; pos <= len(s); pos++ {
		for n := range 15 {
			if got, want := backChars(s, pos, n), backCharsRef(s, pos, n); got != want {
				t.Fatalf("backChars(%q, %d, %d) = %d, want %d", s, pos, n, got, want)
			}
		}
	}
}

// TestBackChars checks backChars against the code it replaces on every
// string of up to four pieces of an alphabet of brackets, placeholders,
// ASCII, Chinese, overlong,
// surrogate and cut sequences, two- and four-byte characters, at every
// offset and count.
func TestBackChars(t *testing.T) {
	pieces := []string{"[", "]", "Y", "_", "a", "中", "[数字x]", "x]", "\xe4\xb8", "\xb8\xad", "\xe0\x80\x80", "\xed\xa0\x80", "é", "😀", "\xff", "\xe4"}
	var rec func(prefix string, depth int)
	rec = func(prefix string, depth int) {
		checkBackChars(t, prefix)
		if depth == 0 {
			return
		}
		for _, p := range pieces {
			rec(prefix+p, depth-1)
		}
	}
	rec("", 4)
	// Longer texts, where the brackets lie past the windows.
	checkBackChars(t, "亲[数字x]号之前[日期x]送达, 请您耐心等待哦[金额x]元]]]中[中中中中中中中中[")
}

// FuzzBackChars checks backChars against the code it replaces at every
// offset and count of a fuzzed text.
func FuzzBackChars(f *testing.F) {
	for _, s := range []string{"[数字x]号送达", "预计[日期x]到", "x]号", "中文[", "]]]", "\xe0\x80\x80中"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkBackChars(t, s) })
}

// TestOpenBracket8 checks openBracket8 against strings.IndexByte on every
// word of one byte value among seven others of a few values, for every
// byte value at every place, and on random words.
func TestOpenBracket8(t *testing.T) {
	check := func(b [8]byte) {
		t.Helper()
		w := binary.LittleEndian.Uint64(b[:])
		if got, want := openBracket8(w), strings.IndexByte(string(b[:]), '[') >= 0; got != want {
			t.Fatalf("openBracket8(% x) = %v, want %v", b[:], got, want)
		}
	}
	for _, fill := range []byte{0, 1, '[' - 1, '[', '[' + 1, ']', 0x5A, 0xDB, 0x80, 0xE4, 0xFF} {
		for at := range 8 {
			for v := range 256 {
				var b [8]byte
				for k := range b {
					b[k] = fill
				}
				b[at] = byte(v)
				check(b)
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1 << 20 {
		var b [8]byte
		for k := range b {
			b[k] = byte(rng.IntN(256))
			if rng.IntN(4) == 0 {
				b[k] = "[\\]Z\x00\xdb"[rng.IntN(6)]
			}
		}
		check(b)
	}
}
