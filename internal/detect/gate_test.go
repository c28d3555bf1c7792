package detect

import (
	"path/filepath"
	"reflect"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
)

// openGate is a classMask that lets every message with a presence bit
// through: a detector with it reads every message as before its gate.
var openGate = classMask{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}

// TestDetectorGates runs the detectors that skip messages by a classMask
// (attitude, compliance, repeat, loop) on every conversation of testdata and the JDDC
// dev chats twice, with their gate and with openGate, and wants the same
// findings.
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
	pairs := []struct{ gated, open Detector }{{att, &attOpen}, {comp, &compOpen}, {rep, &repOpen}, {loop, &loopOpen}}

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
	found := 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &Scratch{})
		for _, p := range pairs {
			var got, want Output
			p.gated.Inspect(in, &got)
			p.open.Inspect(in, &want)
			if !reflect.DeepEqual(got.Findings, want.Findings) {
				t.Fatalf("%s, %s: gated %+v\nopen %+v", c.ID, p.gated.Name(), got.Findings, want.Findings)
			}
			found += len(got.Findings)
		}
	}
	if found == 0 {
		t.Fatal("no findings: the test compares nothing")
	}
	t.Logf("%d conversations, %d findings", len(convs), found)
}
