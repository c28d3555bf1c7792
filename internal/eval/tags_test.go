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
	rep, err := TrainTags(context.Background(), sets, nil, eng, &w1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TrainTags(context.Background(), sets, nil, eng, &w2); err != nil {
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
