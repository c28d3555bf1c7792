package detect

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
	"fullqa/internal/text"
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
	strong   termSet          // emotion_negative_strong (+ _exclude)
	threat   threatTerms      // threat_words, threat_negation, threat_past, threat_future
	tmodel   *ThreatModel     // the learned threat scorer, as the threat detector has it
	weak     termSet          // emotion_negative_weak (+ _exclude)
	notDone  termSet          // emotion_delay_notdone: 还没, 一直没
	elapsed  termSet          // emotion_delay_elapsed (+ _exclude): 到现在, 六天了
	emphasis termSet          // emotion_delay_emphasis: 都, 已经
	nudge    termSet          // emotion_nudge: 好了吗, 查到了吗, 在吗
	hold     ClassID          // emotion_hold, in agent messages: 稍等, 正在为您查询
	presence ClassID          // emotion_presence: 在吗, 人呢, 客服?
	closing  ClassID          // response_closings: 好的, 谢谢
	refusal  termSet          // sensitive_refusal (+ _exclude), in agent messages: 不支持, 无法
	en       englishNegative  // emotion_en_negative, for English messages (emotion_en.go)
	enModel  *learnedNegative // the learned English scorer (emotion_en_learned.go)
	// wordGate holds the word classes negative and negSignals read of a
	// Chinese customer message (strong, weak, notDone, elapsed, emphasis,
	// nudge and the threat gate): a message with none of them, most,
	// passes all those tests by one test of the presence bits.
	wordGate classMask
	// chaseGate holds the classes of a presence check and of a nudge, the
	// words of the chases that do not open with a byte up to E3
	// (mayChase).
	chaseGate classMask

	// hundredths holds k/100 for k = 0…100 as interface values, the
	// probabilities round2 gives, so that a finding's data reuses them
	// instead of boxing a float64 (an allocation) each time (round2Any).
	// Set once at construction, read-only after.
	hundredths boxedRatios

	// slots holds the learned features' slots of the small values
	// (negSlots), set once at construction (newNegSlots).
	slots *negSlots
}

func newEmotionDetector(cfg EmotionConfig, threat *ThreatModel, lex lexicon.Lists) *emotionDetector {
	return &emotionDetector{cfg: cfg, lex: lex, tmodel: usableThreatModel(threat), hundredths: newBoxedRatios(100), slots: newNegSlots()}
}

// round2Any is any(round2(v)): round2's value is float64(k)/100 for k =
// int(v*100+0.5), the very value hundredths holds for k from 0 to 100,
// so one of them is returned (TestRound2Any); other k (v outside 0…1,
// which probabilities never are) are boxed as before.
func (d *emotionDetector) round2Any(v float64) any {
	if k := int(v*100 + 0.5); k >= 0 && k < len(d.hundredths) {
		return d.hundredths[k]
	}
	return round2(v)
}

func (d *emotionDetector) Name() string { return "emotion" }

// ReadsEmotion reports that emotion.* is decided on the model's scores.
func (d *emotionDetector) ReadsEmotion() bool { return true }

func (d *emotionDetector) Codes() []string {
	return []string{"emotion.negative", "emotion.escalating", "emotion.unaddressed"}
}

