package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkScanMemory shows what memory a streaming scan needs at 1× and
// 4× the input: the peak Go heap over the whole run of `fullqa scan
// --format jsonl` (which also builds the aggregated KPIs and the
// across-conversation memory) on 25,000 and 100,000 conversations of
// distinct customers, and per conversation. "default" is the scan's own
// GC settings (GOGC 800 under a 512 MiB limit); "gogc100" the Go default,
// where the peak is about twice what is live.
//
//	go test -run xxx -bench ScanMemory -benchtime 1x ./internal/cli/
func BenchmarkScanMemory(b *testing.B) {
	for _, gc := range []string{"default", "gogc100"} {
		for _, n := range []int{25_000, 100_000} {
			b.Run(fmt.Sprintf("%s/%dx", gc, n/25_000), func(b *testing.B) {
				path := filepath.Join(b.TempDir(), "chats.jsonl")
				writeChats(b, path, n)
				// The huge-page advice allocates (never touches) one
				// object of most of the limit at start-up; the sampler
				// below would count it as heap.
				b.Setenv("FULLQA_HUGEPAGES", "off")
				if gc == "gogc100" {
					b.Setenv("GOGC", "100")
					b.Setenv("GOMEMLIMIT", "off")
					old := debug.SetGCPercent(100)
					oldLimit := debug.SetMemoryLimit(-1)
					defer debug.SetGCPercent(old)
					defer debug.SetMemoryLimit(oldLimit)
					debug.SetMemoryLimit(1<<63 - 1)
				}
				var peak uint64
				for range b.N {
					runtime.GC()
					p := peakHeapDuring(func() {
						code := Run(context.Background(), []string{"scan", path, "--format", "jsonl", "--out", os.DevNull, "--no-progress"},
							Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
						if code != ExitOK {
							b.Fatalf("exit %d", code)
						}
					})
					peak = max(peak, p)
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(peak)/float64(n), "peak-heap-B/conv")
			})
		}
	}
}

// peakHeapDuring runs f and returns the largest heap (bytes in live and
// not yet collected objects) seen every 5 ms while it ran.
func peakHeapDuring(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

// writeChats writes n conversations of distinct customers and ids, spread
// over 30 days, in the canonical format.
func writeChats(b *testing.B, path string, n int) {
	fh, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(fh)
	day := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for k := range n {
		at := day.Add(time.Duration(k%30) * 24 * time.Hour).Add(time.Duration(k%600) * time.Second)
		ts := func(s int) string { return at.Add(time.Duration(s) * time.Second).Format(time.RFC3339) }
		fmt.Fprintf(w, `{"id":"c-%d","shop":"s%d","vendor":"v%d","customer":"u-%d","order_ids":["o-%d"],"messages":[`+
			`{"role":"customer","text":"你好，我昨天买的羽绒服怎么还没发货？订单%d","at":"%s"},`+
			`{"role":"agent","agent":"a-%d","text":"亲，您好，帮您查一下哦，预计明天给您发出","at":"%s"},`+
			`{"role":"customer","text":"太慢了，我要投诉","at":"%s"},`+
			`{"role":"agent","agent":"a-%d","text":"非常抱歉，已经帮您催促仓库了","at":"%s"}]}`+"\n",
			k, k%3, k%2, k, k, k, ts(0), k%40, ts(20), ts(300), k%40, ts(330))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		b.Fatal(err)
	}
}
