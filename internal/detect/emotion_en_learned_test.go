package detect

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
	"fullqa/internal/text"
)

// englishEngine returns an engine with the emotion detector alone, the
// real emotion model and the embedded English scorer, as the product has
// them.
func englishEngine(t testing.TB) (*Engine, *emotionDetector) {
	t.Helper()
	m, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	d := newEmotionDetector(testConfig(t).Emotion, testConfig(t).Threat, testLexicon(t))
	eng, err := NewEngine([]Detector{d}, m)
	if err != nil {
		t.Fatal(err)
	}
	if d.enModel == nil {
		t.Fatal("the emotion detector does not carry the embedded English scorer")
	}
	return eng, d
}

// TestEmbeddedEnglishWeights: the shipped weights load, with a probability
// for a threshold, the table size the features hash into, and the source
// they were trained on.
func TestEmbeddedEnglishWeights(t *testing.T) {
	l, err := classify.DecodeLinear(embeddedEnglishNegative)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.W) != 1<<NegativeBits || !(l.Threshold > 0 && l.Threshold < 1) || !slices.Equal(l.Sources, []string{"twcs"}) {
		t.Errorf("weights: %d buckets, threshold %v, sources %v; want %d, a probability, [twcs]", len(l.W), l.Threshold, l.Sources, 1<<NegativeBits)
	}
	if _, err := loadEnglishNegative(); err != nil {
		t.Error(err)
	}
}

// TestEnglishNegativeScoreAllocs: scoring an English message allocates
// nothing (the rules, which do, are read before), the scan's probability
// is the trainer's to the bit, EnglishNegativeFeatures sees exactly the
// features the detector scores, and a Chinese message is never read.
func TestEnglishNegativeScoreAllocs(t *testing.T) {
	eng, d := englishEngine(t)
	c := &conversation.Conversation{ID: "a", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "@shopcare my parcel was due MONDAY and tracking hasn't moved 🙄 What is going on?"},
		{Role: conversation.RoleAgent, Text: "@cust1 Sorry to hear that! Please DM us your order number. ^JS"},
		{Role: conversation.RoleCustomer, Text: "@shopcare Done. This is the third time this has happened this year."},
		{Role: conversation.RoleCustomer, Text: "快递到哪了"},
	}}
	in, _ := eng.Inspect(c, nil)
	var ws waits
	var st negState
	var f negFeats
	parts := d.enParts(in, 0, &ws)
	allocs := testing.AllocsPerRun(100, func() {
		st = negState{}
		d.enNegFeatures(in, 0, parts, &st, &f)
		_ = d.enModel.prob(&f)
	})
	if allocs != 0 {
		t.Errorf("scoring an English message allocates %.0f times, want 0", allocs)
	}

	l, err := classify.DecodeLinear(embeddedEnglishNegative)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	var st2 negState
	var f2 negFeats
	var ws2 waits
	eng.EnglishNegativeFeatures(in, func(msg int, english, rule bool, idx []uint32, val []float32) {
		seen = append(seen, msg)
		if english != (msg != 3) {
			t.Errorf("message %d: english %v", msg, english)
		}
		if !english {
			if idx != nil {
				t.Errorf("message %d: a Chinese message has %d English features", msg, len(idx))
			}
			return
		}
		neg, p, _ := d.decideEnglish(in, msg, &ws2, &st2, &f2)
		if !slices.Equal(idx, f2.idx[:f2.n]) || !slices.Equal(val, f2.val[:f2.n]) {
			t.Errorf("message %d: EnglishNegativeFeatures and the detector disagree", msg)
		}
		if q := l.Prob(idx, val); math.Float32bits(q) != math.Float32bits(p) {
			t.Errorf("message %d: scan probability %v, trainer's %v", msg, p, q)
		}
		if neg != (rule || p >= l.Threshold) {
			t.Errorf("message %d: decided %v, want rules %v or %v >= %v", msg, neg, rule, p, l.Threshold)
		}
	})
	if !slices.Equal(seen, []int{0, 2, 3}) {
		t.Errorf("EnglishNegativeFeatures saw messages %v, want the customer's 0, 2, 3", seen)
	}
}

