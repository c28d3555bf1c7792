package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/text"
)

// TestWordFinderAgreesWithContains checks wordFinder.has against
// strings.Contains word by word, on the features' own lists and on random
// texts made of pieces of their words, other characters and invalid
// UTF-8, so that the one-pass reading gives the features strings.Contains
// gave them.
func TestWordFinderAgreesWithContains(t *testing.T) {
	lists := [][]string{customerWords, actorWords[:], {"a", "ab", "abc", "b", "好的", "好", "的话"}, {"é", "中é", "aé", "中a", "\u0800", "\uffff", "中\uffff", "好"}}
	pieces := []string{"?", "吗", "么", "能", "不", "可", "以", "帮", "我", "您", "给", "什么", "时候", "多", "久", "几", "天", "用", "要", "算了",
		"为", "这边", "会", "已", "经", "再", "先", "去", "a", "b", "c", " ", ",", "\xff", "\xe5", "\xe5\xb8", "\xe0\x80\x80", "\xed\xa0\x80", "\U0001F600", "[数字x]", "好的", "的话",
		"é", "\xc3", "\xa9", "\u0800", "\uffff", "\xef\xbf", "\xe0\xa0", "中\xe4"}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, words := range lists {
		wf := newWordFinder(words)
		for range 5000 {
			s := pieceText(rng, pieces, rng.IntN(12))
			got := wf.has(s)
			for k, w := range words {
				if want := strings.Contains(s, w); (got&(1<<k) != 0) != want {
					t.Fatalf("has(%q) word %q: %v, strings.Contains says %v", s, w, !want, want)
				}
			}
		}
	}
}

// FuzzWordFinderHas checks wordFinder.has against strings.Contains word
// by word on fuzzed texts, with the customer words and a list whose
// words end with one-, two- and three-byte characters.
func FuzzWordFinderHas(f *testing.F) {
	lists := []*wordFinder{newWordFinder(customerWords), newWordFinder([]string{"é", "中é", "aé", "中a", "\u0800", "\uffff", "中\uffff", "好", "?", "可以吗"})}
	for _, s := range []string{"能不能帮我催一下吗?", "\xe4中é", "\xe0\xa0\x80\xe0中\uffff", "中aé好"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, wf := range lists {
			got := wf.has(s)
			for k, w := range wf.words {
				if want := strings.Contains(s, w); (got&(1<<k) != 0) != want {
					t.Fatalf("has(%q) word %q: %v, strings.Contains says %v", s, w, !want, want)
				}
			}
		}
	})
}

// TestTrimRightParticles checks the hand-written trim against
// strings.TrimRight with the same cut set.
func TestTrimRightParticles(t *testing.T) {
	for _, s := range []string{"", "好的呢", "可以吗?", "哦哦哦", "亲 ~!", "帮您申请了哈~", "\xff呢", "呢\xff", "是的.", "a b ", "亲亲",
		"\xa2", "\x91\xa2", "\xe5\x91", "呢\x91\xa2", "\xe5呢", "\xe5\xe5\x91\xa2", "呢亲\xa2", "吗", "啊a", "a啊", "\xf0\x9f\x98\x80呢",
		"\xe5\x91\xa2\xa2", "哦 .哈~呀!", "嗯呢 ", "\xef\xbf\xbd"} {
		if got, want := trimRightParticles(s), strings.TrimRight(s, " .~!呢哦哈呀啊亲"); got != want {
			t.Errorf("trimRightParticles(%q) = %q, want %q", s, got, want)
		}
	}
	// Every three bytes whose lead and second byte are those of a particle
	// (the rest of the character's block, cut short or invalid), alone and
	// after a particle.
	for _, p := range []string{"呢", "哦", "哈", "呀", "啊", "亲"} {
		for c := range 256 {
			for _, s := range []string{p[:2] + string([]byte{byte(c)}), "哈" + p[:2] + string([]byte{byte(c)}), p[1:2] + string([]byte{byte(c)}), p[:2] + string([]byte{byte(c)}) + "呀"} {
				if got, want := trimRightParticles(s), strings.TrimRight(s, " .~!呢哦哈呀啊亲"); got != want {
					t.Errorf("trimRightParticles(%q) = %q, want %q", s, got, want)
				}
			}
		}
	}
}

// FuzzTrimRightParticles holds trimRightParticles to strings.TrimRight
// with the same cut set.
func FuzzTrimRightParticles(f *testing.F) {
	for _, s := range []string{"好的呢", "亲 ~!", "帮您申请了哈~", "\xff呢", "\xe5\xe5\x91\xa2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := trimRightParticles(s), strings.TrimRight(s, " .~!呢哦哈呀啊亲"); got != want {
			t.Fatalf("trimRightParticles(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestCueWordsMatchMatcher checks the cue pass against the matcher it
// replaced: on random texts made of the cue words, pieces of them, other
// characters and invalid UTF-8 (made valid, as read's text is: invalid
// bytes become U+FFFD), read must give each cue's first
// occurrence in the order a text.Matcher's scan meets them (the order the
// weights were trained with), utf8.RuneCountInString's length, the first
// characters a range loop decodes, their n-grams (promiseGrams) and the
// sum of the n-grams' steps (gramSteps).
func TestCueWordsMatchMatcher(t *testing.T) {
	m, err := text.NewMatcher(promiseCues[:])
	if err != nil {
		t.Fatal(err)
	}
	cs := newCueScan()
	pm, err := loadPromiseModel()
	if err != nil {
		t.Fatal(err)
	}
	weights := pm.w
	pieces := append([]string{"您", "的", "一", "[数字x]", "-", "?", " ", "\xff", "\xe5\xb8", "\xed\xa0\x80", "\U0001F600", "\uFFFD",
		"\xe0\xa0\x80", "\xe0\x9f\xbf", "\xed\x9f\xbf", "\xef\xbf\xbf", "\xe5\x41\x80", "\xe5\xb8\xc0", "\xc2\xa9", "\xe3\x80\x82"}, promiseCues[:]...)
	for _, c := range promiseCues {
		rs := []rune(c)
		pieces = append(pieces, string(rs[:len(rs)/2]), string(rs[len(rs)/2:]))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for it := range 20000 {
		// Every tenth text is long: past decodeRunes' chunks and the
		// n-grams' maxPromiseRunes.
		pieceCount := 16
		if it%10 == 0 {
			pieceCount = 120
		}
		// read's text is valid UTF-8, as normalized text is.
		s := strings.ToValidUTF8(pieceText(rng, pieces, rng.IntN(pieceCount)), "\uFFFD")
		var want []uint16
		seen := map[int32]bool{}
		for _, h := range m.Scan(s, nil) {
			if !seen[h.Pattern] {
				seen[h.Pattern] = true
				want = append(want, uint16(h.Pattern))
			}
		}
		var cueBuf [len(promiseCues)]uint16
		var v, more runeView
		got, nr, runes, wide := cs.read(s, &cueBuf, &v, &more)
		rs := v[wordHistory:]
		if !slices.Equal(got, want) {
			t.Fatalf("read(%q) cues %v, the matcher's %v", s, got, want)
		}
		if runes != utf8.RuneCountInString(s) {
			t.Fatalf("read(%q) %d characters, want %d", s, runes, utf8.RuneCountInString(s))
		}
		first := []rune(s)[:min(utf8.RuneCountInString(s), maxPromiseRunes)]
		if !slices.Equal(rs[:nr], first) {
			t.Fatalf("read(%q) first characters %q, want %q", s, rs[:nr], first)
		}
		var grams []uint32
		var r1, r2 rune = -1, -1
		for _, r := range first {
			grams = append(grams, featureIndex(pfUni, uint32(r), promiseSalt, PromiseBits))
			if r1 >= 0 {
				grams = append(grams, featureIndex(pfBi, uint32(nfMix(uint64(r1)<<32|uint64(r))), promiseSalt, PromiseBits))
				if r2 >= 0 {
					grams = append(grams, featureIndex(pfTri, uint32(nfMix(uint64(r2)<<42^uint64(r1)<<21^uint64(r))), promiseSalt, PromiseBits))
				}
			}
			r2, r1 = r1, r
		}
		var gramBuf [3 * maxPromiseRunes]uint32
		ng := promiseGrams(rs[:nr], &gramBuf)
		uni := pm.uni
		if wide {
			uni = nil
		}
		steps := gramSteps(rs[:nr], weights, uni)
		if got := gramBuf[:ng]; !slices.Equal(got, grams) {
			t.Fatalf("promiseGrams(%q) %v, want %v", s, got, grams)
		}
		wantSteps := 0
		for _, g := range grams {
			wantSteps += int(weights[g])
		}
		if steps != wantSteps {
			t.Fatalf("gramSteps(%q) = %d, want %d", s, steps, wantSteps)
		}
		if len(grams) != gramCount(nr) {
			t.Fatalf("gramCount(%d) = %d, promiseGrams wrote %d", nr, gramCount(nr), len(grams))
		}
	}
}

// TestLastRuneSize checks lastRuneSize against utf8.DecodeLastRuneInString
// on random texts of valid, overlong, surrogate and broken sequences.
func TestLastRuneSize(t *testing.T) {
	pieces := []string{"a", "[", "]", "您", "\xff", "\xe5", "\xe5\xb8", "\xb8", "\xe0\xa0\x80", "\xe0\x9f\xbf", "\xed\x9f\xbf", "\xed\xa0\x80",
		"\xef\xbf\xbf", "\xe5\x41\x80", "\xc2\xa9", "\U0001F600", "\xf0\x9f\x98"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		s := pieceText(rng, pieces, rng.IntN(5))
		if _, want := utf8.DecodeLastRuneInString(s); lastRuneSize(s) != want {
			t.Fatalf("lastRuneSize(%q) = %d, want %d", s, lastRuneSize(s), want)
		}
	}
}

// TestCustomerActs checks customerActs, which skips texts by the
// adverbs' last bytes, against the comparisons it stands for on random
// texts of the adverbs, 您, the words that make 您 an object and others.
func TestCustomerActs(t *testing.T) {
	want := func(s string, start int) bool {
		b := s[:start]
		for range 2 {
			for _, adv := range [...]string{"已经", "已", "是", "都", "之前", "刚才", "刚刚", "也", "这边"} {
				if strings.HasSuffix(b, adv) {
					b = b[:len(b)-len(adv)]
					break
				}
			}
		}
		if !strings.HasSuffix(b, "您") && !strings.HasSuffix(b, "你") {
			return false
		}
		b = b[:len(b)-len("您")]
		for _, p := range [...]string{"帮", "为", "给", "替", "和", "与", "跟", "向"} {
			if strings.HasSuffix(b, p) {
				return false
			}
		}
		return true
	}
	pieces := []string{"已经", "已", "经", "是", "都", "之前", "前", "刚才", "刚刚", "刚", "也", "这边", "边", "您", "你", "帮", "为", "给", "a", ",", "\xe5", "\xbb"}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		s := pieceText(rng, pieces, rng.IntN(6)) + "申请"
		if got := customerActs(s, len(s)-len("申请")); got != want(s, len(s)-len("申请")) {
			t.Fatalf("customerActs(%q) = %v, want %v", s, got, !got)
		}
	}
}

// indexByLastWords are the words returnDays and amountIn look for with
// indexByLast, and some of other shapes (empty, one byte, a last byte
// repeated, invalid UTF-8).
var indexByLastWords = []string{"天", "退", "不支持", "不能", "可以退", "给您退", "帮您退", "元", "块", "[金额x]",
	"", "a", "aa", "aba", "\xa9", "\xa4\xa9", "天天", "\xe5"}

// TestIndexByLast holds indexByLast to strings.Index on texts with the
// words at the start, the end, twice, cut short, and after bytes that
// share their last byte (天 is E5 A4 A9: 夹 ends in A4 B9, "\xa9" alone).
func TestIndexByLast(t *testing.T) {
	texts := []string{"", "天", "天天", "亲 [数字x]天内可以退的", "7天无理由退货, 不支持", "补偿您[数字x]元", "给您[金额x]",
		"\xa9天", "\xa4\xa9\xe5\xa4\xa9", "\xe5\xa4", "[金额x", "金额x]", "aaba", "7天之内都可以退款哦, 给您退[数字x]块",
		strings.Repeat("您好", 40) + "天", strings.Repeat("\xa9", 70) + "可以退", "退" + strings.Repeat("天", 30)}
	for _, s := range texts {
		for _, w := range indexByLastWords {
			if got, want := indexByLast(s, w), strings.Index(s, w); got != want {
				t.Errorf("indexByLast(%q, %q) = %d, strings.Index says %d", s, w, got, want)
			}
			// Every cut of s, from each end.
			for k := range len(s) + 1 {
				if got, want := indexByLast(s[k:], w), strings.Index(s[k:], w); got != want {
					t.Fatalf("indexByLast(%q, %q) = %d, strings.Index says %d", s[k:], w, got, want)
				}
				if got, want := indexByLast(s[:k], w), strings.Index(s[:k], w); got != want {
					t.Fatalf("indexByLast(%q, %q) = %d, strings.Index says %d", s[:k], w, got, want)
				}
			}
		}
	}
}

// FuzzIndexByLast holds indexByLast to strings.Index for the words above
// and for a word cut from the text itself.
func FuzzIndexByLast(f *testing.F) {
	for _, s := range []string{"亲 [数字x]天内可以退的", "补偿您[数字x]元", "给您[金额x]", "\xa4\xa9\xe5\xa4\xa9", "aaba"} {
		f.Add(s, 0, 3)
	}
	f.Fuzz(func(t *testing.T, s string, from, n int) {
		for _, w := range indexByLastWords {
			if got, want := indexByLast(s, w), strings.Index(s, w); got != want {
				t.Fatalf("indexByLast(%q, %q) = %d, strings.Index says %d", s, w, got, want)
			}
		}
		if len(s) == 0 {
			return
		}
		from = int(uint(from) % uint(len(s)))
		w := s[from : from+int(uint(n)%uint(len(s)-from+1))]
		if got, want := indexByLast(s, w), strings.Index(s, w); got != want {
			t.Fatalf("indexByLast(%q, %q) = %d, strings.Index says %d", s, w, got, want)
		}
	})
}

// checkActorsBefore checks cueScan.actorsBefore against the code it
// replaced, the actor finder's has over backChars' window of four
// characters, at every byte of s.
func checkActorsBefore(t *testing.T, cs *cueScan, s string) {
	t.Helper()
	for pos := 0; pos <= len(s); pos++ {
		if got, want := cs.actorsBefore(s, pos), cs.actors.has(s[backChars(s, pos, 4):pos]); got != want {
			t.Fatalf("actorsBefore(%q, %d) = %b, want %b", s, pos, got, want)
		}
	}
}

// actorPieces are texts of actor words, halves of them, Chinese, and the
// sequences the four-character window reads apart: placeholders and
// their brackets, ASCII, E0 and ED leads, two- and four-byte characters,
// broken ones.
var actorPieces = append(actorWords[:len(actorWords):len(actorWords)], "您", "边", "经", "帮", "这", "的", "申请", "处理", "[数字x]", "[", "]", "a", " ", ",",
	"\xe0\xa0\x80", "\xed\x9f\xbf", "\xc2\xa9", "\U0001F600", "\xff", "\xe5\xb8", "。", "已经帮您")

// TestActorsBefore holds actorsBefore to has over backChars' window on
// random texts of actorPieces, at every byte.
func TestActorsBefore(t *testing.T) {
	cs := newCueScan()
	rng := rand.New(rand.NewPCG(31, 32))
	for range 5000 {
		checkActorsBefore(t, cs, pieceText(rng, actorPieces, rng.IntN(12)))
	}
}

// FuzzActorsBefore holds actorsBefore to has over backChars' window on
// fuzzed texts, at every byte.
func FuzzActorsBefore(f *testing.F) {
	for _, s := range []string{"", "我会帮您申请", "这边已经为您处理", "[数字x]帮您", "先去给您再看", "\xe0\xa0\x80您帮您"} {
		f.Add(s)
	}
	cs := newCueScan()
	f.Fuzz(func(t *testing.T, s string) { checkActorsBefore(t, cs, s) })
}
