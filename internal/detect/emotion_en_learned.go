package detect

import (
	_ "embed" // the learned English negative-emotion scorer's weights
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// embeddedEnglishNegative is the learned English negative-emotion scorer:
// a logistic regression over the features of enNegFeatures, trained by
// `fullqa train english` on the reviewers' customer_negative labels of the
// English Twitter support threads (twcs; see EMOTION_EN_WEIGHTS.md for
// the data and its terms), with its threshold.
//
//go:embed emotion_en.weights
var embeddedEnglishNegative []byte

// loadEnglishNegative decodes the embedded English scorer. Each engine
// decodes its own copy (about a millisecond), so no state is shared
// between engines.
func loadEnglishNegative() (*learnedNegative, error) {
	l, err := classify.DecodeLinear(embeddedEnglishNegative)
	if err != nil {
		return nil, fmt.Errorf("english negative-emotion weights: %w", err)
	}
	if len(l.W) != 1<<NegativeBits || !(l.Threshold > 0 && l.Threshold < 1) {
		return nil, fmt.Errorf("english negative-emotion weights: %d buckets, threshold %v (want %d buckets and a probability)", len(l.W), l.Threshold, 1<<NegativeBits)
	}
	q, scale, ok := int16Table(l.W, l.Steps, l.Scale)
	if !ok {
		return nil, fmt.Errorf("english negative-emotion weights: not int16 steps of one scale")
	}
	return &learnedNegative{w: (*[1 << NegativeBits]int16)(q), scale: scale, bias: l.Bias, threshold: l.Threshold}, nil
}

// decideEnglish is the decision on English customer message i: what the
// English rules call negative stays negative, and so is any other message
// whose learned probability reaches the model's threshold (chosen by
// cross-validation; see the README). It returns the verdict, the learned
// probability (-1 without a model: the rules alone) and what the rules saw
// (their verdict is parts.any()); st must have seen every English
// customer message before i.
func (d *emotionDetector) decideEnglish(in *Input, i int, ws *waits, st *negState, f *negFeats) (neg bool, p float32, parts enRuleParts) {
	parts = d.enParts(in, i, ws)
	if d.enModel == nil {
		return parts.any(), -1, parts
	}
	d.enNegFeatures(in, i, parts, st, f)
	p = d.enModel.prob(f)
	st.enAfter(parts.any())
	return parts.any() || p >= d.enModel.threshold, p, parts
}

// The learned English negative-emotion features. The English rules
// (emotion_en.go) are precise but read only the grievances a phrase list
// names; most negative complaint tweets carry no strong word ("Fix it.",
// sarcasm, a plain account of what went wrong). These features let a
// logistic regression, trained on the reviewers' customer_negative labels
// of the English Twitter support threads, read the rest: the message's
// words, its marks and capitals, its emoji, the rules' verdict and parts,
// and the turns around it. They live here, beside the rules they read, so
// that the trainer (internal/eval, through EnglishNegativeFeatures) and
// the scan see exactly the same features. The scorer reads only English
// customer messages (isEnglish); Chinese messages never pay for it.

// Feature groups of the English model. Each feature is a (group, value)
// pair hashed into a table of 2^NegativeBits weights (featureIndex); the
// numbers are part of trained weights, so they never change meaning (add
// new ones at the end). They are a table of their own, so they may share
// numbers with the Chinese model's groups.
const (
	enfRule = iota + 1
	enfPhrase
	enfThreat
	enfChase
	enfUni
	enfBi
	enfQuestion
	enfExclaim
	enfDots
	enfCaps
	enfShout
	enfEmoji
	enfLen
	enfPosition
	enfLastNeg
	enfRuleNegsBefore
	enfNoPrevAgent
	enfPrevApology
	enfPrevDM
	enfPrevAsks
	enfPrevThanks
	enfNoNextAgent
	enfNextApology
	enfNextDM
	enfNextAsks
)

// maxEnNegWords bounds the words of one message whose unigrams and
// bigrams are features (a tweet has at most about sixty), so that the
// features fit negFeats with the signals.
const maxEnNegWords = (maxNegFeats - 64) / 2

// enBOS is the word hash standing before a sentence's first word, so that
// how a sentence opens ("why", "thanks") is a bigram of its own.
const enBOS uint64 = 0x5bd1e9955bd1e995

// enWordHash returns the FNV-1a hash of word w of normalized text, read
// with a curly apostrophe as a straight one ("don’t" is "don't") and a
// number of digits only as "0" (order numbers say nothing of a mood).
func enWordHash(w string) uint64 {
	digits := true
	for k := 0; k < len(w); k++ {
		if w[k] < '0' || w[k] > '9' {
			digits = false
			break
		}
	}
	if digits {
		w = "0"
	}
	h := uint64(14695981039346656037)
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c == 0xe2 && strings.HasPrefix(w[k:], "’") {
			c = '\''
			k += len("’") - 1
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// enWords walks the words of normalized English text the way enSentences
// reads them (handles, links and ^signatures left out, "&amp;" read as
// "and"), without building the sentences: the learned scorer reads every
// English customer message and must not allocate for it.
type enWords struct {
	s string
	i int
}

// next returns the next word of the text, whether a sentence or clause
// break (. ! ? ; , : newline or a bracket) stands between it and the
// word before, and false at the end.
func (t *enWords) next() (w string, brk, ok bool) {
	s := t.s
	for t.i < len(s) {
		i := t.i
		c := s[i]
		switch {
		case strings.HasPrefix(s[i:], "&amp;"):
			t.i += len("&amp;")
			return "and", brk, true
		case c == '@' || c == '^' || c == 'h' && (strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://")):
			for t.i < len(s) && s[t.i] != ' ' {
				t.i++
			}
		case isWordByte(c) || c == '\'' || strings.HasPrefix(s[i:], "’"):
			j := i
			for j < len(s) && (isWordByte(s[j]) || s[j] == '\'' || strings.HasPrefix(s[j:], "’")) {
				if s[j] < 0x80 {
					j++
				} else {
					j += len("’")
				}
			}
			t.i = j
			w := trimApostrophes(s[i:j])
			if w != "" {
				return w, brk, true
			}
		case c == '.' && i > 0 && i+1 < len(s) && s[i-1] >= '0' && s[i-1] <= '9' && s[i+1] >= '0' && s[i+1] <= '9':
			t.i++ // a decimal point
		case c == '?' || c == '.' || c == '!' || c == ';' || c == '\n' || c == ',' || c == ':' || c == '(' || c == ')':
			brk = true
			t.i++
		default:
			t.i++
		}
	}
	return "", brk, false
}

// trimApostrophes cuts straight and curly apostrophes off both ends of w.
func trimApostrophes(w string) string {
	for {
		switch {
		case strings.HasPrefix(w, "'"):
			w = w[1:]
		case strings.HasPrefix(w, "’"):
			w = w[len("’"):]
		case strings.HasSuffix(w, "'"):
			w = w[:len(w)-1]
		case strings.HasSuffix(w, "’"):
			w = w[:len(w)-len("’")]
		default:
			return w
		}
	}
}

// enAgentTurn is what the features read of an agent's message: whether
// it apologises, asks the customer to write privately (a DM), asks a
// question, or thanks.
type enAgentTurn struct {
	apology, dm, asks, thanks bool
}

// readEnAgent reads agent message text s (normalized).
func readEnAgent(s string) enAgentTurn {
	var a enAgentTurn
	a.asks = strings.IndexByte(s, '?') >= 0
	t := enWords{s: s}
	for {
		w, _, ok := t.next()
		if !ok {
			return a
		}
		switch w {
		case "sorry", "apologize", "apologise", "apologies", "apologizing", "apologising", "unfortunately":
			a.apology = true
		case "dm", "dms", "direct", "private", "privately", "pm":
			a.dm = true
		case "thanks", "thank", "thx":
			a.thanks = true
		}
	}
}

// Emoji classes of enEmojiClass.
const (
	enEmojiAngry = iota + 1
	enEmojiSad
	enEmojiAnnoyed
	enEmojiHappy
	enEmojiLaugh
	enEmojiOther
)

// enEmojiClass returns the class of rune r when it is an emoji or
// pictograph, else 0: anger (😠), sadness (😢), annoyance (🙄),
// warmth (😊, 👍, ❤), laughter (😂, said in scorn as often as in fun),
// or another picture.
func enEmojiClass(r rune) int {
	switch r {
	case '😠', '😡', '🤬', '😤', '👿', '💢', '🖕':
		return enEmojiAngry
	case '😢', '😭', '😞', '😔', '😟', '☹', '🙁', '😩', '😫', '😖', '😣', '💔', '😿', '😪', '😥', '😰', '😓', '👎':
		return enEmojiSad
	case '🙄', '😒', '😑', '😐', '🤦', '🤷', '😕', '😬', '🤔', '😶', '😮', '😳', '😱':
		return enEmojiAnnoyed
	case '😀', '😃', '😄', '😁', '😊', '🙂', '😍', '🥰', '😘', '☺', '❤', '💕', '💖', '💙', '💜', '💚', '💛', '👍', '🙏', '🙌', '👏', '✨', '🎉', '😎', '😉', '💯', '🤗', '♥':
		return enEmojiHappy
	case '😂', '🤣', '😆', '😅':
		return enEmojiLaugh
	}
	if r >= 0x1f300 && r <= 0x1faff || r >= 0x2600 && r <= 0x27bf {
		return enEmojiOther
	}
	return 0
}

// enRawSignals reads what normalization takes away from the raw text of
// a message: its words in capitals of three letters or more ("NEVER",
// "WORST"; handles, links and signatures left out), its words, and its
// emoji classes as bits.
func enRawSignals(s string) (caps, words int, emoji uint32) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '@' || c == '^' || c == 'h' && (strings.HasPrefix(s[i:], "http://") || strings.HasPrefix(s[i:], "https://")):
			for i < len(s) && s[i] != ' ' {
				i++
			}
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j, upper := i, true
			for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
				if s[j] >= 'a' {
					upper = false
				}
				j++
			}
			words++
			if upper && j-i >= 3 {
				caps++
			}
			i = j
		case c >= 0xe2:
			r, size := utf8.DecodeRuneInString(s[i:])
			if k := enEmojiClass(r); k > 0 {
				emoji |= 1 << k
			}
			i += size
		default:
			i++
		}
	}
	return caps, words, emoji
}

