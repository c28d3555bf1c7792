package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/config"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
)

// TestPrepareHeldMatchesPrepare holds the scan's shared path to the
// across analyzers' own scan: an engine built with crossWords, inspecting
// a conversation, tells PrepareHeld which messages may hold a topic word,
// and the result must be Prepare's (the same topics, the same kept
// signal) on hand-written chats and, when ../shared is there, on every
// JDDC conversation. It also checks the path skips messages, else it
// would save nothing.
func TestPrepareHeldMatchesPrepare(t *testing.T) {
	cfg := config.Default()
	lex, err := cfg.Lists()
	if err != nil {
		t.Fatal(err)
	}
	words := &crossWords{words: analyze.TopicWords(lex.Words("logistics_courier"), lex.Words("cross_kept"))}
	eng, err := newEngineLists(cfg, lex, "all", words)
	if err != nil {
		t.Fatal(err)
	}
	if !words.ok {
		t.Fatal("the default topic words were not registered")
	}
	batch, err := newCross(lex, cfg.Cross, time.UTC, false)
	if err != nil {
		t.Fatal(err)
	}
	var scratch detect.Scratch
	skipped, convs := 0, 0
	check := func(c *conversation.Conversation) {
		t.Helper()
		in, out := eng.Inspect(c, &scratch)
		if !in.Scanned() {
			t.Fatalf("%s: the engine did not scan", c.ID)
		}
		held := func(i int) bool { return in.Has(i, words.class) }
		for i := range c.Messages {
			if !held(i) {
				skipped++
			}
		}
		got := batch.PrepareHeld(c, out.Findings, out.Tags, held)
		want := batch.Prepare(c, out.Findings, out.Tags)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: PrepareHeld\n got %+v\nwant %+v", c.ID, got, want)
		}
		// The scan's way (prepareCross): the held messages one after
		// another, from the engine's presence bits.
		got = batch.PrepareNext(c, out.Findings, out.Tags, func(from int) int { return in.NextHas(words.class, from) })
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: PrepareNext\n got %+v\nwant %+v", c.ID, got, want)
		}
		convs++
	}
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for k, texts := range [][]string{
		{"我的快递到哪了", "您好，顺丰速运已经发出", "Ems到了吗", "一直在广州转运中心", "收到了，谢谢"},
		{"ＥＭＳ", "顺 丰", "收 到了", "&gt;EMS&nbsp;顺丰", "顺\xe4丰", "已\u200b收到", "ems\u0301", "京东快递北京营业部"},
		{"没有词", "还没收到", "退款到了"},
	} {
		c := &conversation.Conversation{ID: "hand" + string(rune('a'+k)), Customer: "b", SKUs: []string{"1"}}
		for i, s := range texts {
			role := conversation.RoleCustomer
			if i%2 == 1 {
				role = conversation.RoleAgent
			}
			c.Messages = append(c.Messages, conversation.Message{Role: role, Text: s, At: at.Add(time.Duration(i) * time.Minute)})
		}
		check(c)
		c.Messages[len(c.Messages)-1].Role = conversation.RoleCustomer
		for i := range c.Messages {
			c.Messages[i].At = time.Time{} // no time: only Kept runs
		}
		check(c)
	}
	// "没有词" holds no topic word: the hand-written chats alone must
	// already skip a message.
	if skipped == 0 {
		t.Fatal("no hand-written message skipped: the shared path saves nothing")
	}
	name := filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv")
	f, err := os.Open(name)
	if err != nil {
		t.Logf("no JDDC sample in ../shared: hand-written chats only (%d)", convs)
		return
	}
	defer f.Close()
	rd, err := ingest.Open(name, f, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var rec *ingest.RecordError
			if errors.As(err, &rec) {
				continue // a bad record: the reader goes on
			}
			t.Fatal(err)
		}
		check(c)
		if len(c.Messages) > 0 && !c.Messages[0].HasTime() {
			// Timed, so that the topics are found too, not only Kept.
			for i := range c.Messages {
				c.Messages[i].At = at.Add(time.Duration(i) * time.Minute)
			}
			check(c)
		}
	}
	if skipped == 0 || convs < 100 {
		t.Fatalf("%d conversations, %d messages ruled out: the shared path was not tried", convs, skipped)
	}
	t.Logf("%d conversations, %d messages ruled out", convs, skipped)
}
