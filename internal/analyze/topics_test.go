package analyze_test

import (
	"fmt"
	"testing"

	"fullqa/internal/conversation"
)

func TestTopicsOf(t *testing.T) {
	tp := topics(t)
	c := &conversation.Conversation{ID: "t", SKUs: []string{"100"}, Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "中通快递三天没动了，一直在广州转运中心"},
		{Role: conversation.RoleAgent, Text: "亲，顺丰速运也可以选的"}}}
	fs := []conversation.Finding{{Code: "emotion.negative", Severity: conversation.SeverityLow},
		{Code: "promise.made", Severity: conversation.SeverityInfo}}
	tags := []conversation.Tag{{Name: "logistics"}}
	got := fmt.Sprint(tp.Of(c, fs, tags))
	want := "[{code emotion.negative} {courier 中通} {courier 广州转运中心} {courier 顺丰} {scene logistics} {sku 100} {sku_scene 100×logistics}]"
	if got != want {
		t.Errorf("topics\n got %s\nwant %s", got, want)
	}
	if !tp.Kept(&conversation.Conversation{Messages: []conversation.Message{{Role: conversation.RoleCustomer, Text: "退款已经到账了，谢谢"}}}) {
		t.Error("到账了 is not kept")
	}
	if tp.Kept(&conversation.Conversation{Messages: []conversation.Message{{Role: conversation.RoleCustomer, Text: "怎么还没收到"},
		{Role: conversation.RoleAgent, Text: "已经发货了"}}}) {
		t.Error("a customer still waiting (and an agent's 已经发货了) is kept")
	}
}