// enRuleParts is what the English negative rules (negative, for an
// English message) saw in a customer message: a phrase of
// emotion_en_negative, a threat, a delay or chase. The learned features
// read each part; any of them is the rules' verdict.
type enRuleParts struct {
	phrase, threat, chase bool
}

// any is the rules' verdict.
func (p enRuleParts) any() bool { return p.phrase || p.threat || p.chase }

// enParts reads English customer message i with the English rules, every
// part of them (negative stops at the first that holds).
func (d *emotionDetector) enParts(in *Input, i int, ws *waits) enRuleParts {
	_, phrase := d.en.negative(in.Norm[i])
	return enRuleParts{phrase: phrase, threat: d.threatens(in, i), chase: d.delayed(in, i, ws) || d.chased(in, i, ws)}
}

// enNegFeatures fills f with the features of English customer message i:
// the rules' verdict and what they saw (p: a phrase, a threat, a delay or
// chase), the message's marks, capitals, emoji and length, the lower-cased
// word unigrams and bigrams of its first maxEnNegWords words (sharing the
// value 1/√count), where it stands in the thread, whether the customer's
// message before was negative by the rules (st), and what the agent's
// turns just before and after it do (apologise, ask for a DM, ask,
// thank). An agent's reply after the message is part of a thread read
// after the fact, as the Chinese scorer reads it (negative.go). It
// allocates nothing: the rules, which do, were read before (enParts).
func (d *emotionDetector) enNegFeatures(in *Input, i int, p enRuleParts, st *negState, f *negFeats) {
	f.n = 0
	norm := in.Norm[i]
	for _, g := range [...]struct {
		on    bool
		group uint32
	}{{p.any(), enfRule}, {p.phrase, enfPhrase}, {p.threat, enfThreat}, {p.chase, enfChase}} {
		if g.on {
			f.add(g.group, 0, 1)
		}
	}
	qs, ex := strings.Count(norm, "?"), strings.Count(norm, "!")
	f.add(enfQuestion, uint32(min(qs, 3)), 1)
	f.add(enfExclaim, uint32(min(ex, 3)), 1)
	if strings.Contains(norm, "..") || strings.Contains(norm, "…") {
		f.add(enfDots, 0, 1)
	}
	caps, words, emoji := enRawSignals(in.Conv.Messages[i].Text)
	f.add(enfCaps, uint32(min(caps, 3)), 1)
	if caps >= 3 && 2*caps >= words {
		f.add(enfShout, 0, 1)
	}
	for k := uint32(enEmojiAngry); k <= enEmojiOther; k++ {
		if emoji&(1<<k) != 0 {
			f.add(enfEmoji, k, 1)
		}
	}
	f.add(enfPosition, bucketOf(st.customers), 1)
	if st.lastNeg {
		f.add(enfLastNeg, 0, 1)
	}
	f.add(enfRuleNegsBefore, min(uint32(st.ruleNegs), 3), 1)
	if j := st.prevAgent(in, i); j < 0 {
		f.add(enfNoPrevAgent, 0, 1)
	} else {
		a := readEnAgent(in.Norm[j])
		addAgentTurn(f, a, enfPrevApology, enfPrevDM, enfPrevAsks, enfPrevThanks)
	}
	if j := st.nextAgentAfter(in, i); j < 0 {
		f.add(enfNoNextAgent, 0, 1)
	} else {
		a := readEnAgent(in.Norm[j])
		addAgentTurn(f, a, enfNextApology, enfNextDM, enfNextAsks, 0)
	}

	n := enWordGrams(f, norm)
	f.add(enfLen, bucketOf(n/3), 1)
}

