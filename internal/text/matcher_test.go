package text

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func hitStrings(t *testing.T, m *Matcher, s string, hits []Hit) []string {
	t.Helper()
	var out []string
	for _, h := range hits {
		got := s[h.Start:h.End]
		if got != m.Pattern(h.Pattern) {
			t.Fatalf("hit %v covers %q, pattern is %q", h, got, m.Pattern(h.Pattern))
		}
		out = append(out, got)
	}
	return out
}

func TestMatcherSemantics(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		text     string
		all      []string // overlapping, in Scan order
		leftLong []string
	}{
		{"inner overlap", []string{"款申", "退款申请"}, "我要退款申请了", []string{"款申", "退款申请"}, []string{"退款申请"}},
		{"prefix", []string{"退款", "退款申请"}, "我要退款申请了", []string{"退款", "退款申请"}, []string{"退款申请"}},
		{"two words", []string{"退款", "投诉"}, "先退款，不然我要投诉到底", []string{"退款", "投诉"}, []string{"退款", "投诉"}},
		{"suffix chain", []string{"诉", "投诉", "要投诉"}, "我要投诉", []string{"要投诉", "投诉", "诉"}, []string{"要投诉"}},
		{"repeated", []string{"aa"}, "aaaa", []string{"aa", "aa", "aa"}, []string{"aa", "aa"}},
		{"none", []string{"差评"}, "不会给好评的", nil, nil},
		{"duplicate pattern", []string{"退款", "退款"}, "退款", []string{"退款", "退款"}, []string{"退款"}},
		{"ascii and cjk", []string{"vx", "微信"}, "加vx或微信", []string{"vx", "微信"}, []string{"vx", "微信"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMatcher(tt.patterns)
			if err != nil {
				t.Fatal(err)
			}
			hits := m.Scan(tt.text, nil)
			if got := hitStrings(t, m, tt.text, hits); strings.Join(got, "|") != strings.Join(tt.all, "|") {
				t.Errorf("Scan = %q, want %q", got, tt.all)
			}
			ll := LeftmostLongest(hits)
			if got := hitStrings(t, m, tt.text, ll); strings.Join(got, "|") != strings.Join(tt.leftLong, "|") {
				t.Errorf("LeftmostLongest = %q, want %q", got, tt.leftLong)
			}
		})
	}
}

func TestMatcherEmptyPattern(t *testing.T) {
	if _, err := NewMatcher([]string{"a", ""}); err == nil {
		t.Fatal("want error for empty pattern")
	}
	if _, err := NewClassMatcher([]string{"a", ""}, []Class{1, 2}); err == nil {
		t.Fatal("want error for empty pattern")
	}
	if _, err := NewClassMatcher([]string{"a", "b"}, []Class{1}); err == nil {
		t.Fatal("want error for a pattern without a class")
	}
}

// TestMatcherAgainstNaive compares the automaton with strings.Index on many
// patterns and texts, so any table-building mistake shows up.
func TestMatcherAgainstNaive(t *testing.T) {
	pats := []string{"退款", "退款申请", "款申", "投诉", "差评", "12315", "微信", "加微信", "物流", "快递", "发货", "没发货", "a", "ab", "bab", "退"}
	texts := []string{"我要退款申请了", "先退款，不然我要投诉到底", "给差评打12315", "加微信加微信", "babab", "还没发货物流也没有快递", ""}
	m, err := NewMatcher(pats)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range texts {
		var want []string
		for _, p := range pats {
			for i := 0; i+len(p) <= len(s); i++ {
				if s[i:i+len(p)] == p {
					want = append(want, p+"@"+strconv.Itoa(i))
				}
			}
		}
		var got []string
		for _, h := range m.Scan(s, nil) {
			got = append(got, m.Pattern(h.Pattern)+"@"+strconv.Itoa(int(h.Start)))
		}
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%q: got %v want %v", s, got, want)
		}
	}
}

