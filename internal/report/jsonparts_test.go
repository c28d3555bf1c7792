package report

import (
	"bytes"
	"strconv"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// appendJSONResultRef, appendFindingRef and appendKPIRef are the encoder
// as it was before the labels, severities and KPI keys became constants
// with their keys (emotionPart, satisfactionPart, severityPart, appendKPI):
// FuzzAppendJSONResultParts holds the encoder to them byte for byte.
func appendJSONResultRef(b []byte, r *scan.Result) []byte {
	c := r.Conv
	b = append(b, `{"id":`...)
	b = appendString(b, c.ID)
	b = append(b, `,"score":`...)
	b = appendInt(b, r.Score)
	b = append(b, `,"tags":`...)
	b = appendList(b, r.Tags, func(b []byte, t conversation.Tag) []byte { return appendString(b, t.Name) })
	if len(r.Tags) > 0 {
		b = append(b, `,"tag_evidence":`...)
		b = appendList(b, r.Tags, func(b []byte, t conversation.Tag) []byte { return appendTag(b, &t) })
	}
	b = append(b, `,"findings":`...)
	b = appendList(b, r.Findings, appendFindingRef)
	if len(r.Deductions) > 0 {
		b = append(b, `,"deductions":`...)
		b = appendList(b, r.Deductions, func(b []byte, d score.Deduction) []byte { return appendDeduction(b, &d) })
	}
	if r.Ending.Label != "" {
		b = append(b, `,"ending":{"label":`...)
		b = appendString(b, r.Ending.Label)
		b = append(b, `,"p":`...)
		b = appendScore(b, r.Ending.P)
		b = append(b, '}')
	}
	b = append(b, `,"messages":[`...)
	for i := range c.Messages {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"n":`...)
		b = appendInt(b, i)
		if r.Emotion != nil && c.Messages[i].Role == conversation.RoleCustomer && r.Emotion[i].Label != "" {
			b = append(b, `,"emotion":`...)
			b = appendString(b, r.Emotion[i].Label)
			b = append(b, `,"emotion_score":`...)
			b = appendScore(b, r.Emotion[i].Score)
		}
		if r.Emotion != nil && c.Messages[i].Role == conversation.RoleCustomer && r.Emotion[i].Satisfaction != "" {
			b = append(b, `,"satisfaction":{"label":`...)
			b = appendString(b, r.Emotion[i].Satisfaction)
			b = append(b, `,"p":`...)
			b = appendScore(b, r.Emotion[i].SatisfactionP)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	b = append(b, `],"kpi":`...)
	b = appendKPIRef(b, &r.KPI)
	return append(b, '}', '\n')
}

func appendFindingRef(b []byte, f conversation.Finding) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, f.Code)
	b = append(b, `,"severity":`...)
	b = appendString(b, f.Severity.String())
	b = append(b, `,"messages":`...)
	b = appendInts(b, f.Messages)
	b = append(b, `,"evidence":`...)
	b = appendString(b, f.Evidence)
	if f.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendString(b, f.Detail)
	}
	if len(f.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendAny(b, f.Data)
	}
	return append(b, '}')
}

func appendKPIRef(b []byte, k *score.KPI) []byte {
	b = append(b, '{')
	first := true
	key := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
	}
	optF := func(name string, v *float64) {
		if v != nil {
			key(name)
			b = appendFloat(b, *v)
		}
	}
	intF := func(name string, v int) {
		key(name)
		b = appendInt(b, v)
	}
	boolF := func(name string, v bool) {
		key(name)
		b = strconv.AppendBool(b, v)
	}
	if k.Day != "" {
		key("day")
		b = appendString(b, k.Day)
	}
	optF("first_response_s", k.FirstResponseS)
	optF("mean_response_s", k.MeanResponseS)
	intF("rounds", k.Rounds)
	intF("unanswered_rounds", k.Unanswered)
	intF("slow_rounds", k.SlowRounds)
	intF("window_rounds", k.WindowRounds)
	intF("window_answered_3m", k.WindowAnswered3)
	boolF("reply_ok", k.ReplyOK)
	intF("customer_messages", k.CustomerMsgs)
	intF("agent_messages", k.AgentMsgs)
	intF("bot_messages", k.BotMsgs)
	optF("duration_s", k.DurationS)
	boolF("long", k.Long)
	return append(b, '}')
}

// partsDiffer encodes a result made of the arguments both ways and says
// how they differ, "" when they do not.
func partsDiffer(sev, emo, sat uint8, emoOdd, satOdd string, x float64, n int, flag bool, opt uint8) string {
	labels := []string{"", detect.EmotionNegative, detect.EmotionNeutral, detect.EmotionPositive, emoOdd}
	sats := []string{"", detect.SatisfactionDissatisfied, detect.SatisfactionNeutral, detect.SatisfactionSatisfied, satOdd}
	msgs := []conversation.Message{{Role: conversation.RoleCustomer}, {Role: conversation.RoleAgent}, {Role: conversation.RoleCustomer}}
	r := &scan.Result{Conv: &conversation.Conversation{ID: "c", Messages: msgs},
		Findings: []conversation.Finding{{Code: "a.b", Severity: conversation.Severity(sev), Messages: []int{0}, Evidence: "e"},
			{Code: "c.d", Severity: conversation.Severity(sev % 6), Evidence: "好"}},
		Emotion: []detect.MessageEmotion{{Label: labels[emo%5], Score: float32(x), Satisfaction: sats[sat%5], SatisfactionP: 0.25},
			{}, {Label: labels[(emo/5)%5], Score: 0.5, Satisfaction: sats[(sat/5)%5], SatisfactionP: float32(x)}},
		KPI: score.KPI{Rounds: n, Unanswered: n / 2, SlowRounds: n % 7, WindowRounds: n, WindowAnswered3: 1, ReplyOK: flag,
			CustomerMsgs: n + 1, AgentMsgs: 3, BotMsgs: n % 3, Long: !flag},
	}
	if opt&1 != 0 {
		r.KPI.Day = "2026-11-0" + strconv.Itoa(int(opt%9))
	}
	if opt&2 != 0 {
		r.KPI.FirstResponseS = &x
	}
	if opt&4 != 0 {
		v := x * 3
		r.KPI.MeanResponseS = &v
	}
	if opt&8 != 0 {
		r.KPI.DurationS = &x
	}
	if opt&16 != 0 {
		r.Emotion = nil
	}
	got, want := AppendJSONResult(nil, r), appendJSONResultRef(nil, r)
	if !bytes.Equal(got, want) {
		return "got  " + string(got) + "\nwant " + string(want)
	}
	return ""
}

// FuzzAppendJSONResultParts: any severity, any emotion and satisfaction
// label (the detectors' and others), every KPI with and without its
// optional fields, written byte for byte as before.
func FuzzAppendJSONResultParts(f *testing.F) {
	f.Add(uint8(1), uint8(0), uint8(1), "", "", 0.5, 12, true, uint8(0xff))
	f.Add(uint8(9), uint8(3), uint8(3), "odd\"", "好", -0.0, 123, false, uint8(0))
	f.Fuzz(func(t *testing.T, sev, emo, sat uint8, emoOdd, satOdd string, x float64, n int, flag bool, opt uint8) {
		if d := partsDiffer(sev, emo, sat, emoOdd, satOdd, x, n, flag, opt); d != "" {
			t.Fatal(d)
		}
	})
}

// TestLabelParts: every severity value, every pair of labels (the
// detectors' and others) and every KPI shape.
func TestLabelParts(t *testing.T) {
	for sev := 0; sev < 256; sev++ {
		for emo := uint8(0); emo < 25; emo++ {
			for opt := uint8(0); opt < 32; opt++ {
				if d := partsDiffer(uint8(sev), emo, 24-emo, "x\"y", "满意", 0.125, sev*7, opt%3 == 0, opt); d != "" {
					t.Fatal(d)
				}
			}
		}
	}
}

// TestMessageHeads holds the messages' heads (msgHeads for the first
// hundred, then appendInt) to appendJSONResultRef for conversations of
// 0 to 130 messages, customers' with and without emotions.
func TestMessageHeads(t *testing.T) {
	for n := 0; n <= 130; n++ {
		r := &scan.Result{Conv: &conversation.Conversation{ID: "c"}, KPI: score.KPI{Day: "2026-11-01"}}
		for i := 0; i < n; i++ {
			role := conversation.RoleAgent
			if i%3 != 1 {
				role = conversation.RoleCustomer
			}
			r.Conv.Messages = append(r.Conv.Messages, conversation.Message{Role: role})
			e := detect.MessageEmotion{}
			if i%5 != 0 {
				e = detect.MessageEmotion{Label: detect.EmotionNeutral, Score: 0.5, Satisfaction: detect.SatisfactionNeutral, SatisfactionP: 0.5}
			}
			r.Emotion = append(r.Emotion, e)
		}
		got, want := AppendJSONResult([]byte("x"), r), appendJSONResultRef([]byte("x"), r)
		if !bytes.Equal(got, want) {
			t.Fatalf("%d messages:\ngot  %s\nwant %s", n, got, want)
		}
	}
}