// TestEnglishScorerLeavesChinese: the English scorer changes nothing on a
// Chinese chat (the scan's output stays byte-identical).
func TestEnglishScorerLeavesChinese(t *testing.T) {
	eng, d := englishEngine(t)
	c := &conversation.Conversation{ID: "z", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "我的快递到哪了，都三天了还没发货"},
		{Role: conversation.RoleAgent, Text: "您好，请提供订单号"},
		{Role: conversation.RoleCustomer, Text: "你们这服务太差了，真让人失望 OK?"},
		{Role: conversation.RoleAgent, Text: "请提供订单号"},
	}}
	_, with := eng.Inspect(c, nil)
	m := d.enModel
	d.enModel = nil
	_, without := eng.Inspect(c, nil)
	d.enModel = m
	if len(with.Findings) == 0 || !slices.EqualFunc(with.Findings, without.Findings, func(a, b conversation.Finding) bool {
		return a.Code == b.Code && a.Severity == b.Severity && slices.Equal(a.Messages, b.Messages) && a.Detail == b.Detail
	}) {
		t.Errorf("findings with the English scorer %+v, without %+v", with.Findings, without.Findings)
	}
}

// TestEnWordsAsSentences: enWords reads the words enSentences reads (with
// their contractions written out there), in order, without the "?" marks.
func TestEnWordsAsSentences(t *testing.T) {
	for _, s := range []string{
		"@shopcare i don’t think so, it's 6.50 &amp; rising!! https://t.co/x ^js",
		"'quoted' words... and can't won't (brackets): ok?", "", "@only @handles", "a\nb;c,d",
	} {
		if got, want := enWordList(s), sentenceWords(s); !slices.Equal(got, want) {
			t.Errorf("%q: enWords %q, enSentences %q", s, got, want)
		}
	}
}

// enWordList is what enWords reads of s, contractions written out as
// enSentences writes them.
func enWordList(s string) []string {
	var out []string
	t := enWords{s: s}
	for {
		w, _, ok := t.next()
		if !ok {
			return out
		}
		w = strings.ReplaceAll(w, "’", "'")
		if ex, ok := contractions[w]; ok {
			out = append(out, ex...)
		} else {
			out = append(out, w)
		}
	}
}

// sentenceWords is the words of enSentences(s), without the "?" marks.
func sentenceWords(s string) []string {
	var out []string
	for _, sent := range enSentences(s) {
		for _, cl := range sent {
			for _, w := range cl {
				if w.w != "?" {
					out = append(out, w.w)
				}
			}
		}
	}
	return out
}

// FuzzEnglishNegFeatures: any English customer text is featurized within
// the buffer and scored to a probability, and enWords reads what
// enSentences reads.
func FuzzEnglishNegFeatures(f *testing.F) {
	for _, s := range []string{"@shopcare I did.", "WORST. SERVICE. EVER 😡😡", "Fix it.", "don’t ’’ '' &amp;", "\xff\xfe hello there", "😂🙄👍 thanks a lot", "1.2.3 ... ???!!!"} {
		f.Add(s)
	}
	eng, d := englishEngine(f)
	f.Fuzz(func(t *testing.T, raw string) {
		if norm := text.Normalize(raw); !slices.Equal(enWordList(norm), sentenceWords(norm)) {
			t.Fatalf("%q: enWords %q, enSentences %q", norm, enWordList(norm), sentenceWords(norm))
		}
		c := &conversation.Conversation{ID: "f", Messages: []conversation.Message{
			{Role: conversation.RoleAgent, Text: "@cust Sorry! Can you DM us?"}, {Role: conversation.RoleCustomer, Text: raw}}}
		in, _ := eng.Inspect(c, nil)
		eng.EnglishNegativeFeatures(in, func(msg int, english, rule bool, idx []uint32, val []float32) {
			if len(idx) > maxNegFeats || len(idx) != len(val) {
				t.Fatalf("%d features, %d values", len(idx), len(val))
			}
			if english {
				var f negFeats
				f.n = copy(f.idx[:], idx)
				copy(f.val[:], val)
				if p := d.enModel.prob(&f); !(p >= 0 && p <= 1) {
					t.Fatalf("probability %v", p)
				}
			}
		})
	})
}

// BenchmarkEnglishNegative inspects the English Twitter support threads
// of the shared data with the emotion detector, with the learned English
// scorer and without it (the English rules alone), to show what the
// scorer costs; it is skipped without ../shared.
func BenchmarkEnglishNegative(b *testing.B) {
	var convs []*conversation.Conversation
	path := filepath.Join("..", "..", "..", "shared", "data", "twcs", "twcs_head.csv")
	_ = ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatTWCS}, func(c *conversation.Conversation) error {
		convs = append(convs, c)
		return nil
	})
	if len(convs) == 0 {
		b.Skip("no shared data")
	}
	eng, d := englishEngine(b)
	m := d.enModel
	for _, tc := range []struct {
		name  string
		model *learnedNegative
	}{{"rules", nil}, {"learned", m}} {
		b.Run(tc.name, func(b *testing.B) {
			d.enModel = tc.model
			defer func() { d.enModel = m }()
			var s Scratch
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				eng.Inspect(convs[i%len(convs)], &s)
			}
		})
	}
}
