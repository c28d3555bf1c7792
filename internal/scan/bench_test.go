package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
	"fullqa/internal/report"
	"fullqa/internal/scan"
)

// jddcCorpus is the JDDC sample repeated 160 times (101,120 JDDC-sized
// chats) in its own TSV format, or nil when ../shared is absent.
func jddcCorpus(b *testing.B) []byte {
	b.Helper()
	src := filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv")
	raw, err := os.ReadFile(src)
	if err != nil {
		return nil
	}
	var buf bytes.Buffer
	for i := 0; i < 160; i++ {
		for _, line := range bytes.SplitAfter(raw, []byte{'\n'}) {
			if len(line) > 0 {
				fmt.Fprintf(&buf, "%d-", i)
				buf.Write(line)
			}
		}
	}
	return buf.Bytes()
}

// canonicalRecord is a conversation in the canonical JSON Lines format.
type canonicalRecord struct {
	ID       string            `json:"id"`
	Channel  string            `json:"channel"`
	Shop     string            `json:"shop"`
	Vendor   string            `json:"vendor"`
	Customer string            `json:"customer"`
	SKUs     []string          `json:"skus,omitempty"`
	Meta     map[string]string `json:"meta,omitempty"`
	Messages []canonicalMsg    `json:"messages"`
}

type canonicalMsg struct {
	Role  string `json:"role"`
	Text  string `json:"text"`
	At    string `json:"at"`
	Agent string `json:"agent,omitempty"`
}

// jsonlCorpus is the same conversations in canonical JSON Lines, with a
// shop, vendor, agent and a time on every message (as integrations send),
// or the bundled examples repeated to 100,000+ when ../shared is absent.
func jsonlCorpus(b *testing.B, tsv []byte) (data []byte, convs int) {
	b.Helper()
	if tsv == nil {
		raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "chats.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSpace(raw), []byte{'\n'})
		var buf bytes.Buffer
		for i := 0; convs < 100000; i++ {
			for _, l := range lines {
				buf.Write(bytes.Replace(l, []byte(`"id":"`), []byte(fmt.Sprintf(`"id":"%d-`, i)), 1))
				buf.WriteByte('\n')
				convs++
			}
		}
		return buf.Bytes(), convs
	}
	rd, err := ingest.Open("bench.tsv", bytes.NewReader(tsv), ingest.Options{Format: ingest.FormatJDDC})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	err = ingest.ForEach(rd, func(c *conversation.Conversation) error {
		rec := canonicalRecord{ID: c.ID, Channel: "jd", Shop: fmt.Sprintf("s%d", convs%7), Vendor: fmt.Sprintf("v%d", convs%3),
			Customer: c.Customer, SKUs: c.SKUs, Meta: c.Meta}
		t := base.Add(time.Duration(convs%632) * 3 * time.Minute)
		for i, m := range c.Messages {
			t = t.Add(time.Duration(7+(i*37)%200) * time.Second)
			cm := canonicalMsg{Role: m.Role.String(), Text: m.Text, At: t.Format(time.RFC3339)}
			if m.Role == conversation.RoleAgent {
				cm.Agent = fmt.Sprintf("a-%02d", convs%13)
			}
			rec.Messages = append(rec.Messages, cm)
		}
		convs++
		return enc.Encode(rec)
	})
	if err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), convs
}

// csvCorpus is the same conversations as the message-per-row CSV that
// scripts/bench.sh makes (a header, a time on every row, text quoted), or
// nil when ../shared is absent.
func csvCorpus(tsv []byte) []byte {
	if tsv == nil {
		return nil
	}
	var buf bytes.Buffer
	buf.WriteString("会话ID,发送时间,发送方,客服昵称,买家,内容\n")
	id, n, k, t := "", 0, 0, 0
	for _, line := range bytes.Split(bytes.TrimRight(tsv, "\n"), []byte{'\n'}) {
		f := bytes.Split(line, []byte{'\t'})
		if len(f) < 7 {
			continue
		}
		if string(f[0]) != id {
			id, n, k, t = string(f[0]), n+1, 0, 9*3600+(n+1)%632*180
		}
		t += 7 + (k*37)%200
		k++
		role, agent := "买家", ""
		if string(f[2]) != "0" {
			role, agent = "客服", fmt.Sprintf("a-%02d", n%13)
		}
		fmt.Fprintf(&buf, "%s,2026-11-%02d %02d:%02d:%02d,%s,%s,%s,\"%s\"\n", f[0], 1+t/86400, t/3600%24, t/60%60, t%60,
			role, agent, f[1], bytes.ReplaceAll(f[6], []byte(`"`), []byte(`""`)))
	}
	return buf.Bytes()
}

// BenchmarkScan measures the whole scan (read, inspect, write JSON Lines)
// of 100,000+ JDDC-sized conversations in canonical JSON Lines, in the
// JDDC TSV and in a message-per-row CSV, with the default configuration (all detectors, emotion model
// on) and with none: conversations/s, CPU-seconds per 100,000
// conversations (user+sys of the process, steadier than wall-clock on a
// shared machine) and allocations per conversation.
func BenchmarkScan(b *testing.B) {
	lex, err := lexicon.Default()
	if err != nil {
		b.Fatal(err)
	}
	emo, err := classify.LoadEmotion()
	if err != nil {
		b.Fatal(err)
	}
	tsv := jddcCorpus(b)
	jsonl, nj := jsonlCorpus(b, tsv)
	inputs := []struct {
		name   string
		data   []byte
		format string
		convs  int
	}{{"jsonl", jsonl, ingest.FormatJSONL, nj}, {"tsv", tsv, ingest.FormatJDDC, nj}, {"csv", csvCorpus(tsv), ingest.FormatCSV, nj}}
	for _, in := range inputs {
		for _, spec := range []string{"all", "none"} {
			dets, err := detect.Select(detect.Registry(detect.DefaultConfig(), lex), spec)
			if err != nil {
				b.Fatal(err)
			}
			var model detect.EmotionModel
			if len(dets) > 0 {
				model = emo
			}
			eng, err := detect.NewEngine(dets, model)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(in.name+"/"+spec, func(b *testing.B) {
				if in.data == nil {
					b.Skip("no JDDC sample in ../shared")
				}
				benchScan(b, eng, in.data, in.format, in.convs)
			})
		}
	}
}

func benchScan(b *testing.B, eng *detect.Engine, data []byte, format string, n int) {
	b.SetBytes(int64(len(data)))
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	b.ResetTimer()
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
		}, eng, scan.Options{Encode: report.AppendJSONResult}, func(r *scan.Result) error { got++; return w.Write(r) })
		if err != nil || got != n {
			b.Fatalf("%d of %d: %v", got, n, err)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&ms1)
	total := float64(n) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "conv/s")
	if cpu > 0 {
		b.ReportMetric(cpu.Seconds()/total*100000, "cpu-s/100k")
	}
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/total, "allocs/conv")
}
