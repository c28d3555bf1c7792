package detect

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// openGate is a classMask that lets every message with a presence bit
// through. A message with none has no word of any class, and every gated
// block reads only word classes, so on it the gated and the open copy
// skip the same work; the comparison holds the gates' masks, not that.
var openGate = classMask{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}

// TestDetectorGates runs the detectors that skip messages by a classMask
// (attitude, compliance, repeat, loop; with the emotion model loaded, as
// scan runs by default, emotion and promise) on every conversation of testdata and the
// JDDC dev chats twice, with their gate and with openGate, and wants the
// same findings and tags.
func TestDetectorGates(t *testing.T) {
	eng, err := NewEngine(Registry(testConfig(t), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	att, comp, rep := detectorOf[*attitudeDetector](eng), detectorOf[*complianceDetector](eng), detectorOf[*repeatDetector](eng)
	attOpen, compOpen, repOpen := *att, *comp, *rep
	attOpen.gate, compOpen.gate = openGate, openGate
	repOpen.agentGate, repOpen.custGate = openGate, openGate
	loop := detectorOf[*loopDetector](eng)
	loopOpen := *loop
	loopOpen.agentGate = openGate
	pairs := []gatePair{{att, &attOpen}, {comp, &compOpen}, {rep, &repOpen}, {loop, &loopOpen}}

	engEmo := defaultEngine(t)
	emoDet := detectorOf[*emotionDetector](engEmo)
	emoOpen := *emoDet
	emoOpen.wordGate = openGate
	prom := detectorOf[*promiseDetector](engEmo)
	promOpen := *prom
	promOpen.brokenGate, promOpen.canGate, promOpen.eventGate = openGate, openGate, openGate
	emoPairs := []gatePair{{emoDet, &emoOpen}, {prom, &promOpen}}

	convs := gateChats(t)
	// A reversal whose second message holds only a "cannot" word, and
	// one holding only a "can" word: each gate of agentFacts' reversal
	// must let its message through (the corpora's reversals hold both).
	for k, turns := range [][2]string{{"可以退的亲", "抱歉，这个无法退"}, {"不能退的亲", "抱歉，这个能退"}} {
		convs = append(convs, &conversation.Conversation{ID: fmt.Sprintf("reversal-%d", k), Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "这个能退吗"}, {Role: conversation.RoleAgent, Text: turns[0]},
			{Role: conversation.RoleCustomer, Text: "那我申请了"}, {Role: conversation.RoleAgent, Text: turns[1]},
		}})
	}
	found := make(map[string]int)
	for _, c := range convs {
		in, out := eng.Inspect(c, &Scratch{})
		compareGates(t, c.ID, in, &out, pairs, found)
		in, out = engEmo.Inspect(c, &Scratch{})
		compareGates(t, c.ID, in, &out, emoPairs, found)
	}
	for _, p := range append(pairs, emoPairs...) {
		if found[p.gated.Name()] == 0 {
			t.Fatalf("%s: no findings or tags: the test compares nothing", p.gated.Name())
		}
	}
	t.Logf("%d conversations, findings and tags %v", len(convs), found)
}

// gatePair is a detector with its gates and a copy of it with open gates.
type gatePair struct{ gated, open Detector }

// compareGates runs each pair on in and fails on the first difference of
// findings, tags or ending, counting what each gated detector found in
// found. Each run starts from the findings of the other detectors in out
// (the engine's run), which a detector such as resolution reads.
func compareGates(t *testing.T, id string, in *Input, out *Output, pairs []gatePair, found map[string]int) {
	t.Helper()
	for _, p := range pairs {
		var prior []conversation.Finding
		for _, f := range out.Findings {
			if !slices.Contains(p.gated.Codes(), f.Code) {
				prior = append(prior, f)
			}
		}
		var got, want Output
		got.Findings, want.Findings = slices.Clone(prior), slices.Clone(prior)
		p.gated.Inspect(in, &got)
		p.open.Inspect(in, &want)
		if !reflect.DeepEqual(got.Findings, want.Findings) || !reflect.DeepEqual(got.Tags, want.Tags) || !reflect.DeepEqual(got.Ending, want.Ending) {
			t.Fatalf("%s, %s: gated %+v %+v %+v\nopen %+v %+v %+v", id, p.gated.Name(), got.Findings, got.Tags, got.Ending, want.Findings, want.Tags, want.Ending)
		}
		found[p.gated.Name()] += len(got.Findings) - len(prior) + len(got.Tags)
	}
}

// gateChats are the chats a detector is compared on with and without a
// shortcut: the JDDC sample when ../shared is there, then every table
// test's chats.
func gateChats(t *testing.T) []*conversation.Conversation {
	t.Helper()
	convs := jddcConvsOrNone(t)
	files, err := filepath.Glob(filepath.Join("testdata", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		err := ingest.ForEachInFile(f, ingest.Options{Format: ingest.FormatJSONL}, func(c *conversation.Conversation) error {
			convs = append(convs, c)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return convs
}
