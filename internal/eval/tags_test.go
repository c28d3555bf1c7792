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
// synthetic conversations, split into two "sources" by id, with no
// training-only set: every tag gets the rules-alone, CV and other-source
// rows on both, the rules-alone counts are the scene detector's own, and
// training twice writes the same bytes.
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
	half := [2]map[string]*Labels{{}, {}}
	for id, l := range labels {
		k := 0
		if strings.HasPrefix(id, "syn-q") || strings.HasPrefix(id, "syn-l0") {
			k = 1
		}
		half[k][id] = l
	}
	src := USS(filepath.Join("testdata", "synthetic_tags.jsonl"))
	sets := []NegativeSet{{Name: "a", Src: src, Labels: half[0]}, {Name: "b", Src: src, Labels: half[1]}}
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
		if len(tr.Rows) != 2+2*2*len(tagModes) {
			t.Errorf("tag %s: %d rows", tr.Tag, len(tr.Rows))
		}
		var rules Count
		for _, row := range tr.Rows[:2] {
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
