package text

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"退款", "退款"},
		{"退 款", "退款"},
		{"您好 请问有什么可以帮您", "您好 请问有什么可以帮您"},
		{"加 微信", "加微信"},
		{"加 微 信 号", "加微信号"},
		{"好的 谢谢", "好的 谢谢"},
		{"好 谢谢", "好谢谢"},
		{"加 微.信", "加微信"},
		{"加　微-信", "加微信"},
		{"加微·信", "加微信"},
		{"ＡＢＣ１２３", "abc123"},
		{"Hello  World", "hello world"},
		{"  lead and trail  ", "lead and trail"},
		{"好的，谢谢！", "好的,谢谢!"},
		{"怎么还没到？？？", "怎么还没到???"},
		{"订单[数字x]已发货", "订单[数字x]已发货"},
		{"#E-s[数字x]", "#e-s[数字x]"},
		{"好的#E-s[数字x]", "好的#e-s[数字x]"},
		{"ok 好的", "ok 好的"},
		{"好的 ok", "好的 ok"},
		{"①②", "12"},
		{"ﬁne", "fine"},
		{"\xff退款", "\ufffd退款"},
		{"微\u200b信", "微信"},
		{"一。二", "一。二"},
		{"", ""},
		{"退换/售后&gt;申请售后", "退换售后>申请售后"},
		{"[订单x]&nbsp;&nbsp;-[数字x]", "[订单x] -[数字x]"},
		{"a &amp;gt; b", "a &amp;gt; b"},
		{"＆nbsp;好", "好"},
		{"x&gt", "x&gt"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzNormalize checks that normalization is idempotent, produces valid
// UTF-8, and agrees with NFKC on text without filler.
func FuzzNormalize(f *testing.F) {
	f.Add("＆ｎｂｓｐ;&&gt;&amp;lt;")
	for _, s := range []string{"退 款", "ＡＢＣ", "好的，谢谢", "加 V.X", "①", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Normalize(s)
		if !utf8.ValidString(once) {
			// The engine's matcher scans normalized text as valid
			// (Matcher.ScanValidClasses).
			t.Fatalf("Normalize(%q) = %q, not valid UTF-8", s, once)
		}
		if twice := Normalize(once); twice != once {
			t.Fatalf("not idempotent: %q → %q → %q", s, once, twice)
		}
		if !norm.NFKC.IsNormalString(once) && len(once) < 64 {
			// NFKC composition across runes may differ; only check it is stable.
			if Normalize(norm.NFKC.String(once)) == "" && once != "" {
				t.Fatalf("lost text: %q", s)
			}
		}
	})
}

// FuzzCJKRunEnd checks cjkRunEnd against the byte-by-byte test it stands
// for, at every start position of arbitrary bytes.
func FuzzCJKRunEnd(f *testing.F) {
	for _, s := range []string{"您好请问", "一丁\xe4\xb7\xbf", "\xe9\xbf\xbf\xea\x80\x80", "好\xe5\xc0\x80", "中文ab中", "\xe4\xb8", "\xe4\xb8\x80\xe4\xb8\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := 0; i <= len(s); i++ {
			want := i
			for want+2 < len(s) && s[want] >= 0xE4 && s[want] <= 0xE9 && (s[want] != 0xE4 || s[want+1] >= 0xB8) &&
				s[want+1]&0xC0 == 0x80 && s[want+2]&0xC0 == 0x80 {
				want += 3
			}
			if got := cjkRunEnd(s, i); got != want {
				t.Fatalf("cjkRunEnd(%q, %d) = %d, want %d", s, i, got, want)
			}
			if got := cjkStartsAt(s, i); got != (want > i) {
				t.Fatalf("cjkStartsAt(%q, %d) = %v, want %v", s, i, got, want > i)
			}
		}
	})
}

