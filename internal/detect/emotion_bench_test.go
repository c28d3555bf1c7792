package detect

import (
	"testing"

	"fullqa/internal/classify"
)

// BenchmarkEmotionInspect measures the emotion detector alone (the rules,
// the learned negative-emotion features and score, findings) per JDDC dev
// conversation, on Inputs the full registry prepared beforehand with the
// embedded model (normalization, shared hits, per-message emotions): the
// detector's own share of a scan's cost, without the engine's or the
// emotion model's.
func BenchmarkEmotionInspect(b *testing.B) {
	convs := jddcConvs(b)
	m, err := classify.LoadEmotion()
	if err != nil {
		b.Fatal(err)
	}
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(b)), m)
	if err != nil {
		b.Fatal(err)
	}
	var d *emotionDetector
	for _, det := range eng.Detectors() {
		if ed, ok := det.(*emotionDetector); ok {
			d = ed
		}
	}
	if d == nil {
		b.Fatal("no emotion detector in the registry")
	}
	// Every conversation keeps its own scratch, so its Input stays valid
	// and only the emotion detector is timed.
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