func (d *emotionDetector) RegisterKeywords(k *Keywords) error {
	d.appease = k.AddPresence("emotion.appease", d.lex.Words("emotion_appease")...)
	d.strong = addTerms(k, "emotion.strong", d.lex, "emotion_negative_strong")
	d.threat = addThreatTerms(k, "emotion.threat", d.lex)
	d.weak = addTerms(k, "emotion.weak", d.lex, "emotion_negative_weak")
	d.notDone = addTerms(k, "emotion.notdone", d.lex, "emotion_delay_notdone")
	d.elapsed = addTerms(k, "emotion.elapsed", d.lex, "emotion_delay_elapsed")
	d.emphasis = addTerms(k, "emotion.emphasis", d.lex, "emotion_delay_emphasis")
	d.nudge = addTerms(k, "emotion.nudge", d.lex, "emotion_nudge")
	d.hold = k.AddPresence("emotion.hold", d.lex.Words("emotion_hold")...)
	d.presence = k.Add("emotion.presence", d.lex.Words("emotion_presence")...)
	d.closing = k.Add("emotion.closing", d.lex.Words("response_closings")...)
	d.refusal = addTerms(k, "emotion.refusal", d.lex, "sensitive_refusal")
	d.chaseGate = maskOf(d.presence, d.nudge.words)
	d.wordGate = maskOf(d.strong.words, d.weak.words, d.notDone.words, d.elapsed.words, d.emphasis.words, d.nudge.words).or(&d.threat.gate)
	d.en = englishNegative{phrases: newPhraseSet(d.lex.Words("emotion_en_negative"))}
	m, err := loadEnglishNegative()
	if err != nil {
		return fmt.Errorf("emotion: %w", err)
	}
	d.enModel = m
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
//   - a delay complaint counts whatever the model says (delay): how long
//     it has taken with something not done ("到现在还没送") or stressed
//     ("都六天了"), each alone being a calm statement as often as not;
//   - so does a message that only chases an answer (chase): "?", "。。。",
//     在吗, 人呢, 好了吗, when what it follows makes it impatience;
//   - the model alone counts only when it is very sure (NegativeMin).
//
// These are the rules alone; with a learned scorer loaded, Inspect decides
// with decide, and the rules' verdict is one of the scorer's inputs.
// English messages are decided by decideEnglish: these English rules, or
// the learned English scorer (emotion_en_learned.go).
func (d *emotionDetector) negative(in *Input, i int, ws *waits) bool {
	if in.Conv.Messages[i].Role != conversation.RoleCustomer {
		return false
	}
	if in.english(i) {
		// The model's score says nothing on English (emotion_en.go).
		return d.enParts(in, i, ws).any()
	}
	neg := float64(in.Emotion[i].Neg)
	if neg >= d.cfg.NegativeMin {
		return true
	}
	// Without a word of wordGate, firstTerm finds neither a strong nor a
	// weak word and threatens (a Chinese message here) no threat: its own
	// gate is part of wordGate.
	if in.mayAny(i, &d.wordGate) {
		if _, ok := in.firstTerm(i, d.strong); ok || d.threatens(in, i) {
			return true
		}
		if _, ok := in.firstTerm(i, d.weak); ok && neg >= d.cfg.WeakMin {
			return true
		}
	}
	if d.mayDelay(in, i) && d.delayed(in, i, ws) {
		return true
	}
	return d.mayChase(in, i, in.Norm[i]) && d.chased(in, i, ws)
}

// delayEmphasisWindow is how far (in bytes: four Chinese characters, or a
// placeholder such as [数字x]) before a wait an emphasis word may stand:
// "都已经四天了", "已经[数字x]天了", "这都买了三天了".
const delayEmphasisWindow = 12

// delay reports a complaint about a delay: how long the customer has waited
// (emotion_delay_elapsed) together with something still not done
// (emotion_delay_notdone: "到现在还没送", "三天了还未到账"), or stressed by
// 都/已经 (emotion_delay_emphasis: "都六天了", "已经四五天了", "[数字x]天了都").
// A wait stated alone ("下单三天了, 能改地址吗") is as often calm.
func (d *emotionDetector) delay(in *Input, i int) bool {
	if !in.may(i, d.elapsed.words) {
		return false
	}
	_, notDone := in.firstTerm(i, d.notDone)
	for _, h := range in.allHits(i) {
		if h.Class != d.elapsed.words || in.overlapsClass(i, d.elapsed.except, h) {
			continue
		}
		if notDone || in.precededBy(i, d.emphasis, h, delayEmphasisWindow) || strings.HasPrefix(in.Norm[i][h.End:], "都") {
			return true
		}
	}
	return false
}

// chase decides the messages that do nothing but chase an answer. Alone
// they are as often a greeting or a "pardon?" as impatience; what they
// follow decides (reviewers' reading of the uss_jddc and JDDC chats):
//   - a bare "?" is impatience after the agent's holding reply ("请稍等,
//     正在为您查询" → "?"), disbelief after a refusal ("不支持价保" →
//     "?"), and chasing when it follows the customer's own unanswered
//     message ("这个能退吗" → "?"); right after an ordinary answer or a
//     request it mostly means "what?";
//   - "。。。" alone, or opening a message ("……好吧"), is speechlessness
//     after an agent reply and chasing after the customer's own message;
//   - a presence check and nothing else (在吗, 还在吗, 人呢, 客服?, 你好?)
//     is impatience after a hold, or, when it presses (a mark, a person,
//     还在), after an unanswered message in the chat the agent has already
//     joined; to open a chat it is a greeting;
//   - a nudge word (好了吗, 查到了吗) inside a longer message counts only
//     after a hold.
func (d *emotionDetector) chase(in *Input, i int, ws *waits) bool {
	norm := in.Norm[i]
	q, dots := bareMarks(norm)
	lead := !q && !dots && leadingDots(norm)
	presence := !q && !dots && d.mayPresence(in, i) && d.presenceOnly(in, i, ws)
	_, nudge := in.firstTerm(i, d.nudge)
	if !q && !dots && !lead && !presence && !nudge {
		return false
	}
	w := ws.at(d, in, i)
	switch {
	case dots || lead:
		return w.replied || w.waiting
	case q:
		return w.held || w.refused || w.waiting
	case presence:
		// A plain "在吗" after the customer's unanswered message is as
		// often a polite ping as impatience (reviewers split about one to
		// two); asked with a mark or for a person ("在吗?", "人呢",
		// "还在吗") it presses.
		return w.held || w.waiting && w.replied && pressing(norm)
	}
	return w.held
}

// pressing reports whether a presence check presses for an answer rather
// than pings: a question or exclamation mark, or asking for a person or
// whether someone is still there.
func pressing(norm string) bool {
	return strings.ContainsAny(norm, "?!") || strings.Contains(norm, "人") || strings.Contains(norm, "还在")
}

// wait is what a chasing customer message follows.
type wait struct {
	replied bool // an agent turn comes before it
	held    bool // the agent's last turn is a holding reply (emotion_hold)
	refused bool // the agent's last turn turns something down (sensitive_refusal)
	waiting bool // a customer message with content (content) came after that turn

	// greet is what greeting said of the message itself, where content
	// asked it (waits; it is not carried to the next): 0 not asked, 1
	// not only greetings, 2 only greetings without a presence check, 3
	// with one. presenceOnly reads it instead of asking greeting again.
	greet int8
}

// waits is what every message of a conversation follows, worked out in
// one forward pass the first time a chase asks: from message i, first the
// customer's own run of messages since the agent's last turn, then that
// turn (its run of consecutive agent or bot messages, so "请稍等" → "好的"
// → "好了吗" still follows the hold). Walking back from each chase instead
// cost the square of the run: 40,000 "在吗" in a row took 16 s (issue 11).
type waits struct {
	of []wait

	// What delay, chase and onlyPresence said of message msg-1 (0 when
	// none yet): negative and the learned scorer's features both ask,
	// and the second asking reads the first answer. 0 unknown, 1 no, 2
	// yes.
	msg                      int
	delay, chasing, presence int8
}

// forMsg forgets the answers kept for another message than i.
func (ws *waits) forMsg(i int) {
	if ws.msg != i+1 {
		ws.msg, ws.delay, ws.chasing, ws.presence = i+1, 0, 0, 0
	}
}

// mayDelay, mayPresence and mayChase are tests inlined where delayed,
// presenceOnly and chased are asked, which pass most messages by without
// the call: when one is false, so is the answer (TestGates holds them
// to it).
//
// mayDelay: delay holds only of a message with an elapsed word (its
// first test).
func (d *emotionDetector) mayDelay(in *Input, i int) bool { return in.may(i, d.elapsed.words) }

// mayPresence: a presence check has a presence word (greeting finds it
// by a hit of the class, and content kept what greeting found).
func (d *emotionDetector) mayPresence(in *Input, i int) bool { return in.may(i, d.presence) }

// mayChase: chase holds only of a message of bare marks or one opening
// with an ellipsis (whose first byte is at most E3: bareMarks,
// leadingDots), of a presence check or of a nudge (a word of its class,
// firstTerm's first test). Most messages open with a Chinese character
// (a lead byte past E3) and have neither word.
// norm is the message's text, in.Norm[i].
func (d *emotionDetector) mayChase(in *Input, i int, norm string) bool {
	return norm == "" || norm[0] <= 0xE3 || in.mayAny(i, &d.chaseGate)
}

// presenceOnly is onlyPresence, asked once per message.
func (d *emotionDetector) presenceOnly(in *Input, i int, ws *waits) bool {
	ws.forMsg(i)
	if ws.presence == 0 {
		if ws.of != nil && ws.of[i].greet != 0 {
			ws.presence = 1 + int8(b2u(ws.of[i].greet == 3)) // onlyPresence's only && found
		} else {
			ws.presence = 1 + int8(b2u(d.onlyPresence(in, i)))
		}
	}
	return ws.presence == 2
}

// delayed is delay, asked once per message.
func (d *emotionDetector) delayed(in *Input, i int, ws *waits) bool {
	ws.forMsg(i)
	if ws.delay == 0 {
		ws.delay = 1 + int8(b2u(d.delay(in, i)))
	}
	return ws.delay == 2
}

// chased is chase, asked once per message.
func (d *emotionDetector) chased(in *Input, i int, ws *waits) bool {
	ws.forMsg(i)
	if ws.chasing == 0 {
		ws.chasing = 1 + int8(b2u(d.chase(in, i, ws)))
	}
	return ws.chasing == 2
}

// at returns what message i follows.
func (ws *waits) at(d *emotionDetector, in *Input, i int) wait {
	if ws.of == nil {
		ws.of = d.waits(in)
	}
	return ws.of[i]
}

// waits returns, for each message, the wait it follows.
func (d *emotionDetector) waits(in *Input) []wait {
	msgs := in.Conv.Messages
	out := in.waitBuf(len(msgs))
	var run wait // the agent's last turn, and whether content came after it
	in.work += int64(len(msgs))
	for i := range msgs {
		out[i] = run
		switch {
		case agentSide(msgs[i].Role):
			if i == 0 || !agentSide(msgs[i-1].Role) {
				run = wait{replied: true}
			}
			run.held = run.held || in.Has(i, d.hold)
			if !run.refused && in.may(i, d.refusal.words) { // firstTerm's first test, inlined (most agent messages)
				_, run.refused = in.firstTerm(i, d.refusal)
			}
		case !run.waiting && msgs[i].Role == conversation.RoleCustomer:
			c, g := d.content(in, i)
			out[i].greet = g
			run.waiting = c
		}
	}
	return out
}

// content reports whether customer message j says something that wants an
// answer: not empty, not only punctuation, not a greeting or presence check
// and not a short closing ("好的", "谢谢"). greet is what greeting said of
// it, as wait.greet keeps it (0 when it was not asked).
func (d *emotionDetector) content(in *Input, j int) (c bool, greet int8) {
	norm := in.Norm[j]
	if q, dots := bareMarks(norm); q || dots || norm == "" {
		return false, 0
	}
	only, found := d.greeting(in, j)
	if only {
		return false, 2 + int8(b2u(found))
	}
	return !in.Has(j, d.closing) || moreRunes(norm, closingMaxRunes), 1
}

// moreRunes is utf8.RuneCountInString(s) > n: not text.RunesAtMost,
// which the length alone often decides (a character takes one to four
// bytes) and otherwise counts the characters with ASCII and Chinese read
// inline, where RuneCountInString called the runtime for every Chinese
// character (TestMoreRunes).
func moreRunes(s string, n int) bool { return !text.RunesAtMost(s, n) }

// closingMaxRunes is the longest message a closing word makes a closing
// ("没有了，谢谢").
const closingMaxRunes = 6

// presenceMaxBytes bounds the messages onlyPresence reads: a presence check
// with a greeting around it is short.
const presenceMaxBytes = 36

// onlyPresence reports whether message i is a presence check (emotion_presence:
// 在吗, 人呢, 客服?) with nothing else but punctuation, particles and a
// greeting around it ("你好 在吗?", "亲 在吗", "人呢???").
func (d *emotionDetector) onlyPresence(in *Input, i int) bool {
	only, found := d.greeting(in, i)
	return only && found
}

// greeting reports whether message i holds nothing but presence checks,
// greetings, particles and punctuation ("你好", "在", "亲 在吗?"), and
// whether it has a presence check. Longer messages are never greetings.
func (d *emotionDetector) greeting(in *Input, i int) (only, found bool) {
	norm := in.Norm[i]
	if len(norm) > presenceMaxBytes {
		return false, false
	}
	hs := in.allHits(i)
	may := in.may(i, d.presence)
	for k := 0; k < len(norm); {
		// The runes as range gives them (k their offset), ASCII and valid
		// three-byte characters (leads E1–EF but ED, text.Lead3) decoded
		// inline: range called the runtime for every Chinese character
		// (FuzzGreeting holds it to greetingRange).
		r, size := rune(norm[k]), 1
		if c := norm[k]; c >= utf8.RuneSelf {
			if text.Lead3(c) && k < len(norm)-2 && norm[k+1]&0xC0 == 0x80 && norm[k+2]&0xC0 == 0x80 {
				r, size = rune(c&0x0F)<<12|rune(norm[k+1]&0x3F)<<6|rune(norm[k+2]&0x3F), 3
			} else {
				r, size = utf8.DecodeRuneInString(norm[k:])
			}
		}
		covered := false
		for _, h := range hs {
			if !may {
				break // no presence word: no hit covers k
			}
			if h.Class == d.presence && int(h.Start) <= k && k < int(h.End) {
				covered = true
				break
			}
		}
		switch {
		case covered:
			found = true
		case !presenceFiller(r):
			return false, false
		}
		k += size
	}
	return true, found
}

// presenceFiller reports whether r may stand around a presence check:
// punctuation, a particle, or a character of 你好/您好/你们/亲/在.
func presenceFiller(r rune) bool {
	switch r {
	case ' ', '?', '!', '.', ',', '~', '。', '…', '啊', '呀', '呢', '哦', '嘛', '吗', '亲', '你', '您', '们', '好', '在':
		return true
	}
	return false
}

// bareMarks reports whether a normalized message is nothing but marks: q
// when they include a question mark ("?", "??", "? ?"), dots when they are
// an ellipsis without one ("。。。", "…", "..."; a lone full stop is not).
//
// A first byte past E3 (a Chinese character's lead, most messages) is no
// mark's, all of which are ASCII or start E2 ('…') or E3 ('。'): that
// test is inlined where bareMarks is asked, and the rest left to
// marksOnly (FuzzBareMarks holds both to bareMarksRange, the range loop
// they replaced, which called the runtime to decode that first
// character).
func bareMarks(s string) (q, dots bool) {
	if s != "" && s[0] > 0xE3 {
		return
	}
	q, dots = marksOnly(s) // so written, the test fits the inlining budget
	return
}

// marksOnly is bareMarks over bytes, not runes: the marks are ASCII or
// the three bytes of '…' or '。', and any other character, or bytes that
// are none, ends it as range's rune would.
func marksOnly(s string) (q, dots bool) {
	stops := 0
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '?':
			q = true
			i++
		case c == '.':
			stops++
			i++
		case c == ' ' || c == '!' || c == '~':
			i++
		case c == 0xE2 && strings.HasPrefix(s[i:], "…"):
			stops += 2
			i += len("…")
		case c == 0xE3 && strings.HasPrefix(s[i:], "。"):
			stops++
			i += len("。")
		default:
			return false, false
		}
	}
	return q, !q && stops >= 2
}

