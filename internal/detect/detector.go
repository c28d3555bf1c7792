// Package detect holds the per-conversation detectors and the engine that
// runs them. A detector is a small value with a stable name and a pure
// method over one conversation: no I/O, no globals, no clock, deterministic
// and safe for concurrent use. Keyword-based detectors do not scan text
// themselves: they register their word lists with one combined matcher at
// start-up and receive the hits of a single pass over each normalized
// message.
package detect

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// Detector inspects one conversation and reports findings through out.
type Detector interface {
	// Name is stable: configs, tests and --detectors refer to it.
	Name() string
	// Codes lists the finding codes (and tags) the detector can emit.
	Codes() []string
	// Inspect reads in and appends to out. It must not keep either. A
	// finding's Evidence quotes only the messages' texts (Conv.Messages or
	// Norm, cut at character boundaries) and literal text: the engine
	// relies on it to skip checking the evidence of a conversation whose
	// importer vouches for its texts (Conversation.TextValid). The literal
	// text holds nothing a JSON string escapes (no quote, backslash or
	// control character): the scan output copies the evidence of plain
	// texts as it is (Conversation.TextPlain).
	Inspect(in *Input, out *Output)
}

// KeywordUser is implemented by detectors that need keyword hits. Register
// is called once, before any Inspect, to add the detector's word lists.
type KeywordUser interface {
	RegisterKeywords(k *Keywords) error
}

// ClassID names one word list registered with Keywords. It is the
// shared matcher's class of the list's words, so that the matcher reports
// hits by list (text.NewClassMatcher).
type ClassID = text.Class

// KeywordHit is one occurrence of a word of a class in a normalized
// message: its Start and End are byte offsets in Input.Norm[i]. It is the
// matcher's own hit type, so the engine's scan writes the hits detectors
// read, with no copy.
type KeywordHit = text.ClassHit

// Input is what a detector sees of one conversation: the conversation, each
// message's normalized text, the keyword hits per message, and the shared
// per-message analyses computed once by the engine.
type Input struct {
	Conv *conversation.Conversation
	// Norm[i] is message i normalized as text.Normalize does, cut from
	// one buffer for the whole conversation: a message that starts with
	// white space after a non-empty one may keep one leading space.
	Norm []string
	// Hits[i] are the keyword hits of message i, ordered by end offset.
	// A class registered with AddPresence or AddUnion has none when the
	// engine keeps presence bits (First and the windows find nothing of
	// it): ask Has or may of it.
	Hits [][]KeywordHit
	// Emotion[i] is the customer emotion of message i (zero value for
	// other roles, or when no emotion model is loaded).
	Emotion []MessageEmotion
	// Rounds are the conversation's response rounds (see Rounds), cut once
	// for the response detector and the KPIs.
	Rounds []Round

	// present[i] has bit c set when message i has a hit of class c, so the
	// many "does this message contain a word of class c" questions that
	// detectors ask are answered without walking the hits. It is nil when
	// there are more classes than bits (then every lookup walks).
	present [][presentWords]uint64
	// scanned is set when the engine's matcher scanned the messages.
	scanned bool
	// maxHit is the longest keyword hit in bytes, which bounds the
	// windows of window.go; 0 when not recorded.
	maxHit int32
	// work counts the hits and messages the detectors read through the
	// windowed accessors, for the scaling tests (window.go).
	work int64
	// firsts remembers firstEnd's answers for this conversation.
	firsts map[firstKey]int32
	// lang[i] remembers english(i): 0 not asked yet, 1 no, 2 yes.
	lang []uint8

	// neg is the learned negative-emotion scorer, nil when the emotion
	// model carries none (then the rules alone decide).
	neg *learnedNegative
	// end is the learned conversation-ending classifier, nil when the
	// emotion model carries none (then the resolution rules alone decide).
	end *learnedEnding

	// parts[c] are the classes whose hits coveredSpans reads for class
	// c: c itself twice, or a union's two (Keywords.AddUnion). nil for
	// an Input built by hand, whose classes are their own.
	parts [][2]ClassID

	// scr is the worker's Scratch the engine ran with: detectors take
	// their per-conversation buffers from it (waitBuf, sigBuf, intBuf).
	scr *Scratch
}

// presentWords bounds the classes the presence bitset covers (64 each).
const presentWords = 4

