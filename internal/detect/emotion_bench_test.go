package detect

import (
	"fmt"
	"math"
	"testing"
	"unicode/utf8"

	"fullqa/internal/classify"
)

// BenchmarkEmotionInspect measures the emotion detector alone (the rules,
// the learned negative-emotion features and score, findings) per JDDC dev
// conversation, on Inputs the full registry prepared beforehand with the
// embedded model (normalization, shared hits, per-message emotions): the
// detector's own share of a scan's cost, without the engine's or the
// emotion model's.
func BenchmarkEmotionInspect(b *testing.B) {
	m, err := classify.LoadEmotion()
	if err != nil {
		b.Fatal(err)
	}
	benchDetectorAlone(b, m, func(d Detector) bool { _, ok := d.(*emotionDetector); return ok })
}

// benchDetectorAlone times the one detector of the default registry that
// pick chooses, per JDDC dev conversation, on Inputs the full registry
// prepared beforehand with model (nil: none), so only that detector's own
// work and allocations are measured. Every conversation keeps its own
// scratch, so its Input stays valid while the others are inspected.
func benchDetectorAlone(b *testing.B, model EmotionModel, pick func(Detector) bool) {
	convs := jddcConvs(b)
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(b)), model)
	if err != nil {
		b.Fatal(err)
	}
	var d Detector
	for _, det := range eng.Detectors() {
		if pick(det) {
			d = det
		}
	}
	if d == nil {
		b.Fatal("the detector is not in the registry")
	}
	sc := make([]Scratch, len(convs))
	ins := make([]*Input, len(convs))
	for k, c := range convs {
		ins[k], _ = eng.Inspect(c, &sc[k])
	}
	var out Output
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out.Findings = out.Findings[:0]
		d.Inspect(ins[i%len(ins)], &out)
	}
}

// TestMoreRunes checks moreRunes against utf8.RuneCountInString around the
// lengths its shortcuts decide, with broken UTF-8 (one rune a bad byte).
func TestMoreRunes(t *testing.T) {
	for _, s := range []string{
		"", "好", "好的谢谢", "好的，谢谢", "好的好的好的", "好的好的好的好", "abcdef", "abcdefg",
		"\xff\xff\xff\xff\xff\xff", "\xff\xff\xff\xff\xff\xff\xff", "\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600",
		"\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600\U0001F600a", "没有了，谢谢", "没有了，谢谢啊",
	} {
		for n := 0; n <= 8; n++ {
			if got, want := moreRunes(s, n), utf8.RuneCountInString(s) > n; got != want {
				t.Errorf("moreRunes(%q, %d) = %v, want %v", s, n, got, want)
			}
		}
	}
}

// TestRound2Any checks round2Any against boxing round2's value, bit for
// bit, on every hundredth, around each rounding edge, and outside 0…1.
func TestRound2Any(t *testing.T) {
	d := newEmotionDetector(DefaultEmotionConfig(), nil, nil)
	vs := []float64{-1, -0.005, -0.0049, 1.004, 1.005, 1.5, 2, math.NaN(), math.Inf(1), math.Inf(-1)}
	for k := 0; k <= 100; k++ {
		x := float64(k) / 100
		vs = append(vs, x, math.Nextafter(x, -1), math.Nextafter(x, 2), x+0.005, x-0.005, math.Nextafter(x+0.005, -1), float64(float32(x)))
	}
	for _, v := range vs {
		got, ok := d.round2Any(v).(float64)
		if want := round2(v); !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("round2Any(%v) = %v, want %v", v, got, want)
		}
	}
}

// TestRiseDetail checks riseDetail against the fmt.Sprintf it stands for.
func TestRiseDetail(t *testing.T) {
	vs := []float64{0, 0.005, 0.0049999, 0.125, 0.135, 0.99, 0.995, 0.9999, 1, -0.001, math.NaN(), math.Inf(1)}
	for k := 0; k <= 1000; k++ {
		vs = append(vs, float64(k)/1000, float64(float32(k)/1000))
	}
	for i, a := range vs {
		b := vs[(i*7+3)%len(vs)]
		if got, want := riseDetail(a, b), fmt.Sprintf("negative emotion rose from %.2f to %.2f", a, b); got != want {
			t.Errorf("riseDetail(%v, %v) = %q, want %q", a, b, got, want)
		}
	}
}

// bareMarksRange is bareMarks as first written, over range's runes: the
// reference of FuzzBareMarks.
func bareMarksRange(s string) (q, dots bool) {
	stops := 0
	for _, r := range s {
		switch r {
		case '?':
			q = true
		case '…':
			stops += 2
		case '.', '。':
			stops++
		case ' ', '!', '~':
		default:
			return false, false
		}
	}
	return q, !q && stops >= 2
}

// FuzzBareMarks checks bareMarks (bytes read, the three-byte marks by
// prefix) against bareMarksRange on any text, the marks' bytes cut short
// and invalid UTF-8 included.
func FuzzBareMarks(f *testing.F) {
	for _, s := range append([]string{"?", "??", "? ?", "。。。", "…", "...", ".", "。", "…?", "~!", " . 。", "。。好", "…\xe2\x80", "\xe3\x80", "\xe2\x80\xa6\xe2", "?\xff", "？", "．．"}, endingFuzzSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, d := bareMarks(s)
		if wq, wd := bareMarksRange(s); q != wq || d != wd {
			t.Fatalf("bareMarks(%q) = %v, %v; want %v, %v", s, q, d, wq, wd)
		}
	})
}

// greetingRange is greeting as first written, over range's runes: the
// reference of FuzzGreeting.
func greetingRange(d *emotionDetector, in *Input, i int) (only, found bool) {
	norm := in.Norm[i]
	if len(norm) > presenceMaxBytes {
		return false, false
	}
	hs := in.allHits(i)
	may := in.may(i, d.presence)
	for k, r := range norm {
		covered := false
		for _, h := range hs {
			if !may {
				break
			}
			if h.Class == d.presence && int(h.Start) <= k && k < int(h.End) {
				covered = true
				break
			}
		}
		switch {
		case covered:
			found = true
		case !presenceFiller(r):
			return false, false
		}
	}
	return true, found
}

// FuzzGreeting checks greeting (its characters decoded inline) against
// greetingRange on any text, with a hit of the presence class (or of
// another) over any of its bytes, and with presence bits that have it or
// not.
func FuzzGreeting(f *testing.F) {
	for i, s := range append([]string{"你好", "在吗?", "亲 在吗", "人呢???", "您好在", "你好\xe4\xbd", "在\xed\xa0\x80", "好。…~", "你们好啊呀呢哦嘛"}, endingFuzzSeeds...) {
		f.Add(s, uint8(i), uint8(3*i), uint8(i%4))
	}
	f.Fuzz(func(t *testing.T, s string, a, b, mode uint8) {
		d := &emotionDetector{presence: 2}
		var hs []KeywordHit
		if n := len(s); n > 0 {
			start := int(a) % n
			end := min(n, start+int(b)%8)
			class := d.presence
			if mode&1 != 0 {
				class = 5
			}
			hs = []KeywordHit{{Class: class, Start: int32(start), End: int32(end)}}
		}
		in := &Input{Norm: []string{s}, Hits: [][]KeywordHit{hs}}
		if mode&2 != 0 {
			in.present = make([][presentWords]uint64, 1) // no presence word
		}
		only, found := d.greeting(in, 0)
		if wo, wf := greetingRange(d, in, 0); only != wo || found != wf {
			t.Fatalf("greeting(%q, hits %v, mode %d) = %v, %v; want %v, %v", s, hs, mode, only, found, wo, wf)
		}
	})
}
