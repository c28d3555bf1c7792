package detect

import (
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

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
	eng, err := NewEngine(pick(Registry(DefaultConfig(), testLexicon(b))), nil)
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
