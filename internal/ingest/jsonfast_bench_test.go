package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// canonicalLines is the JDDC sample (../shared) as canonical JSON Lines,
// shaped as scan's BenchmarkScan writes it (shop, vendor, an agent and a
// time on every message), or the bundled examples when ../shared is
// absent.
func canonicalLines(tb testing.TB) []string {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		return readLinesTB(tb, "../../examples/chats.jsonl")
	}
	rd, err := Open("bench.tsv", bytes.NewReader(raw), Options{Format: FormatJDDC})
	if err != nil {
		tb.Fatal(err)
	}
	type msg struct {
		Role  string `json:"role"`
		Text  string `json:"text"`
		At    string `json:"at"`
		Agent string `json:"agent,omitempty"`
	}
	type rec struct {
		ID       string            `json:"id"`
		Channel  string            `json:"channel"`
		Shop     string            `json:"shop"`
		Vendor   string            `json:"vendor"`
		Customer string            `json:"customer"`
		SKUs     []string          `json:"skus,omitempty"`
		Meta     map[string]string `json:"meta,omitempty"`
		Messages []msg             `json:"messages"`
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	n := 0
	err = ForEach(rd, func(c *conversation.Conversation) error {
		r := rec{ID: c.ID, Channel: "jd", Shop: fmt.Sprintf("s%d", n%7), Vendor: fmt.Sprintf("v%d", n%3),
			Customer: c.Customer, SKUs: c.SKUs, Meta: c.Meta}
		t := base.Add(time.Duration(n%632) * 3 * time.Minute)
		for i, m := range c.Messages {
			t = t.Add(time.Duration(7+(i*37)%200) * time.Second)
			cm := msg{Role: m.Role.String(), Text: m.Text, At: t.Format(time.RFC3339)}
			if m.Role == conversation.RoleAgent {
				cm.Agent = fmt.Sprintf("a-%02d", n%13)
			}
			r.Messages = append(r.Messages, cm)
		}
		n++
		return enc.Encode(r)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
}

func readLinesTB(tb testing.TB, name string) []string {
	tb.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// BenchmarkFastJSON decodes the canonical JSON Lines sample with the fast
// decoder, as a scan worker does (jsonlRecord.Parse's fast path): ns and
// allocations per conversation.
//
//	go test ./internal/ingest -run '^$' -bench FastJSON -benchtime 20x
func BenchmarkFastJSON(b *testing.B) {
	lines := canonicalLines(b)
	opts := &Options{Location: time.FixedZone("CST", 8*3600)}
	b.ReportAllocs()
	for b.Loop() {
		for i, l := range lines {
			var c conversation.Conversation
			if _, ok, _ := decodeFastJSONInto(l, opts, &c, true, "bench", i+1, new(orderFacts)); !ok {
				b.Fatalf("line %d not taken by the fast decoder", i+1)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(lines)), "ns/conv")
}
