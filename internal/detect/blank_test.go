package detect

import (
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// TestBlankMessageHasNoEmotion checks that a customer message of nothing
// but white space gets no emotion label: the model's guess for an empty
// text would count in negative_share and feed emotion findings.
func TestBlankMessageHasNoEmotion(t *testing.T) {
	emo, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), emo)
	if err != nil {
		t.Fatal(err)
	}
	c := &conversation.Conversation{ID: "b", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "   "},
		{Role: conversation.RoleCustomer, Text: "\u3000\t\n"},
		{Role: conversation.RoleCustomer, Text: ""},
		{Role: conversation.RoleCustomer, Text: "怎么还没发货"},
	}}
	in, out := eng.Inspect(c, nil)
	for i := 0; i < 3; i++ {
		if in.Emotion[i].Label != "" {
			t.Errorf("blank message %d has emotion %+v", i, in.Emotion[i])
		}
	}
	if in.Emotion[3].Label == "" {
		t.Error("a real message lost its emotion")
	}
	for _, f := range out.Findings {
		if f.Code == "emotion.negative" && f.Messages[0] < 3 {
			t.Errorf("emotion finding on a blank message: %+v", f)
		}
	}
}
