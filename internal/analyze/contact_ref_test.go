package analyze

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"fullqa/internal/conversation"
)

// find is the first finding of code in fs, nil when none: the look
// contactFindingsRef makes for each code.
func find(fs []conversation.Finding, code string) *conversation.Finding {
	for i := range fs {
		if fs[i].Code == code {
			return &fs[i]
		}
	}
	return nil
}

// contactFindingsRef is contactFindings as summarize did it before, a
// look through the findings for each code: the reference of
// TestContactFindingsMatchesFind.
func contactFindingsRef(ct *Contact, c *conversation.Conversation, findings []conversation.Finding) {
	for _, code := range unresolvedCodes {
		if f := find(findings, code); f != nil && !ct.Unresolved {
			ct.Unresolved, ct.Ending = true, code+": "+clip(f.Evidence, 40)
			if len(f.Messages) > 0 {
				ct.EndingMsg = f.Messages[0]
			}
		}
	}
	for _, code := range [...]string{"promise.conflict", "repeat.contact"} {
		if f := find(findings, code); f != nil && len(f.Messages) > 0 && ct.NotKeptMsg < 0 {
			n := f.Messages[0]
			if n >= 0 && n < len(c.Messages) && c.Messages[n].Role == conversation.RoleCustomer {
				ct.NotKeptMsg, ct.NotKeptText = n, clip(c.Messages[n].Text, 60)
			}
		}
	}
	if f := find(findings, "repeat.contact"); f != nil {
		ct.RepeatContact = f.Messages
	}
}

// TestContactFindingsMatchesFind holds contactFindings to the look for
// each code it replaced, on random lists of the codes it reads and others
// (near misses among them), repeated, with and without messages, naming
// customer, agent and missing messages.
func TestContactFindingsMatchesFind(t *testing.T) {
	codes := []string{"resolution.unresolved", "promise.conflict", "threat.escalation", "response.missed",
		"repeat.contact", "promise.made", "response.slow", "resolution.unresolve", "repeat.contacts", "", "threat.escalation "}
	c := &conversation.Conversation{Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "我的快递呢"}, {Role: conversation.RoleAgent, Text: "您好"},
		{Role: conversation.RoleCustomer, Text: " 还没到 "}}}
	rng := rand.New(rand.NewPCG(9, 9))
	set := 0
	for k := 0; k < 20000; k++ {
		fs := make([]conversation.Finding, rng.IntN(7))
		for i := range fs {
			fs[i] = conversation.Finding{Code: codes[rng.IntN(len(codes))], Evidence: codes[rng.IntN(len(codes))] + "的证据"}
			if rng.IntN(4) > 0 {
				fs[i].Messages = []int{rng.IntN(5) - 1, rng.IntN(3)}
			}
		}
		got, want := Contact{FirstMsg: -1, NotKeptMsg: -1, EndingMsg: -1}, Contact{FirstMsg: -1, NotKeptMsg: -1, EndingMsg: -1}
		contactFindings(&got, c, fs)
		contactTexts(&got, c) // the text of NotKeptMsg, as the reference clipped it
		contactFindingsRef(&want, c, fs)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("findings %+v:\ngot  %+v\nwant %+v", fs, got, want)
		}
		if want.Unresolved && want.NotKeptMsg >= 0 && want.RepeatContact != nil {
			set++
		}
	}
	if set < 100 {
		t.Fatalf("only %d lists set every field: the test tests little", set)
	}
}
