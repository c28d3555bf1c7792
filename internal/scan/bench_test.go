package scan_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
	"fullqa/internal/report"
	"fullqa/internal/scan"
)

// corpus builds 100,000+ conversations in the format of its source: the
// JDDC sample repeated 160 times (JDDC-sized chats) when ../shared is
// present, else the bundled examples repeated.
func corpus(b *testing.B) (data []byte, format string, convs int) {
	b.Helper()
	src := filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv")
	if raw, err := os.ReadFile(src); err == nil {
		var buf bytes.Buffer
		for i := 0; i < 160; i++ {
			for _, line := range bytes.SplitAfter(raw, []byte{'\n'}) {
				if len(line) > 0 {
					fmt.Fprintf(&buf, "%d-", i)
					buf.Write(line)
				}
			}
		}
		return buf.Bytes(), ingest.FormatJDDC, 160 * 632
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "chats.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(raw), []byte{'\n'})
	var buf bytes.Buffer
	n := 0
	for i := 0; n < 100000; i++ {
		for _, l := range lines {
			buf.Write(bytes.Replace(l, []byte(`"id":"`), []byte(fmt.Sprintf(`"id":"%d-`, i)), 1))
			buf.WriteByte('\n')
			n++
		}
	}
	return buf.Bytes(), ingest.FormatJSONL, n
}

// BenchmarkScan measures the whole scan (read, inspect, write JSON Lines)
// with all detectors and with none, in conversations/s and MB/s.
func BenchmarkScan(b *testing.B) {
	data, format, n := corpus(b)
	lex, err := lexicon.Default()
	if err != nil {
		b.Fatal(err)
	}
	for _, spec := range []string{"all", "none"} {
		dets, err := detect.Select(detect.Registry(detect.DefaultConfig(), lex), spec)
		if err != nil {
			b.Fatal(err)
		}
		eng, err := detect.NewEngine(dets, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(spec, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				rd, err := ingest.Open("bench", bytes.NewReader(data), ingest.Options{Format: format})
				if err != nil {
					b.Fatal(err)
				}
				w := report.NewJSONL(io.Discard)
				got := 0
				err = scan.Run(context.Background(), rd, func(err error) bool {
					var re *ingest.RecordError
					return errors.As(err, &re)
				}, eng, scan.Options{}, func(r *scan.Result) error { got++; return w.Write(r) })
				if err != nil || got != n {
					b.Fatalf("%d of %d: %v", got, n, err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "conv/s")
		})
	}
}
