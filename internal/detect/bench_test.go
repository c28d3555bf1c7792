package detect

import (
	"errors"
	"io"
	"os"
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
	fh, err := os.Open(path)
	if err != nil {
		b.Skipf("shared data absent: %v", err)
	}
	defer fh.Close()
	rd, err := ingest.Open(path, fh, ingest.Options{Format: ingest.FormatJDDC})
	if err != nil {
		b.Fatal(err)
	}
	var convs []*conversation.Conversation
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		convs = append(convs, c)
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