// TestMatcherLargeDictionary checks the automaton against a naive search
// with a dictionary of realistic size, where states share long failure
// chains and the double array is crowded, over chat text mixed with ASCII,
// characters beyond the BMP and bytes that are not UTF-8.
func TestMatcherLargeDictionary(t *testing.T) {
	corpus := benchCorpus()
	rs := []rune(corpus)
	if len(rs) > 20000 {
		corpus = string(rs[:20000])
	}
	pats := append(benchPatterns(corpus, 2000), "a", "ab", "b", "\U0001F600", "好\U0001F600", "\uFFFD", "退款退款", "款退")
	text := corpus + "ab好\U0001F600\xe5\xa5好\xed\xa0\x80退款退款退款\xff"
	m, err := NewMatcher(pats)
	if err != nil {
		t.Fatal(err)
	}
	want := naiveScan(pats, text)
	ways, restore := scanWays(m)
	for w, set := range ways {
		set()
		if got := m.Scan(text, nil); len(want) < 1000 || !slices.Equal(got, want) {
			t.Fatalf("way %d: got %d hits, naive search %d, or not in its order", w, len(got), len(want))
		}
	}
	restore()
	checkClasses(t, pats, text)
	// Scan appends, and gives the same hits for each message alone as
	// a caller scanning message after message does.
	var all []Hit
	for _, line := range strings.SplitAfter(text, "，") {
		all = m.Scan(line, all)
		want := naiveScan(pats, line)
		if got := all[len(all)-len(want):]; !slices.Equal(got, want) {
			t.Fatalf("%q: got %v, naive search %v", line, got, want)
		}
	}
}

// scanWays returns settings of m for each of its inner loops: run (slots
// as a slice), runSmall (slots in the small array, a copy of them when m
// was built without) and runSparse (a dictionary of few characters,
// whatever its size). restore sets m back as it was built.
func scanWays(m *Matcher) (ways []func(), restore func()) {
	sparse, small, bmpValid, couts16, sums := m.sparse, m.small, m.bmpValid, m.couts16, m.sums
	// The way with neither small array reads outputs through couts too,
	// and sums them up in expandClasses rather than expandSum.
	ways = append(ways, func() { m.sparse, m.small, m.couts16, m.sums = false, nil, nil, nil })
	if arr := packSlots(m.slots); arr != nil {
		valid := validClasses(m.bmp)
		ways = append(ways, func() { m.sparse, m.small, m.bmpValid, m.couts16, m.sums = false, arr, valid, couts16, sums })
	}
	ways = append(ways, func() { m.sparse, m.small, m.couts16, m.sums = true, nil, couts16, sums })
	return ways, func() { m.sparse, m.small, m.bmpValid, m.couts16, m.sums = sparse, small, bmpValid, couts16, sums }
}

// asClassHits is the reference for ScanClasses: Scan's hits with each
// pattern's class in its place.
func asClassHits(hits []Hit, classes []Class) []ClassHit {
	var out []ClassHit
	for _, h := range hits {
		out = append(out, ClassHit{Class: classes[h.Pattern], Start: h.Start, End: h.End})
	}
	return out
}

// checkClasses builds pats as a class matcher, with classes that repeat
// (a word of several classes is given once for each), and compares
// ScanClasses with Scan's hits mapped to their classes, scanning s alone
// and after a prefix of hits already in dst, both ways of stepping over
// characters.
func checkClasses(t *testing.T, pats []string, s string) {
	t.Helper()
	classes := make([]Class, len(pats))
	for i := range classes {
		classes[i] = Class(i*7%5 + 3)
	}
	m, err := NewClassMatcher(pats, classes)
	if err != nil {
		t.Fatal(err)
	}
	ways, restore := scanWays(m)
	defer restore()
	for w, set := range ways {
		set()
		want := asClassHits(m.Scan(s, nil), classes)
		if got := m.ScanClasses(s, nil); !slices.Equal(got, want) {
			t.Fatalf("way %d: ScanClasses %v, Scan's hits %v", w, got, want)
		}
		if utf8.ValidString(s) {
			if got := m.ScanValidClasses(s, nil); !slices.Equal(got, want) {
				t.Fatalf("way %d: ScanValidClasses %v, Scan's hits %v", w, got, want)
			}
			checkSummary(t, m, s, want)
			checkQuiet(t, pats, classes, s, want)
			checkEach(t, m, []string{s, "", s})
			checkEach(t, m, splitRunes(s, 3))
		} else {
			m.ScanValidClasses(s, nil) // in bounds, whatever it finds
		}
		prefix := []ClassHit{{Class: 1, Start: 2, End: 3}}
		if got := m.ScanClasses(s, prefix); !slices.Equal(got[1:], want) || got[0] != prefix[0] {
			t.Fatalf("way %d: ScanClasses after a hit %v, Scan's hits %v", w, got, want)
		}
	}
}

