package detect

import (
	"testing"

	"fullqa/internal/classify"
)

// BenchmarkRegistry measures the full detector registry over the JDDC dev
// chats, the per-conversation cost the scan's throughput target rests on.
func BenchmarkRegistry(b *testing.B) {
	benchDetectors(b, func(all []Detector) []Detector { return all })
}

// BenchmarkResponseOnly is the baseline: the engine with the response
// detector alone, to see what the keyword detectors add.
func BenchmarkResponseOnly(b *testing.B) {
	benchDetectors(b, func(all []Detector) []Detector { return all[:1] })
}

func benchDetectors(b *testing.B, pick func([]Detector) []Detector) {
	benchEngine(b, pick, nil)
}

// benchEngine inspects the JDDC dev chats one at a time with the picked
// detectors and the emotion model emo (nil: none).
func benchEngine(b *testing.B, pick func([]Detector) []Detector, emo EmotionModel) {
	convs := jddcConvs(b)
	eng, err := NewEngine(pick(Registry(DefaultConfig(), testLexicon(b))), emo)
	if err != nil {
		b.Fatal(err)
	}
	var s Scratch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		eng.Inspect(convs[i%len(convs)], &s)
	}
}

// scoreOnly hides every method of an emotion model but scoring, so the
// engine runs the rules without the learned negative-emotion scorer.
type scoreOnly struct{ m EmotionModel }

func (s scoreOnly) Score(text, prevAgent, prevCustomer string) (string, float32, float32) {
	return s.m.Score(text, prevAgent, prevCustomer)
}

// BenchmarkEmotionLearned measures the emotion detector with the embedded
// model over the JDDC dev chats, with the rules alone and with the learned
// negative-emotion scorer, per conversation (allocations included: the
// scorer must add none).
func BenchmarkEmotionLearned(b *testing.B) {
	m, err := classify.LoadEmotion()
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		emo  EmotionModel
	}{{"rules", scoreOnly{m}}, {"learned", m}} {
		b.Run(tc.name, func(b *testing.B) {
			benchEngine(b, func(all []Detector) []Detector { return all[1:2] }, tc.emo)
		})
	}
}

// noEnding hides the ending classifier of an emotion model, keeping its
// scoring sessions and the learned negative-emotion scorer.
type noEnding struct{ m *classify.Emotion }

func (s noEnding) Score(text, prevAgent, prevCustomer string) (string, float32, float32) {
	return s.m.Score(text, prevAgent, prevCustomer)
}

func (s noEnding) Session() func(text, prevAgent, prevCustomer string) (string, float32, float32) {
	return s.m.Session()
}

func (s noEnding) NegativeWeights() ([]float32, float32, float32) { return s.m.NegativeWeights() }

func (s noEnding) NegativeStacked() bool { return s.m.NegativeStacked() }

// BenchmarkEnding measures the full registry with the embedded model over
// the JDDC dev chats, with the resolution rules alone and with the learned
// conversation-ending classifier, per conversation (allocations included:
// the classifier must add none).
func BenchmarkEnding(b *testing.B) {
	m, err := classify.LoadEmotion()
	if err != nil {
		b.Fatal(err)
	}
	all := func(d []Detector) []Detector { return d }
	b.Run("rules", func(b *testing.B) { benchEngine(b, all, noEnding{m}) })
	b.Run("learned", func(b *testing.B) { benchEngine(b, all, m) })
}

// BenchmarkEndingClassifier measures the ending classifier alone — its
// features and the three class scores — per JDDC dev conversation, the
// detectors' work done beforehand.
func BenchmarkEndingClassifier(b *testing.B) {
	m, err := classify.LoadEmotion()
	if err != nil {
		b.Fatal(err)
	}
	convs := jddcConvs(b)
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(b)), m)
	if err != nil {
		b.Fatal(err)
	}
	d := detectorOf[*resolutionDetector](eng)
	if d == nil || eng.end == nil {
		b.Skip("no ending classifier")
	}
	ins := make([]*Input, len(convs))
	outs := make([]Output, len(convs))
	for i, c := range convs {
		ins[i], outs[i] = eng.Inspect(c, &Scratch{})
	}
	var f endFeats
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := i % len(convs)
		d.endFeatures(ins[k], &outs[k], whyNone, &f)
		eng.end.probs(&f)
	}
}