// leadingDots reports whether a message opens with an ellipsis ("……好吧",
// "。。扣了呀").
//
// The first byte of one is '.', or E2 or E3 (the leads of '…' and '。'):
// that test, inlined where leadingDots is asked, passes most messages (a
// Chinese character's lead is past E3), where the three prefixes were
// compared for every message the emotion rules and the learned scorer
// read (FuzzLeadingDots holds it to leadingDotsRef, the three).
func leadingDots(s string) bool {
	return s != "" && (s[0]-0xE2 <= 0xE3-0xE2 || s[0] == '.') && dotsPrefix(s)
}

// dotsPrefix is leadingDots but for the test of the first byte. It is
// not inlined, which would leave leadingDots too large to be.
//
//go:noinline
func dotsPrefix(s string) bool {
	return strings.HasPrefix(s, "…") || strings.HasPrefix(s, "。。") || strings.HasPrefix(s, "..")
}

// threatens reports whether customer message i threatens escalation, with
// the threat detector's word lists, negation window and learned scorer
// (the shared threatens), so that the message a shop is alerted to as a
// threat, by the rules or by the scorer, is also negative.
func (d *emotionDetector) threatens(in *Input, i int) bool {
	_, _, ok := threatens(in, i, &d.threat, d.tmodel)
	return ok
}

