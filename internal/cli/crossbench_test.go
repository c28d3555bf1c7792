package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"testing"

	"fullqa/internal/analyze"
	"fullqa/internal/config"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
)

// crossInput is one inspected conversation as the across analyzers see
// it: the conversation, its findings and tags, and which messages the
// engine found a topic word in.
type crossInput struct {
	c    *conversation.Conversation
	fs   []conversation.Finding
	tags []conversation.Tag
	held []bool
}

// BenchmarkCross times the scan's across-conversation analysis alone on
// real conversations, inspected once beforehand: "prepare" is what the
// workers do (Batch.PrepareHeld), "add" what the one ordered sink does
// (Batch.AddPrepared of every conversation into a fresh batch, and
// Finish). FULLQA_CROSS_CORPUS names a JSON Lines file (default
// examples/chats.jsonl); ns/op is for the whole file.
//
//	FULLQA_CROSS_CORPUS=/tmp/c.jsonl go test -run xxx -bench Cross ./internal/cli/
func BenchmarkCross(b *testing.B) {
	name := os.Getenv("FULLQA_CROSS_CORPUS")
	if name == "" {
		name = "../../examples/chats.jsonl"
	}
	cfg := config.Default()
	lex, err := cfg.Lists()
	if err != nil {
		b.Fatal(err)
	}
	words := &crossWords{words: analyze.TopicWords(lex.Words("logistics_courier"), lex.Words("cross_kept"))}
	eng, err := newEngineLists(cfg, lex, "all", words)
	if err != nil {
		b.Fatal(err)
	}
	loc, _ := cfg.Location()
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rd, err := ingest.Open(name, f, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var ins []crossInput
	var scratch detect.Scratch
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		in, out := eng.Inspect(c, &scratch)
		x := crossInput{c: c, fs: out.Findings, tags: out.Tags, held: make([]bool, len(c.Messages))}
		for i := range x.held {
			x.held[i] = in.Has(i, words.class)
		}
		ins = append(ins, x)
	}
	newBatch := func() *analyze.Batch {
		bt, err := newCross(lex, cfg.Cross, loc, false)
		if err != nil {
			b.Fatal(err)
		}
		return bt
	}
	bt := newBatch()
	prepare := func(bt *analyze.Batch, x *crossInput) *analyze.Prepared {
		return bt.PrepareHeld(x.c, x.fs, x.tags, func(k int) bool { return x.held[k] })
	}
	// The workers prepare a conversation right after inspecting it, its
	// messages still in cache: "prepare" goes over the first 256 again
	// and again (a few hundred kilobytes), not over all of them cold.
	hot := ins[:min(len(ins), 256)]
	b.Run("prepare", func(b *testing.B) {
		for b.Loop() {
			for i := range hot {
				prepare(bt, &hot[i])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(hot)), "ns/conv")
	})
	ps := make([]*analyze.Prepared, len(ins))
	b.Run("add", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			b.StopTimer() // AddPrepared takes what it adds
			for i := range ins {
				ps[i] = prepare(bt, &ins[i])
			}
			bt := newBatch()
			b.StartTimer()
			for i := range ins {
				if _, err := bt.AddPrepared(ctx, ins[i].c, ps[i]); err != nil {
					b.Fatal(err)
				}
			}
			bt.Finish()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ins)), "ns/conv")
	})
	b.Run("both", func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			bt := newBatch()
			for i := range ins {
				if _, err := bt.AddPrepared(ctx, ins[i].c, prepare(bt, &ins[i])); err != nil {
					b.Fatal(err)
				}
			}
			bt.Finish()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ins)), "ns/conv")
	})
}
