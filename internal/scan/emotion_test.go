package scan_test

import (
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
)

// TestEmotionLabelAgreesWithFindings checks that a customer message is
// labelled negative in the output exactly when emotion.negative flags it,
// with the real embedded model: the model alone calls many plain questions
// negative.
func TestEmotionLabelAgreesWithFindings(t *testing.T) {
	model, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	eng := engineWith(t, model)
	texts := []string{"发票什么时候能开", "退款还没到账", "你们这服务太差了，气死我了", "好的谢谢"}
	c := &conversation.Conversation{ID: "e"}
	for _, s := range texts {
		c.Messages = append(c.Messages,
			conversation.Message{Role: conversation.RoleCustomer, Text: s},
			conversation.Message{Role: conversation.RoleAgent, Text: "您好，这边帮您查询"})
	}
	var opts scan.Options
	opts.Defaults()
	r := scan.Result{Conv: c}
	scan.Inspect(eng, &r, nil, &opts)
	raw, _ := eng.Inspect(c, nil)
	demoted, flagged := 0, 0
	for i, e := range r.Emotion {
		if c.Messages[i].Role != conversation.RoleCustomer {
			continue
		}
		hasFinding := false
		for _, f := range r.Findings {
			if f.Code == "emotion.negative" && f.Messages[0] == i {
				hasFinding = true
			}
		}
		if (e.Label == detect.EmotionNegative) != hasFinding {
			t.Errorf("message %d %q: label %s, emotion.negative finding %v", i, c.Messages[i].Text, e.Label, hasFinding)
		}
		if hasFinding {
			flagged++
		}
		if raw.Emotion[i].Label == detect.EmotionNegative && !hasFinding {
			demoted++
			if e.Label != detect.EmotionNeutral || e.Score != 1-e.Neg {
				t.Errorf("message %d: demoted to %s %.2f, want neutral %.2f", i, e.Label, e.Score, 1-e.Neg)
			}
		}
		t.Logf("%d %q raw %s %.2f → %s %.2f", i, c.Messages[i].Text, raw.Emotion[i].Label, raw.Emotion[i].Neg, e.Label, e.Score)
	}
	if flagged == 0 || demoted == 0 {
		t.Errorf("want both a flagged and a demoted message, got %d flagged, %d demoted", flagged, demoted)
	}
}
