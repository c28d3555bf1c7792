package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// jddcCSV is the JDDC sample (../shared) as the message-per-row CSV that
// scripts/bench.sh makes of it (a header, a time on every row, text
// quoted), copies times over with the ids made distinct.
func jddcCSV(tb testing.TB, copies int) []byte {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		tb.Skip("no JDDC sample in ../shared")
	}
	var b bytes.Buffer
	b.WriteString("会话ID,发送时间,发送方,客服昵称,买家,内容\n")
	for k := 0; k < copies; k++ {
		id, n, i, t := "", 0, 0, 0
		for _, line := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n") {
			f := strings.Split(line, "\t")
			if len(f) < 7 {
				continue
			}
			if f[0] != id {
				id, n, i, t = f[0], n+1, 0, 9*3600+(n+1)%632*180
			}
			t += 7 + (i*37)%200
			i++
			role, agent := "买家", ""
			if f[2] != "0" {
				role, agent = "客服", fmt.Sprintf("a-%02d", n%13)
			}
			fmt.Fprintf(&b, "%d-%s,2026-11-%02d %02d:%02d:%02d,%s,%s,%s,\"%s\"\n", k, f[0], 1+t/86400, t/3600%24, t/60%60, t%60,
				role, agent, f[1], strings.ReplaceAll(f[6], `"`, `""`))
		}
	}
	return b.Bytes()
}

// BenchmarkReadTable reads the JDDC sample as CSV (ten copies, 6,320
// conversations) through the CSV reader's Next: cutting and grouping rows
// (the scan's one reading goroutine), parsing them (its workers) and
// settling them, here one after another. ns/conv and allocs/conv are per
// conversation.
//
//	go test -run xxx -bench ReadTable -benchmem ./internal/ingest/
func BenchmarkReadTable(b *testing.B) {
	data := jddcCSV(b, 10)
	convs := 0
	b.ReportAllocs()
	for b.Loop() {
		rd, err := Open("bench.csv", bytes.NewReader(data), Options{Format: FormatCSV})
		if err != nil {
			b.Fatal(err)
		}
		convs = 0
		for {
			_, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			convs++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*convs), "ns/conv")
}

// BenchmarkCutTable is the part of BenchmarkReadTable left on the scan's
// one reading goroutine: the CSV reader's NextRaw, which cuts and groups
// rows; Parse and Settle (on the workers and the sink) are not run.
//
//	go test -run xxx -bench CutTable -benchmem ./internal/ingest/
func BenchmarkCutTable(b *testing.B) {
	data := jddcCSV(b, 10)
	convs := 0
	b.ReportAllocs()
	for b.Loop() {
		rd, err := Open("bench.csv", bytes.NewReader(data), Options{Format: FormatCSV})
		if err != nil {
			b.Fatal(err)
		}
		cr := rd.(*csvReader)
		convs = 0
		for {
			_, err := cr.NextRaw()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			convs++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*convs), "ns/conv")
}
