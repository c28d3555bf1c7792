package eval

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
)

// testEngine builds an engine of the detectors spec names ("all" or a
// comma list), emotion off.
func testEngine(t *testing.T, spec string) *detect.Engine {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	dets, err := detect.Select(detect.Registry(detect.DefaultConfig(), lex), spec)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// miniSets are the two hand-written mini sources with their labels
// (testdata/mini.tsv as jddc, testdata/mini_uss.jsonl as uss), the inputs
// every learned-scorer trainer's end-to-end test runs on.
func miniSets(t *testing.T) []NegativeSet {
	t.Helper()
	jl, err := LoadLabels(filepath.Join("testdata", "mini_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	ul, err := LoadLabels(filepath.Join("testdata", "mini_uss_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return []NegativeSet{
		{Name: "jddc", Src: JDDC(filepath.Join("testdata", "mini.tsv")), Labels: jl},
		{Name: "uss", Src: USS(filepath.Join("testdata", "mini_uss.jsonl")), Labels: ul},
	}
}

// scoreMini scores the threat, scene and promise detectors on the two
// sessions of testdata/mini.tsv against the labels file named.
func scoreMini(t *testing.T, labelsFile string) *Report {
	t.Helper()
	eng := testEngine(t, "threat,scene,promise")
	labels, err := LoadLabels(filepath.Join("testdata", labelsFile))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Detectors(context.Background(), eng, JDDC(filepath.Join("testdata", "mini.tsv")), labels)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestDetectorsCounts runs the harness on a two-session file whose labels
// are written so every count is known: s1 threatens (labelled), s2 is a
// refund (labelled) with a promise the labels leave out (a false positive),
// and s1 is labelled quality though nothing says so (a false negative).
func TestDetectorsCounts(t *testing.T) {
	rep := scoreMini(t, "mini_labels.jsonl")
	if rep.Sessions != 2 {
		t.Fatalf("%d sessions", rep.Sessions)
	}
	want := map[string]Count{
		"threat.escalation": {TP: 1},
		"tag:refund":        {TP: 1},
		"tag:quality":       {FN: 1},
		"promise.made":      {FP: 1},
	}
	got := map[string]Count{}
	for _, c := range rep.Counts {
		got[c.Name] = Count{TP: c.TP, FP: c.FP, FN: c.FN}
	}
	for name, w := range want {
		if g := got[name]; g != w {
			t.Errorf("%s = %+v, want %+v", name, g, w)
		}
	}
	if c := (Count{TP: 1, FP: 1}); c.Precision() != 0.5 || (Count{}).Precision() != -1 || (Count{}).Recall() != -1 {
		t.Error("precision/recall edge cases")
	}
}

// TestThreatsCounts checks the threat harness on a hand-made pair of
// sources: two labelled threats found, a negated mention not flagged, and
// a threat on a message that is not a labelled candidate counted apart.
func TestThreatsCounts(t *testing.T) {
	rep, err := Threats(context.Background(), testEngine(t, "threat"), filepath.Join("testdata", "mini_threats_jddc.tsv"),
		filepath.Join("testdata", "mini_threats_uss.jsonl"), filepath.Join("testdata", "mini_threats.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count.TP != 2 || rep.Count.FP != 0 || rep.Count.FN != 0 || rep.Candidates != 3 {
		t.Errorf("count %+v over %d candidates", rep.Count, rep.Candidates)
	}
	if len(rep.Outside) != 1 || !strings.Contains(rep.Outside[0], "jddc/s2/1") {
		t.Errorf("outside %v, want the unlabelled 曝光 threat", rep.Outside)
	}
}

// TestDetectorsOnUSS scores hand-written dialogues in the uss_jddc format:
// turn numbers are message numbers, "user" turns are the customer's, and
// the is_repeat comparison, which only JDDC carries, is left out.
func TestDetectorsOnUSS(t *testing.T) {
	eng := testEngine(t, "all")
	labels, err := LoadLabels(filepath.Join("testdata", "mini_uss_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Detectors(context.Background(), eng, USS(filepath.Join("testdata", "mini_uss.jsonl")), labels)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Count{}
	for _, c := range rep.Counts {
		got[c.Name] = Count{TP: c.TP, FP: c.FP, FN: c.FN}
	}
	if rep.Sessions != 2 || got["tag:refund"] != (Count{TP: 1}) || got["tag:quality"] != (Count{TP: 1}) || got["promise.made"] != (Count{TP: 1}) {
		t.Errorf("%d sessions, counts %+v", rep.Sessions, got)
	}
	if _, ok := got["repeat.contact vs is_repeat (all sessions)"]; ok {
		t.Error("is_repeat compared on a source without it")
	}
	if err := USS(filepath.Join("testdata", "missing.jsonl"))(nil); err == nil {
		t.Error("a missing file gives no error")
	}
}

// TestPartialLabels scores a set labelled for promises only: the same two
// sessions give promise.made its counts and nothing for the scenes and
// threats the lines do not label.
func TestPartialLabels(t *testing.T) {
	rep := scoreMini(t, "mini_promise_labels.jsonl")
	for _, c := range rep.Counts {
		want := Count{}
		if c.Name == "promise.made" {
			want = Count{FP: 1}
		}
		if got := (Count{TP: c.TP, FP: c.FP, FN: c.FN}); got != want {
			t.Errorf("%s = %+v, want %+v", c.Name, got, want)
		}
	}
}

// TestTWCSSource reads a small TWCS sample through the eval
// source, as `fullqa eval detectors --source twcs` reads the shared file.
func TestTWCSSource(t *testing.T) {
	n := 0
	err := TWCS(filepath.Join("testdata", "mini_twcs.csv"))(func(c *conversation.Conversation) error {
		if c.ID == "" || len(c.Messages) == 0 {
			t.Errorf("empty conversation %+v", c)
		}
		n++
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("read %d conversations, err %v", n, err)
	}
}

// TestEndingMacroF1 checks the ending's three-way macro-F1 against a hand
// computation, and that a report without ending rows says so.
func TestEndingMacroF1(t *testing.T) {
	r := &Report{Counts: []Count{
		{Name: "ending=resolved", TP: 3, FP: 1, FN: 1},   // F1 6/8
		{Name: "ending=pending", TP: 1, FP: 1, FN: 2},    // F1 2/5
		{Name: "ending=unresolved", TP: 0, FP: 0, FN: 1}, // F1 0
		{Name: "promise.made", TP: 9, FP: 0, FN: 0},
	}}
	got, ok := r.EndingMacroF1()
	if want := (6.0/8 + 2.0/5) / 3; !ok || math.Abs(got-want) > 1e-12 {
		t.Errorf("EndingMacroF1 = %v, %v; want %v, true", got, ok, want)
	}
	if !strings.Contains(r.String(), "ending, three-way macro-F1: 0.383") {
		t.Errorf("String lacks the macro-F1 line:\n%s", r.String())
	}
	if _, ok := (&Report{Counts: []Count{{Name: "promise.made"}}}).EndingMacroF1(); ok {
		t.Error("a report without ending rows has a macro-F1")
	}
}
