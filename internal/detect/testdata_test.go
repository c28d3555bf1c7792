package detect

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
	"fullqa/internal/lexicon"
)

// TestRegistry checks that detector names are unique and that each has
// table tests in testdata/<name>.jsonl.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	codes := map[string]string{}
	for _, d := range Registry(DefaultConfig(), testLexicon(t)) {
		if seen[d.Name()] {
			t.Errorf("detector name %q is used twice", d.Name())
		}
		seen[d.Name()] = true
		if len(d.Codes()) == 0 {
			t.Errorf("detector %q declares no codes", d.Name())
		}
		for _, c := range d.Codes() {
			if other, dup := codes[c]; dup {
				t.Errorf("code %q is emitted by both %q and %q", c, other, d.Name())
			}
			codes[c] = d.Name()
		}
		if _, err := os.Stat(filepath.Join("testdata", d.Name()+".jsonl")); err != nil {
			t.Errorf("detector %q has no testdata/%s.jsonl", d.Name(), d.Name())
		}
	}
}

// testConfig is the default config with the embedded learned threat
// scorer, as the commands build it.
func testConfig(t testing.TB) Config {
	t.Helper()
	l, err := classify.LoadThreat()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Threat = &ThreatModel{W: l.W, Bias: l.Bias, Threshold: l.Threshold}
	return cfg
}

// defaultEngine is the engine of the default configuration with the
// embedded emotion model: what a scan runs, for the tests that hold a
// detector's shortcuts to their references on it.
func defaultEngine(t testing.TB) *Engine {
	t.Helper()
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), emo)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func testLexicon(t testing.TB) lexicon.Lists {
	t.Helper()
	l, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// testCase is one line of testdata/<detector>.jsonl: a canonical
// conversation plus the findings the detector must give, as "code@n" (n is
// the finding's first message number, "code@n!severity" to check the
// severity too) and "tag:name" for scene tags. Exactly these, no more: a
// missing or an extra finding fails the test.
//
// Promise, emotion, threat and loop cases are run twice: Want is what the rules read
// (the learned scorer off: the promise rules, the negative-emotion rules),
// Learned what the shipped detector reports with the embedded learned
// scorer deciding promise.made or emotion.negative, when it differs from
// Want (null: the same). The stacked negative-emotion scorer reads the
// rules' verdict and decides alone, so a near miss of the rules can be a
// finding of the learned scorer and a rule's finding can be overruled;
// Learned says so case by case.
type testCase struct {
	ID      string   `json:"id"`
	Want    []string `json:"want"`
	Learned []string `json:"learned"`
	Note    string   `json:"note"`
}

// TestDetectorTables runs every detector over its hand-written cases.
func TestDetectorTables(t *testing.T) {
	for _, d := range Registry(testConfig(t), testLexicon(t)) {
		t.Run(d.Name(), func(t *testing.T) {
			if d.Name() == "knowledge" {
				t.Skip("needs a facts file: TestKnowledgeTable runs it with examples/facts.yaml")
			}
			runTable(t, d, filepath.Join("testdata", d.Name()+".jsonl"))
		})
	}
}

func runTable(t *testing.T, d Detector, path string) {
	t.Helper()
	rulesAlone := func(tc testCase) []string { return tc.Want }
	learned := func(tc testCase) []string {
		if tc.Learned != nil {
			return tc.Learned
		}
		return tc.Want
	}
	switch det := d.(type) {
	case *promiseDetector:
		runTableAs(t, d, path, " [rules alone]", func(*Engine) { det.model = nil }, rulesAlone)
		runTableAs(t, d, path, " [learned]", nil, learned)
	case *emotionDetector:
		runTableAs(t, d, path, " [rules alone]", func(e *Engine) { e.neg = nil }, rulesAlone)
		runTableAs(t, d, path, " [learned]", nil, learned)
	case *threatDetector:
		// The threat scorer is the detector's own, not reloaded when an
		// engine is built: the learned run goes first, the rules alone
		// after it take the model away and give it back.
		runTableAs(t, d, path, " [learned]", nil, learned)
		model := det.model
		runTableAs(t, d, path, " [rules alone]", func(*Engine) { det.model = nil }, rulesAlone)
		det.model = model
	case *loopDetector:
		// The learned restatement scorer is off by default
		// (detect.loop.learned): the rules alone first, then with the
		// embedded scorer, whose finds a case names in Learned.
		runTableAs(t, d, path, " [rules alone]", nil, rulesAlone)
		m, err := loadRepeatModel()
		if err != nil {
			t.Fatal(err)
		}
		saved := det.model
		runTableAs(t, d, path, " [learned]", func(*Engine) { det.model = m }, learned)
		det.model = saved
	default:
		runTableAs(t, d, path, "", nil, rulesAlone)
	}
}

// runTableAs runs the cases of path on d against want's findings, naming
// the run mode in its errors, with the engine set up by setEngine, when
// it is not nil, after it is built (which loads the promise detector's
// model): the learned scorers off, for the rules-alone runs.
func runTableAs(t *testing.T, d Detector, path, mode string, setEngine func(*Engine), want func(testCase) []string) {
	t.Helper()
	// The emotion detector reads the emotion model's output: its cases run
	// with the real embedded model, as the product does.
	var emo EmotionModel
	if d.Name() == "emotion" {
		m, err := classify.LoadEmotion()
		if err != nil {
			t.Fatal(err)
		}
		emo = m
	}
	eng, err := NewEngine([]Detector{d}, emo)
	if err != nil {
		t.Fatal(err)
	}
	if setEngine != nil {
		setEngine(eng)
	}
	cases, err := loadCases(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = ingest.ForEachInFile(path, ingest.Options{Format: ingest.FormatJSONL}, func(c *conversation.Conversation) error {
		tc := cases[n]
		n++
		_, out := eng.Inspect(c, nil)
		withSeverity := map[string]bool{}
		for _, w := range want(tc) {
			if at, _, ok := strings.Cut(w, "!"); ok {
				withSeverity[at] = true
			}
		}
		var got []string
		for _, f := range out.Findings {
			if len(f.Messages) == 0 {
				t.Errorf("%s: finding %s has no evidence messages", c.ID, f.Code)
				continue
			}
			if strings.TrimSpace(f.Evidence) == "" {
				t.Errorf("%s: finding %s has empty evidence", c.ID, f.Code)
			}
			at := fmt.Sprintf("%s@%d", f.Code, f.Messages[0])
			if withSeverity[at] {
				at += "!" + f.Severity.String()
			}
			got = append(got, at)
		}
		for _, tg := range out.Tags {
			got = append(got, "tag:"+tg.Name)
		}
		sort.Strings(got)
		w := append([]string(nil), want(tc)...)
		sort.Strings(w)
		if strings.Join(got, " ") != strings.Join(w, " ") {
			t.Errorf("%s%s (%s):\n got  %v\n want %v", c.ID, mode, tc.Note, got, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("%s: no cases", path)
	}
}

func loadCases(path string) ([]testCase, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var out []testCase
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var tc testCase
		if err := json.Unmarshal(sc.Bytes(), &tc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, tc)
	}
	return out, sc.Err()
}
