package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/text"
)

// BenchmarkLexiconMatcher measures the shared matcher over the normalized
// JDDC chat text with the real word lists: the response detector's alone
// and every list the registry registers.
func BenchmarkLexiconMatcher(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		b.Skipf("shared data absent: %v", err)
	}
	var sb strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		if i := strings.LastIndexByte(line, '\t'); i >= 0 {
			sb.WriteString(text.Normalize(line[i+1:]))
			sb.WriteByte('\n')
		}
	}
	corpus := sb.String()
	all := Registry(DefaultConfig(), testLexicon(b))
	for _, set := range []struct {
		name string
		dets []Detector
	}{{"response", all[:1]}, {"all", all}} {
		eng, err := NewEngine(set.dets, nil)
		if err != nil {
			b.Fatal(err)
		}
		m := eng.matcher
		b.Run(set.name, func(b *testing.B) {
			b.SetBytes(int64(len(corpus)))
			var hits []text.Hit
			for i := 0; i < b.N; i++ {
				hits = m.Scan(corpus, hits[:0])
			}
			b.ReportMetric(float64(m.Patterns()), "patterns")
			b.ReportMetric(float64(m.States()), "states")
			b.ReportMetric(float64(len(hits))/float64(len(corpus))*1000, "hits/KB")
		})
		// Message by message.
		lines := strings.Split(corpus, "\n")
		b.Run(set.name+"-messages", func(b *testing.B) {
			b.SetBytes(int64(len(corpus)))
			var hits []text.Hit
			for i := 0; i < b.N; i++ {
				for _, l := range lines {
					hits = m.Scan(l, hits[:0])
				}
			}
		})
		// As the engine scans: message by message, hits by class into
		// one slice per conversation (here per pass), summed up.
		if m.HasSummary() {
			b.Run(set.name+"-summary", func(b *testing.B) {
				b.SetBytes(int64(len(corpus)))
				var hits []text.ClassHit
				for i := 0; i < b.N; i++ {
					hits = hits[:0]
					for _, l := range lines {
						var sum text.Summary
						hits = m.ScanValidSummary(l, hits, &sum)
					}
				}
			})
		}
	}
}

// BenchmarkLexiconMatcherBuild measures compiling every list the registry
// registers into the shared matcher, which each scan, serve and test engine
// pays once.
func BenchmarkLexiconMatcherBuild(b *testing.B) {
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(b)), nil)
	if err != nil {
		b.Fatal(err)
	}
	pats := make([]string, eng.matcher.Patterns())
	for i := range pats {
		pats[i] = eng.matcher.Pattern(int32(i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := text.NewMatcher(pats)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.Slots()), "slots")
	}
}
