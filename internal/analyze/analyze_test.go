package analyze_test

import (
	"context"
	"reflect"
	"sort"
	"testing"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
)

// inspected is one conversation after the per-conversation detectors.
type inspected struct {
	conv     *conversation.Conversation
	findings []conversation.Finding
	tags     []conversation.Tag
}

var shanghai = time.FixedZone("CST", 8*3600)

// inspectFile reads a canonical JSONL file and runs every detector (emotion
// off) over it, as the scan does.
func inspectFile(t testing.TB, path string) []inspected {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []inspected
	var scratch detect.Scratch
	err = ingest.ForEachInFile(path, ingest.Options{Location: shanghai}, func(c *conversation.Conversation) error {
		_, res := eng.Inspect(c, &scratch)
		out = append(out, inspected{c, res.Findings, res.Tags})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func topics(t testing.TB) *analyze.Topics {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	tp, err := analyze.NewTopics(lex.Words("logistics_courier"), lex.Words("cross_kept"))
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

// TestHistory runs the batch over testdata/history.jsonl, a multi-day
// history of hand-written chats, and checks which conversations get which
// across findings (the comments in the table say why).
func TestHistory(t *testing.T) {
	b := analyze.NewBatch(analyze.DefaultConfig(), topics(t), shanghai)
	got := map[string][]string{}
	data := map[string]map[string]any{}
	for _, in := range inspectFile(t, "testdata/history.jsonl") {
		fs, err := b.Add(context.Background(), in.conv, in.findings, in.tags)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if len(f.Messages) == 0 || f.Evidence == "" {
				t.Errorf("%s: %s without evidence", in.conv.ID, f.Code)
			}
			got[in.conv.ID] = append(got[in.conv.ID], f.Code)
			data[in.conv.ID+" "+f.Code] = f.Data.Map()
		}
	}
	want := map[string][]string{
		"a-2": {"repeat.unresolved"}, // 2nd contact about order o-1 in 3 days, a-1 ended "那就算了"
		"a-3": {"repeat.unresolved"}, // 3rd in a row
		// b-2: the same order 19 days later, outside the 14-day window
		// c-2: c-1 ended resolved
		// d-2: "明天发出" fell due, but the buyer came back about an invoice
		"e-2": {"promise.unkept"}, // "3天内到账" due on the 5th, back on the 8th about the refund
		// f-1, f-2: no buyer id; g-1: same buyer id in shop s2
		"h-2": {"promise.unkept"}, // before it was due, but the buyer says it was not kept
	}
	for _, m := range []map[string][]string{got, want} {
		for _, v := range m {
			sort.Strings(v)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("across findings\n got %v\nwant %v", got, want)
	}
	if n := data["a-3 repeat.unresolved"]["n"]; n != 3 {
		t.Errorf("a-3: n = %v, want 3", n)
	}
	if e, _ := data["a-3 repeat.unresolved"]["earlier"].([]map[string]any); len(e) != 2 || e[0]["conversation"] != "a-2" || e[1]["conversation"] != "a-1" {
		t.Errorf("a-3: earlier = %v, want a-2 then a-1", e)
	}
	if _, ok := data["a-2 repeat.unresolved"]["repeat_contact"]; !ok {
		t.Errorf("a-2: the in-text repeat.contact is not linked: %v", data["a-2 repeat.unresolved"])
	}
	p, _ := data["e-2 promise.unkept"]["promise"].(map[string]any)
	if p["conversation"] != "e-1" || p["message"] != 1 || p["due"] != "2026-11-06T00:00:00+08:00" {
		t.Errorf("e-2: promise = %v", p)
	}
	s := b.Finish()
	if s.RepeatUnresolved != 2 || s.PromisesUnkept != 2 || s.Unlinked != 2 {
		t.Errorf("summary: repeat %d unkept %d unlinked %d, want 2 2 2", s.RepeatUnresolved, s.PromisesUnkept, s.Unlinked)
	}
	if s.PromisesDue != 3 { // d-1, e-1 and h-1 fell due before the last message (b-2, the 20th)
		t.Errorf("promises due = %d, want 3", s.PromisesDue)
	}
}

// TestFindingsBatch holds a findings-only batch (NewFindingsBatch, what a
// JSON Lines scan runs) to the full one: the same findings for every
// conversation of the history, although it makes no topics, and a Finish
// that panics instead of a summary it did not keep. kept.jsonl has a
// buyer back after a refund's due time who says it arrived (到账了, in
// the second customer message): the findings-only batch must still see
// that (Contact.Kept), or it reports a promise.unkept the full one does
// not.
func TestFindingsBatch(t *testing.T) {
	full := analyze.NewBatch(analyze.DefaultConfig(), topics(t), shanghai)
	only := analyze.NewFindingsBatch(analyze.DefaultConfig(), topics(t), shanghai)
	n := 0
	for _, in := range append(inspectFile(t, "testdata/history.jsonl"), inspectFile(t, "testdata/kept.jsonl")...) {
		want, err := full.Add(context.Background(), in.conv, in.findings, in.tags)
		if err != nil {
			t.Fatal(err)
		}
		got, err := only.Add(context.Background(), in.conv, in.findings, in.tags)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: findings-only batch\n got %+v\nwant %+v", in.conv.ID, got, want)
		}
		n += len(want)
	}
	if n == 0 {
		t.Fatal("the history gave no across finding to compare")
	}
	defer func() {
		if recover() == nil {
			t.Error("Finish of a findings-only batch did not panic")
		}
	}()
	only.Finish()
}
