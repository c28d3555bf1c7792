package detect

import (
	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// repeatDetector emits repeat.contact when the text shows this is not the
// first contact about the same problem: the customer says so ("上次说",
// "第三次问了", "之前问过"), the agent looks up the earlier contact, or the
// agent asks whether it is about the earlier issue and the customer
// confirms. Platform flags such as JDDC's is_repeat are never read: they are
// only for measuring this detector.
type repeatDetector struct {
	lex lexicon.Lists

	signal, agent, ask, confirm ClassID
}

func newRepeatDetector(lex lexicon.Lists) *repeatDetector { return &repeatDetector{lex: lex} }

func (d *repeatDetector) Name() string { return "repeat" }

func (d *repeatDetector) Codes() []string { return []string{"repeat.contact"} }

func (d *repeatDetector) RegisterKeywords(k *Keywords) error {
	d.signal = k.Add("repeat.signal", d.lex.Words("repeat_signal")...)
	d.agent = k.Add("repeat.agent", d.lex.Words("repeat_agent")...)
	d.ask = k.Add("repeat.ask", d.lex.Words("repeat_ask")...)
	d.confirm = k.Add("repeat.confirm", d.lex.Words("repeat_confirm")...)
	return nil
}

func (d *repeatDetector) Inspect(in *Input, out *Output) {
	msgs := in.Conv.Messages
	asked := -1
	for i := range msgs {
		switch msgs[i].Role {
		case conversation.RoleAgent:
			if in.Has(i, d.ask) {
				asked = i
			}
			if h, ok := in.First(i, d.agent); ok {
				d.add(in, []int{i}, "the agent follows up an earlier contact: "+quote(in.Matched(i, h)), out)
				return
			}
		case conversation.RoleCustomer:
			if h, ok := in.First(i, d.signal); ok {
				d.add(in, []int{i}, "the customer refers to an earlier contact: "+quote(in.Matched(i, h)), out)
				return
			}
			if asked >= 0 {
				if in.Has(i, d.confirm) && runeLen(in.Norm[i]) <= 6 {
					d.add(in, []int{asked, i}, "the customer confirms coming about an earlier issue", out)
					return
				}
				asked = -1
			}
		}
	}
}

func (d *repeatDetector) add(in *Input, msgs []int, why string, out *Output) {
	ev := quote(in.Conv.Messages[msgs[0]].Text)
	if len(msgs) > 1 {
		ev += " → " + quote(in.Conv.Messages[msgs[1]].Text)
	}
	out.Add(conversation.Finding{Code: "repeat.contact", Severity: conversation.SeverityLow,
		Messages: msgs, Evidence: ev, Detail: why})
}