// checkQuiet checks NewClassMatcherQuiet against NewClassMatcher's hits
// want on valid s, for each set of the classes 3 to 7 quiet: its
// ScanValidSummary gives want without the quiet classes' hits, alone and
// after a prefix, and the sum of all of want; its ScanClasses gives all
// of want.
func checkQuiet(t *testing.T, pats []string, classes []Class, s string, want []ClassHit) {
	t.Helper()
	for set := range 1 << 5 {
		var quiet ClassSet
		for c := range 5 {
			if set>>c&1 == 1 {
				quiet[0] |= 1 << (c + 3)
			}
		}
		m, err := NewClassMatcherQuiet(pats, classes, quiet)
		if err != nil {
			t.Fatal(err)
		}
		var loud []ClassHit
		for _, h := range want {
			if quiet[0]>>h.Class&1 == 0 {
				loud = append(loud, h)
			}
		}
		var sum Summary
		if got := m.ScanValidSummary(s, nil, &sum); !slices.Equal(got, loud) {
			t.Fatalf("quiet %05b: ScanValidSummary %v, want %v", set, got, loud)
		}
		if ref := summaryOf(want); sum != ref {
			t.Fatalf("quiet %05b: ScanValidSummary's sum %+v, all hits' %+v", set, sum, ref)
		}
		prefix := []ClassHit{{Class: 200, Start: 0, End: 90}}
		sum = summaryOf(prefix)
		got := m.ScanValidSummary(s, prefix, &sum)
		if !slices.Equal(got[1:], loud) || got[0] != prefix[0] {
			t.Fatalf("quiet %05b: ScanValidSummary after a hit %v, want %v", set, got, loud)
		}
		if ref := summaryOf(append(prefix, want...)); sum != ref {
			t.Fatalf("quiet %05b: ScanValidSummary's sum after a hit %+v, all hits' %+v", set, sum, ref)
		}
		if got := m.ScanClasses(s, nil); !slices.Equal(got, want) {
			t.Fatalf("quiet %05b: ScanClasses %v, want every hit %v", set, got, want)
		}
	}
}

// naiveScan is the reference for Scan: every occurrence of every pattern,
// found byte by byte, ordered by end, then longest first, then by pattern.
func naiveScan(pats []string, s string) []Hit {
	var hits []Hit
	for pi, p := range pats {
		for i := 0; i+len(p) <= len(s); i++ {
			if s[i:i+len(p)] == p {
				hits = append(hits, Hit{Pattern: int32(pi), Start: int32(i), End: int32(i + len(p))})
			}
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.End != b.End {
			return int(a.End - b.End)
		}
		if a.Start != b.Start {
			return int(a.Start - b.Start)
		}
		return int(a.Pattern - b.Pattern)
	})
	return hits
}