// addAgentTurn adds the features of agent turn a, one group a reading (0:
// not read).
func addAgentTurn(f *negFeats, a enAgentTurn, apology, dm, asks, thanks uint32) {
	for _, g := range [...]struct {
		on    bool
		group uint32
	}{{a.apology, apology}, {a.dm, dm}, {a.asks, asks}, {a.thanks, thanks}} {
		if g.on && g.group != 0 {
			f.add(g.group, 0, 1)
		}
	}
}

// enWordGrams appends the word unigrams and bigrams (a sentence's first
// word paired with enBOS) of the first maxEnNegWords words of norm to f,
// sharing the value 1/√count, and returns the number of words it read.
func enWordGrams(f *negFeats, norm string) int {
	first := f.n
	t := enWords{s: norm}
	prev, words := enBOS, 0
	for words < maxEnNegWords {
		w, brk, ok := t.next()
		if !ok {
			break
		}
		if brk {
			prev = enBOS
		}
		h := enWordHash(w)
		words++
		f.add(enfUni, uint32(h)^uint32(h>>32), 1)
		b := nfMix(prev*0x9e3779b97f4a7c15 ^ h)
		f.add(enfBi, uint32(b)^uint32(b>>32), 1)
		prev = h
	}
	if f.n > first {
		v := float32(1 / math.Sqrt(float64(f.n-first)))
		for k := first; k < f.n; k++ {
			f.val[k] = v
		}
	}
	return words
}