// agentSide reports whether r speaks for the shop.
func agentSide(r conversation.Role) bool {
	return r == conversation.RoleAgent || r == conversation.RoleBot
}

func (d *emotionDetector) Inspect(in *Input, out *Output) {
	if in.Emotion == nil {
		return
	}
	msgs := in.Conv.Messages
	customer := in.intBuf(0) // customer message numbers in order
	negs := in.intBuf(1)     // those that are negative
	defer func() { in.putInts(0, customer); in.putInts(1, negs) }()
	var ws waits
	var st, enSt negState // the Chinese and the English scorer's
	// The learned features' buffer (3 KiB) is the worker's, reused
	// conversation after conversation rather than zeroed for each: the
	// scorers fill what they read of it (negSignals starts it empty).
	f := &in.scratch().neg
	for i := range msgs {
		if msgs[i].Role != conversation.RoleCustomer {
			continue
		}
		customer = append(customer, i)
		english := in.english(i)
		isNeg, learned, enStrong, threat := false, float32(-1), false, false
		if english {
			// The learned English scorer reads English messages only
			// (emotion_en_learned.go): Chinese ones never pay for it.
			var parts enRuleParts
			isNeg, learned, parts = d.decideEnglish(in, i, &ws, &enSt, f)
			enStrong = parts.phrase || parts.threat
			if in.neg != nil && in.Emotion[i].Label != EmotionNone {
				st.after(in, i, parts.any()) // the Chinese scorer reads how heated the chat is, in any language
			}
		} else {
			rule := d.negative(in, i, &ws)
			// A Chinese message threatens only when the rules call it
			// negative (the threat gate is part of their word gate), so
			// the threat test, which the stacked decision and the severity
			// both read, runs for those alone, once.
			threat = rule && d.threatens(in, i)
			isNeg = rule
			if in.neg != nil && in.Emotion[i].Label != EmotionNone { // blank messages get no score
				isNeg, learned = d.decide(in, i, rule, threat, &ws, &st, f)
				st.after(in, i, rule)
			}
		}
		if !isNeg {
			continue
		}
		negs = append(negs, i)
		neg := float64(in.Emotion[i].Neg)
		sev := conversation.SeverityLow
		strong := enStrong // English: a phrase or a threat
		if !english {
			_, strong = in.firstTerm(i, d.strong)
			strong = strong || threat
		}
		switch {
		case english && strong:
			sev = conversation.SeverityMedium // the model's score says nothing on English
		case english:
		case neg >= d.cfg.HighMin || (strong && neg >= d.cfg.WeakMin):
			sev = conversation.SeverityHigh
		case strong || neg >= d.cfg.NegativeMin:
			sev = conversation.SeverityMedium
		}
		data := make(conversation.Data, 0, 2) // keys in order: learned, negative
		if learned >= 0 {
			data = append(data, conversation.Field{Key: "learned", Value: d.round2Any(float64(learned))})
		}
		data = append(data, conversation.Field{Key: "negative", Value: d.round2Any(neg)})
		out.Add(conversation.Finding{Code: "emotion.negative", Severity: sev, Messages: out.msgs(i),
			Evidence: quote(msgs[i].Text), Detail: string(strconv.AppendFloat(append(make([]byte, 0, 24), "negative emotion "...), neg, 'f', 2, 64)),
			Data: data})
	}
	d.escalating(in, out, customer, negs)
	// customer is read no more: its buffer holds unaddressed's agent
	// replies, and goes back to the scratch with what they grew it to.
	customer = d.unaddressed(in, out, negs, customer[:0])
}

