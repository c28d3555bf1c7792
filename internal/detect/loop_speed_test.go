package detect

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/text"
)

// contentScanRef is contentScan as written before its three-byte
// characters were read first, the reference for FuzzContentScan.
func contentScanRef(s string, skip []span) (content int, g sig) {
	var prev uint32
	have := false
	for i := 0; i < len(s); {
		if len(skip) > 0 && int32(i) >= skip[0][0] {
			if e := int(skip[0][1]); e > i {
				i = e
			}
			skip = skip[1:]
			have = false
			continue
		}
		if c := s[i]; c == '#' {
			if n := emoticon(s[i:]); n > 0 {
				i += n
				have = false
				continue
			}
		} else if c == '[' || c == '@' || (i == 0 || !isASCIIAlnum(s[i-1])) && isASCIIAlnum(c) {
			if n := dataToken(s[i:]); n > 0 { // tried where a token starts: linear in s
				i += n
				have, g.data = false, true
				continue
			}
		}
		var key uint32 // charKey(s, i), inline
		var size int
		if b := s[i]; b < 0x80 {
			key, size = uint32(b), 1
		} else if b&0xF0 == 0xE0 && i+2 < len(s) {
			key, size = uint32(b)<<16|uint32(s[i+1])<<8|uint32(s[i+2]), 3
		} else {
			key, size = charKeySlow(s, i)
		}
		i += size
		if size == 1 && !(key >= 'a' && key <= 'z' || key >= '0' && key <= '9') || size == 3 && key>>8 == 0xE380 {
			have = false // punctuation and spaces end a run: neither content nor bigrams
			continue
		}
		if have { // g.add, in two parts that inline
			g.bigram(prev, key)
		}
		content += contentOf(key, size)
		prev, have = key, true
	}
	return content, g
}

// FuzzContentScan checks contentScan against contentScanRef, content and
// signature, on any text (invalid UTF-8 included) with skip spans cut from
// the fuzzer's numbers.
func FuzzContentScan(f *testing.F) {
	seeds := append([]string{"\xf7\x9a\x84", "好\xf7\x9a\x84", "a#e-s01b", "12ab[订单x]好好", "。好、的", "\xe3\x80"}, endingFuzzSeeds...)
	for i, s := range seeds {
		f.Add(s, uint8(i), uint8(2*i), uint8(i+3), uint8(i))
	}
	f.Fuzz(func(t *testing.T, s string, a, b, c, k uint8) {
		var skip []span
		if n := len(s); n > 0 && k%3 != 0 {
			skip = fuzzSkips(n, a, b, c, k%2 == 0)
		}
		gc, gg := contentScan(s, skip)
		wc, wg := contentScanRef(s, skip)
		if gc != wc || gg != wg {
			t.Fatalf("contentScan(%q, %v) = %d, %+v; before %d, %+v", s, skip, gc, gg, wc, wg)
		}
		// The loop detector does not scan a customer message shorter
		// than minContent bytes, on this bound.
		if gc > len(s) {
			t.Fatalf("contentScan(%q, %v) counts %d content bytes in %d", s, skip, gc, len(s))
		}
	})
}

// TestContentOfParticles checks contentOf's particle filter on every
// three-byte key (valid or not, as contentScan makes them) against
// isParticle of the key's rune, and its weights for the other sizes.
func TestContentOfParticles(t *testing.T) {
	for key := uint32(0); key < 1<<24; key++ {
		want := 3
		if isParticle(keyRune(key, 3)) {
			want = 0
		}
		if got := contentOf(key, 3); got != want {
			t.Fatalf("contentOf(%#x, 3) = %d, want %d", key, got, want)
		}
	}
	for _, size := range []int{1, 2, 4} {
		if got := contentOf(0xE79A84, size); got != size {
			t.Fatalf("contentOf(的's key, %d) = %d, want %d", size, got, size)
		}
	}
}

// checksAnswerRef is checksAnswer as written before its test of the
// opening character, the reference for FuzzChecksAnswer.
func checksAnswerRef(s string) bool {
	s = strings.TrimRight(s, " ?!.")
	rest, ok := "", false
	for _, p := range [...]string{"这就是", "那就是", "这个是", "那个是", "这是", "那是"} {
		if rest, ok = strings.CutPrefix(s, p); ok {
			break
		}
	}
	if !ok || utf8.RuneCountInString(rest) > 16 {
		return false
	}
	return strings.HasSuffix(rest, "吗") || strings.HasSuffix(rest, "嘛") || strings.HasSuffix(rest, "么")
}

