package detect

import (
	"testing"

	"fullqa/internal/conversation"
)

// threatensRef is threatens as written before its presence-bit gate.
func threatensRef(in *Input, i int, t *threatTerms, model *ThreatModel) (h KeywordHit, p float32, ok bool) {
	if h, ok := threatWord(in, i, t); ok {
		return h, -1, true
	}
	if in.english(i) {
		h, ok := t.en.threat(in.Norm[i])
		return h, -1, ok
	}
	if model == nil || !t.threatGated(in, i) || !chineseText(in.Norm[i]) {
		return KeywordHit{}, 0, false
	}
	var f ThreatFeats
	t.threatFeatures(in, i, false, &f)
	if prob := model.Prob(f.idx[:f.n], f.val[:f.n]); prob >= model.Threshold {
		return t.firstCue(in, i), prob, true
	}
	return KeywordHit{}, 0, false
}

// TestThreatGate checks, on the JDDC dev chats and the English examples
// below, that mayAny is the OR of may over the gate's classes and that
// threatens answers as threatensRef for every message, with the threat
// detector's terms and the emotion detector's.
func TestThreatGate(t *testing.T) {
	eng := defaultEngine(t)
	td, ed := detectorOf[*threatDetector](eng), detectorOf[*emotionDetector](eng)
	convs := jddcConvsOrNone(t)
	convs = append(convs, &conversation.Conversation{ID: "en", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "I will report you to the BBB and my lawyer"},
		{Role: conversation.RoleAgent, Text: "Sorry to hear that"},
		{Role: conversation.RoleCustomer, Text: "@AppleSupport this is ridiculous, cancelling my account"},
		{Role: conversation.RoleCustomer, Text: "我要投诉你们，打12315"},
		{Role: conversation.RoleCustomer, Text: "好的谢谢"},
	}})
	checked, opened := 0, 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &Scratch{})
		if in.present == nil {
			t.Fatal("no presence bits")
		}
		for i := range c.Messages {
			for _, tt := range []*threatTerms{&td.t, &ed.threat} {
				want := in.may(i, tt.words.words) || in.may(i, tt.at.words) || in.may(i, tt.cues.words)
				if got := in.mayAny(i, &tt.gate); got != want {
					t.Fatalf("%s message %d: mayAny = %v, may says %v", c.ID, i, got, want)
				}
				if want {
					opened++
				}
				h, p, ok := threatens(in, i, tt, td.model)
				wh, wp, wok := threatensRef(in, i, tt, td.model)
				if h != wh || p != wp || ok != wok {
					t.Fatalf("%s message %d %q: threatens = %v %v %v, before %v %v %v", c.ID, i, c.Messages[i].Text, h, p, ok, wh, wp, wok)
				}
				checked++
			}
		}
	}
	if opened == 0 {
		t.Fatal("no message opened the gate: the test reads nothing")
	}
	t.Logf("%d checks, %d through the gate", checked, opened)
}