// decide is the decision with the learned scorer loaded: what the rules
// call negative (rule) stays negative, and so is any other customer message
// whose learned probability reaches the model's threshold, chosen by
// cross-validation (see the README). A stacked scorer (the shipped one since
// the fifteenth session) decides alone instead: the rules' verdict is one of
// its features (the weight of NegativeRuleBucket joins the sum of a message the rules call
// negative), so it can also overrule a rule's false alarm — but not a
// threat's. It returns the
// verdict and the learned probability, which Inspect reads only of a
// negative message. A message whose sum is below the scorer's zMin is not
// negative by it (its sigmoid is below the threshold: zAtLeast), and is
// returned so, with -1, without the sigmoid, unless the rules' verdict
// decides it.
func (d *emotionDetector) decide(in *Input, i int, rule, threat bool, ws *waits, st *negState, f *negFeats) (bool, float32) {
	m := in.neg
	z := d.negSum(m, in, i, ws, st, f)
	if m.stacked {
		if rule {
			z += m.wf[NegativeRuleBucket]
		}
		// A threat stays negative whatever the score: LABELLING.md counts
		// every customer_threat in customer_negative, and the shop is
		// alerted to it as a threat.
		rule = threat
	}
	if !rule && z < m.zMin {
		return false, -1
	}
	p := sigmoid(z)
	return rule || p >= m.threshold, p
}

