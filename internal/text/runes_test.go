package text

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// runeOffsetRef is what RuneOffset stands for: the range loop the evidence
// quotes used.
func runeOffsetRef(s string, n int) int {
	k := 0
	for i := range s {
		if k == n {
			return i
		}
		k++
	}
	return len(s)
}

func checkRuneOffset(t *testing.T, s string) {
	t.Helper()
	count := utf8.RuneCountInString(s)
	for n := 0; n <= count+2; n++ {
		if got, want := RuneOffset(s, n), runeOffsetRef(s, n); got != want {
			t.Fatalf("RuneOffset(%q, %d) = %d, want %d", s, n, got, want)
		}
		if got, want := RunesAtMost(s, n), count <= n; got != want {
			t.Fatalf("RunesAtMost(%q, %d) = %v, want %v", s, n, got, want)
		}
	}
}

// TestRuneOffset checks RuneOffset on hand-picked texts: empty, ASCII,
// Chinese, four-byte characters, invalid and truncated sequences.
func TestRuneOffset(t *testing.T) {
	for _, s := range []string{"", "a", "好", "您好请问有什么可以帮您", "abcdefghijklmnop", "好的,谢谢!ok",
		"\xff", "\xe4\xb8", "好\xe4\xb8", "\xe0\xa0\x80\xed\x9f\xbf\xed\xa0\x80", "😀好😀ab", "\xef\xbf\xbd好",
		strings.Repeat("好", 90), strings.Repeat("a好", 50), strings.Repeat("\x80", 20)} {
		checkRuneOffset(t, s)
	}
}

// TestRuneOffsetBytes checks every lead byte, at each position of a word
// RuneOffset reads eight bytes at a time, before and after characters
// of each width.
func TestRuneOffsetBytes(t *testing.T) {
	for b0 := 0; b0 < 256; b0++ {
		for _, tail := range []string{"\x80\x80", "\xbf\xa0", "\x9f\x80", "\x80", "a\x80", "\xc0\x80", ""} {
			c := string([]byte{byte(b0)}) + tail
			for pre := 0; pre < 8; pre++ {
				checkRuneOffset(t, strings.Repeat("a", pre)+c+"好好ab")
				checkRuneOffset(t, strings.Repeat("好", pre)+c+"好好好")
			}
		}
	}
}

// TestRuneOffsetRuns checks RuneOffset's two characters a turn through a
// run of Chinese (Lead3Pair): a run long enough for several turns with
// one character or byte of another kind (E0 and ED leads, valid or not,
// leads of other widths, a bad or missing continuation byte, ASCII) at
// each place, after ASCII of each length, for every count.
func TestRuneOffsetRuns(t *testing.T) {
	for _, c := range []string{"\xe0\xa0\x80", "\xe0\x80\x80", "\xed\x9f\xbf", "\xed\xa0\x80", "\xe1\x80\x80",
		"\xef\xbf\xbf", "\xec\xbf\xbf", "\xee\x80\x80", "\xf0\x9f\x98\x80", "\xc3\xa9", "\xe4\xb8", "\xe4\xc0\x80",
		"\xe4\x80\xc0", "\xe4\x80a", "\xd4\x80\x80", "\xf4\x80\x80", "\x80\x80\x80", "a", "abc", "\xff\xff\xff"} {
		for pre := 0; pre < 8; pre++ {
			for k := 0; k < 12; k++ {
				checkRuneOffset(t, strings.Repeat("a", pre)+strings.Repeat("好", k)+c+strings.Repeat("的", 12-k))
			}
		}
	}
}

// TestRuneOffsetASCII checks RuneOffset's ASCII runs (their ASCII bytes
// counted off eight read at once): runs of every length to past two
// words, then a character or byte of each other kind, then more ASCII, for
// every count, ending in each.
func TestRuneOffsetASCII(t *testing.T) {
	for _, c := range []string{"", "好", "\xe4\xb8", "\x80", "\xff", "é", "😀", "\xed\xa0\x80", "好好好"} {
		for a := 0; a <= 20; a++ {
			for b := 0; b <= 10; b++ {
				checkRuneOffset(t, strings.Repeat("x", a)+c+strings.Repeat("y", b))
				checkRuneOffset(t, "好"+strings.Repeat("x", a)+c+strings.Repeat("y", b)+"好")
			}
		}
	}
}

// FuzzRuneOffset holds RuneOffset and RunesAtMost to the range loop on any
// bytes (checkRuneOffset).
func FuzzRuneOffset(f *testing.F) {
	for _, s := range []string{"您好请问", "abc好\xe4\xb8", "\xe0\xa0\x80好好好", "好好\xed\xa0\x80abcdefgh", "😀😀好",
		strings.Repeat("您好", 6) + "\xed\x9f\xbf" + strings.Repeat("好", 9), "a" + strings.Repeat("好", 9) + "\xe0\xa0\x80好",
		"abcdefghijklmnopq好rs\xe4\xb8tuv"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkRuneOffset(t, s)
	})
}

// TestLead3Mask holds the mask form of the three-byte lead test to Lead3
// for every byte.
func TestLead3Mask(t *testing.T) {
	for c := range 256 {
		b := byte(c)
		x := b - 0xE0
		if got, want := x < 16 && Lead3Mask>>x&1 != 0, Lead3(b); got != want {
			t.Errorf("lead %#x: mask says %v, Lead3 %v", b, got, want)
		}
	}
}

// checkRuneOffsetValid holds RuneOffsetValid and RunesAtMostValid to
// RuneOffset and RunesAtMost: on s as it is, told whether it is valid,
// and on s made valid (its invalid bytes replaced), told it is.
func checkRuneOffsetValid(t *testing.T, s string) {
	t.Helper()
	for _, s := range []string{s, strings.ToValidUTF8(s, "\uFFFD")} {
		valid := utf8.ValidString(s)
		for n := 0; n <= len(s)+1; n++ {
			if got, want := RuneOffsetValid(s, n, valid), RuneOffset(s, n); got != want {
				t.Fatalf("RuneOffsetValid(%q, %d, %v) = %d, want %d", s, n, valid, got, want)
			}
			if got, want := RunesAtMostValid(s, n, valid), RunesAtMost(s, n); got != want {
				t.Fatalf("RunesAtMostValid(%q, %d, %v) = %v, want %v", s, n, valid, got, want)
			}
		}
	}
}

// TestRuneOffsetValid checks RuneOffsetValid on texts of every length
// around the eight-byte words it counts, cut at every character: ASCII,
// Chinese, two- and four-byte characters and their mixes.
func TestRuneOffsetValid(t *testing.T) {
	for _, c := range []string{"a", "好", "é", "😀", "a好", "é😀好x"} {
		for k := 0; k <= 20; k++ {
			checkRuneOffsetValid(t, strings.Repeat(c, k))
			checkRuneOffsetValid(t, strings.Repeat(c, k)+"\xff好")
		}
	}
}

// FuzzRuneOffsetValid holds RuneOffsetValid and RunesAtMostValid to
// RuneOffset and RunesAtMost on any bytes (checkRuneOffsetValid).
func FuzzRuneOffsetValid(f *testing.F) {
	for _, s := range []string{"", "abc", "好的谢谢，没有了", "订单123号还没到?😀", "\xff\xfe好", "é\x80a好好好好好好"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkRuneOffsetValid(t, s)
	})
}
