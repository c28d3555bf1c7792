package scan_test

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
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

// TestReusedScratchMatchesFresh runs the JDDC sample, as read and with
// its texts mutated (broken UTF-8 cut mid-character, U+FEFF, emoji,
// full-width letters, placeholders, repeats, empty texts), through
// one detect.Scratch reused conversation after conversation, as a scan
// worker does, and checks every result byte for byte against a fresh
// Scratch's. The worker's memos (the emotion session's cue and Bloom
// memos, the detectors' buffers, the slabs results are cut from) must
// carry nothing from one conversation or message into another.
func TestReusedScratchMatchesFresh(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		t.Skip("../shared/data/jddc absent")
	}
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	model, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), model)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := ingest.Open("jddc_dev.tsv", bytes.NewReader(raw), ingest.Options{Format: ingest.FormatJDDC})
	if err != nil {
		t.Fatal(err)
	}
	var convs []*conversation.Conversation
	if err := ingest.ForEach(rd, func(c *conversation.Conversation) error {
		convs = append(convs, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	n := len(convs)
	for k := range n {
		m := mutatedCopy(rng, convs[k], base.Add(time.Duration(k)*time.Hour))
		// Every other copy follows its original, so that a memo keyed
		// by a text meets the same texts again in another conversation.
		convs = append(convs, m)
		if k%2 == 0 {
			convs = append(convs, convs[k])
		}
	}
	var opts scan.Options
	opts.Defaults()
	var reused detect.Scratch
	for k, c := range convs {
		a := scan.Result{Conv: clone(c)}
		scan.Inspect(eng, &a, &reused, &opts)
		b := scan.Result{Conv: clone(c)}
		scan.Inspect(eng, &b, nil, &opts)
		if a.Err != nil || b.Err != nil {
			t.Fatalf("conversation %d %s: errors %v, %v", k, c.ID, a.Err, b.Err)
		}
		got, want := report.AppendJSONResult(nil, &a), report.AppendJSONResult(nil, &b)
		if !bytes.Equal(got, want) {
			t.Fatalf("conversation %d %s: with the reused scratch\n%s\nwith a fresh one\n%s", k, c.ID, got, want)
		}
	}
}

// mutatedCopy returns a copy of c with a new id, times from t on, and
// about a third of its texts changed in one of the ways real exports
// (and broken ones) write them.
func mutatedCopy(rng *rand.Rand, c *conversation.Conversation, t time.Time) *conversation.Conversation {
	m := clone(c)
	m.ID = c.ID + "-m"
	odd := []string{"\xff", "\xe4\xb8", "\xf0\x9f\x98", "\xed\xa0\x80", "\ufeff", "😡", "𠀀", "\u3000", "\u2028",
		"？？", "[数字x]", "#E-s[数字x]", "ＯＫ", "在吗", "人呢", "谢谢", "抱歉", "明天发货", "不用了", "\uFFFD"}
	for i := range m.Messages {
		t = t.Add(time.Duration(rng.IntN(400)) * time.Second)
		m.Messages[i].At = t
		s := m.Messages[i].Text
		if rng.IntN(3) > 0 {
			continue
		}
		switch rng.IntN(7) {
		case 0:
			s = ""
		case 1:
			if len(s) > 0 { // anywhere, inside a character too
				s = s[:rng.IntN(len(s))]
			}
		case 2:
			s = odd[rng.IntN(len(odd))] + s
		case 3:
			s += odd[rng.IntN(len(odd))]
		case 4:
			s = strings.Repeat(s, 2+rng.IntN(3))
		case 5:
			i := rng.IntN(len(s) + 1)
			s = s[:i] + odd[rng.IntN(len(odd))] + s[i:]
		case 6:
			s = strings.Map(func(r rune) rune { // to full width
				if r > ' ' && r < 0x7f {
					return r + 0xfee0
				}
				return r
			}, s)
		}
		m.Messages[i].Text = s
	}
	return m
}

// clone copies c's messages, which scanning may change.
func clone(c *conversation.Conversation) *conversation.Conversation {
	d := *c
	d.Messages = append([]conversation.Message(nil), c.Messages...)
	return &d
}