// escalating fires when the customer's negative probability rises from the
// first customer message to the worst one in the second half of the chat
// by at least EscalationRise, ending negative (one of negs, the messages
// Inspect found negative); evidence: both messages.
func (d *emotionDetector) escalating(in *Input, out *Output, customer, negs []int) {
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
	if at <= first || peak-start < d.cfg.EscalationRise || !slices.Contains(negs, at) {
		return
	}
	out.Add(conversation.Finding{Code: "emotion.escalating", Severity: conversation.SeverityMedium,
		Messages: out.msgs(first, at), Evidence: quote(in.Conv.Messages[first].Text) + " → " + quote(in.Conv.Messages[at].Text),
		Detail: riseDetail(start, peak), Data: conversation.Data{{Key: "from", Value: d.round2Any(start)}, {Key: "to", Value: d.round2Any(peak)}}})
}

// riseDetail is fmt.Sprintf("negative emotion rose from %.2f to %.2f",
// start, peak), which formats a float with %.2f as strconv's 'f' with 2
// digits does, in one allocation (TestRiseDetail).
func riseDetail(start, peak float64) string {
	b := append(make([]byte, 0, 40), "negative emotion rose from "...)
	b = strconv.AppendFloat(b, start, 'f', 2, 64)
	b = append(b, " to "...)
	return string(strconv.AppendFloat(b, peak, 'f', 2, 64))
}