// FuzzMatcher checks the automaton against a naive search on random input.
func FuzzMatcher(f *testing.F) {
	f.Add("我要退款申请了", "款申|退款申请")
	f.Add("aaaa", "a|aa|aaa")
	f.Add("\xe5\xa5好\xbd\xef\xbf\xbd\U0001F600x", "好|\uFFFD|\U0001F600|x")
	// Three-byte characters led by E0, ED, EE and EF, which Scan leaves to
	// decode, next to ones it reads inline, and an overlong form and a
	// surrogate, which are no characters.
	f.Add("\u0800\ud7ff好\ue000，\xe0\x80\x80\xed\xa0\x80好", "\u0800\ud7ff|好\ue000|，|\ue000，|好")
	// Overlong forms and surrogates whose bits, read as a character,
	// name one in a pattern ("A", "好") or none, where a sparse scan
	// reads two three-byte sequences at once.
	f.Add("\xe0\x81\x81好\xe0\x80\x80好好\xed\xa5\xbd好\xe0\x81\x81AA", "A|好|好好")
	// More than Scan notes before it expands them, patterns ending on
	// the last two bytes (read by decode), deep failure chains.
	f.Add(strings.Repeat("ab", 100)+"a", "a|b|ab|ba|aba|bab|abab")
	f.Add("x好好好好好好好好好好好好好好y?", "好|好好|好好好|y|y?|?|好y")
	// More outputs at one end than expand writes at a time, twice over.
	f.Add("xaaaaaaaaaaaa", "a|aa|aaa|aaaa|aaaaa|xa|aaaaaa|aaaaaaa|aaaaaaaa|aaaaaaaaa|a|xaaa")
	// Transitions with more outputs than expandSum makes room for, batch
	// after batch, so that it grows the hits amid its loop.
	f.Add(strings.Repeat("a", 40), "a|aa|aaa|aaaa|aaaaa|aaaaaa|aaaaaaa|aaaaaaaa|aaaaaaaaa|aaaaaaaaaa")
	// No pattern of one character (a sparse scan at the root reads the
	// second of two characters first), with matches starting on either
	// character of a pair, after ASCII and invalid sequences.
	f.Add("顺丰快递到了吗a收到了x\xe0\x80\x80收到了已经收到了收到", "顺丰|收到了|已收到|到了|EMS")
	f.Add("我的快递中通中通快递圆通\xed\xa0\x80通圆通", "中通|圆通快递|通圆")
	f.Add("的的的的ab的的EMS的的x收到了的的的的E的的MS的的[x]收到", "EMS|收到了|的E|S的")
	// A state that goes on a character by the root's transition, into
	// an output ("c", "好" after "a" and "好" after "好x"'s start), on
	// ASCII and three-byte characters, with three bytes or more left and
	// at the end: the slot noted is the root's, not the state's plus the
	// class.
	f.Add("acab好好x好acab好c好ac好ac", "ab|c|好x|好|xa")
	f.Fuzz(func(t *testing.T, s, pl string) {
		var pats []string
		for _, p := range strings.Split(pl, "|") {
			// Patterns are normalized text, always valid UTF-8; the
			// text may be anything.
			if p != "" && utf8.ValidString(p) && len(pats) < 20 {
				pats = append(pats, p)
			}
		}
		if len(pats) == 0 {
			return
		}
		m, err := NewMatcher(pats)
		if err != nil {
			t.Fatal(err)
		}
		want := naiveScan(pats, s)
		// Every way of stepping over characters.
		ways, restore := scanWays(m)
		for w, set := range ways {
			set()
			if got := m.Scan(s, nil); !slices.Equal(got, want) {
				t.Fatalf("way %d: got %v, naive search %v", w, got, want)
			}
		}
		restore()
		checkClasses(t, pats, s)
	})
}

// benchCorpus returns Chinese chat text: the JDDC sample when present, else
// a built-in mix, so the benchmark runs anywhere.
func benchCorpus() string {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		return strings.Repeat("亲，您的订单已经发货了，预计明天送达，请您耐心等待哦。怎么还没到？我要投诉！退款申请已经提交了。", 20000)
	}
	var sb strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.LastIndexByte(line, '\t'); i >= 0 {
			sb.WriteString(Normalize(line[i+1:]))
		}
	}
	return sb.String()
}

// benchPatterns builds a dictionary of realistic size: real keywords plus
// generated two- to four-character words from the corpus itself.
func benchPatterns(corpus string, n int) []string {
	seen := map[string]bool{}
	var pats []string
	for _, p := range []string{"退款", "退货", "换货", "投诉", "差评", "12315", "微信", "快递", "物流", "发货", "赔偿", "补偿", "破损", "质量"} {
		seen[p] = true
		pats = append(pats, p)
	}
	rs := []rune(corpus)
	for i := 0; len(pats) < n && i+4 < len(rs); i += 97 {
		w := string(rs[i : i+2+i%3])
		if !seen[w] && !strings.ContainsAny(w, " ,.?!") {
			seen[w] = true
			pats = append(pats, w)
		}
	}
	return pats
}

func BenchmarkMatcher(b *testing.B) {
	corpus := benchCorpus()
	for _, n := range []int{100, 2000} {
		m, err := NewMatcher(benchPatterns(corpus, n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strconv.Itoa(n)+"patterns", func(b *testing.B) {
			b.SetBytes(int64(len(corpus)))
			var hits []Hit
			for i := 0; i < b.N; i++ {
				hits = m.Scan(corpus, hits[:0])
			}
			b.ReportMetric(float64(m.States()), "states")
		})
	}
}

func BenchmarkNormalize(b *testing.B) {
	corpus := benchCorpus()
	buf := make([]byte, 0, len(corpus))
	b.SetBytes(int64(len(corpus)))
	for i := 0; i < b.N; i++ {
		buf = AppendNormalized(buf[:0], corpus)
	}
}

// BenchmarkNewMatcher measures building the automaton, which every scan
// and every engine in the tests pays once: a dictionary of the real lists'
// size must build in milliseconds.
func BenchmarkNewMatcher(b *testing.B) {
	pats := benchPatterns(benchCorpus(), 2500)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := NewMatcher(pats)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.Slots()), "slots")
	}
}