// enAfter updates st once English customer message i has been decided by
// the rules (ruleNeg).
func (st *negState) enAfter(ruleNeg bool) {
	st.customers++
	if ruleNeg {
		st.ruleNegs++
	}
	st.lastNeg = ruleNeg
}

// EnglishNegativeFeatures calls fn with every customer message of in, in
// order, with whether it is English (isEnglish: the only ones the learned
// English scorer reads), the rules' verdict on it (rule, as the emotion
// detector decides it without a learned scorer) and, for English ones,
// the learned English negative-emotion features (the hashed index and its
// value). It is how the trainer (internal/eval) sees exactly what the
// detector scores; in must come from e.Inspect. It does nothing when the
// engine has no emotion detector or in has no emotion scores.
func (e *Engine) EnglishNegativeFeatures(in *Input, fn func(msg int, english, rule bool, idx []uint32, val []float32)) {
	e.englishFeatures(in, false, fn)
}

// EnglishThreatFeatures is EnglishNegativeFeatures with the threat rules'
// verdict (threat.escalation's) as rule: the same features, read to
// measure a learned English threat scorer (`fullqa eval english --target
// threat`; none ships).
func (e *Engine) EnglishThreatFeatures(in *Input, fn func(msg int, english, rule bool, idx []uint32, val []float32)) {
	e.englishFeatures(in, true, fn)
}

// englishFeatures is EnglishNegativeFeatures, with the threat rules'
// verdict as rule when threat is set.
func (e *Engine) englishFeatures(in *Input, threat bool, fn func(msg int, english, rule bool, idx []uint32, val []float32)) {
	d := detectorOf[*emotionDetector](e)
	if d == nil || in.Emotion == nil {
		return
	}
	var st negState
	var f negFeats
	var ws waits
	for i := range in.Conv.Messages {
		if in.Conv.Messages[i].Role != conversation.RoleCustomer {
			continue
		}
		if !in.english(i) {
			var rule bool
			if threat {
				rule = d.threatens(in, i)
			} else {
				rule = d.negative(in, i, &ws)
			}
			fn(i, false, rule, nil, nil)
			continue
		}
		p := d.enParts(in, i, &ws)
		d.enNegFeatures(in, i, p, &st, &f)
		rule := p.any()
		if threat {
			rule = p.threat
		}
		fn(i, true, rule, f.idx[:f.n], f.val[:f.n])
		st.enAfter(p.any())
	}
}
