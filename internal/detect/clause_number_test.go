package detect

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// numberBeforeRef is numberBefore as it was before it returned the
// placeholders boxed once: the reference of TestNumberBefore.
func numberBeforeRef(s string, end int) any {
	if strings.HasSuffix(s[:end], "个") {
		end -= len("个")
	}
	for _, p := range placeholders {
		if strings.HasSuffix(s[:end], p) {
			return p
		}
	}
	i := end
	for i > 0 && end-i < 7 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i < end && end-i < 7 {
		n, err := strconv.Atoi(s[i:end])
		if err == nil {
			return n
		}
	}
	val, digits := 0, 0
	j := end
	for j > 0 && digits < 3 {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		d, ok := cnDigit(r)
		if !ok {
			break
		}
		digits++
		j -= size
		switch {
		case d == 10 && val == 0:
			val = 10
		case d == 10:
			val += 10
		case digits == 1:
			val = d
		case val >= 10:
			val += d*10 - 10
		default:
			val += d * 10
		}
	}
	if digits > 0 {
		return val
	}
	return nil
}

// checkNumberBefore compares numberBefore with its reference at every
// offset of s.
func checkNumberBefore(t *testing.T, s string) {
	t.Helper()
	for end := 0; end <= len(s); end++ {
		if got, want := numberBefore(s, end), numberBeforeRef(s, end); got != want {
			t.Fatalf("numberBefore(%q, %d) = %#v, want %#v", s, end, got, want)
		}
	}
}

// TestNumberBefore checks numberBefore against the code it replaces on
// random texts of placeholders, digits, Chinese numerals and other words,
// at every offset, and that reading a placeholder allocates nothing.
func TestNumberBefore(t *testing.T) {
	pieces := append([]string{"个", "3", "15", "1234567", "-", "天", "三", "十", "两", "五", "元", "[数字", "x]"}, placeholders...)
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		checkNumberBefore(t, pieceText(r, pieces, 1+r.IntN(6)))
	}
	s := "预计[数字x]个工作日"
	if a := testing.AllocsPerRun(100, func() { _ = numberBefore(s, len("预计[数字x]个")) }); a != 0 {
		t.Errorf("numberBefore of a placeholder: %v allocations, want 0", a)
	}
}

// FuzzNumberBefore checks numberBefore against the code it replaces at
// every offset of a fuzzed text.
func FuzzNumberBefore(f *testing.F) {
	for _, s := range []string{"[数字x]个工作日", "3-5天", "十五天", "[金额x]元", "两个小时"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNumberBefore(t, s) })
}
