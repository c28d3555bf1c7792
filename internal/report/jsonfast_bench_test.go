package report

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
	"fullqa/internal/scan"
)

// scannedResults are the JDDC sample's (../shared) results of the default
// scan (all detectors, emotion model on), or the synthetic ones of
// synthResults when ../shared is absent.
func scannedResults(tb testing.TB) []*scan.Result {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		return synthResults(600)
	}
	defer f.Close()
	lex, err := lexicon.Default()
	if err != nil {
		tb.Fatal(err)
	}
	emo, err := classify.LoadEmotion()
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), emo)
	if err != nil {
		tb.Fatal(err)
	}
	rd, err := ingest.Open("jddc_dev.tsv", f, ingest.Options{Format: ingest.FormatJDDC})
	if err != nil {
		tb.Fatal(err)
	}
	var out []*scan.Result
	err = scan.Run(context.Background(), rd, nil, eng, scan.Options{}, func(r *scan.Result) error {
		if r.Err == nil {
			c := *r
			out = append(out, &c)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkAppendJSONResult encodes the JDDC sample's scan results as a
// scan worker does (scan.Options.Encode): ns and bytes per conversation.
//
//	go test ./internal/report -run '^$' -bench AppendJSONResult -benchtime 200x
func BenchmarkAppendJSONResult(b *testing.B) {
	res := scannedResults(b)
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range res {
			buf = AppendJSONResult(buf[:0], r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(res)), "ns/conv")
}

// TestAppendJSONResultScannedBytes checks the hand-written encoder against
// encoding/json byte for byte on real results: every finding, data value
// and score the detectors give on the JDDC sample (synthetic results
// without ../shared).
func TestAppendJSONResultScannedBytes(t *testing.T) {
	res := scannedResults(t)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	for _, r := range res {
		want.Reset()
		if err := enc.Encode(NewJSONResult(r)); err != nil {
			t.Fatal(err)
		}
		if got := AppendJSONResult(nil, r); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%s:\n got  %s\n want %s", r.Conv.ID, got, want.Bytes())
		}
	}
}
