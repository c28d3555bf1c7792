package detect

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
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
	path := filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv")
	var convs []*conversation.Conversation
	err := ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJDDC}, func(c *conversation.Conversation) error {
		convs = append(convs, c)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		b.Skipf("shared data absent: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
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