// TestScanValidEveryChar compares ScanValidClasses with ScanClasses on
// text holding every character of the Basic Multilingual Plane (and some
// beyond it), with patterns of characters of every three-byte lead, E0
// and ED included.
func TestScanValidEveryChar(t *testing.T) {
	var sb strings.Builder
	var pats []string
	var classes []Class
	for r := rune(1); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		sb.WriteRune(r)
		if r%61 == 0 || r < 0x80 && r%7 == 0 {
			pats = append(pats, string(r), string(r)+string(r+1))
			classes = append(classes, Class(len(classes)%200), Class((len(classes)+1)%200))
		}
	}
	sb.WriteString("\U0001F600好")
	pats = append(pats, "\U0001F600好")
	classes = append(classes, 7)
	s := sb.String()
	m, err := NewClassMatcher(pats, classes)
	if err != nil {
		t.Fatal(err)
	}
	ways, restore := scanWays(m)
	defer restore()
	for w, set := range ways {
		set()
		want := m.ScanClasses(s, nil)
		if len(want) < len(pats) {
			t.Fatalf("way %d: %d hits for %d patterns", w, len(want), len(pats))
		}
		if got := m.ScanValidClasses(s, nil); !slices.Equal(got, want) {
			t.Fatalf("way %d: ScanValidClasses differs from ScanClasses (%d hits against %d)", w, len(got), len(want))
		}
	}
}

// summaryOf is the reference for ScanValidSummary's sum: the classes of
// the hits and the longest one's length, read hit by hit.
func summaryOf(hits []ClassHit) Summary {
	var sum Summary
	for _, h := range hits {
		sum.Classes[h.Class>>6] |= 1 << (h.Class & 63)
		sum.Longest = max(sum.Longest, h.End-h.Start)
	}
	return sum
}

// checkSummary compares ScanValidSummary, hits and sum, with want and
// summaryOf(want), on s alone and after a prefix of hits and a sum
// already begun.
func checkSummary(t *testing.T, m *Matcher, s string, want []ClassHit) {
	t.Helper()
	if !m.HasSummary() {
		t.Fatal("a class matcher of classes below 256 has no summary")
	}
	var sum Summary
	if got := m.ScanValidSummary(s, nil, &sum); !slices.Equal(got, want) {
		t.Fatalf("ScanValidSummary %v, want %v", got, want)
	}
	if ref := summaryOf(want); sum != ref {
		t.Fatalf("ScanValidSummary's sum %+v, the hits' %+v", sum, ref)
	}
	checkScanValidSum(t, m, s)
	prefix := []ClassHit{{Class: 200, Start: 0, End: 90}}
	sum = summaryOf(prefix)
	got := m.ScanValidSummary(s, prefix, &sum)
	if !slices.Equal(got[1:], want) || got[0] != prefix[0] {
		t.Fatalf("ScanValidSummary after a hit %v, want %v", got, want)
	}
	if ref := summaryOf(got); sum != ref {
		t.Fatalf("ScanValidSummary's sum after a hit %+v, the hits' %+v", sum, ref)
	}
}

// TestSummaryClasses checks that a class matcher has a summary exactly
// when its classes are all below 256, and the summary of text with
// every class 0 to 255.
func TestSummaryClasses(t *testing.T) {
	var pats []string
	var classes []Class
	var sb strings.Builder
	for c := range 256 {
		w := string(rune(0x4E00+c)) + string(rune(0x4E00+c/3))
		pats = append(pats, w, w[:3])
		classes = append(classes, Class(c), Class(255-c))
		sb.WriteString(w + ",")
	}
	m, err := NewClassMatcher(pats, classes)
	if err != nil {
		t.Fatal(err)
	}
	want := m.ScanClasses(sb.String(), nil)
	checkSummary(t, m, sb.String(), want)
	var sum Summary
	m.ScanValidSummary(sb.String(), nil, &sum)
	for c := range 256 {
		if sum.Classes[c>>6]>>(c&63)&1 == 0 {
			t.Fatalf("class %d missing from the summary", c)
		}
	}
	if m, err = NewClassMatcher(append(pats, "x"), append(classes, 256)); err != nil {
		t.Fatal(err)
	}
	if m.HasSummary() {
		t.Fatal("a matcher with class 256 has a summary")
	}
}