// TestCJKStartsAt holds cjkStartsAt to cjkRunEnd(s, i) > i on every
// lead and second byte with third bytes at the edges of the continuation
// range, alone, cut short, after a character and before a run long
// enough to be read two characters at a time.
func TestCJKStartsAt(t *testing.T) {
	for b0 := 0; b0 < 256; b0++ {
		for b1 := 0; b1 < 256; b1++ {
			for _, b2 := range []byte{0x00, 0x7F, 0x80, 0xA5, 0xBF, 0xC0, 0xFF} {
				c := string([]byte{byte(b0), byte(b1), b2})
				for _, s := range []string{c, c[:2], "好" + c, c + "好好ab", "a" + c + "好"} {
					for i := 0; i <= len(s); i++ {
						if got, want := cjkStartsAt(s, i), cjkRunEnd(s, i) > i; got != want {
							t.Fatalf("cjkStartsAt(%q, %d) = %v, want %v", s, i, got, want)
						}
					}
				}
			}
		}
	}
}

// TestCJKRunEndBytes checks cjkRunEnd on every lead and second byte with
// third bytes at the edges of the continuation range, which random fuzz
// inputs seldom reach.
func TestCJKRunEndBytes(t *testing.T) {
	for b0 := 0; b0 < 256; b0++ {
		for b1 := 0; b1 < 256; b1++ {
			for _, b2 := range []byte{0x00, 0x7F, 0x80, 0xA5, 0xBF, 0xC0, 0xFF} {
				c := string([]byte{byte(b0), byte(b1), b2})
				want := 0
				if b0 >= 0xE4 && b0 <= 0xE9 && (b0 != 0xE4 || b1 >= 0xB8) && b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
					want = 3
				}
				if got := cjkRunEnd("好"+c, 0); got != 3+want {
					t.Fatalf("cjkRunEnd(%q) = %d, want %d", "好"+c, got, 3+want)
				}
				// Long enough to be read two characters at a time, as
				// the first of the pair and as the second.
				for _, pre := range []string{"", "好"} {
					s := pre + c + "好好ab"
					end := len(pre) + want
					if want > 0 {
						end += 6
					}
					if got := cjkRunEnd(s, 0); got != end {
						t.Fatalf("cjkRunEnd(%q) = %d, want %d", s, got, end)
					}
				}
			}
		}
	}
}

// BenchmarkNormalizeMessages normalizes the JDDC sample message by message,
// as the engine does (one buffer, each message appended).
func BenchmarkNormalizeMessages(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		b.Skipf("shared data absent: %v", err)
	}
	var msgs []string
	size := 0
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.LastIndexByte(line, '\t'); i >= 0 {
			msgs = append(msgs, line[i+1:])
			size += len(line) - i - 1
		}
	}
	buf := make([]byte, 0, 1<<16)
	b.SetBytes(int64(size))
	for i := 0; i < b.N; i++ {
		for j, m := range msgs {
			if j%20 == 0 {
				buf = buf[:0]
			}
			buf = AppendNormalized(buf, m)
		}
	}
}

// cjkRunAheadRef is cjkRunAhead as first written, a range loop.
func cjkRunAheadRef(s string) int {
	n := 0
	for _, r := range s {
		if n == 2 || !isCJK(r) {
			break
		}
		n++
	}
	return n
}

// TestCJKRunAheadBytes checks cjkRunAhead against the range loop on
// every lead and second byte with third bytes at the edges of the
// continuation range, as the first character and as the second, and on
// every character of the Basic Multilingual Plane.
func TestCJKRunAheadBytes(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := cjkRunAhead(s), cjkRunAheadRef(s); got != want {
			t.Fatalf("cjkRunAhead(%q) = %d, want %d", s, got, want)
		}
	}
	for b0 := 0; b0 < 256; b0++ {
		for b1 := 0; b1 < 256; b1++ {
			for _, b2 := range []byte{0x00, 0x7F, 0x80, 0xA5, 0xBF, 0xC0, 0xFF} {
				c := string([]byte{byte(b0), byte(b1), b2})
				check(c)
				check(c[:2])
				check("好" + c)
				check("好" + c[:2])
				check(c + "好")
			}
		}
	}
	for r := rune(0); r < 0x10000; r++ {
		check(string(r) + "好")
		check("好" + string(r))
	}
}

