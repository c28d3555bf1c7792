package detect

import (
	"testing"

	"fullqa/internal/conversation"
)

// TestLoopAgreedOpening checks the agreeing opening that Inspect now reads
// only when it compares a message with an earlier one: the same follow-up
// is a near-duplicate on its own and, opened by "行，", no repeat, because
// an agreeing message needs near-verbatim containment. Were the opening
// never read, both would be repeats.
func TestLoopAgreedOpening(t *testing.T) {
	eng, err := NewEngine([]Detector{newLoopDetector(DefaultLoopConfig(), testLexicon(t))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		second string
		repeat bool
	}{
		{"帮我查一下我的订单物流现在到哪里了", true},
		{"行，帮我查一下我的订单物流现在到哪里了", false},
		{"请帮我查一下我的订单物流到哪里了", true},
	} {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "请帮我查一下我的订单物流到哪里了"},
			{Role: conversation.RoleAgent, Text: "您的订单已经发货了，预计明天送达"},
			{Role: conversation.RoleCustomer, Text: tc.second}}}
		_, out := eng.Inspect(conv, nil)
		got := false
		for _, f := range out.Findings {
			got = got || f.Code == "loop.repeat"
		}
		if got != tc.repeat {
			t.Errorf("%s: loop.repeat %v, want %v (%v)", tc.second, got, tc.repeat, out.Findings)
		}
	}
}
