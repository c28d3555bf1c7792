package detect

import (
	"errors"
	"fmt"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// EmotionConfig sets how per-message emotion becomes findings. The model
// itself is trained (internal/classify); these are the decisions on top.
type EmotionConfig struct {
	// Enabled runs the emotion model on every customer message; off, the
	// scan output has no emotions and the emotion.* codes never fire.
	Enabled bool `yaml:"enabled"`
	// NegativeMin is the probability of negative at which a customer
	// message gets emotion.negative. Severity grows with it: high from
	// HighMin, medium from half-way.
	NegativeMin float64 `yaml:"negative_min"`
	HighMin     float64 `yaml:"high_min"`
	// WeakMin is the model's negative probability from which a weak cue
	// word (怎么还没, 人呢) makes a message negative.
	WeakMin float64 `yaml:"weak_min"`
	// EscalationRise is how much the customer's negative probability must
	// rise from the start of the chat to its worst point late in the chat
	// for emotion.escalating.
	EscalationRise float64 `yaml:"escalation_rise"`
	// AppeaseWithin is how many agent replies after a negative message may
	// pass without an apology, appeasement or concrete help before
	// emotion.unaddressed fires. What counts as appeasement is the
	// emotion_appease word list (config lexicon).
	AppeaseWithin int `yaml:"appease_within"`
}

// DefaultEmotionConfig returns the defaults, chosen on the labelled JDDC
// dev set to keep emotion.negative precise (the model's own "negative"
// label is right about one time in six on the 632 labelled sessions).
func DefaultEmotionConfig() EmotionConfig {
	return EmotionConfig{Enabled: true, NegativeMin: 0.9, HighMin: 0.95, WeakMin: 0.2, EscalationRise: 0.35, AppeaseWithin: 2}
}

// Validate checks the thresholds.
func (c EmotionConfig) Validate() error {
	if c.NegativeMin <= 0 || c.NegativeMin > 1 || c.HighMin < c.NegativeMin || c.HighMin > 1 || c.WeakMin < 0 || c.WeakMin > 1 {
		return errors.New("emotion: want 0 < negative_min <= high_min <= 1 and 0 <= weak_min <= 1")
	}
	if c.EscalationRise <= 0 || c.EscalationRise >= 1 {
		return errors.New("emotion: escalation_rise must be between 0 and 1")
	}
	if c.AppeaseWithin < 1 {
		return errors.New("emotion: appease_within must be at least 1")
	}
	return nil
}

// emotionDetector turns per-message emotion into emotion.negative,
// emotion.escalating and emotion.unaddressed. It reads in.Emotion, which
// the engine fills when an emotion model is loaded; without one it reports
// nothing.
type emotionDetector struct {
	cfg      EmotionConfig
	lex      lexicon.Lists
	appease  ClassID
	strong   termSet // emotion_negative_strong (+ _exclude)
	threat   termSet // threat_words (+ _exclude): 投诉, 差评, 12315
	unthreat termSet // threat_negation: 不会, 不是要
	weak     termSet // emotion_negative_weak (+ _exclude)
	notDone  termSet // emotion_delay_notdone: 还没, 一直没
	elapsed  termSet // emotion_delay_elapsed (+ _exclude): 到现在, 六天了
	nudge    termSet // emotion_nudge: 好了吗, 查到了吗, 在吗
	hold     ClassID // emotion_hold, in agent messages: 稍等, 正在为您查询
}

func newEmotionDetector(cfg EmotionConfig, lex lexicon.Lists) *emotionDetector {
	return &emotionDetector{cfg: cfg, lex: lex}
}

func (d *emotionDetector) Name() string { return "emotion" }

func (d *emotionDetector) Codes() []string {
	return []string{"emotion.negative", "emotion.escalating", "emotion.unaddressed"}
}

func (d *emotionDetector) RegisterKeywords(k *Keywords) error {
	d.appease = k.Add("emotion.appease", d.lex.Words("emotion_appease")...)
	d.strong = addTerms(k, "emotion.strong", d.lex, "emotion_negative_strong")
	d.threat = addTerms(k, "emotion.threat", d.lex, "threat_words")
	d.unthreat = addTerms(k, "emotion.unthreat", d.lex, "threat_negation")
	d.weak = addTerms(k, "emotion.weak", d.lex, "emotion_negative_weak")
	d.notDone = addTerms(k, "emotion.notdone", d.lex, "emotion_delay_notdone")
	d.elapsed = addTerms(k, "emotion.elapsed", d.lex, "emotion_delay_elapsed")
	d.nudge = addTerms(k, "emotion.nudge", d.lex, "emotion_nudge")
	d.hold = k.Add("emotion.hold", d.lex.Words("emotion_hold")...)
	return nil
}

// negative decides whether a customer message shows negative emotion. The
// model alone (trained on satisfaction ratings) flags too much to be a
// finding, so it is combined with the message's words and its place in the
// chat:
//   - a strong word (扯淡, 失望, 太差) is enough, and so is a threat (投诉,
//     差评, 12315) in the sense threat.escalation reads it: a merchant's
//     "删除差评" or a customer's "不会给差评的" is none;
//   - a weak one (怎么还没, 人呢, 明明) counts when the model also leans
//     negative (WeakMin);
//   - a delay complaint counts whatever the model says: something not done
//     together with how long it has taken ("到现在还没送", "六天了还没有
//     信息"), each alone being a calm statement as often as not;
//   - so does impatience after the agent's holding reply ("请稍等, 正在为您
//     查询" then "好了吗", "查到了吗", "在吗"), and a message that is
//     nothing but question marks after any agent reply (reviewers read a
//     bare "?" as "well?" or "what?");
//   - the model alone counts only when it is very sure (NegativeMin).
func (d *emotionDetector) negative(in *Input, i int) bool {
	if in.Conv.Messages[i].Role != conversation.RoleCustomer {
		return false
	}
	neg := float64(in.Emotion[i].Neg)
	if neg >= d.cfg.NegativeMin {
		return true
	}
	if _, ok := in.firstTerm(i, d.strong); ok || d.threatens(in, i) {
		return true
	}
	if _, ok := in.firstTerm(i, d.weak); ok && neg >= d.cfg.WeakMin {
		return true
	}
	if _, ok := in.firstTerm(i, d.notDone); ok {
		if _, ok := in.firstTerm(i, d.elapsed); ok {
			return true
		}
	}
	bare := onlyQuestionMarks(in.Norm[i])
	_, nudge := in.firstTerm(i, d.nudge)
	if !bare && !nudge {
		return false
	}
	replied, held := d.afterHold(in, i)
	return (bare && replied) || (nudge && held)
}

// threatens reports whether customer message i threatens escalation, with
// the threat detector's word lists and the same negation window, so that
// the message a shop is alerted to as a threat is also negative.
func (d *emotionDetector) threatens(in *Input, i int) bool {
	if !in.may(i, d.threat.words) {
		return false
	}
	for _, h := range in.Hits[i] {
		if h.Class != d.threat.words || overlapsClass(in.Hits[i], d.threat.except, h) || !asciiBounded(in.Norm[i], h) {
			continue
		}
		if !in.precededBy(i, d.unthreat, h, threatNegationWindow) {
			return true
		}
	}
	return false
}

// afterHold looks at the agent's last turn before message i (its run of
// consecutive agent or bot messages; customer messages in between are
// skipped, so "请稍等" → "好的" → "好了吗" still follows the hold). replied
// is whether there is such a turn; held whether it has a holding word
// (emotion_hold).
func (d *emotionDetector) afterHold(in *Input, i int) (replied, held bool) {
	msgs := in.Conv.Messages
	j := i - 1
	for j >= 0 && !agentSide(msgs[j].Role) {
		j--
	}
	for ; j >= 0 && agentSide(msgs[j].Role); j-- {
		replied = true
		if in.Has(j, d.hold) {
			return true, true
		}
	}
	return replied, false
}

// agentSide reports whether r speaks for the shop.
func agentSide(r conversation.Role) bool {
	return r == conversation.RoleAgent || r == conversation.RoleBot
}

// onlyQuestionMarks reports whether a normalized message is one or more
// question marks with at most spaces, dots, exclamation marks and ellipses
// around them ("?", "??", "? ?", "?。。。").
func onlyQuestionMarks(s string) bool {
	q := false
	for _, r := range s {
		switch r {
		case '?':
			q = true
		case ' ', '.', '!', '~', '。', '…':
		default:
			return false
		}
	}
	return q
}

func (d *emotionDetector) Inspect(in *Input, out *Output) {
	if in.Emotion == nil {
		return
	}
	msgs := in.Conv.Messages
	var customer []int // customer message numbers in order
	for i := range msgs {
		if msgs[i].Role != conversation.RoleCustomer {
			continue
		}
		customer = append(customer, i)
		if !d.negative(in, i) {
			continue
		}
		neg := float64(in.Emotion[i].Neg)
		sev := conversation.SeverityLow
		_, strong := in.firstTerm(i, d.strong)
		strong = strong || d.threatens(in, i)
		switch {
		case neg >= d.cfg.HighMin || (strong && neg >= d.cfg.WeakMin):
			sev = conversation.SeverityHigh
		case strong || neg >= d.cfg.NegativeMin:
			sev = conversation.SeverityMedium
		}
		out.Add(conversation.Finding{Code: "emotion.negative", Severity: sev, Messages: []int{i},
			Evidence: quote(msgs[i].Text), Detail: fmt.Sprintf("negative emotion %.2f", neg),
			Data: map[string]any{"negative": round2(neg)}})
	}
	d.escalating(in, out, customer)
	d.unaddressed(in, out)
}

// escalating fires when the customer's negative probability rises from the
// first customer message to the worst one in the second half of the chat
// by at least EscalationRise, ending negative; evidence: both messages.
func (d *emotionDetector) escalating(in *Input, out *Output, customer []int) {
	if len(customer) < 3 {
		return
	}
	first := customer[0]
	start := float64(in.Emotion[first].Neg)
	peak, at := -1.0, -1
	for _, i := range customer[len(customer)/2:] {
		if v := float64(in.Emotion[i].Neg); v > peak {
			peak, at = v, i
		}
	}
	if at <= first || peak-start < d.cfg.EscalationRise || !d.negative(in, at) {
		return
	}
	out.Add(conversation.Finding{Code: "emotion.escalating", Severity: conversation.SeverityMedium,
		Messages: []int{first, at}, Evidence: quote(in.Conv.Messages[first].Text) + " → " + quote(in.Conv.Messages[at].Text),
		Detail: fmt.Sprintf("negative emotion rose from %.2f to %.2f", start, peak),
		Data:   map[string]any{"from": round2(start), "to": round2(peak)}})
}

// unaddressed fires once, on the first negative customer message that the
// next AppeaseWithin agent replies do not answer with an apology,
// appeasement or concrete help. A negative message at the very end with no
// agent reply after it is left to response.missed and resolution.
func (d *emotionDetector) unaddressed(in *Input, out *Output) {
	msgs := in.Conv.Messages
	for i := range msgs {
		if !d.negative(in, i) {
			continue
		}
		replies, soothed := 0, false
		last := -1
		for j := i + 1; j < len(msgs) && replies < d.cfg.AppeaseWithin; j++ {
			if msgs[j].Role != conversation.RoleAgent {
				continue
			}
			replies++
			last = j
			if in.Has(j, d.appease) {
				soothed = true
				break
			}
		}
		if replies == 0 || soothed {
			continue
		}
		out.Add(conversation.Finding{Code: "emotion.unaddressed", Severity: conversation.SeverityMedium,
			Messages: []int{i, last}, Evidence: quote(msgs[i].Text) + " → " + quote(msgs[last].Text),
			Detail: fmt.Sprintf("no apology, appeasement or concrete help in the next %d agent replies", replies)})
		return
	}
}

func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }
