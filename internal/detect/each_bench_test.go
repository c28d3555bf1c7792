package detect

import (
	"testing"

	"fullqa/internal/classify"
)

// BenchmarkDetectorEach measures each detector's Inspect alone over the
// JDDC dev chats with the embedded model, per conversation: the engine's
// shared analyses (normalizing, the matcher, rounds, emotions) are done
// beforehand, once per chat, so what remains is the detector's own cost.
func BenchmarkDetectorEach(b *testing.B) {
	m, err := classify.LoadEmotion()
	if err != nil {
		b.Fatal(err)
	}
	convs := jddcConvs(b)
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(b)), m)
	if err != nil {
		b.Fatal(err)
	}
	ins := make([]*Input, len(convs))
	for i, c := range convs {
		ins[i], _ = eng.Inspect(c, &Scratch{})
	}
	for _, d := range eng.Detectors() {
		b.Run(d.Name(), func(b *testing.B) {
			var sl slabs
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				in := ins[i%len(ins)]
				in.firsts = nil
				out := Output{slabs: &sl}
				d.Inspect(in, &out)
			}
		})
	}
}