// unaddressed fires once, on the first negative customer message that the
// next AppeaseWithin agent replies do not answer with an apology,
// appeasement or concrete help. A negative message at the very end with no
// agent reply after it is left to response.missed and resolution. The
// agent replies are listed in buf (a scratch buffer, given empty), which
// is returned.
func (d *emotionDetector) unaddressed(in *Input, out *Output, negs, buf []int) []int {
	msgs := in.Conv.Messages
	if len(negs) == 0 {
		return buf
	}
	// The agent replies in order; negs ascend, so one cursor finds the
	// first reply after each (walking from every negative message to its
	// replies cost the square of a long customer-only stretch).
	agents := buf
	for j := negs[0] + 1; j < len(msgs); j++ {
		if msgs[j].Role == conversation.RoleAgent {
			agents = append(agents, j)
		}
	}
	in.work += int64(len(msgs) - negs[0])
	next := 0
	for _, i := range negs {
		for next < len(agents) && agents[next] <= i {
			next++
		}
		replies, soothed := 0, false
		last := -1
		for _, j := range agents[next:min(len(agents), next+d.cfg.AppeaseWithin)] {
			in.work++
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
			Messages: out.msgs(i, last), Evidence: quote(msgs[i].Text) + " → " + quote(msgs[last].Text),
			Detail: "no apology, appeasement or concrete help in the next " + strconv.Itoa(replies) + " agent replies"})
		return agents
	}
	return agents
}

func round2(v float64) float64 { return float64(int(v*100+0.5)) / 100 }