// may reports whether message i can have a hit of class c.
//
// The detectors ask it some thirty times a message. The bits are there
// only when every class is below 256 (see presentWords), so c's low byte
// names its word and bit, with no test of its range: c>>6 was a
// sign-extended index tested against the row's four words. Without bits
// (present nil, of length 0) every message may: the one test of i against
// the rows' length answers that and proves the row in bounds, where a test
// for nil came before the row's bounds check (the engine keeps a row for
// every message: TestPresenceLookups).
func (in *Input) may(i int, c ClassID) bool {
	if uint(i) >= uint(len(in.present)) {
		return true
	}
	return in.present[i][uint8(c)>>6]&(1<<(uint8(c)&63)) != 0
}

// Scanned reports whether the engine scanned the messages for the words
// registered with it, so that Has answers for them: it does not when it
// runs no detector (--detectors none), nor for an Input not made by an
// engine.
func (in *Input) Scanned() bool { return in.scanned }

// Has reports whether message i contains a word of class c.
func (in *Input) Has(i int, c ClassID) bool {
	if uint(i) < uint(len(in.present)) { // the bits are kept: may answers
		return in.may(i, c)
	}
	for _, h := range in.allHits(i) {
		if h.Class == c {
			return true
		}
	}
	return false
}

// First returns the first hit of class c in message i.
func (in *Input) First(i int, c ClassID) (KeywordHit, bool) {
	if !in.may(i, c) {
		return KeywordHit{}, false
	}
	for _, h := range in.allHits(i) {
		if h.Class == c {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// Matched returns the normalized text of a hit in message i.
func (in *Input) Matched(i int, h KeywordHit) string { return in.Norm[i][h.Start:h.End] }

// Emotion labels, as written in scan output.
const (
	EmotionNone     = ""
	EmotionNegative = "negative"
	EmotionNeutral  = "neutral"
	EmotionPositive = "positive"
)

// clearlyNegative is the probability of negative from which a detector
// other than emotion treats a message as angry on the model's word alone.
// The model's own label says "negative" for about a quarter of JD customer
// messages, far more than reviewers do, so its label is not used directly.
const clearlyNegative = 0.9

// ClearlyNegative reports whether the emotion model is very sure customer
// message i is negative; false when no model is loaded.
func (in *Input) ClearlyNegative(i int) bool {
	return in.Emotion != nil && in.Emotion[i].Neg >= clearlyNegative
}

// Satisfaction labels, as written in scan output (messages[].satisfaction):
// the model's own arg-max on the USS three-class task, before any rule.
const (
	SatisfactionDissatisfied = "dissatisfied"
	SatisfactionNeutral      = "neutral"
	SatisfactionSatisfied    = "satisfied"
)

// SatisfactionOf maps the emotion model's label to the satisfaction label
// it was trained as (negative = dissatisfied, positive = satisfied), or ""
// for an unknown label.
func SatisfactionOf(label string) string {
	switch label {
	case EmotionNegative:
		return SatisfactionDissatisfied
	case EmotionNeutral:
		return SatisfactionNeutral
	case EmotionPositive:
		return SatisfactionSatisfied
	}
	return ""
}

// MessageEmotion is the emotion of one customer message.
type MessageEmotion struct {
	Label string  // one of the Emotion constants
	Score float32 // probability of Label, 0..1
	Neg   float32 // probability of negative, for curves and severities
	// Satisfaction and SatisfactionP are the model's own per-turn estimate
	// (one of the Satisfaction constants and its probability), straight
	// from the model: Label is made to agree with the findings, this is
	// not, so an emotion curve can follow the model.
	Satisfaction  string
	SatisfactionP float32
}

// Output collects what detectors report for one conversation.
type Output struct {
	Findings []conversation.Finding
	Tags     []conversation.Tag
	// Ending is how the conversation ended by the learned ending
	// classifier (the resolution detector sets it); zero when it did not
	// run.
	Ending Ending

	// slabs, set by the engine, is its worker's: findings and message
	// lists are cut from it instead of allocated one by one.
	slabs *slabs
}

// Add appends a finding.
//
// The first finding makes room for four: nine in ten JDDC conversations
// have at most four findings, and growing from one cost up to three
// allocations (room for eight zeroed more than it saved). The engine's
// Output takes that room from the worker's slab.
func (o *Output) Add(f conversation.Finding) {
	if o.Findings == nil {
		if o.slabs != nil {
			o.Findings = o.slabs.findings.take(findingsFirst, slabFindings)[:0]
		} else {
			o.Findings = make([]conversation.Finding, 0, findingsFirst)
		}
	}
	o.Findings = append(o.Findings, f)
}

// ints returns an empty slice with room for n message numbers, for a
// finding's message list: from the worker's slab when the engine runs the
// detectors.
func (o *Output) ints(n int) []int {
	if o.slabs != nil {
		return o.slabs.ints.take(n, slabInts)[:0]
	}
	return make([]int, 0, n)
}

// msgs returns xs as a finding's message list, cut from the worker's slab
// (see ints).
func (o *Output) msgs(xs ...int) []int { return append(o.ints(len(xs)), xs...) }

// Tag adds a scene tag with its evidence messages, merging repeats.
func (o *Output) Tag(name string, msgs ...int) {
	for i := range o.Tags {
		if o.Tags[i].Name == name {
			o.Tags[i].Messages = appendUnique(o.Tags[i].Messages, msgs...)
			return
		}
	}
	var dst []int // nil for no messages, as before
	if len(msgs) > 0 {
		dst = o.ints(len(msgs)) // one allocation, not one per doubling
	}
	if o.Tags == nil && o.slabs != nil {
		o.Tags = o.slabs.tags.take(2, slabTags)[:0]
	}
	o.Tags = append(o.Tags, conversation.Tag{Name: name, Messages: appendUnique(dst, msgs...)})
}

// appendUnique appends to dst the numbers of xs it does not hold yet, in
// order. Message numbers mostly come ascending: a number above every one
// before is new without a search, and otherwise a set is built, so a tag
// on every one of 200,000 messages costs in step with them, not their
// square.
func appendUnique(dst []int, xs ...int) []int {
	// While asc holds, dst ascends and top is its largest number.
	asc, top := slices.IsSorted(dst), minInt
	if len(dst) > 0 {
		top = dst[len(dst)-1]
	}
	var seen map[int]bool
	for _, x := range xs {
		if asc && x > top {
			dst = append(dst, x)
			top = x
			continue
		}
		if seen == nil {
			seen = make(map[int]bool, len(dst)+len(xs))
			for _, d := range dst {
				seen[d] = true
			}
		}
		if !seen[x] {
			seen[x] = true
			dst = append(dst, x)
		}
		asc = false
	}
	return dst
}

// minInt is below every message number.
const minInt = math.MinInt

// Keywords collects the word lists of all keyword detectors so that one
// matcher serves them all. Words are normalized with text.Normalize, the
// same function messages go through.
type Keywords struct {
	words   []string
	classOf [][]ClassID // per word
	index   map[string]int
	names   []string // per class; its length is the number of classes
	// byList maps a class's normalized words, joined, to its id: detectors
	// that register the same list (the closings, the question words) share
	// one class, so each matcher hit becomes one KeywordHit, not one per
	// detector.
	byList map[string]ClassID
	// hits[c] is set when a detector registered class c with Add, or
	// c is one of the two parts of an AddUnion class, which lets it read
	// the class's hits; a class registered only with
	// AddPresence is answered by its presence bits alone, and the engine
	// keeps no hits of it (see NewEngine).
	hits []bool
	// parts[c], for a class registered with AddUnion, are the two
	// classes whose hits stand for its own (see coveredSpans).
	parts map[ClassID][2]ClassID
}

// NewKeywords returns an empty collection.
func NewKeywords() *Keywords {
	return &Keywords{index: map[string]int{}, byList: map[string]ClassID{}}
}

// Add registers a class of words under name (e.g. "threat.complaint") and
// returns its id. A word may belong to several classes. A list equal, word
// for word after normalization, to one registered before returns that
// class: the name is then only the first one's.
func (k *Keywords) Add(name string, words ...string) ClassID {
	id := k.add(name, words)
	k.hits[id] = true
	return id
}

// AddPresence is Add for a class of which the detector asks only whether
// a message has a word (Input.Has, Input.may), never for the hits
// themselves (First, the windows of window.go, Input.Hits): nearly all of
// the engine's hits were of classes some detector walks past, and one
// with many hits (the loop detector's requests, two in every message)
// costs every walk of every message. The engine then keeps no hits of
// the class when it has the presence bits (see NewEngine), unless
// another detector registers the same list with Add.
func (k *Keywords) AddPresence(name string, words ...string) ClassID {
	return k.add(name, words)
}

// AddUnion registers the class of a's and b's words, for a detector that
// asks only Has and coveredSpans of it: its presence bits are its own, and its hits are
// a's and b's, so it keeps none (as AddPresence). Two detectors whose
// lists share most of their words (loop.generic and resolution.generic
// are both loop_generic and a few words of their own) so share the
// common part's hits instead of each having a copy of every one: a
// word of both lists is matched into one hit, not two.
//
// coveredSpans of the class is that of a's and b's hits: every hit of
// the class is a hit of a or b at the same bytes and back, so the
// merged byte ranges are the same; a word of both a and b gives two
// hits at the same bytes, and the second adds nothing to a range.
func (k *Keywords) AddUnion(name string, a, b ClassID) ClassID {
	var words []string
	for w, cs := range k.classOf {
		if slices.Contains(cs, a) || slices.Contains(cs, b) {
			words = append(words, k.words[w])
		}
	}
	id := k.add(name, words)
	k.hits[a], k.hits[b] = true, true
	if k.parts == nil {
		k.parts = map[ClassID][2]ClassID{}
	}
	k.parts[id] = [2]ClassID{a, b}
	return id
}

// add registers a class for Add and AddPresence.
func (k *Keywords) add(name string, words []string) ClassID {
	norm := make([]string, 0, len(words))
	for _, w := range words {
		if w = text.Normalize(w); w != "" {
			norm = append(norm, w)
		}
	}
	key := strings.Join(norm, "\x00")
	if id, ok := k.byList[key]; ok {
		return id
	}
	id := ClassID(len(k.names))
	k.names = append(k.names, name)
	k.hits = append(k.hits, false)
	k.byList[key] = id
	for _, w := range norm {
		i, ok := k.index[w]
		if !ok {
			i = len(k.words)
			k.index[w] = i
			k.words = append(k.words, w)
			k.classOf = append(k.classOf, nil)
		}
		dup := false
		for _, c := range k.classOf[i] {
			dup = dup || c == id
		}
		if !dup {
			k.classOf[i] = append(k.classOf[i], id)
		}
	}
	return id
}

// english reports whether message i is English (isEnglish of its
// normalized text), worked out once per message: the threat and emotion
// detectors and the promise rules each ask of the same messages. An Input
// not prepared by the engine asks isEnglish every time.
//
// The answer most asked, a message known not to be English, is read here,
// small enough to be inlined (the other answer does not fit the inlining
// budget too): the detectors ask some 25 times a conversation, and a call
// that found the answer kept cost about 25 instructions (a frame, two
// bounds checks, the spills of the loop behind it). Everything else goes
// on to englishOnce (TestEnglishKept).
func (in *Input) english(i int) bool {
	if i < len(in.lang) && in.lang[i] == 1 {
		return false
	}
	return in.englishOnce(i)
}

// englishOnce is english but for the shortcut: the answer kept for
// message i, or worked out, and kept when the Input has room (one
// prepared by the engine). The first message asked has the answers of
// all worked out and kept (langs): the detectors ask of every message,
// and a call here for each message's first answer cost some 40
// instructions besides englishText's.
func (in *Input) englishOnce(i int) bool {
	if i >= len(in.lang) {
		return englishText(in.Norm[i])
	}
	if in.lang[i] == 0 {
		in.langs()
	}
	return in.lang[i] == 2
}

// langs keeps english's answer for every message of the Input that has
// none yet, in one loop: 1 not English, 2 English. A message that opens
// with a character of U+4000–U+9FFF (a lead byte E4–E9 and two
// continuation bytes: most Chinese messages) is not English, as
// englishText finds at that character (one in the range isEnglish stops
// at, U+3040–U+9FFF), and is told so without the call (TestEnglishKept,
// TestLangs).
func (in *Input) langs() {
	lang := in.lang
	norm := in.Norm[:len(lang)]
	for j, s := range norm { // every entry is 0: in.english fills them all at once
		l := uint8(1)
		if !hanFirst(s) && englishText(s) {
			l = 2
		}
		lang[j] = l
	}
}

// hanFirst reports whether s opens with a character of U+4000–U+9FFF:
// a lead byte E4–E9 and two continuation bytes.
func hanFirst(s string) bool {
	return len(s) >= 3 && s[0]-0xE4 <= 0xE9-0xE4 && s[1]&0xC0 == 0x80 && s[2]&0xC0 == 0x80
}

// englishText is isEnglish(s), with ASCII and valid three-byte characters
// (leads E1–EF but ED, text.Lead3) read inline: range called the runtime
// to decode every character past ASCII, and a Chinese message's first
// one most often decides. At any other character it asks isEnglish
// itself, from the start (FuzzEnglishText).
func englishText(s string) bool {
	letters := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c-'a' < 26 {
				letters++
			}
			i++
			continue
		}
		if !text.Lead3(c) || i >= len(s)-2 || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 {
			return isEnglish(s)
		}
		// i < len(s)-2 proves s[i+1] and s[i+2] in bounds.
		if r := rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F); r >= 0x3040 && r <= 0x9fff || r >= 0xf900 && r <= 0xfaff {
			return false
		}
		i += 3
	}
	return letters >= 6
}
