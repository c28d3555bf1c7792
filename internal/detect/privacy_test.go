package detect

import (
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/privacy"
)

// TestPIIEvidence checks what a privacy.pii_leak finding shows: the value
// in clear in its sentence (masking is the writer's job under --redact, so
// evidence and quoted message agree), the kinds that leaked by name, and,
// once redacted as --redact does, no value left in clear, however long
// the message and wherever the value stands in it.
func TestPIIEvidence(t *testing.T) {
	eng, err := NewEngine([]Detector{newPrivacyDetector()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("您好，这边已经为您核实过订单的情况了，", 4)
	cases := []struct {
		text   string
		labels string   // the kinds named in the evidence
		clear  []string // values that must be in the evidence and gone after Redact
	}{
		{"好的，已改为13812345678", "手机号", []string{"13812345678"}},
		{"您的身份证号110101199003077758已登记", "身份证号", []string{"110101199003077758"}},
		{"退到您的卡6259650871772098", "银行卡号", []string{"6259650871772098"}},
		{"您的地址是北京市朝阳区建国路88号3单元502室", "地址", []string{"88号3单元502室"}},
		{"地址北京市朝阳区建国路88号3单元502室，电话13812345678", "地址、手机号", []string{"88号3单元502室", "13812345678"}},
		{long + "您的地址是北京市朝阳区建国路88号3单元502室对吗", "地址", []string{"88号3单元502室"}},
		{long + "已改为13812345678" + long, "手机号", []string{"13812345678"}},
	}
	for _, c := range cases {
		conv := &conversation.Conversation{ID: "t", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "帮我看下信息"},
			{Role: conversation.RoleAgent, Text: c.text}}}
		_, out := eng.Inspect(conv, nil)
		if len(out.Findings) != 1 {
			t.Errorf("%q: %d findings, want 1", c.text, len(out.Findings))
			continue
		}
		f := out.Findings[0]
		if !strings.HasPrefix(f.Evidence, c.labels+"：") || !strings.Contains(f.Detail, c.labels) {
			t.Errorf("%q: evidence %q / detail %q do not name %s", c.text, f.Evidence, f.Detail, c.labels)
		}
		red := privacy.Redact(f.Evidence)
		for _, v := range c.clear {
			if !strings.Contains(f.Evidence, v) {
				t.Errorf("%q: evidence %q does not quote %q", c.text, f.Evidence, v)
			}
			if strings.Contains(red, v) {
				t.Errorf("%q: redacted evidence %q still shows %q", c.text, red, v)
			}
		}
	}
}
