package report

import "testing"

// BenchmarkAppendData encodes only the findings' Data of the JDDC sample's
// scan results, as appendFindingOf does: what a typed Data (no map to walk,
// sort and switch on) could save of the encoding, per conversation.
//
//	go test ./internal/report -run '^$' -bench AppendData -benchtime 200x
func BenchmarkAppendData(b *testing.B) {
	res := scannedResults(b)
	var buf []byte
	maps := 0
	for _, r := range res {
		for _, f := range r.Findings {
			if len(f.Data) > 0 {
				maps++
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range res {
			buf = buf[:0]
			for _, f := range r.Findings {
				if len(f.Data) > 0 {
					buf = appendAny(buf, f.Data)
				}
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(res)), "ns/conv")
	b.ReportMetric(float64(maps)/float64(len(res)), "maps/conv")
}
