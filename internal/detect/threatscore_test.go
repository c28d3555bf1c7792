package detect

import (
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// threatBenchConvs reads the training-only synthetic threat conversations:
// almost every customer message in them has a threat word or cue, so the
// learned scorer runs on most of them (the worst case for its cost).
func threatBenchConvs(tb testing.TB) []*conversation.Conversation {
	tb.Helper()
	var convs []*conversation.Conversation
	path := filepath.Join("..", "classify", "traindata", "threats.jsonl")
	err := ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJSONL}, func(c *conversation.Conversation) error {
		convs = append(convs, c)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return convs
}

// BenchmarkThreatLearned measures the threat detector per conversation
// with the rules alone and with the learned scorer (allocations included:
// the scorer must add none), on the synthetic threat chats (the scorer's
// worst case) and on the JDDC dev chats when the shared data is there.
func BenchmarkThreatLearned(b *testing.B) {
	sets := map[string][]*conversation.Conversation{"synthetic": threatBenchConvs(b)}
	path := filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv")
	_ = ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJDDC}, func(c *conversation.Conversation) error {
		sets["jddc"] = append(sets["jddc"], c)
		return nil
	})
	lex := testLexicon(b)
	for _, tc := range []struct {
		name  string
		model *ThreatModel
	}{{"synthetic/rules", nil}, {"synthetic/learned", testConfig(b).Threat}, {"jddc/rules", nil}, {"jddc/learned", testConfig(b).Threat}} {
		set, _, _ := strings.Cut(tc.name, "/")
		convs := sets[set]
		if len(convs) == 0 {
			continue // no shared data
		}
		b.Run(tc.name, func(b *testing.B) {
			eng, err := NewEngine([]Detector{newThreatDetector(tc.model, lex)}, nil)
			if err != nil {
				b.Fatal(err)
			}
			var s Scratch
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				eng.Inspect(convs[i%len(convs)], &s)
			}
		})
	}
}

// TestThreatScoreAllocs: scoring a message allocates nothing (the features
// live in a fixed buffer), and ThreatFeatures sees exactly the messages
// and features the detector scores.
func TestThreatScoreAllocs(t *testing.T) {
	cfg := testConfig(t)
	d := newThreatDetector(cfg.Threat, testLexicon(t))
	eng, err := NewEngine([]Detector{d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &conversation.Conversation{ID: "a", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "再不处理，我就把聊天截图发到网上，@北京市场监管 看看"},
	}}
	in, _ := eng.Inspect(c, nil)
	if !d.t.threatGated(in, 0) {
		t.Fatal("a message with escalation cues is not read by the scorer")
	}
	var f ThreatFeats
	allocs := testing.AllocsPerRun(100, func() {
		d.t.threatFeatures(in, 0, false, &f)
		_ = d.model.Prob(f.idx[:f.n], f.val[:f.n])
	})
	if allocs != 0 {
		t.Errorf("scoring a message allocates %.0f times, want 0", allocs)
	}
	n := 0
	eng.ThreatFeatures(in, func(msg int, rule, gated bool, idx []uint32, val []float32) {
		n++
		if !gated || len(idx) != f.n || len(val) != f.n {
			t.Errorf("ThreatFeatures: message %d gated %v with %d features, want the detector's %d", msg, gated, len(idx), f.n)
		}
	})
	if n != 1 {
		t.Errorf("ThreatFeatures saw %d customer messages, want 1", n)
	}
}

// FuzzThreatFeatures: any customer text is featurized within the buffer
// and scored to a probability, without panicking.
func FuzzThreatFeatures(f *testing.F) {
	for _, s := range []string{"", "@", "@@@@", "再不处理我就@人民日报", "我就发到网上!!!", "投诉过", "不会给差评的？", "\xff@\xfe市场监管"} {
		f.Add(s)
	}
	cfg := testConfig(f)
	d := newThreatDetector(cfg.Threat, testLexicon(f))
	eng, err := NewEngine([]Detector{d}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c := &conversation.Conversation{ID: "f", Messages: []conversation.Message{
			{Role: conversation.RoleAgent, Text: "亲，可以投诉"}, {Role: conversation.RoleCustomer, Text: text}}}
		in, _ := eng.Inspect(c, nil)
		eng.ThreatFeatures(in, func(msg int, rule, gated bool, idx []uint32, val []float32) {
			if len(idx) > maxThreatFeats {
				t.Fatalf("%d features", len(idx))
			}
			if p := d.model.Prob(idx, val); !(p >= 0 && p <= 1) {
				t.Fatalf("probability %v", p)
			}
		})
	})
}