// FuzzAppendNormalized checks appendNormalized against
// appendNormalizedRef, byte for byte, on any text.
func FuzzAppendNormalized(f *testing.F) {
	for _, s := range []string{"退 款", "您好 请问", "好的 谢谢", "加 微 信 号", "好 谢谢", "一丁\xe4\xb7\xbf 中文", "\u3400\u4dbf 好好", "豈 好", "ＡＢＣ好", "好，好。", "好\xe4\xb8", "&nbsp;好",
		"好 [数字x]12 好", "a.b好 x好  Ab1", "好＆好&好 &", "\ufe60x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, amp := appendNormalized([]byte("x"), s)
		want := appendNormalizedRef([]byte("x"), s)
		if string(got) != string(want) {
			t.Fatalf("appendNormalized(%q) = %q, reference %q", s, got, want)
		}
		if !amp && strings.Contains(string(got), "&") {
			t.Fatalf("appendNormalized(%q) = %q says it wrote no '&'", s, got)
		}
	})
}

// appendNormalizedRef is appendNormalized as it was before runs of common
// Chinese characters were taken whole from their first byte: the
// reference FuzzAppendNormalized holds it to.
func appendNormalizedRef(dst []byte, s string) []byte {
	// pendingFiller is set when we skipped filler after a CJK rune; it is
	// written out only if the next kept rune is not CJK.
	var pendingBuf [16]byte
	pending := pendingBuf[:0]
	prevCJK := false
	runLen := 0 // Chinese characters written since the last other rune
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				c = ' '
			}
			if isFiller(c) {
				if prevCJK {
					pending = append(pending, c)
					continue
				}
				if c == ' ' && (len(dst) == 0 || dst[len(dst)-1] == ' ') {
					continue // collapse runs and drop leading space
				}
			}
			if len(pending) > 0 {
				dst = appendPending(dst, pending)
				pending = pending[:0]
			}
			dst = append(dst, c)
			prevCJK = false
			runLen = 0
			continue
		}
		var r rune
		var size int
		if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			// Three-byte characters (all of Chinese) decoded inline: the
			// library's general path is a function call per character.
			r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
			if r < 0x800 || (r >= 0xD800 && r <= 0xDFFF) {
				r, size = utf8.RuneError, 1
			}
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r == utf8.RuneError && size == 1 {
			dst, pending = flushPending(dst, pending)
			dst = append(dst, "\uFFFD"...)
			prevCJK = false
			runLen = 0
			continue
		}
		if (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) {
			// Filler between two Chinese characters is dropped, except a
			// space between two runs of two or more characters: that is
			// how chat exports and agents separate sentences ("您好 请问"),
			// while filter dodges split single characters ("加 微 信").
			if len(pending) > 0 {
				if runLen >= 2 && onlySpaces(pending) && cjkRunAhead(s[i-size:]) >= 2 {
					dst = append(dst, ' ')
					runLen = 0
				}
				pending = pending[:0]
			}
			// Copy this character and the run of common Chinese characters
			// (U+4E00–U+9FFF: lead bytes E4 B8.. to E9) after it in one go.
			j := cjkRunEnd(s, i)
			runLen += int(uint(j-i) / 3)
			dst = append(dst, s[i-size:j]...)
			i = j
			prevCJK = true
			runLen++
			continue
		}
		// Fast paths for the forms Chinese chat text is full of: full-width
		// ASCII (，！？：（）０-９Ａ-ｚ), the ideographic space and full stop,
		// and curly quotes, which NFKC leaves alone.
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			dst, pending, prevCJK = appendMapped(dst, r-0xFEE0, pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
			continue
		case r == 0x3000:
			dst, pending, prevCJK = appendMapped(dst, ' ', pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
			continue
		case r == 0x3001 || r == 0x3002 || (r >= 0x2018 && r <= 0x201F) || r == 0x2026 || (r >= 0x3008 && r <= 0x3011):
			dst, pending, prevCJK = appendMapped(dst, r, pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
			continue
		}
		// Everything else goes through NFKC, which maps circled digits,
		// compatibility ideographs, ligatures and so on.
		var one [utf8.UTFMax]byte
		n := utf8.EncodeRune(one[:], r)
		mapped := one[:n]
		if !norm.NFKC.IsNormal(mapped) {
			mapped = norm.NFKC.Append(nil, mapped...)
		}
		for j := 0; j < len(mapped); {
			mr, ms := utf8.DecodeRune(mapped[j:])
			j += ms
			dst, pending, prevCJK = appendMapped(dst, mr, pending, prevCJK)
			if !prevCJK {
				runLen = 0
			}
		}
	}
	dst, _ = flushPending(dst, pending)
	// Trim a trailing space left by collapsing.
	if len(dst) > 0 && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// TestAppendNormalizedEveryChar compares appendNormalized with
// appendNormalizedRef on every character of the Basic Multilingual Plane
// and every byte that leads none, between Chinese runs and spaces.
func TestAppendNormalizedEveryChar(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got, amp := appendNormalized(nil, s)
		if want := appendNormalizedRef(nil, s); string(got) != string(want) {
			t.Fatalf("appendNormalized(%q) = %q, reference %q", s, got, want)
		}
		if !amp && strings.Contains(string(got), "&") {
			t.Fatalf("appendNormalized(%q) = %q says it wrote no '&'", s, got)
		}
	}
	for r := rune(0); r < 0x10000; r++ {
		c := string(r)
		check("好好 " + c + "好好")
		check("好好 好" + c) // c second after the space (appendPlain's ahead test)
		check(c + " 好好 " + c + c)
		check("好 " + c + " 好")
		check("a" + c + "\u4e00")
		// c ends a run in appendPlain's pair test, with eight bytes
		// left (its first character then tested alone, cjkFirst), and
		// after a first character cut short by c.
		check("好好" + c + "好好好")
		check("好\xe4\xb8" + c + "好好好")
		// c after filler that follows a Chinese character (pending)
		// and filler that does not (written), appendPlain's filler case.
		check("好好~" + c + "好 好好")
		check("好-~" + c)
		check("a-" + c + "好~")
	}
	for b := 0x80; b < 0x100; b++ {
		c := string([]byte{byte(b)})
		check("好好 " + c + "好好")
		check(c + "\x80\x80好" + c + "\xb8\x80")
		// The bytes of a pair's first character one at a time.
		check("好" + c + "\xb8\x80好好好")
		check("好\xe4" + c + "\x80好好好")
		check("好\xe4\xb8" + c + "好好好")
	}
}

