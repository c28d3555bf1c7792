package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
	"fullqa/internal/store"
)

// benchConversations are JDDC-sized chats: the JDDC sample (632 real JD
// chats) when ../shared is present, else the bundled examples.
func benchConversations(b *testing.B) []*conversation.Conversation {
	b.Helper()
	path, format := filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"), ingest.FormatJDDC
	if _, err := os.Stat(path); err != nil {
		path, format = filepath.Join("..", "..", "examples", "chats.jsonl"), ingest.FormatJSONL
	}
	var convs []*conversation.Conversation
	err := ingest.ForEachInFile(path, ingest.Options{Format: format}, func(c *conversation.Conversation) error {
		c.Source = ""
		convs = append(convs, c)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return convs
}

func benchEnv(b *testing.B) *testEnv { return newTestEnv(b, nil) }

// BenchmarkIngest posts batches of 1,000 JDDC-sized conversations (new ids
// each time) to POST /api/v1/conversations over HTTP: parse, inspect with
// every detector, store in SQLite (one transaction per request) and answer.
// One client sends one request at a time.
func BenchmarkIngest(b *testing.B) { benchIngest(b, 1) }

// BenchmarkIngestConcurrent is BenchmarkIngest with two clients at once,
// as several producers would send: one request's inspection overlaps the
// other's write transaction.
func BenchmarkIngestConcurrent(b *testing.B) { benchIngest(b, 2) }

func benchIngest(b *testing.B, clients int) {
	convs := benchConversations(b)
	e := benchEnv(b)
	const per = 1000
	var bodies [][]byte
	for i := 0; i < 8; i++ {
		var buf bytes.Buffer
		for k := 0; k < per; k++ {
			c := *convs[(i*per+k)%len(convs)]
			c.ID = fmt.Sprintf("%s~%d", c.ID, i*per+k)
			doc, _ := store.EncodeConversation(&c)
			buf.Write(doc)
			buf.WriteByte('\n')
		}
		bodies = append(bodies, buf.Bytes())
	}
	bytesPer := 0
	for _, body := range bodies {
		bytesPer += len(body)
	}
	b.SetBytes(int64(bytesPer / len(bodies)))
	// Every request gets fresh ids; they are made before the clock runs.
	reqs := make([][]byte, b.N)
	for i := range reqs {
		reqs[i] = bytes.ReplaceAll(bodies[i%len(bodies)], []byte(`~`), []byte(fmt.Sprintf("~%d.", i)))
	}
	var next atomic.Int64
	cpu := cpuTime()
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				code, ans, _ := e.do("qa", "POST", "/api/v1/conversations", reqs[i])
				var a ingestAnswer
				if code != 200 || json.Unmarshal(ans, &a) != nil || a.Accepted != per {
					b.Errorf("answer %d %s", code, ans)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "conv/s")
	b.ReportMetric(float64(b.N*per)/(cpuTime()-cpu).Seconds(), "conv/cpu-s")
}

// cpuTime is the process's CPU time so far (user and system), the
// benchmark client included. On a shared machine it is the steadier
// measure: wall time counts the time other processes hold the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// streamBodies builds message events of the bench conversations, size
// events a request.
func streamBodies(convs []*conversation.Conversation, round, size int) [][]byte {
	var evs [][]byte
	for _, c := range convs {
		for k, m := range c.Messages {
			ev := map[string]any{"message_id": fmt.Sprintf("%d/%s#%d", round, c.ID, k), "conversation_id": fmt.Sprintf("%d/%s", round, c.ID),
				"role": m.Role.String(), "text": m.Text, "agent": m.Agent, "customer": c.Customer, "vendor": "v1"}
			if !m.At.IsZero() {
				ev["at"] = m.At.Format(time.RFC3339)
			}
			b, _ := json.Marshal(ev)
			evs = append(evs, b)
		}
	}
	var out [][]byte
	for i := 0; i < len(evs); i += size {
		out = append(out, bytes.Join(evs[i:min(i+size, len(evs))], []byte("\n")))
	}
	return out
}

// BenchmarkStreamMessages streams the bench conversations' messages to
// POST /api/v1/messages, 100 events a request, with the per-message checks
// (messages/s).
func BenchmarkStreamMessages(b *testing.B) {
	convs := benchConversations(b)
	e := benchEnv(b)
	cpu := cpuTime()
	b.ResetTimer()
	msgs := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bodies := streamBodies(convs, i, 100)
		b.StartTimer()
		for _, body := range bodies {
			var a messagesAnswer
			e.json("qa", "POST", "/api/v1/messages", body, 200, &a)
			msgs += a.Accepted
		}
	}
	b.ReportMetric(float64(msgs)/b.Elapsed().Seconds(), "msg/s")
	b.ReportMetric(float64(msgs)/(cpuTime()-cpu).Seconds(), "msg/cpu-s")
}

// BenchmarkMessageLatency sends one message a request, as a chat platform
// forwarding each message as it is written would, and reports the p50
// and p99 time from sending a message to holding its per-message findings
// (parsed, checked, committed to SQLite, answered), over all messages and
// over those with a finding (p99-finding-ms).
func BenchmarkMessageLatency(b *testing.B) {
	convs := benchConversations(b)[:100]
	// Every tenth agent message steers off the platform, so some
	// messages have a finding to deliver (JDDC's own text has few).
	seen := 0
	for _, c := range convs {
		cc := *c
		cc.Messages = append([]conversation.Message(nil), c.Messages...)
		for k := range cc.Messages {
			if cc.Messages[k].Role == conversation.RoleAgent {
				if seen++; seen%10 == 0 {
					cc.Messages[k].Text = "加我微信 wx" + fmt.Sprint(20261100+seen) + " 私聊"
				}
			}
		}
		*c = cc
	}
	e := benchEnv(b)
	var lat, latFound []time.Duration
	found := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bodies := streamBodies(convs, i, 1)
		b.StartTimer()
		for _, body := range bodies {
			var a messagesAnswer
			start := time.Now()
			e.json("qa", "POST", "/api/v1/messages", body, 200, &a)
			d := time.Since(start)
			lat = append(lat, d)
			if len(a.Findings) > 0 {
				latFound = append(latFound, d)
				found += len(a.Findings)
			}
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	sort.Slice(latFound, func(i, j int) bool { return latFound[i] < latFound[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	if len(latFound) > 0 {
		b.ReportMetric(float64(latFound[len(latFound)*99/100].Microseconds())/1000, "p99-finding-ms")
	}
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "msg/s")
	b.ReportMetric(float64(found), "findings")
}

// BenchmarkCloseAndInspect measures the full inspection of streamed
// conversations once closed: the bench conversations are streamed first
// (untimed), then closed by events and inspected in batches by the
// background inspector's step (conversations/s).
func BenchmarkCloseAndInspect(b *testing.B) {
	convs := benchConversations(b)
	e := benchEnv(b)
	var cpuSpent time.Duration
	done := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, body := range streamBodies(convs, i, 500) {
			e.json("qa", "POST", "/api/v1/messages", body, 200, nil)
		}
		var closes [][]byte
		for _, c := range convs {
			closes = append(closes, []byte(fmt.Sprintf(`{"conversation_id":"%d/%s","event":"close"}`, i, c.ID)))
		}
		cpu := cpuTime()
		b.StartTimer()
		e.json("qa", "POST", "/api/v1/messages", bytes.Join(closes, []byte("\n")), 200, nil)
		for {
			n, err := e.srv.InspectPending(context.Background(), nil)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				break
			}
			done += n
		}
		b.StopTimer()
		cpuSpent += cpuTime() - cpu
	}
	if done != b.N*len(convs) {
		b.Fatalf("inspected %d of %d", done, b.N*len(convs))
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "conv/s")
	b.ReportMetric(float64(done)/cpuSpent.Seconds(), "conv/cpu-s")
}