// TestSummaryRoom checks that ScanValidSummary grows the hits by what
// they need, not by the most outputs any state has: a dictionary with a
// state of 300 outputs, scanned over text whose every transition has one,
// leaves a slice with room for expandPad hits per transition as it was;
// and that the 300 are written all the same where they occur.
func TestSummaryRoom(t *testing.T) {
	const most = 300 // 45,150 outputs in all: couts16 and sums hold them
	pats := []string{"x"}
	for k := 1; k <= most; k++ {
		pats = append(pats, strings.Repeat("a", k))
	}
	classes := make([]Class, len(pats))
	m, err := NewClassMatcher(pats, classes)
	if err != nil {
		t.Fatal(err)
	}
	if m.sums == nil {
		t.Fatal("no sums: ScanValidSummary would not run expandSum")
	}
	s := strings.Repeat("x", pendCap)
	dst := make([]ClassHit, 0, pendCap*expandPad)
	var sum Summary
	got := m.ScanValidSummary(s, dst, &sum)
	if len(got) != pendCap || cap(got) != cap(dst) || &got[:1][0] != &dst[:1][0] {
		t.Fatalf("%d hits in a slice of %d, want %d in the given one of %d", len(got), cap(got), pendCap, cap(dst))
	}
	s += strings.Repeat("a", most) + s
	checkSummary(t, m, s, asClassHits(m.Scan(s, nil), classes))
}

// checkScanValidSum holds scanValidSum, ScanValidSummary's and
// ScanValidInto's loop, to scanClassesSum, the loop it stands for, on s alone and after a hit
// already in dst and a sum already begun: the same hits in the same
// slice, the same sum.
func checkScanValidSum(t *testing.T, m *Matcher, s string) {
	t.Helper()
	for _, prefix := range [][]ClassHit{nil, {{Class: 200, Start: 0, End: 90}}} {
		begun := Summary{Classes: ClassSet{1 << 3, 0, 1 << 9, 0}, Longest: 2}
		sum, ref := begun, begun
		dst := slices.Clip(slices.Clone(prefix))
		got := m.ScanValidInto(s, dst, &sum.Classes, &sum.Longest)
		want := m.scanClassesSum(s, dst, true, &ref)
		if !slices.Equal(got, want) || sum != ref || cap(got) != cap(want) {
			t.Fatalf("%q: ScanValidInto %v (cap %d), sum %+v; scanClassesSum %v (cap %d), sum %+v",
				s, got, cap(got), sum, want, cap(want), ref)
		}
	}
}

// TestScanValidSumMatchesRef holds scanValidSum to scanClassesSum in
// every way of scanning, the engine's (small and sums) among them: texts without a hit, with more transitions into outputs than
// pend holds, with characters it leaves to decode (two and four bytes
// wide), and ending in each.
func TestScanValidSumMatchesRef(t *testing.T) {
	pats := []string{"退款", "款", "好", "a", "ab", "é", "😀", "好😀", "é好", "申请退款"}
	classes := make([]Class, len(pats))
	for i := range classes {
		classes[i] = Class(i*37%200 + 1)
	}
	m, err := NewClassMatcher(pats, classes)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"", "x", "你们在吗", "我要申请退款", strings.Repeat("好", 40), strings.Repeat("ab", 30),
		"é", "好é好😀", "😀", "申请退款😀", "abé", strings.Repeat("é好😀a", 12), "退款é", "无关的话,没有词"}
	ways, restore := scanWays(m)
	defer restore()
	looped := false
	for _, set := range ways {
		set()
		looped = looped || m.small != nil && m.sums != nil
		for _, s := range texts {
			checkScanValidSum(t, m, s)
		}
	}
	if !looped {
		t.Fatal("no way with small and sums: the test does not reach scanValidSum's loop")
	}
}