// FuzzAppendPlain checks appendNormalized, whose plain start appendPlain
// copies, against appendNormalizedRef after any text already in the
// buffer (one ending in a space decides whether a leading space is
// written), on texts built of the pieces appendPlain takes and those it
// leaves: Chinese runs of every length (its eight-byte copy writes past
// what it keeps), spaces around them, ASCII, capitals, full-width forms
// and Chinese punctuation.
func FuzzAppendPlain(f *testing.F) {
	f.Add("", "好好 好好")
	f.Add("a ", " 好 a")
	f.Add("x", "您好 请问 一下  A好好好好好好好好好 好。Ｂ，、“好”…《》 ~好")
	f.Add("", "好好好好好好好好好好好好好\xe4\xb8")
	f.Add("好", "  好好 ａ 好 ")
	f.Add(" ", "ok  好 \t好")
	f.Add("", "好~好 a-b 好~~a 好-+好好 好好~ 好~ 好 好~&好 -好~")
	// Spaces and filler after a Chinese character, mixed, before the
	// end, a full-width form and a Chinese run.
	f.Add("", "好~ 好好 好 ，好~ a好  ")
	f.Add("x", "好好 ~ 好好．好 　好")
	// Runs ending in the last eight bytes (read shifted, once).
	f.Add("x", "a好好好好")
	f.Add("", "好好好好好\xe4\xb8")
	f.Add("", "好好好好好㐀")
	f.Fuzz(func(t *testing.T, prefix, s string) {
		got, amp := appendNormalized([]byte(prefix), s)
		want := appendNormalizedRef([]byte(prefix), s)
		if string(got) != string(want) {
			t.Fatalf("appendNormalized(%q, %q) = %q, reference %q", prefix, s, got, want)
		}
		if !amp && strings.Contains(string(got[min(len(prefix), len(got)):]), "&") {
			t.Fatalf("appendNormalized(%q, %q) = %q says it wrote no '&'", prefix, s, got)
		}
		// With room to spare, as the engine's buffer has: the bytes
		// past the result that the eight-byte copy writes must not
		// change it.
		roomy := append(make([]byte, 0, len(prefix)+4*len(s)+16), prefix...)
		if got, _ := appendNormalized(roomy, s); string(got) != string(want) {
			t.Fatalf("appendNormalized(%q with room, %q) = %q, reference %q", prefix, s, got, want)
		}
		// AppendNormalized, with its return for text plain to the end:
		// where the reference wrote no '&', no entity pass applies, so
		// it must give the reference's bytes too.
		if !strings.Contains(string(want[min(len(prefix), len(want)):]), "&") {
			if got := AppendNormalized([]byte(prefix), s); string(got) != string(want) {
				t.Fatalf("AppendNormalized(%q, %q) = %q, reference %q", prefix, s, got, want)
			}
		}
	})
}