// FuzzChecksAnswer checks checksAnswer against checksAnswerRef on any
// text.
func FuzzChecksAnswer(f *testing.F) {
	for _, s := range []string{"这是保税区发货吗", "那就是货到了直接现金支付吗?", "这", "那 ?", "这个是吗", "那是\xe5", "这是1234567890123456吗", "我这是吗"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := checksAnswer(s), checksAnswerRef(s); got != want {
			t.Fatalf("checksAnswer(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestParticleList holds isParticle, which reads particleRunes, to
// particleList for every rune, and for -1 (keyRune's "no rune") and the
// first past utf8.MaxRune, which its bound must turn away.
func TestParticleList(t *testing.T) {
	for r := rune(-1); r <= utf8.MaxRune+1; r++ {
		if got, want := isParticle(r), slices.Contains(particleList[:], r); got != want {
			t.Fatalf("isParticle(%U) = %v, want %v", r, got, want)
		}
	}
}

// TestParticle3 holds particle3 to isParticle(keyRune(key, 3)) for every
// three-byte key with a lead byte E0–EF, whatever its other two bytes.
func TestParticle3(t *testing.T) {
	for lead := uint32(0xE0); lead <= 0xEF; lead++ {
		for k := uint32(0); k < 1<<16; k++ {
			key := lead<<16 | k
			if got, want := particle3(key), isParticle(keyRune(key, 3)); got != want {
				t.Fatalf("particle3(%#x) = %v, want %v", key, got, want)
			}
		}
	}
}

// BenchmarkContentScan runs contentScan over every normalized message of
// the JDDC dev chats (no skip spans): the loop detector's walk over each
// message's characters. Run it under cachegrind to count instructions.
func BenchmarkContentScan(b *testing.B) {
	var msgs []string
	for _, c := range jddcConvs(b) {
		for _, m := range c.Messages {
			msgs = append(msgs, text.Normalize(m.Text))
		}
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		for _, s := range msgs {
			c, g := contentScan(s, nil)
			n += c + int(g.n)
		}
	}
	if n < 0 {
		b.Fatal(n)
	}
}

// onlyEmoticonsTails follow every opening byte in TestOnlyEmoticonsOpening:
// nothing, continuation bytes (which make "。" of E3), emoticon codes after
// them, and an opening character cut short.
var onlyEmoticonsTails = []string{"", "\x80", "\x80\x82", "\x80\x82#e-s01", "\x80\x82 #e-s[数字x]", "#e-s01", "\x80\x82a", "好#e-s01"}

// TestOnlyEmoticonsOpening holds onlyEmoticons, whose test of the opening
// byte answers most messages, to emoticonsOnly (the walk as it was before
// that test) for every opening byte followed by each of
// onlyEmoticonsTails: the test reads only the first byte and the length.
func TestOnlyEmoticonsOpening(t *testing.T) {
	for b := 0; b < 256; b++ {
		for _, tail := range onlyEmoticonsTails {
			s := string([]byte{byte(b)}) + tail
			if got, want := onlyEmoticons(s), emoticonsOnly(s); got != want {
				t.Fatalf("onlyEmoticons(%q) = %v, emoticonsOnly %v", s, got, want)
			}
		}
	}
}

// FuzzOnlyEmoticons holds onlyEmoticons to emoticonsOnly on any text
// (invalid UTF-8 included).
func FuzzOnlyEmoticons(f *testing.F) {
	for _, s := range []string{"", "#e-s01", "。#e-s01", "好#e-s01", "a#e-s01", "A#e-s01", "\xe4", "\xe4\xb8", "\xe3\x80", ", #e-s01 #e-s[数字x]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := onlyEmoticons(s), emoticonsOnly(s); got != want {
			t.Fatalf("onlyEmoticons(%q) = %v, emoticonsOnly %v", s, got, want)
		}
	})
}

// FuzzPlaceholder2At holds contentScan's placeholder shortcut to dataToken:
// wherever placeholder2At takes a '[' token, dataToken measures it as nine
// bytes, and on the two-character placeholders it must take it does. The
// seeds put a ']' or an ASCII byte in each of the eight places the
// shortcut reads.
func FuzzPlaceholder2At(f *testing.F) {
	seeds := []string{"[订单x]", "[数字x]好", "[订单x", "[订单y]", "[订]x]", "[订单]]", "[订单x]]", "[ab单x]", "[订a单x]", "[\xff\xff\xff\xff\xff\xffx]", "[姓名x][地址x]"}
	for k := 1; k <= 8; k++ {
		b := []byte("[订单x]")
		b[k] = ']'
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.HasPrefix(s, "[") {
			s = "[" + s
		}
		if placeholder2At(s, 0) {
			if n := dataToken(s); n != 9 {
				t.Fatalf("placeholder2At(%q) is true, dataToken = %d", s, n)
			}
		}
		if len(s) >= 9 && s[7] == 'x' && s[8] == ']' && utf8.ValidString(s[1:7]) && utf8.RuneCountInString(s[1:7]) == 2 && !placeholder2At(s, 0) {
			t.Fatalf("placeholder2At(%q) misses a placeholder of two characters", s)
		}
	})
}

// fuzzSkips cuts a text of n bytes at a, b and c (each taken modulo n+1)
// into one skip span between the first two cuts and, when second is set,
// a two-byte span at the third, as the content-scan fuzz targets hand
// contentScan its skip spans.
func fuzzSkips(n int, a, b, c uint8, second bool) []span {
	cuts := []int32{int32(int(a) % (n + 1)), int32(int(b) % (n + 1)), int32(int(c) % (n + 1))}
	slices.Sort(cuts)
	skip := []span{{cuts[0], cuts[1]}}
	if second {
		skip = append(skip, span{cuts[2], cuts[2] + 2})
	}
	return skip
}
