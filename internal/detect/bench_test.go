package detect

import (
	"os"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// BenchmarkRegistryJDDC measures all registered detectors over the JDDC dev chats.
func BenchmarkRegistryJDDC(b *testing.B) {
	fh, err := os.Open("/work/shared/data/jddc/jddc_dev.tsv")
	if err != nil {
		b.Skip()
	}
	rd, _ := ingest.Open("x.tsv", fh, ingest.Options{Format: ingest.FormatJDDC})
	var convs []*conversation.Conversation
	for {
		c, err := rd.Next()
		if err != nil {
			break
		}
		convs = append(convs, c)
	}
	dets := Registry(DefaultConfig(), testLexicon(b))
	if only := os.Getenv("FULLQA_BENCH_DETECTORS"); only != "" {
		dets, _ = Select(dets, only)
	}
	eng, _ := NewEngine(dets, nil)
	s := &Scratch{}
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		eng.Inspect(convs[n%len(convs)], s)
	}
}