// TestAppendPlainTail holds appendPlain's reading of a Chinese run's last
// bytes, fewer than eight, with the last eight of the text shifted (and
// its eight-byte write there, into plainRoom), to appendNormalizedRef:
// texts of every length from one byte to a dozen and more that end in
// zero, one or two characters after a run, or in a character cut short
// or one that is no common Chinese character, after ASCII, a space or
// filler, written after a prefix into a buffer with no more room than
// appendPlain makes, so that a write past it panics.
func TestAppendPlainTail(t *testing.T) {
	heads := []string{"", "a", "好", "好好", "ab好", " 好", "好 ", "好~", "好好好好", "a好好好好好", "一丁", "好 好好"}
	tails := []string{"", "好", "好好", "好a", "好好a", "a", "。", "，", "好\xe4\xb8", "好\xe4", "\xe4\xb7\xbf", "好\xe4\xb7\xbf", "㐀", "好㐀", "豈", "Ａ", "好 ", " 好", "好好 好"}
	for _, prefix := range []string{"", "x", "x "} {
		for _, h := range heads {
			for _, tl := range tails {
				for pad := range 4 {
					s := h + strings.Repeat("好", pad) + tl
					dst := append(make([]byte, 0, len(prefix)+len(s)+plainRoom), prefix...)
					got, _ := appendNormalized(dst, s)
					if want := appendNormalizedRef([]byte(prefix), s); string(got) != string(want) {
						t.Fatalf("appendNormalized(%q, %q) = %q, reference %q", prefix, s, got, want)
					}
				}
			}
		}
	}
}

// TestAppendPlainPending holds appendPlain's spaces and filler after a
// Chinese character, a run of them decided by what follows, to
// appendNormalizedRef: runs of spaces, filler and both, before the end,
// ASCII, capitals, full-width forms (of plain ASCII, of filler, the
// ideographic space), Chinese punctuation, Chinese runs of one character
// and of two, and characters appendPlain leaves to appendRest, after
// Chinese runs of one character and of two. The texts appendPlain takes
// whole (those of no character it leaves) it must take to their end.
func TestAppendPlainPending(t *testing.T) {
	runs := []string{" ", "  ", "~", "~ ", " ~", "~~ ~", "- +", " - ", "~  ~ ", "\t", " \t", "&", " &", "~&"}
	next := []string{"", "a", "A", "1", "[", "，", "．", "？", "　", "ｘ", "。", "、", "“", "…", "《", "好", "好好", "好好好", "é", "😀", "\u3400", "豈", "·", "\xe4\xb8", "\xe4\xb8\x80"}
	for _, head := range []string{"好", "好好", "a好", "好好好 好好"} {
		for _, r := range runs {
			for _, x := range next {
				for _, tail := range []string{"", "好", " ", "a"} {
					s := head + r + x + tail
					got, _ := appendNormalized([]byte("x"), s)
					if want := appendNormalizedRef([]byte("x"), s); string(got) != string(want) {
						t.Fatalf("appendNormalized(%q) = %q, reference %q", s, got, want)
					}
					leaves := strings.ContainsAny(r+x+tail, "\t&é😀\u3400豈·　．") || strings.Contains(x, "\xe4\xb8") && len(x) == 2
					if _, i, _, _ := appendPlain(nil, s); i != len(s) && !leaves {
						t.Fatalf("appendPlain(%q) stopped at %d of %d", s, i, len(s))
					}
				}
			}
		}
	}
}

