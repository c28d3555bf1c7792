package detect

import "testing"

// BenchmarkPromiseInspect measures the promise detector alone — rules,
// learned score, findings and conflict checks — per JDDC dev conversation,
// on Inputs the full registry prepared beforehand (normalization, the
// shared matcher's hits): the detector's own share of a scan's cost and
// allocations, without the engine's.
func BenchmarkPromiseInspect(b *testing.B) {
	convs := jddcConvs(b)
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(b)), nil)
	if err != nil {
		b.Fatal(err)
	}
	var d *promiseDetector
	for _, det := range eng.Detectors() {
		if pd, ok := det.(*promiseDetector); ok {
			d = pd
		}
	}
	if d == nil {
		b.Fatal("no promise detector in the registry")
	}
	// Every conversation keeps its own scratch, so its Input stays valid
	// and only the promise detector is timed.
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
