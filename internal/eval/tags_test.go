package eval

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
)

// TestTrainTags runs the scene-tag measurement on the hand-written
// synthetic conversations, split into three "sources" by id (as JDDC, uss
// and jd2 are), with no training-only set: every tag gets the rules-alone,
// CV and other-sources rows on each, the rules-alone counts are the scene
// detector's own, and training twice writes the same bytes.
func TestTrainTags(t *testing.T) {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	dets := detect.Registry(detect.DefaultConfig(), lex)
	detect.LearnSceneTags(dets)
	eng, err := detect.NewEngine(dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := LoadLabels(filepath.Join("testdata", "synthetic_tags_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	part := [3]map[string]*Labels{{}, {}, {}}
	for id, l := range labels {
		k := 0
		switch {
		case strings.HasPrefix(id, "syn-q") || strings.HasPrefix(id, "syn-l0"):
			k = 1
		case strings.HasPrefix(id, "syn-l1"):
			k = 2
		}
		part[k][id] = l
	}
	src := USS(filepath.Join("testdata", "synthetic_tags.jsonl"))
	sets := []NegativeSet{{Name: "a", Src: src, Labels: part[0]}, {Name: "b", Src: src, Labels: part[1]}, {Name: "c", Src: src, Labels: part[2]}}
	for _, s := range sets {
		if len(s.Labels) == 0 {
			t.Fatalf("source %s has no conversation", s.Name)
		}
	}
	var w1, w2 bytes.Buffer
	rep, err := TrainTags(context.Background(), sets, nil, eng, nil, &w1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TrainTags(context.Background(), sets, nil, eng, nil, &w2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
		t.Error("training twice gave different weights")
	}
	if _, err := classify.DecodeTagModels(w1.Bytes()); err != nil {
		t.Errorf("written weights: %v", err)
	}
	if len(rep.Tags) != detect.NumLearnedTags {
		t.Fatalf("%d tags measured", len(rep.Tags))
	}
	det, err := Detectors(context.Background(), eng, src, labels)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Tags {
		n := len(sets)
		if len(tr.Rows) != n+2*n*len(tagModes) {
			t.Fatalf("tag %s: %d rows", tr.Tag, len(tr.Rows))
		}
		for k, row := range tr.Rows {
			if want := sets[k%n].Name; row.Set != want {
				t.Errorf("tag %s row %d (%s): source %s, want %s", tr.Tag, k, row.Method, row.Set, want)
			}
		}
		var rules Count
		for _, row := range tr.Rows[:n] {
			rules.TP += row.TP
			rules.FP += row.FP
			rules.FN += row.FN
		}
		want := *det.count("tag:" + tr.Tag)
		if rules.TP != want.TP || rules.FP != want.FP || rules.FN != want.FN {
			t.Errorf("tag %s: rules alone %d/%d/%d, the detector's eval %d/%d/%d", tr.Tag, rules.TP, rules.FP, rules.FN, want.TP, want.FP, want.FN)
		}
	}
	if !strings.Contains(rep.String(), "rules alone") {
		t.Errorf("report:\n%s", rep)
	}
}

// TestPooledBar checks the pooled shipping bar of the scene-tag scorers:
// counts are summed over the pooled sources only, a mode passes with F1 at
// least 0.01 above the rules' and precision at most 0.01 lower, and "rules
// or score" is taken before stacked when both pass.
func TestPooledBar(t *testing.T) {
	names := []string{"jddc", "jd2", "jd3"}
	pooled := []string{"jd2", "jd3"}
	rules := []Count{{TP: 90, FP: 0, FN: 10}, {TP: 40, FP: 10, FN: 10}, {TP: 40, FP: 10, FN: 10}} // pooled: P 0.8, R 0.8
	c := func(tp, fp, fn int) Count { return Count{TP: tp, FP: fp, FN: fn} }
	for _, tc := range []struct {
		name        string
		or, stacked []Count
		want        int
	}{
		{"both pass: rules-or first", []Count{c(0, 50, 100), c(45, 11, 5), c(45, 11, 5)}, []Count{c(0, 0, 0), c(48, 9, 2), c(48, 9, 2)}, 0},
		{"only stacked passes", []Count{c(0, 0, 0), c(41, 10, 9), c(40, 10, 10)}, []Count{c(0, 0, 0), c(45, 10, 5), c(45, 10, 5)}, 1},
		{"gain under 0.01", []Count{c(0, 0, 0), c(41, 10, 9), c(40, 10, 10)}, []Count{c(0, 0, 0), c(41, 10, 9), c(40, 10, 10)}, -1},
		{"precision down more than 0.01", []Count{c(0, 0, 0), c(48, 16, 2), c(48, 16, 2)}, []Count{c(0, 0, 0), c(48, 16, 2), c(48, 16, 2)}, -1},
		{"a source outside the pool does not count", []Count{c(100, 0, 0), c(40, 10, 10), c(40, 10, 10)}, []Count{c(100, 0, 0), c(40, 10, 10), c(40, 10, 10)}, -1},
	} {
		got, why := pooledBar(names, pooled, rules, func(mi int) []Count {
			if mi == 0 {
				return tc.or
			}
			return tc.stacked
		})
		if got != tc.want {
			t.Errorf("%s: mode %d, want %d (why: %v)", tc.name, got, tc.want, why)
		}
		if got < 0 && len(why) != 2 {
			t.Errorf("%s: %d reasons, want one per mode: %v", tc.name, len(why), why)
		}
	}
}