// TestPlainMark holds plainMark to appendPlain's last cases, the
// three-byte characters it writes as they stand or as plain ASCII: on
// every three bytes led by E0 to EF with a continuation byte second (and
// any third), plainMark holds exactly when appendPlain takes them alone,
// to their end, as no Chinese character.
func TestPlainMark(t *testing.T) {
	for b0 := 0xE0; b0 <= 0xEF; b0++ {
		for b1 := 0x80; b1 <= 0xBF; b1++ {
			for b2 := 0; b2 < 0x100; b2++ {
				s := string([]byte{byte(b0), byte(b1), byte(b2)})
				_, i, prevCJK, _ := appendPlain(nil, s)
				if want := i == 3 && !prevCJK; plainMark(s, 0) != want {
					t.Fatalf("plainMark(%q) = %v, appendPlain takes it as no Chinese character: %v", s, !want, want)
				}
			}
		}
	}
	if plainMark("，", 1) || plainMark("a，", 1) != true {
		t.Fatal("plainMark at an offset, or with fewer than three bytes left")
	}
}

// escapeFree reports whether s holds none of what a JSON string escapes:
// a quote, a backslash, a control character, U+2028 or U+2029 (the
// reference for AppendNormalizedPlain's plain).
func escapeFree(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// checkNormalizedPlain holds AppendNormalizedPlain to AppendNormalized
// and its plain to escapeFree of both s and its normalized form.
func checkNormalizedPlain(t *testing.T, prefix, s string) {
	t.Helper()
	got, plain := AppendNormalizedPlain([]byte(prefix), s)
	if want := AppendNormalized([]byte(prefix), s); string(got) != string(want) {
		t.Fatalf("AppendNormalizedPlain(%q, %q) = %q, AppendNormalized %q", prefix, s, got, want)
	}
	// The normalized text (a space ending prefix may be trimmed with it).
	norm := string(got[min(len(prefix), len(got)):])
	if plain && (!escapeFree(s) || !escapeFree(norm)) {
		t.Fatalf("AppendNormalizedPlain(%q) = %q says both are plain", s, norm)
	}
}

// TestAppendNormalizedPlainEveryChar checks every character of the Basic
// Multilingual Plane, and every byte, in the places appendPlain takes
// them: alone, after and among Chinese, after filler.
func TestAppendNormalizedPlainEveryChar(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		c := string(r)
		for _, s := range []string{c, "好好" + c + "好好", "a" + c + "b", "好~" + c, "好 " + c + " 好", "a-" + c, c + "quot;", "&" + c} {
			checkNormalizedPlain(t, "", s)
		}
	}
	for b := 0; b < 0x100; b++ {
		c := string([]byte{byte(b)})
		checkNormalizedPlain(t, "", "好"+c+"好")
		checkNormalizedPlain(t, "x", c)
	}
	for _, s := range []string{`好"好`, `a\b`, "好~\"好", "a\u2028b", "好\u2029", "＂", "＼", "﹨", "&quot;", "＆quot;", "﹠quot;", "a\x01b", "好\x1f"} {
		if _, plain := AppendNormalizedPlain(nil, s); plain {
			t.Errorf("AppendNormalizedPlain(%q) says plain", s)
		}
	}
	if _, plain := AppendNormalizedPlain(nil, "您好，请问“订单”… 好~ Ab-1 。"); !plain {
		t.Error("AppendNormalizedPlain of a plain chat line says not plain")
	}
}

func FuzzAppendNormalizedPlain(f *testing.F) {
	for _, s := range []string{"好\"好", "好~\\", "a\u2028", "＂好", "&quot;", "您好，请问", "好~ 好"} {
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, prefix, s string) { checkNormalizedPlain(t, prefix, s) })
}
