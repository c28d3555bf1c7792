package detect

import (
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

func TestSensitiveConfigValidate(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	c := DefaultConfig()
	c.Sensitive.Steps = append(c.Sensitive.Steps, "smile")
	if err := c.Validate(); err == nil {
		t.Error("an unknown step must fail validation")
	}
	c = DefaultConfig()
	c.Sensitive.Scenes = []string{"logistic"}
	if err := c.Validate(); err == nil {
		t.Error("an unknown scene must fail validation")
	}
}

// TestShopForbiddenWord checks that a word a shop adds to
// attitude_forbidden through the config reaches the detector.
func TestShopForbiddenWord(t *testing.T) {
	lex, err := lexicon.Load(lexicon.Overrides{Add: map[string][]string{"attitude_forbidden": {"亲爱的"}}})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine([]Detector{newAttitudeDetector(lex)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &conversation.Conversation{ID: "x", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "在吗"},
		{Role: conversation.RoleAgent, Text: "亲爱的，在的"},
	}}
	_, out := eng.Inspect(c, nil)
	if len(out.Findings) != 1 || out.Findings[0].Code != "attitude.forbidden" {
		t.Fatalf("got %+v", out.Findings)
	}
}

// TestStepsConfigurable checks that dropping a step from the config stops
// it being required.
func TestStepsConfigurable(t *testing.T) {
	lex := testLexicon(t)
	c := &conversation.Conversation{ID: "x", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "能退款吗"},
		{Role: conversation.RoleAgent, Text: "不支持"},
	}}
	cfg := DefaultSensitiveConfig()
	cfg.Steps = []string{StepNextStep}
	for _, tc := range []struct {
		cfg  SensitiveConfig
		want string
	}{
		{DefaultSensitiveConfig(), "refund scene handled against the required steps: agent never acknowledged or apologised; agent gave no concrete next step or outcome; agent refused without a reason"},
		{cfg, "refund scene handled against the required steps: agent gave no concrete next step or outcome"},
	} {
		eng, err := NewEngine([]Detector{newSceneDetector(tc.cfg, lex)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, out := eng.Inspect(c, nil)
		got := ""
		for _, f := range out.Findings {
			if f.Code == "sensitive.mishandled" {
				got = f.Detail
				// The evidence is the agent's words, as for every finding.
				if f.Evidence != "不支持" {
					t.Errorf("evidence %q, want the agent's message", f.Evidence)
				}
			}
		}
		if got != tc.want {
			t.Errorf("steps %v: got %q, want %q", tc.cfg.Steps, got, tc.want)
		}
	}
}