// TestSparsePairSkip holds the sparse scan's step over two characters at
// the root, where the second is in no pattern (Matcher.noSingle), to the
// naive search and to the scan without it: matches that start on the
// first or the second character of a pair, at every offset after ASCII
// and an invalid sequence, ASCII amid the pairs stepped over (in no
// pattern, and starting one), and a one-character pattern that turns the
// step off.
func TestSparsePairSkip(t *testing.T) {
	sets := [][]string{
		{"收到了", "已收到", "到了", "顺丰"},
		{"中通", "通圆", "圆通快递", "EMS"},
		{"收到", "好"},
	}
	bodies := []string{
		"我已经收到了货，顺丰很快到了",
		"中通圆通快递通圆中通",
		"的的收到的的好的收到",
		"\xe0\x80\x80收到\xed\xa0\x80了已收到的",
		// ASCII amid pairs stepped over: in no pattern, and starting one.
		"的的ab的的的的EMS的的xEMS的的x收到了的的E的的MS",
		"的的的的[订单x]的的顺丰的的的的 a 顺丰x已收到的的的的",
	}
	for _, pats := range sets {
		m, err := NewMatcher(pats)
		if err != nil {
			t.Fatal(err)
		}
		if !m.sparse {
			t.Fatalf("%q: not sparse", pats)
		}
		single := false
		for _, p := range pats {
			single = single || utf8.RuneCountInString(p) == 1
		}
		if m.noSingle == single {
			t.Fatalf("%q: noSingle %v", pats, m.noSingle)
		}
		for _, b := range bodies {
			for pre := range 4 {
				s := strings.Repeat("x", pre) + b + strings.Repeat("的", pre)
				want := naiveScan(pats, s)
				got := m.Scan(s, nil)
				m.noSingle = false
				without := m.Scan(s, nil)
				m.noSingle = !single
				if !slices.Equal(got, want) || !slices.Equal(without, want) {
					t.Fatalf("%q in %q: got %v, without the step %v, naive %v", pats, s, got, without, want)
				}
			}
		}
	}
}

// TestScanNoHitsKeepsDst holds Scan's return without expand, for a text
// with no transition into outputs, to expand's: dst as it came, its hits
// and its array kept, also after a text with hits, every way of stepping.
func TestScanNoHitsKeepsDst(t *testing.T) {
	pats := []string{"收到了", "顺丰", "EMS"}
	m, err := NewMatcher(pats)
	if err != nil {
		t.Fatal(err)
	}
	ways, restore := scanWays(m)
	defer restore()
	for w, set := range ways {
		set()
		for _, s := range []string{"", "你好", "我的快递到哪里了", "收到", strings.Repeat("的", 40) + "EM"} {
			for _, pre := range []string{"", "顺丰", "收到了收到了顺丰EMS"} {
				dst := m.Scan(pre, make([]Hit, 0, 64))
				want := append(slices.Clone(dst), naiveScan(pats, s)...)
				got := m.Scan(s, dst)
				if !slices.Equal(got, want) || cap(got) != 64 || (len(got) > 0 && &got[0] != &dst[:1][0]) {
					t.Fatalf("way %d: %q after %q: got %v (cap %d), want %v in dst's array", w, s, pre, got, cap(got), want)
				}
			}
		}
	}
}

// TestValidClasses holds validClasses to the table it is made from: at
// the place runSmallValid reads for a three-byte character's bytes
// (b0's low four bits, b2, b1), every character's class; at an ASCII
// byte, the byte's. Every place of bmp holds a class of its own, so a
// character read at another's place fails.
func TestValidClasses(t *testing.T) {
	bmp := new([0x10000]uint16)
	for r := range bmp {
		bmp[r] = uint16(r*7 + 1)
	}
	v := validClasses(bmp)
	var b [utf8.UTFMax]byte
	for r := rune(0); r < 0x10000; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		var got uint16
		switch n := utf8.EncodeRune(b[:], r); n {
		case 1:
			got = v[b[0]]
		case 3:
			got = v[int(b[0]&0x0F)<<16|int(b[2])<<8|int(b[1])]
		default:
			continue // two-byte characters are left to decode
		}
		if got != bmp[r] {
			t.Fatalf("U+%04X: class %d, bmp's %d", r, got, bmp[r])
		}
	}
}

// scanEachRef is what ScanValidEach stands for: ScanValidInto on each
// text s[from:ends[0]], s[ends[0]:ends[1]], …, cutting its text and its
// hits (their capacity ending with them, left as they are when none).
func scanEachRef(m *Matcher, s string, from int, ends []int, texts []string, hits [][]ClassHit, dst []ClassHit, classes [][4]uint64, longest *int32) []ClassHit {
	for i, end := range ends {
		t := s[from:end]
		from = end
		texts[i] = t
		n := len(dst)
		dst = m.ScanValidInto(t, dst, (*ClassSet)(&classes[i]), longest)
		if len(dst) > n {
			hits[i] = dst[n:len(dst):len(dst)]
		}
	}
	return dst
}

