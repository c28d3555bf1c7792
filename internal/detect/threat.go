package detect

import (
	"fmt"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// threatNegationWindow is how far (in bytes, three Chinese characters)
// before a threat word a negation cue still takes it back: "不会给差评",
// "不是要投诉", but not "不处理我就去投诉".
const threatNegationWindow = 9

// threatDetector emits threat.escalation on customer messages that threaten
// a complaint, a bad review, the consumer authorities, a lawyer, the media,
// a chargeback or never buying again. It is the first real-time alert a
// shop gets, so a word in another sense (an agent's "投诉渠道", a presale
// customer's "看到好多差评") or negated ("不会给差评的") does not count.
//
// With a learned scorer (model), a customer message the rules pass over
// but that has a threat word or an escalation cue is a threat too when the
// scorer's probability reaches the model's threshold: "我就把聊天记录发到网上",
// "我会让所有人知道，微博见" (threatscore.go).
type threatDetector struct {
	lex   lexicon.Lists
	t     threatTerms
	model *ThreatModel // nil: the rules alone
}

// threatTerms are the word lists a threat is read with: the threat words,
// the negation cues that take one back, the past and future cues that
// tell a threat from a report of an earlier complaint, and the regulator
// and media names that threaten only inside an @handle.
type threatTerms struct {
	words, negate, past, future, at termSet
	// givenUp and counterfactual tell an escalation that did not and will
	// not happen: an intention given up (threat_given_up: 本来想, 原本打算)
	// and a consequence that did not follow (threat_counterfactual:
	// 要不是): threatCounterfactual.
	givenUp, counterfactual termSet
	// pastVerb are the verbs with 了 that, right before a threat word,
	// mark it done (threat_past_verb: 打了, 给了) and doneAfter the words
	// that, after it, say so (threat_done_after: counts, 也没, 还是):
	// pastReport.
	pastVerb, doneAfter termSet
	// question and intent tell a question about escalating from a
	// threat: threatQuestion.
	question, intent termSet
	// cues are the weak escalation cues (threat_cues) that open a message
	// to the learned scorer, cond the conditions and ultimatums
	// (threat_condition) it reads as features.
	cues, cond termSet
	// en reads English messages, which the Chinese lists and the learned
	// scorer do not cover (threat_en.go).
	en englishThreats
	// gate holds the classes that open a Chinese message to threatens:
	// the threat words, the @ names and the cues.
	gate classMask
}

// addThreatTerms registers the threat lists under prefix.
func addThreatTerms(k *Keywords, prefix string, lex lexicon.Lists) threatTerms {
	t := threatTerms{
		words:  addTerms(k, prefix+".words", lex, "threat_words"),
		negate: addTerms(k, prefix+".negation", lex, "threat_negation"),
		past:   addTerms(k, prefix+".past", lex, "threat_past"),
		future: addTerms(k, prefix+".future", lex, "threat_future"),
		at:     addTerms(k, prefix+".at", lex, "threat_at"),

		givenUp:        addTerms(k, prefix+".given_up", lex, "threat_given_up"),
		counterfactual: addTerms(k, prefix+".counterfactual", lex, "threat_counterfactual"),
		pastVerb:       addTerms(k, prefix+".past_verb", lex, "threat_past_verb"),
		doneAfter:      addTerms(k, prefix+".done_after", lex, "threat_done_after"),

		question: addTerms(k, prefix+".question", lex, "threat_question"),
		intent:   addTerms(k, prefix+".intent", lex, "threat_intent"),

		cues: addTerms(k, prefix+".cues", lex, "threat_cues"),
		cond: addTerms(k, prefix+".condition", lex, "threat_condition"),

		en: newEnglishThreats(lex.Words("threat_en"), lex.Words("threat_en_leave"),
			lex.Words("threat_en_service"), lex.Words("threat_en_at")),
	}
	t.gate = maskOf(t.words.words, t.at.words, t.cues.words)
	return t
}

// usableThreatModel returns model, or nil when its weights are of another
// table size, so that no detector indexes past them.
func usableThreatModel(model *ThreatModel) *ThreatModel {
	if model != nil && len(model.W) != 1<<ThreatBits {
		return nil
	}
	return model
}

func newThreatDetector(model *ThreatModel, lex lexicon.Lists) *threatDetector {
	return &threatDetector{lex: lex, model: usableThreatModel(model)}
}

func (d *threatDetector) Name() string { return "threat" }

func (d *threatDetector) Codes() []string { return []string{"threat.escalation"} }

func (d *threatDetector) RegisterKeywords(k *Keywords) error {
	d.t = addThreatTerms(k, "threat", d.lex)
	return nil
}

func (d *threatDetector) Inspect(in *Input, out *Output) {
	for i := range in.Conv.Messages {
		if !in.isRole(i, conversation.RoleCustomer) || len(in.Hits[i]) == 0 && !in.english(i) {
			continue
		}
		h, p, ok := threatens(in, i, &d.t, d.model)
		switch {
		case !ok:
		case p < 0:
			out.Add(conversation.Finding{Code: "threat.escalation", Severity: conversation.SeverityHigh,
				Messages: out.msgs(i), Evidence: hitQuote(in, i, h),
				Detail: "customer threatens escalation: " + in.Matched(i, h)})
		default:
			out.Add(conversation.Finding{Code: "threat.escalation", Severity: conversation.SeverityHigh,
				Messages: out.msgs(i), Evidence: hitQuote(in, i, h),
				Detail: fmt.Sprintf("customer threatens escalation (learned, p=%.2f): %s", p, in.Matched(i, h))})
		}
	}
}

// threatens reports whether customer message i threatens escalation as
// threat.escalation reads it: a threat word the rules count (threatWord;
// p is -1 then), or else, with a learned scorer, a message the scorer
// rates at or over its threshold (p is its probability). h is the word or
// cue to quote. The threat and emotion detectors both ask this one test,
// so every message alerted as a threat, learned or not, is also negative.
// An English message is read by the English rules instead of the scorer,
// which learned Chinese threats only (threat_en.go); nor does the scorer
// read other text without Chinese in it (chineseText: "@DELTA", Japanese),
// where an '@' was all it saw.
func threatens(in *Input, i int, t *threatTerms, model *ThreatModel) (h KeywordHit, p float32, ok bool) {
	if !in.mayAny(i, &t.gate) {
		// Most messages: no threat word, @ name or cue, so threatWord
		// finds nothing and threatGated keeps the scorer shut; only an
		// English message is left to read. One test of the presence
		// bits, where five class tests and two calls were.
		if in.english(i) {
			h, ok := t.en.threat(in.Norm[i])
			return h, -1, ok
		}
		return KeywordHit{}, 0, false
	}
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

// threatWord returns the first threat word of message i that counts: not
// inside an exception phrase, not part of a longer ASCII word, not taken
// back by a negation cue just before it, and not a report of the past
// (pastReport). A regulator or media name (threat_at) counts the same way
// when it stands in an @handle ("@上海市场监管", "@澎湃新闻"): tagging one in
// public is an escalation. The emotion detector asks the same, so a
// message alerted as a threat is also negative. The lists come by pointer:
// both detectors ask for every customer message with a hit, and passing
// them (some two hundred bytes) by value copied them each time.
func threatWord(in *Input, i int, t *threatTerms) (KeywordHit, bool) {
	words, at := in.may(i, t.words.words), in.may(i, t.at.words)
	if !words && !at {
		return KeywordHit{}, false
	}
	for _, h := range in.allHits(i) {
		switch {
		case words && h.Class == t.words.words:
			if in.overlapsClass(i, t.words.except, h) || !asciiBounded(in.Norm[i], h) {
				continue
			}
		case at && h.Class == t.at.words:
			if !inHandle(in.Norm[i], h) || in.overlapsClass(i, t.at.except, h) {
				continue
			}
		default:
			continue
		}
		if !threatNegated(in, i, t, h) && !pastReport(in, i, t, h) && !threatQuestion(in, i, t, h) && !threatCounterfactual(in, i, t, h) {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// threatQuestion reports whether threat word h of message i stands in a
// clause that asks about escalating rather than threatens it: the clause
// ends in '?', 吗 or 呢, or holds a question word (threat_question: 怎么,
// 哪, 什么, 多少, 是不是), and says nothing of the customer's own next step
// (threat_intent: 我要, 我就, 信不信, 要我). "12315是什么电话", "请问差评会影响
// 你们吗" and "投诉按钮在哪?" are questions; "你信不信我投诉?" and "是不是要我打
// 12315你们才管?" are threats. The clause runs from the break before the
// word to the break after it.
func threatQuestion(in *Input, i int, t *threatTerms, h KeywordHit) bool {
	norm := in.Norm[i]
	start, end := threatClause(norm, h)
	cl := strings.TrimRight(norm[start:end], " ~")
	asks := strings.HasSuffix(cl, "?") || strings.HasSuffix(cl, "吗") || strings.HasSuffix(cl, "呢")
	if !asks && !in.may(i, t.question.words) {
		return false
	}
	if in.may(i, t.intent.words) {
		for _, e := range in.near(i, start, end) {
			if e.Class == t.intent.words && e.Start >= start && e.End <= end {
				return false
			}
		}
	}
	if asks {
		return true
	}
	for _, e := range in.near(i, start, end) {
		if e.Class == t.question.words && e.Start >= start && e.End <= end && !in.overlapsClass(i, t.question.except, e) {
			return true
		}
	}
	return false
}

// threatClause returns the byte span of the clause of norm holding h: from
// just after the clause break before it to just after the break that ends
// it (so a closing '?' is inside), or the message's ends.
func threatClause(norm string, h KeywordHit) (int32, int32) {
	start := int32(0)
	for k := h.Start - 1; k >= 0; k-- {
		if isClauseByte(norm[k]) || strings.HasPrefix(norm[k:], "。") {
			start = k + 1
			if norm[k] >= 0x80 {
				start = k + int32(len("。"))
			}
			break
		}
	}
	end := int32(len(norm))
	for k := h.End; k < int32(len(norm)); k++ {
		if isClauseByte(norm[k]) {
			end = k + 1
			break
		}
		if strings.HasPrefix(norm[k:], "。") {
			end = k
			break
		}
	}
	return start, end
}

// isClauseByte reports whether c is clause punctuation in the ASCII set
// hasClauseBreak and threatClause read (isClauseBreak's but for '~' and
// '\n').
func isClauseByte(c byte) bool {
	switch c {
	case ',', '.', '!', '?', ';', ':', ' ':
		return true
	}
	return false
}

// threatHandleWindow is how far (in bytes: ten Chinese characters) after
// an '@' a word still stands in its handle ("@北京市朝阳区市场监管").
const threatHandleWindow = 30

// inHandle reports whether hit h of norm stands inside an @handle: an '@'
// at most threatHandleWindow bytes before it with no space, ASCII
// punctuation or clause break between ("@人民日报", but not "@小美 看新闻").
func inHandle(norm string, h KeywordHit) bool {
	seg := norm[max(0, int(h.Start)-threatHandleWindow):h.Start]
	at := strings.LastIndexByte(seg, '@')
	if at < 0 {
		return false
	}
	between := seg[at+1:]
	for k := 0; k < len(between); k++ {
		if c := between[k]; c < 0x80 && !isASCIIAlnum(c) && c != '_' && c != '-' {
			return false
		}
	}
	return !hasClauseBreak(between)
}

// threatPastWindow is how far (in bytes: six Chinese characters) before a
// threat word a past cue makes it a report: "之前已经投诉过", "上周打过投诉电话".
const threatPastWindow = 18

// pastReport reports whether threat word h of message i tells of an
// earlier escalation rather than threatening one: a threat is about the
// future. The word is past when 过 follows it ("投诉过", "差评过"); when
// the perfective 了 marks it done (perfective: "投诉了三次了都没用", "差评了也
// 没用") and no future cue (threat_future: 要, 会, 就, 再, 只能) stands
// before it in its clause ("我就投诉了三次你信不信" stays a threat); or when a
// past cue (threat_past: 已经, 之前, 上次, 昨天, 打过) stands before it in
// its clause with no future cue between them, or a verb with 了 right
// before it (threat_past_verb: 打了, 给了) — the last two not after a
// condition (threat_condition): "之前已经投诉过了",
// "昨天投诉了" and "打了12315也没人管" are reports, "我已经要投诉了" and "之前
// 没解决, 这次再不处理我就投诉" are threats. A 就 right after the past
// cue is its "already", no future cue: "之前就申请介入" and "昨天就投诉了"
// are reports, "昨天就说了, 再不退款就投诉" a threat.
func pastReport(in *Input, i int, t *threatTerms, h KeywordHit) bool {
	norm := in.Norm[i]
	if strings.HasPrefix(norm[h.End:], "过") {
		return true
	}
	// A condition before the word (threat_condition: 如果, 的话, 不然,
	// 再不) makes a 了 the consequence's, not a report's: "不退款的话，打了
	// 12315你们别怪我".
	if (perfective(in, i, t, h) || pastVerbBefore(in, i, t, h)) && !termBetween(in, i, t.cond, 0, h.Start) {
		return true
	}
	if !in.may(i, t.past.words) {
		return false
	}
	for _, e := range in.allHits(i) {
		if e.Class != t.past.words || e.End > h.Start || h.Start-e.End > threatPastWindow {
			continue
		}
		if hasClauseBreak(norm[e.End:h.Start]) || in.overlapsClass(i, t.past.except, e) {
			continue
		}
		// A 就 right after the past cue is its "already" (之前就申请介入,
		// 昨天就投诉了, as in the listed 早就), not a future cue.
		from := e.End
		if strings.HasPrefix(norm[from:h.Start], "就") {
			from += int32(len("就"))
		}
		if !termBetween(in, i, t.future, from, h.Start) {
			return true
		}
	}
	return false
}

// perfective reports whether the aspect particle 了 right after threat
// word h of message i marks the escalation done, with no future cue
// (threat_future) before the word in its clause: 了 followed by a count or
// by a concession that it changed nothing (doneAfter: "投诉了三次", "差评了好
// 几回", "投诉了也没用", "举报了还是不管"). Anything else after 了 — the
// clause's end, a particle, an emoji, an object, 可, 一点 ("我投诉了！", "那我投
// 诉了…", "投诉了你们看着办", "我差评了可别怪我") — is left alone: such a 了 as
// often announces the step as reports it.
func perfective(in *Input, i int, t *threatTerms, h KeywordHit) bool {
	norm := in.Norm[i]
	if !strings.HasPrefix(norm[h.End:], "了") || !threatDoneAt(in, i, t, h.End+int32(len("了"))) {
		return false
	}
	start, _ := threatClause(norm, h)
	return !termBetween(in, i, t.future, start, h.Start)
}

// pastVerbBefore reports whether a verb with 了 (threat_past_verb: 打了,
// 给了) stands right before threat word h of message i and the word is
// followed by 了 or a threat_done_after word: "打了12315也没人管", "给了差评
// 了"; "不给退我打了12315你们别后悔" stays a threat.
func pastVerbBefore(in *Input, i int, t *threatTerms, h KeywordHit) bool {
	if !in.may(i, t.pastVerb.words) {
		return false
	}
	if !strings.HasPrefix(in.Norm[i][h.End:], "了") && !threatDoneAt(in, i, t, h.End) {
		return false
	}
	for _, e := range in.allHits(i) {
		if e.Class == t.pastVerb.words && e.End == h.Start && !in.overlapsClass(i, t.pastVerb.except, e) {
			return true
		}
	}
	return false
}

// threatDoneAt reports whether message i says at byte offset at that an
// escalation was made: an ASCII digit (a count) or a threat_done_after
// word starting there (a count, 也没, 还是).
func threatDoneAt(in *Input, i int, t *threatTerms, at int32) bool {
	norm := in.Norm[i]
	if int(at) < len(norm) && norm[at] >= '0' && norm[at] <= '9' {
		return true
	}
	if !in.may(i, t.doneAfter.words) {
		return false
	}
	for _, e := range in.allHits(i) {
		if e.Class == t.doneAfter.words && e.Start == at && !in.overlapsClass(i, t.doneAfter.except, e) {
			return true
		}
	}
	return false
}

// threatIntentGap is how far (in bytes: two Chinese characters) an
// intention given up may stand before the threat word it is about: "本来想
// 投诉", "本来想给差评", "本想打12315", but not "本来想好好沟通你们这态度我必须
// 投诉", whose intention is about something else.
const threatIntentGap = 6

// threatCounterfactualWindow is how far (in bytes: twelve Chinese
// characters) before a threat word 要不是 still reaches it: "要不是看你态度
// 好，我就投诉了".
const threatCounterfactualWindow = 36

// threatCounterfactual reports whether threat word h of message i stands
// in an escalation that did not and will not happen: an intention given
// up (threat_given_up), in the word's own clause and at most
// threatIntentGap bytes before it ("本来想投诉的，算了", "原本打算差评"), or a
// consequence that did not follow (threat_counterfactual: 要不是), the word
// ending in 了 at most threatCounterfactualWindow bytes after the cue in
// the same sentence ("要不是看你态度好，我就投诉了"). "本来想算了，结果又拖一周，我
// 要投诉" and "要不是急用我早退了，我要投诉你们" are threats; so is either with a
// condition (threat_condition) between the cue and the word.
func threatCounterfactual(in *Input, i int, t *threatTerms, h KeywordHit) bool {
	givenUp, counter := in.may(i, t.givenUp.words), in.may(i, t.counterfactual.words)
	if !givenUp && !counter {
		return false
	}
	norm := in.Norm[i]
	start, _ := threatClause(norm, h)
	for _, e := range in.allHits(i) {
		if e.End > h.Start || h.Start-e.End > threatCounterfactualWindow {
			continue
		}
		switch {
		case givenUp && e.Class == t.givenUp.words:
			if e.Start < start || h.Start-e.End > threatIntentGap || in.overlapsClass(i, t.givenUp.except, e) {
				continue
			}
		case counter && e.Class == t.counterfactual.words:
			if strings.ContainsAny(norm[e.End:h.Start], "。!?") || !strings.HasPrefix(norm[h.End:], "了") || in.overlapsClass(i, t.counterfactual.except, e) {
				continue
			}
		default:
			continue
		}
		if !termBetween(in, i, t.cond, e.End, h.Start) {
			return true // "要不是的话马上发货, 否则我投诉了": a condition between keeps the threat
		}
	}
	return false
}

// termBetween reports whether a term of ts lies in message i between byte
// offsets from and to.
func termBetween(in *Input, i int, ts termSet, from, to int32) bool {
	if !in.may(i, ts.words) {
		return false
	}
	for _, e := range in.allHits(i) {
		if e.Class == ts.words && e.Start >= from && e.End <= to && !in.overlapsClass(i, ts.except, e) {
			return true
		}
	}
	return false
}

// threatNegated reports whether a negation cue takes threat word h of
// message i back: one at most threatNegationWindow bytes before it in its
// clause ("不会给差评", "不是要投诉"), unless 就 stands between them — then
// the negation is the threat's condition: "再不来我就投诉", "不退就差评".
func threatNegated(in *Input, i int, t *threatTerms, h KeywordHit) bool {
	if !in.precededBy(i, t.negate, h, threatNegationWindow) {
		return false
	}
	norm := in.Norm[i]
	for _, e := range in.near(i, h.Start-threatNegationWindow, h.Start) {
		if e.Class != t.negate.words || e.End > h.Start || h.Start-e.End > threatNegationWindow {
			continue
		}
		between := norm[e.End:h.Start]
		if hasClauseBreak(between) || in.overlapsClass(i, t.negate.except, e) {
			continue
		}
		if !strings.Contains(between, "就") {
			return true
		}
	}
	return false
}
