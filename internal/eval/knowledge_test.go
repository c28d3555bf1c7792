package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fullqa/internal/detect"
	"fullqa/internal/knowledge"
	"fullqa/internal/lexicon"
)

// knowledgeEngine is the knowledge detector alone with facts.
func knowledgeEngine(t *testing.T, facts *knowledge.Facts) *detect.Engine {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := detect.DefaultConfig()
	cfg.Facts = facts
	dets, err := detect.Select(detect.Registry(cfg, lex), "knowledge")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// TestKnowledgeLabels scores the knowledge detector on the labelled JD
// chats (skipped without ../shared): every claim it reads must be labelled,
// so a rule change that reads new claims fails here until a reviewer has
// judged them, and the claim precision must stay at least 0.9.
func TestKnowledgeLabels(t *testing.T) {
	data := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(data, "jddc", "jddc_dev.tsv")); err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	facts, err := knowledge.Load(filepath.Join("testdata", "jddc_facts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	claims, withFacts := knowledgeEngine(t, knowledge.Empty()), knowledgeEngine(t, facts)
	for _, tc := range []struct {
		src    Source
		labels string
	}{
		{JDDC(filepath.Join(data, "jddc", "jddc_dev.tsv")), "knowledge_claims.jsonl"},
		{USS(filepath.Join(data, "uss_jddc", "valid_jddc.dialogs.jsonl")), "knowledge_claims_uss.jsonl"},
	} {
		lab, err := LoadClaimLabels(filepath.Join("testdata", tc.labels))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Knowledge(context.Background(), claims, withFacts, tc.src, lab)
		if err != nil {
			t.Fatal(err)
		}
		for _, tl := range []Tally{rep.Claims, rep.Contradictions, rep.Unknown} {
			if tl.Unlabelled > 0 {
				t.Errorf("%s: %s: %d unlabelled findings: %v", tc.labels, tl.Name, tl.Unlabelled, rep.Errors)
			}
		}
		if p := rep.Claims.Precision(); p < 0.9 {
			t.Errorf("%s: claim precision %.3f", tc.labels, p)
		}
	}
}