// checkEach holds ScanValidEach to scanEachRef on the valid texts msgs,
// cut from one string after a head that is no text of theirs, with hits
// already in dst or none, classes and a longest hit already begun, and
// hits of texts that have none set beforehand (to be left so): the same
// texts, hits (and their capacities), classes, longest hit and dst.
func checkEach(t *testing.T, m *Matcher, msgs []string) {
	t.Helper()
	head := "头x"
	all, ends := head, make([]int, len(msgs))
	for i, s := range msgs {
		all += s
		ends[i] = len(all)
	}
	for _, prefix := range [][]ClassHit{nil, {{Class: 200, Start: 0, End: 90}}} {
		type run struct {
			texts   []string
			hits    [][]ClassHit
			classes [][4]uint64
			longest int32
			dst     []ClassHit
		}
		start := func() *run {
			r := &run{texts: make([]string, len(msgs)+1), hits: make([][]ClassHit, len(msgs)+1), classes: make([][4]uint64, len(msgs)+1), longest: 2}
			for i := range r.hits {
				r.hits[i] = []ClassHit{{Class: 77, Start: int32(i), End: 99}}
				r.classes[i] = [4]uint64{uint64(i) << 5, 0, 1 << 9, 0}
			}
			return r
		}
		got, want := start(), start()
		got.dst = m.ScanValidEach(all, len(head), ends, got.texts, got.hits, slices.Clip(slices.Clone(prefix)), got.classes, &got.longest)
		want.dst = scanEachRef(m, all, len(head), ends, want.texts, want.hits, slices.Clip(slices.Clone(prefix)), want.classes, &want.longest)
		if !slices.Equal(got.dst, want.dst) || cap(got.dst) != cap(want.dst) || got.longest != want.longest ||
			!slices.Equal(got.texts, want.texts) || !slices.Equal(got.classes, want.classes) {
			t.Fatalf("%q: ScanValidEach %v (cap %d), longest %d, texts %q, classes %v; ScanValidInto's loop %v (cap %d), longest %d, texts %q, classes %v",
				msgs, got.dst, cap(got.dst), got.longest, got.texts, got.classes, want.dst, cap(want.dst), want.longest, want.texts, want.classes)
		}
		for i := range got.hits {
			if !slices.Equal(got.hits[i], want.hits[i]) || cap(got.hits[i]) != cap(want.hits[i]) {
				t.Fatalf("%q: text %d: ScanValidEach's hits %v (cap %d), ScanValidInto's loop's %v (cap %d)",
					msgs, i, got.hits[i], cap(got.hits[i]), want.hits[i], cap(want.hits[i]))
			}
		}
	}
}

// splitRunes cuts s into texts of at most n characters each, with an
// empty text between every two, for checkEach.
func splitRunes(s string, n int) []string {
	out := []string{""}
	for s != "" {
		i, k := 0, 0
		for i < len(s) && k < n {
			_, w := utf8.DecodeRuneInString(s[i:])
			i += w
			k++
		}
		out = append(out, s[:i], "")
		s = s[i:]
	}
	return out
}

// TestScanValidEachMatchesRef holds ScanValidEach to the loop of
// ScanValidInto it stands for (scanEachRef) in every way of scanning,
// the engine's (small and sums) among them: a conversation of texts
// without a hit, with more transitions into outputs than pend holds,
// with characters left to decode, empty, and none at all.
func TestScanValidEachMatchesRef(t *testing.T) {
	pats := []string{"退款", "款", "好", "a", "ab", "é", "😀", "好😀", "é好", "申请退款", "aaaa"}
	classes := make([]Class, len(pats))
	for i := range classes {
		classes[i] = Class(i*37%200 + 1)
	}
	m, err := NewClassMatcher(pats, classes)
	if err != nil {
		t.Fatal(err)
	}
	convs := [][]string{
		nil,
		{""},
		{"x"},
		{"你们在吗", "", "我要申请退款", strings.Repeat("好", 40), "无关的话,没有词"},
		{strings.Repeat("ab", 30), "é", "好é好😀", "😀", strings.Repeat("a", 50), "申请退款😀", "abé"},
		{strings.Repeat("é好😀a", 12), "退款é", "", "", "好"},
		splitRunes("我要申请退款好😀abé好aaaaab", 2),
	}
	ways, restore := scanWays(m)
	defer restore()
	looped := false
	for _, set := range ways {
		set()
		looped = looped || m.small != nil && m.sums != nil
		for _, msgs := range convs {
			checkEach(t, m, msgs)
		}
	}
	if !looped {
		t.Fatal("no way with small and sums: the test does not reach ScanValidEach's loop")
	}
}
