package detect

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"unicode/utf8"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
	"fullqa/internal/text"
)

// LoopConfig sets when messages count as repeats. Near-duplicates are found
// by the Jaccard similarity (or, for a short message inside a long one, the
// containment) of character-bigram signatures: each message's bigrams hashed
// into 256 bits, leaving out order cards, placeholders and greetings, so
// that what is compared is what the message asks. A message is compared only
// with the last Window messages of the same role, so long chats cost linear
// time.
type LoopConfig struct {
	// Similarity is the Jaccard similarity at which a customer message
	// restates an earlier one. Default 0.5: half the character pairs
	// shared is a restatement in other words, not a new question.
	Similarity float64 `yaml:"similarity"`
	// TemplateSimilarity is the similarity at which an agent reply repeats
	// an earlier one. Default 0.8: canned replies differ only in a name or
	// an emoji.
	TemplateSimilarity float64 `yaml:"template_similarity"`
	// Window is how many earlier messages of the same role are compared.
	// Default 8.
	Window int `yaml:"window"`
	// MinRepeats is how many customer restatements make the chat go in
	// circles (loop.misunderstanding). Default 2, the labelling rule
	// "restates the same need at least twice".
	MinRepeats int `yaml:"min_repeats"`
	// Learned adds the learned restatement scorer's finds to the rules'
	// loop.repeat findings (restatements in other words, which bigram
	// overlap misses). Off by default: on chats of a source it was not
	// trained on it found a tenth more restatements at precision 0.76
	// against the rules' 0.79, but it costs the default scan about a fifth
	// more instructions a conversation, far over the 3 % its comparison
	// allowed (README, "A learned restatement scorer"). Its finds carry
	// data.learned and data.p and do not count toward
	// loop.misunderstanding; the ending classifier, which reads the
	// earlier detectors' findings, reads them too (on jd2 it then finds
	// one more unresolved chat).
	Learned bool `yaml:"learned"`
}

// DefaultLoopConfig returns the defaults documented on LoopConfig.
func DefaultLoopConfig() LoopConfig {
	return LoopConfig{Similarity: 0.5, TemplateSimilarity: 0.8, Window: 8, MinRepeats: 2}
}

// Validate checks the ranges.
func (c LoopConfig) Validate() error {
	if c.Similarity <= 0 || c.Similarity > 1 || c.TemplateSimilarity <= 0 || c.TemplateSimilarity > 1 {
		return errors.New("loop: similarity and template_similarity must be in (0, 1]")
	}
	if c.Window < 1 || c.MinRepeats < 1 {
		return errors.New("loop: window and min_repeats must be at least 1")
	}
	return nil
}

// sig is a message's character-bigram signature.
type sig struct {
	b [4]uint64
	n int32 // bigrams hashed
	// ones is the number of bits set in b, counted (count) when the loop
	// detector keeps the signature to compare: a signature is compared
	// with up to a window of others, each of which counted its own bits
	// again for every comparison (overlap, jaccard). 0 until counted.
	// (n and ones are 32 bits so that a sig stays 48 bytes: contentScan,
	// which returns one, took 0.8M more instructions on 2,000 chats with
	// a sig of 56.)
	ones int32
	data bool // a data token (placeholder, number, link) was left out
}

// count sets g.ones.
func (g *sig) count() {
	g.ones = int32(bits.OnesCount64(g.b[0]) + bits.OnesCount64(g.b[1]) + bits.OnesCount64(g.b[2]) + bits.OnesCount64(g.b[3]))
}

// overlapCounted is overlap of two counted signatures (see sig.ones):
// only the shared bits are counted, the four words written out (the loop
// over them tested its index and both pointers for every word).
func overlapCounted(a, b *sig) (both, na, nb int) {
	both = bits.OnesCount64(a.b[0]&b.b[0]) + bits.OnesCount64(a.b[1]&b.b[1]) + bits.OnesCount64(a.b[2]&b.b[2]) + bits.OnesCount64(a.b[3]&b.b[3])
	return both, int(a.ones), int(b.ones)
}

// bigram records the pair of character keys prev, key.
func (g *sig) bigram(prev, key uint32) {
	h := prev*0x9E3779B1 ^ key*0x85EBCA77
	h ^= h >> 15
	h *= 0x2C1B3C6D
	h ^= h >> 12
	g.b[(h>>6)&3] |= 1 << (h & 63)
	g.n++
}

// contentOf is how much content character key (size bytes) adds: an
// ASCII letter or digit counts one, a particle (的, 了, 吗) none, any other
// character its size.
func contentOf(key uint32, size int) int {
	if size == 3 && particle3(key) {
		return 0
	}
	return size
}

// particle3 reports whether three-byte key is a particle's
// (isParticle(keyRune(key, 3))), inline and without a call: contentScan
// reads it for every Chinese character. particleLow first lets a character
// past only when it shares a particle's low twelve bits (a rune's low six
// bits are its key's, and the six above them the low six of the key's
// middle byte); particleRunes then answers exactly for the sixteen bits
// keyRune reads. Particles are common (的, 了, 吗), and the call to
// isParticle that used to follow the first test made contentScan keep its
// registers on the stack around it. TestParticle3 checks every key.
func particle3(key uint32) bool {
	if particleLow[key>>8&63]>>(key&63)&1 == 0 {
		return false
	}
	r := key>>4&0xF000 | key>>2&0x0FC0 | key&0x3F // keyRune(key, 3)
	return particleRunes[r>>6]>>(r&63)&1 != 0
}

// particleLow has bit b of word m set when some particle's rune ends in the
// twelve bits m<<6|b (a three-byte key's low six bits of its last two
// bytes, which keyRune reads): one test that lets a character past only
// when it shares those bits with a particle (a 64-bit mask of the last six
// bits let about a third of Chinese characters through). It is computed
// once from particleList and only read.
var particleLow = func() (t [64]uint64) {
	for _, r := range particleList {
		t[r>>6&63] |= 1 << (r & 63)
	}
	return t
}()

// particleRunes has bit r set for every particle rune r (all are below
// 0x10000, TestParticleList): the exact test of particle3 and isParticle.
// Only the words of the particles themselves are read, a few cache lines.
var particleRunes = func() (t [1 << 16 / 64]uint64) {
	for _, r := range particleList {
		t[r>>6] |= 1 << (r & 63)
	}
	return t
}()

// particleList are the sentence particles and one-character
// acknowledgements (see isParticle), the one list the tables above are
// filled from: isParticle and particle3 read those tables, so they cannot
// disagree with it (TestParticleList, TestParticle3).
var particleList = [...]rune{'的', '呢', '哦', '哈', '呀', '吗', '啊', '啦', '嗯', '好', '对', '亲', '行', '吧', '了', '哒', '滴', '噢', '恩'}

// charKey returns the character at s[i] as a key (its UTF-8 bytes packed
// into an integer) and its size, with the common ASCII and three-byte
// (CJK) cases inline.
func charKey(s string, i int) (uint32, int) {
	if b := s[i]; b < 0x80 {
		return uint32(b), 1
	} else if b&0xF0 == 0xE0 && i+2 < len(s) {
		return uint32(b)<<16 | uint32(s[i+1])<<8 | uint32(s[i+2]), 3
	}
	return charKeySlow(s, i)
}

// charKeySlow returns the bytes of the character at s[i] packed into a
// number, and its length, without decoding it: hashing needs identity, not
// the code point. charKey inlines the ASCII and three-byte cases (all of
// Chinese) and calls this for the rest.
//
//go:noinline
func charKeySlow(s string, i int) (uint32, int) {
	b := s[i]
	n := 1
	switch {
	case b >= 0xF0:
		n = 4
	case b >= 0xE0:
		n = 3
	case b >= 0xC0:
		n = 2
	}
	if i+n > len(s) {
		n = len(s) - i
	}
	var k uint32
	for j := 0; j < n; j++ {
		k = k<<8 | uint32(s[i+j])
	}
	return k, n
}

// jaccard estimates the bigram Jaccard similarity of two signatures.
func jaccard(a, b *sig) float64 {
	and, or := 0, 0
	for k := range a.b {
		and += bits.OnesCount64(a.b[k] & b.b[k])
		or += bits.OnesCount64(a.b[k] | b.b[k])
	}
	if or == 0 {
		return 0
	}
	return float64(and) / float64(or)
}

// loopDetector emits loop.repeat, loop.agent_template and
// loop.misunderstanding.
type loopDetector struct {
	cfg LoopConfig
	lex lexicon.Lists

	ask, identify, generic, nonreq, lost, connective, request ClassID
	restate                                                   termSet
	// hold and cannot are read only by the learned restatement
	// features (RepeatFeatures): a holding reply and a refusal.
	hold, cannot ClassID
	// agentGate holds ask, identify and lost: an agent message with none
	// of them is passed by one test of the presence bits.
	agentGate classMask
	// model is the learned restatement scorer, loaded only when
	// cfg.Learned is on (learnedRepeats); nil otherwise.
	model *classify.Linear
}

func newLoopDetector(cfg LoopConfig, lex lexicon.Lists) *loopDetector {
	return &loopDetector{cfg: cfg, lex: lex}
}

func (d *loopDetector) Name() string { return "loop" }

// ReadsEmotion reports that loop.misunderstanding weighs a clearly angry
// restatement (Input.ClearlyNegative).
func (d *loopDetector) ReadsEmotion() bool { return true }

func (d *loopDetector) Codes() []string {
	return []string{"loop.repeat", "loop.agent_template", "loop.misunderstanding"}
}

func (d *loopDetector) RegisterKeywords(k *Keywords) error {
	d.restate = addTerms(k, "loop.restate", d.lex, "loop_restate")
	d.ask = k.AddPresence("loop.agent_ask", d.lex.Words("loop_agent_ask")...)
	d.identify = k.Add("loop.agent_identify", d.lex.Words("loop_agent_identify")...)
	// Identifying the order answers nothing either: its words are also
	// canned phrases.
	// It is loop_generic, which the resolution detector reads too,
	// and the identifying words: a union of the two, so that the words
	// of both lists make one hit each (Keywords.AddUnion).
	d.generic = k.AddUnion("loop.generic", k.Add("generic.words", d.lex.Words("loop_generic")...), d.identify)
	d.nonreq = k.Add("loop.nonrequest", d.lex.Words("loop_nonrequest")...)
	d.lost = k.Add("loop.agent_lost", d.lex.Words("loop_agent_lost")...)
	d.connective = k.Add("loop.connective", d.lex.Words("loop_connective")...)
	// A message with none of these asks nothing: a statement said again
	// ("订单也删了") insists, it does not ask again.
	d.request = k.AddPresence("loop.request", append(append([]string(nil), d.lex.Words("question_words")...), d.lex.Words("loop_request")...)...)
	d.hold = k.AddPresence("loop.agent_hold", d.lex.Words("emotion_hold")...)
	d.cannot = k.Add("loop.agent_cannot", d.lex.Words("promise_cannot")...)
	d.agentGate = maskOf(d.ask, d.identify, d.lost)
	if d.cfg.Learned {
		m, err := loadRepeatModel()
		if err != nil {
			return fmt.Errorf("loop: %w", err)
		}
		d.model = m
	}
	return nil
}

// keyRune turns a three-byte character key back into its rune (other sizes give
// -1, which is no particle), without a decoding call per character.
func keyRune(key uint32, size int) rune {
	if size != 3 {
		return -1
	}
	return rune(key>>16&0x0F)<<12 | rune(key>>8&0x3F)<<6 | rune(key&0x3F)
}

// isParticle reports whether r is a sentence particle or a one-character
// acknowledgement (呢, 哦, 嗯, 好) that carries no request of its own. They
// are skipped when counting content rather than registered as keywords,
// which would flood every message with hits. The runes are particleList's,
// read from its bit table (one load; the switch over them it replaced
// compared up to five times).
func isParticle(r rune) bool {
	u := uint32(r)
	return u < 1<<16 && particleRunes[u>>6]>>(u&63)&1 != 0
}

// repeatKind says why a customer message is a repeat.
type repeatKind uint8

const (
	notRepeat           repeatKind = iota
	repeatAfterGreeting            // asked again after the chat's opening greeting: no circle yet
	repeatAfterNonAnswer
	repeatNearDuplicate
	repeatRestated
	repeatResent // the same words sent again within one burst while waiting for a reply
)

// resendSimilarity is the Jaccard similarity from which a customer message
// re-sends the one just before it within a burst (no agent reply between).
// Only the same words count: a burst is one thought split over messages,
// and its parts may well share words without asking anything twice.
const resendSimilarity = 0.9

// maxSpans bounds the covered ranges contentScan skips in one message;
// further hits are rare and are simply not skipped.
const maxSpans = 16

// span is a byte range [0] to [1] of a normalized message.
type span [2]int32

// coveredSpans writes to buf the merged byte ranges that hits of class c
// cover in message i, in increasing order, and returns how many there are.
// The hits of a union (Keywords.AddUnion) are its two parts'.
func coveredSpans(in *Input, i int, c ClassID, buf *[maxSpans]span) int {
	if !in.may(i, c) {
		return 0
	}
	hs := in.allHits(i)
	a, b := c, c
	if in.parts != nil {
		a, b = in.parts[c][0], in.parts[c][1]
	}
	n := 0
	cur := int32(1 << 30)
	// Hits are ordered by end: walk back. The loop tests only each hit's
	// class and start; the bound on spans is tested when one is added.
	for k := len(hs) - 1; k >= 0; k-- {
		h := &hs[k]
		if h.Class != a && h.Class != b || h.Start >= cur {
			continue
		}
		end := min(h.End, cur)
		if n > 0 && end >= buf[n-1][0] {
			buf[n-1][0] = min(buf[n-1][0], h.Start)
		} else {
			buf[n] = span{h.Start, end}
			if n++; n == maxSpans {
				break
			}
		}
		cur = buf[n-1][0]
	}
	for a, b := 0, n-1; a < b; a, b = a+1, b-1 {
		buf[a], buf[b] = buf[b], buf[a]
	}
	return n
}

// contentScan walks the characters of s once for both things the loop
// detector needs of a message: the content bytes (ASCII letters and digits,
// other characters but particles) and the bigram signature of what is left
// of s once the skip spans (greetings, order cards, canned phrases) and data
// tokens are taken out, so that two messages sharing only an order
// card do not look alike. CJK punctuation (。、「」) is not content either.
//
// prev is the key of the character before, 0 when a run has ended (or
// not begun): no character's key is 0 (an ASCII letter or digit is not
// NUL, and a longer character's lead byte is 0x80 or more), so it says
// what a separate flag said. FuzzContentScan holds contentScan to
// contentScanRef, as written before its fast paths.
func contentScan(s string, skip []span) (content int, g sig) {
	content = contentScanInto(s, skip, math.MaxInt, &g)
	return content, g
}

// contentScanInto is contentScan adding the signature to *g (zero, or
// the signature of the text before s) and counting the content only as far
// as need: the count it returns is exact when it is below need and at least
// need otherwise, which is all the loop detector asks of it (a customer
// message has minContent bytes or not, an agent reply more than its canned
// phrases or not). Once the count reaches need, its characters are no
// longer tested for particles, some seven instructions a character of the
// most common runs. The signature is written where the detector keeps it
// (Inspect's sigs), not returned and copied there twice.
// FuzzContentScanNeed holds it to contentScanRef.
func contentScanInto(s string, skip []span, need int, g *sig) (content int) {
	var prev uint32
	for i := 0; i < len(s); {
		stop := len(s)
		if len(skip) > 0 && int(skip[0][0]) < stop {
			stop = int(skip[0][0])
		}
		// The characters up to the next skip span are read by scanRun as
		// long as it can (Chinese runs, their punctuation, ASCII
		// punctuation and spaces), and the rest here. t holds three bytes
		// after stop, where s has them, so that scanRun reads each
		// character before stop as a word of four bytes.
		t := s[:min(stop+3, len(s))]
		for i < stop {
			i, prev, content = scanRun(t, i, prev, content, need, g)
			if i >= stop {
				break
			}
			b := s[i]
			if b < 0x80 {
				// An ASCII letter or digit is asked first whether it
				// starts a data token, then counted; other ASCII ends
				// a run unless it starts an emoticon or a bracketed or
				// @ token. (The tests for '#', '[' and '@' came first,
				// and a letter's class was tested twice.)
				if isASCIIAlnum(b) {
					if i == 0 || !isASCIIAlnum(s[i-1]) {
						if n := dataToken(s[i:]); n > 0 { // tried where a token starts: linear in s
							i += n
							prev, g.data = 0, true
							continue
						}
					}
					i++
					if prev != 0 {
						g.bigram(prev, uint32(b))
					}
					content++
					prev = uint32(b)
					continue
				}
				if b == '#' {
					if n := emoticon(s[i:]); n > 0 {
						i += n
						prev = 0
						continue
					}
				} else if b == '[' || b == '@' {
					// A placeholder of two Chinese characters and an x
					// ("[订单x]", "[数字x]") is taken without a call.
					if b == '[' && placeholder2At(s, i) {
						i += 9
						prev, g.data = 0, true
						continue
					}
					if n := dataToken(s[i:]); n > 0 {
						i += n
						prev, g.data = 0, true
						continue
					}
				}
				i++
				prev = 0 // punctuation and spaces end a run: neither content nor bigrams
				continue
			}
			// A three-byte character in the last three bytes of s (a
			// message's last, most often), or a character of another size.
			// charKey's body without its ASCII case (handled above), here
			// because charKey, over Go's inlining budget, is a call.
			var key uint32
			size := 3
			if b&0xF0 == 0xE0 && i+2 < len(s) {
				key = uint32(b)<<16 | uint32(s[i+1])<<8 | uint32(s[i+2])
			} else {
				key, size = charKeySlow(s, i)
			}
			i += size
			if size == 1 || size == 3 && key>>8 == 0xE380 {
				prev = 0 // a stray byte or CJK punctuation ends a run
				continue
			}
			if prev != 0 {
				g.bigram(prev, key)
			}
			if content < need {
				content += contentOf(key, size)
			}
			prev = key
		}
		if i >= len(s) {
			break
		}
		if len(skip) > 0 && int32(i) >= skip[0][0] {
			if e := int(skip[0][1]); e > i {
				i = e
			}
			skip = skip[1:]
			prev = 0
		}
	}
	return content
}

// scanRun is contentScanInto's fast path: from t[i] on, while four bytes
// are left in t, it reads three-byte characters (all of Chinese), CJK
// punctuation (。、「」, which ends a run) and ASCII punctuation and
// spaces (runBreaks, which end a run too), and returns at the first other
// character, with the run's previous key and the content so far.
//
// It is a function of its own, not part of contentScanInto's loop, so that
// its few values stay in registers: written in that loop, it kept
// reloading the skip spans and the scan's state, which the calls of the
// loop's slow path spill.
// Each character is read with the byte after it as one little-endian word
// (the lead byte lowest; i < len(t)-3 proves all four in bounds), its key
// the word byte-reversed; CJK punctuation is a key of E3 80 xx, the word's
// low half 0x80E3. Its two loops count the content until it reaches need
// (the first) and then no longer test for particles (the second). Within
// a run of Chinese, a loop of its own bigrams each character with the one
// before, known to be there (the test of prev and the loop's branches for
// the other characters cost some seven instructions a character).
func scanRun(t string, i int, prev uint32, content, need int, g *sig) (int, uint32, int) {
	n := len(t) - 3
	_ = g.n // g's nil check, once
	for content < need && i < n {
		w := uint32(t[i]) | uint32(t[i+1])<<8 | uint32(t[i+2])<<16 | uint32(t[i+3])<<24
		var key uint32
		step := 3
		if w&0xF0 == 0xE0 {
			if uint16(w) != 0x80E3 {
				key = bits.ReverseBytes32(w) >> 8
				if prev != 0 {
					g.bigram(prev, key)
				}
				if !particle3(key) { // contentOf(key, 3), inline
					content += 3
				}
			}
		} else if b := uint8(w); b < 0x80 && runBreaks[b>>6]>>(b&63)&1 != 0 {
			step = 1
		} else {
			return i, prev, content
		}
		i += step
		prev = key
	}
	for i < n {
		w := uint32(t[i]) | uint32(t[i+1])<<8 | uint32(t[i+2])<<16 | uint32(t[i+3])<<24
		if w&0xF0 == 0xE0 {
			i += 3
			if uint16(w) == 0x80E3 {
				prev = 0
				continue
			}
			key := bits.ReverseBytes32(w) >> 8
			if prev != 0 {
				g.bigram(prev, key)
			}
			for i < n {
				w = uint32(t[i]) | uint32(t[i+1])<<8 | uint32(t[i+2])<<16 | uint32(t[i+3])<<24
				if w&0xF0 != 0xE0 || uint16(w) == 0x80E3 {
					break
				}
				k := bits.ReverseBytes32(w) >> 8
				g.bigram(key, k)
				key = k
				i += 3
			}
			prev = key
		} else if b := uint8(w); b < 0x80 && runBreaks[b>>6]>>(b&63)&1 != 0 {
			i++
			prev = 0
		} else {
			break
		}
	}
	return i, prev, content
}

// runBreaks has bit b set for the ASCII bytes b that contentScan takes
// as punctuation, which only ends a run: all but the letters and digits
// (isASCIIAlnum), which count, and '#', '[' and '@', which may start an
// emoticon or a data token. TestRunBreaks checks every byte.
var runBreaks = func() (t [2]uint64) {
	for b := range 128 {
		if c := byte(b); !isASCIIAlnum(c) && c != '#' && c != '[' && c != '@' {
			t[b>>6] |= 1 << (b & 63)
		}
	}
	return t
}()

// placeholder2At reports whether s[i:] opens with a placeholder of two
// three-byte characters and an x ("[订单x]", "[数字x]", nine bytes), the
// bracketed token contentScan meets most: it tests the eight bytes after
// the '[' at once, the six character bytes only for their high bit (a
// byte with it set is no ']') and the last two whole. dataToken(s[i:]) is
// then 9: its search for the ']' finds the ninth byte (FuzzPlaceholder2At
// holds the two together). The caller has seen the '['.
func placeholder2At(s string, i int) bool {
	const mask, want = 0xFFFF808080808080, uint64(']')<<56 | uint64('x')<<48 | 0x808080808080
	return i < len(s)-8 && text.Load8(s, i+1)&mask == want
}

// maxPlaceholder is the longest bracketed token dataToken takes for a
// placeholder or an emoticon code.
const maxPlaceholder = 40

// dataToken returns the length of the data token s starts with, or 0: a
// bracketed placeholder or emoticon ("[订单x]", "[ORDERID_10510705]",
// "[微笑]"), a handle ("@AppleSupport"), a link (a product page the
// customer pastes), or a run of ASCII letters and digits with a digit in
// it (an order or tracking number, a phone, an amount, a date). Such
// tokens name what the customer asks about or whom, not what they ask, and
// two messages that share only them are no restatement.
func dataToken(s string) int {
	switch c := s[0]; {
	case c == '@':
		// A handle ("@AppleSupport", "@115913") addresses someone; it asks
		// nothing.
		n := 1
		for n < len(s) && (isASCIIAlnum(s[n]) || s[n] == '_') {
			n++
		}
		if n > 1 {
			return n
		}
		return 0
	case c == '[':
		if j := strings.IndexByte(s[1:min(len(s), maxPlaceholder)], ']'); j >= 0 {
			return j + 2
		}
		return 0
	case c == 'h' && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")):
		n := 0
		for n < len(s) && s[n] > ' ' && s[n] < 0x80 {
			n++
		}
		return n
	case c >= '0' && c <= '9' || c >= 'a' && c <= 'z':
		n, digit := 0, false
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] >= 'a' && s[n] <= 'z' || s[n] == '_') {
			digit = digit || s[n] <= '9' && s[n] != '_'
			n++
		}
		if digit {
			return n
		}
	}
	return 0
}

// emoticon returns the length of the JD emoticon code s starts with
// ("#E-s[数字x]", "#E-s05", normalized to lower case), or 0. An emoticon is
// neither content nor data: a reply made of them answers nothing.
func emoticon(s string) int {
	if len(s) < 4 || s[0] != '#' || s[1] != 'e' || s[2] != '-' || !isASCIIAlnum(s[3]) {
		return 0
	}
	n := 4
	if n < len(s) && s[n] == '[' {
		n += dataToken(s[n:])
	}
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// onlyEmoticons reports whether s holds emoticon codes and nothing else but
// spaces and punctuation. It is asked of nearly every agent message, most
// of which open with a Chinese character or an ASCII letter or digit: such
// an opening is content (a three-byte character led by E4–EF is no CJK
// punctuation, which is led by E3, and starts no emoticon), and the answer
// is no without a call (FuzzOnlyEmoticons holds it to emoticonsOnly).
func onlyEmoticons(s string) bool {
	if len(s) >= 3 && s[0] >= 0xE4 && s[0] <= 0xEF || len(s) > 0 && isASCIIAlnum(s[0]) {
		return false
	}
	return emoticonsOnly(s)
}

// emoticonsOnly is onlyEmoticons without its test of the opening.
func emoticonsOnly(s string) bool {
	seen := false
	for i := 0; i < len(s); {
		if n := emoticon(s[i:]); n > 0 {
			i, seen = i+n, true
			continue
		}
		key, size := charKey(s, i)
		if size == 1 && (key >= 'a' && key <= 'z' || key >= '0' && key <= '9') || size > 1 && !(size == 3 && key>>8 == 0xE380) {
			return false
		}
		i += size
	}
	return seen
}

// genericNeed is the content an agent reply needs besides canned phrases
// of spanBytes bytes to answer something: content < genericNeed(b) is
// content < 4 || 2*content < b (TestGenericNeed), the loop detector's
// rule, as one bound the content scan can stop counting at.
func genericNeed(spanBytes int) int {
	return max(4, (spanBytes+1)/2)
}

// spanBytes is the number of bytes the spans cover.
func spanBytes(sp []span) int {
	b := 0
	for _, x := range sp {
		b += int(x[1] - x[0])
	}
	return b
}

// jaccardOf is jaccard(a, b) from overlap(a, b): the union's bits are
// na+nb-both, so the callers that have counted the overlap do not count
// every word's bits a second time (TestJaccardOf checks it against
// jaccard).
func jaccardOf(both, na, nb int) float64 {
	or := na + nb - both
	if or == 0 {
		return 0
	}
	return float64(both) / float64(or)
}

// jaccardBound is the most jaccardOf(overlapCounted(a, b)) can be, from
// the counted signatures' sizes alone: the shared bits are at most the
// smaller count, the union's at least the larger, so the similarity is
// at most jaccardOf(small, small, large), small/large, and rounding the
// division keeps the order. Three of four agent replies compared for a
// template differ so in size that this rules them out without counting
// the shared bits (TestJaccardBound).
func jaccardBound(a, b *sig) float64 {
	small, large := int(min(a.ones, b.ones)), int(max(a.ones, b.ones))
	return jaccardOf(small, small, large)
}

// overlap returns the bigram bits two signatures share and the bits of each.
func overlap(a, b *sig) (both, na, nb int) {
	for k := range a.b {
		both += bits.OnesCount64(a.b[k] & b.b[k])
		na += bits.OnesCount64(a.b[k])
		nb += bits.OnesCount64(b.b[k])
	}
	return both, na, nb
}

func (d *loopDetector) Inspect(in *Input, out *Output) {
	msgs := in.Conv.Messages
	const minContent = 9          // three Chinese characters
	var custSig, agentSig [16]int // rings of earlier message numbers, read at uint(n)%16 (an AND; int % took four instructions more)
	var spans [maxSpans]span
	nc, na := 0, 0
	// sigs[i] is the signature of every message scanned (contentScanInto
	// adds to the zero sigBuf gives), read only for those kept in the
	// rings below (and lastSubst): the others' are written and never
	// read.
	sigs := in.sigBuf(len(msgs))
	// lastCust and lastAgent are the last customer and agent messages
	// so far: a customer message lies between an earlier one j and
	// this one exactly when lastCust > j (the walk over the messages
	// between that it replaced is customerBetween in the tests, which
	// hold Inspect to it; likewise lastAgent).
	lastSubst, agentSince, lastAsk, lastCust, lastAgent := -1, 0, -1, -1, -1
	allGeneric, answered := true, false
	repeats, real, templates := 0, 0, 0 // real: restatements, not re-asks after a greeting
	firstRepeat, firstTemplate := -1, -1
	negAfter := false
	lost := false // the agent said it did not understand
	win := min(d.cfg.Window, len(custSig))
	for i := range msgs {
		m := &msgs[i]
		switch m.Role {
		case conversation.RoleAgent:
			lastAgent = i
			agentSince++
			n := coveredSpans(in, i, d.generic, &spans)
			// A greeting or holding phrase with at most one character
			// besides answers nothing; a bare "好的" or "是的" does.
			// Emoticons alone answer nothing either; data (an order
			// number, an amount) and a bare "好的" do. That is content
			// below genericNeed, which the scan counts up to; a reply
			// without such phrases needs no count (0).
			//
			// A reply with fewer bytes outside its phrases than that
			// answers nothing unread (about one in five, the canned
			// ones): its content is at most those bytes, its
			// characters lying outside the spans, which are disjoint
			// and start on characters (FuzzContentWithinSpans), and
			// its signature is not read. TestLoopCannedReplies holds
			// this to the reference detector, which scans every reply.
			need, generic := 0, false
			if n > 0 {
				sb := spanBytes(spans[:n])
				need = genericNeed(sb)
				generic = len(in.Norm[i])-sb < need
			}
			if !generic {
				content := contentScanInto(in.Norm[i], spans[:n], need, &sigs[i])
				generic = n > 0 && content < need || onlyEmoticons(in.Norm[i])
			}
			if !generic {
				allGeneric = false
				answered = true
			}
			if in.mayAny(i, &d.agentGate) { // most agent messages: none of the three
				if in.Has(i, d.ask) {
					lastAsk = i
				}
				if in.Has(i, d.identify) {
					// The agent has taken the question up: asking again
					// after this is a circle, not an unanswered opening.
					lastAsk, answered = i, true
				}
				lost = lost || in.Has(i, d.lost)
			}
			if generic {
				continue
			}
			if sigs[i].n >= 8 {
				sigs[i].count()
				for k := 1; k <= min(win, na); k++ {
					j := agentSig[uint(na-k)%uint(len(agentSig))]
					if j < i-1 && lastCust > j && jaccardBound(&sigs[i], &sigs[j]) >= d.cfg.TemplateSimilarity &&
						jaccardOf(overlapCounted(&sigs[i], &sigs[j])) >= d.cfg.TemplateSimilarity {
						if firstRepeat >= 0 {
							templates++ // the same reply again after the customer restated
						}
						if firstTemplate < 0 {
							firstTemplate = i
						}
						out.Add(conversation.Finding{Code: "loop.agent_template", Severity: conversation.SeverityLow,
							Messages: out.msgs(i, j), Evidence: quote(m.Text),
							Detail: "the agent sends the same reply again without progress"})
						break
					}
				}
				agentSig[uint(na)%uint(len(agentSig))] = i
				na++
			}
		case conversation.RoleCustomer:
			if firstRepeat >= 0 && in.ClearlyNegative(i) {
				negAfter = true
			}
			// A message shorter than minContent bytes has fewer content
			// bytes (each is one of its bytes), so it is no substantive
			// request and its signature is never read: short replies
			// ("好的", "在吗") are not scanned.
			subst := false
			if len(in.Norm[i]) >= minContent {
				n := coveredSpans(in, i, d.nonreq, &spans)
				content := contentScanInto(in.Norm[i], spans[:n], minContent, &sigs[i])
				// "这是优惠券的key吗" checks the answer just given: asking
				// whether it is what was asked is no restatement.
				subst = content >= minContent && !checksAnswer(in.Norm[i])
			}
			kind := notRepeat
			prev := -1
			if _, ok := in.firstTerm(i, d.restate); ok && lastSubst >= 0 {
				kind, prev = repeatRestated, lastSubst
			}
			if subst {
				sigs[i].count()
				// A message sent right after another of the customer's
				// that opens with a connective ("所以我想退款") goes on
				// with the same thought: what it shares with earlier
				// messages is the thought's own words, not a request
				// asked again.
				continues := i > 0 && msgs[i-1].Role == conversation.RoleCustomer && opensWith(in, i, d.connective)
				// The first reply to an agent asking for something (the
				// order number) answers it, whatever it repeats.
				replyToAsk := lastAsk > lastSubst && lastCust < lastAsk
				if kind == notRepeat && !continues && lastSubst >= 0 && agentSince > 0 && allGeneric && !replyToAsk && d.afterNonAnswer(&sigs[i], &sigs[lastSubst]) {
					kind, prev = repeatAfterNonAnswer, lastSubst
					if !answered {
						kind = repeatAfterGreeting
					}
				}
				if kind == notRepeat && !continues && sigs[i].n >= 3 {
					// Whether the message opens by agreeing is read only
					// when an earlier message is compared with it: most
					// are compared with none (agreedKnown).
					agreed, agreedKnown := false, false
					resent := -1
					for k := 1; k <= min(win, nc); k++ {
						j := custSig[uint(nc-k)%uint(len(custSig))]
						// The first reply to an agent asking for something
						// (the order number again) answers it: a message
						// like an earlier one is then no repeat.
						if lastAsk > j && lastCust < lastAsk {
							continue
						}
						if lastAgent <= j {
							// Within a burst, once the chat has had an answer,
							// only re-sending the message just before asks
							// again: the customer is waiting for the next
							// reply. Re-sent data (an address, an order
							// number) gives something, it asks nothing.
							if k == 1 && answered && !sigs[i].data && jaccardOf(overlapCounted(&sigs[i], &sigs[j])) >= resendSimilarity {
								resent = j
							}
							continue
						}
						if !agreedKnown {
							agreed, agreedKnown = opensWithAgreement(in.Norm[i]), true
						}
						if both, ni, nj := overlapCounted(&sigs[i], &sigs[j]); d.nearDuplicateOf(both, ni, nj, agreed) {
							kind, prev = repeatNearDuplicate, j
							break
						}
					}
					if kind == notRepeat && resent >= 0 {
						kind, prev = repeatResent, resent
					}
				}
				custSig[uint(nc)%uint(len(custSig))] = i
				nc++
			}
			// Only a restatement marked as one ("我说的是") may ask nothing;
			// a statement sent again insists, it does not ask again.
			if kind != notRepeat && kind != repeatRestated && !in.Has(i, d.request) {
				kind = notRepeat
			}
			if kind != notRepeat {
				repeats++
				if kind != repeatAfterGreeting && answered {
					real++ // before any answer the chat cannot go in circles
				}
				if firstRepeat < 0 {
					firstRepeat = i
				}
				out.Add(conversation.Finding{Code: "loop.repeat", Severity: conversation.SeverityLow,
					Messages: out.msgs(i, prev), Evidence: quote(m.Text) + " ← " + quote(msgs[prev].Text),
					Detail: repeatDetail(kind)})
			}
			if subst {
				lastSubst, agentSince, allGeneric = i, 0, true
			}
			lastCust = i
		}
	}
	if real >= d.cfg.MinRepeats || real >= 1 && (negAfter || lost || templates >= 1) {
		first := firstRepeat
		if first < 0 || (firstTemplate >= 0 && firstTemplate < first) {
			first = firstTemplate
		}
		out.Add(conversation.Finding{Code: "loop.misunderstanding", Severity: conversation.SeverityMedium,
			Messages: out.msgs(first), Evidence: quote(msgs[first].Text),
			Detail: "the chat goes in circles: the customer restates the same need and the agent makes no progress"})
	}
	if d.model != nil {
		d.learnedRepeats(in, out)
	}
}

// afterNonAnswer reports whether customer signature a, sent after replies
// that answered nothing, asks again what b asked. Re-asking in other words
// is the rule there, so half the usual Jaccard similarity is enough, or
// half of the shorter message's bigrams found in the other: "我要退货" after
// "我买了样东西，现在要退货". Both need three bigrams at least: two
// messages of two bigrams each reach a quarter Jaccard by sharing one word
// ("新订单" and "再给你一个新订单").
func (d *loopDetector) afterNonAnswer(a, b *sig) bool {
	both, na, nb := overlapCounted(a, b)
	small := min(na, nb)
	if small < 3 {
		return false
	}
	return jaccardOf(both, na, nb) >= d.cfg.Similarity/2 || 2*both >= small
}

// nearDuplicateOf reports whether two customer messages ask the same
// thing, from their signatures' overlap (overlapCounted: both bigrams, and
// each one's count): similar as a whole, or the shorter one (five bigrams
// or more) found almost entirely in the longer one, as when a customer
// re-sends only the question of a long first message ("我不需任何操作，是吗?"
// after "是已经处理好了，我不需任何操作，等着收货的吗?"). When the new
// message opens by agreeing with the agent (agreed), only a near-verbatim
// containment counts: "那好，请帮我查一下" takes the reply up and then
// repeats a polite request. It is small enough to be inlined, with
// overlapCounted, into Inspect's window loop, which asks it some 12,000
// times on 2,000 chats. TestJaccardOf and FuzzJaccardOf hold it to
// nearDuplicateRef.
func (d *loopDetector) nearDuplicateOf(both, na, nb int, agreed bool) bool {
	small := min(na, nb)
	if agreed {
		return small >= 5 && 10*both >= 9*small
	}
	if jaccardOf(both, na, nb) >= d.cfg.Similarity {
		return true
	}
	return small >= 5 && 10*both >= 8*small
}

func repeatDetail(k repeatKind) string {
	switch k {
	case repeatAfterGreeting, repeatAfterNonAnswer:
		return "the customer asks again after a reply that answered nothing"
	case repeatNearDuplicate:
		return "the customer repeats an earlier request almost word for word"
	case repeatResent:
		return "the customer sends the same message again while waiting for a reply"
	}
	return "the customer restates what they meant"
}

// opensWith reports whether message i starts with a word of class c.
func opensWith(in *Input, i int, c ClassID) bool {
	if !in.may(i, c) {
		return false
	}
	for _, h := range in.startingIn(i, 0, 0) {
		if h.Class == c && h.Start == 0 {
			return true
		}
	}
	return false
}

// checksAnswer reports whether s is one short question asking whether
// something is so ("这是保税区发货吗", "那就是货到了直接现金支付吗"): the
// customer checks the agent's answer rather than asking again.
//
// Every prefix checksAnswerRest cuts opens with 这 or 那, and trimming the
// right leaves the opening as it is unless it empties s: most messages are answered by the
// test of their first three bytes, small enough to be inlined where the
// loop detector asks it of every substantive customer message (a call and
// two HasPrefix before), and only the rest call checksAnswerRest.
func checksAnswer(s string) bool {
	return len(s) >= 3 && (s[:3] == "这" || s[:3] == "那") && checksAnswerRest(s)
}

// checksAnswerRest is checksAnswer of a text that opens with 这 or 那.
func checksAnswerRest(s string) bool {
	s = strings.TrimRight(s, " ?!.")
	rest, ok := "", false
	for _, p := range [...]string{"这就是", "那就是", "这个是", "那个是", "这是", "那是"} {
		if rest, ok = strings.CutPrefix(s, p); ok {
			break
		}
	}
	if !ok || !text.RunesAtMost(rest, 16) {
		return false
	}
	return strings.HasSuffix(rest, "吗") || strings.HasSuffix(rest, "嘛") || strings.HasSuffix(rest, "么")
}

// opensWithAgreement reports whether a customer message opens with a clause
// that only agrees ("好的，请帮我查一下", "那好 我上传资质", "行吧，…",
// "对，电子的"): the customer has taken the agent's reply up, so whatever
// the rest repeats of an earlier message is a polite reminder or the next
// step, not a request going round again. Checked on characters, not keywords: the agreeing
// words are single characters.
//
// Most messages open with no agreeing word, and the answer is then no
// (n stays 0): their first character's three bytes are compared with the
// agreeing words' before the loop decodes any (TestOpensWithAgreement
// holds it to opensWithAgreementRef, the function without that test).
func opensWithAgreement(s string) bool {
	i := 0
	if strings.HasPrefix(s, "那") {
		i += len("那")
	}
	if i < len(s)-2 {
		switch s[i : i+3] {
		case "好", "行", "对", "是", "嗯", "恩", "哦", "噢":
		default:
			return false
		}
	}
	return agreeingRun(s, i)
}

// agreeingRun reports whether s, from byte i, opens with agreeing words
// (and particles after the first) that end the text or its clause: the
// decoding part of opensWithAgreement.
func agreeingRun(s string, i int) bool {
	n := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '好' && r != '行' && r != '对' && r != '是' && r != '嗯' && r != '恩' && r != '哦' && r != '噢' && (n == 0 || !isParticle(r)) {
			break
		}
		i += size
		n++
	}
	return n > 0 && (i == len(s) || isClauseBreak(s[i]) || strings.HasPrefix(s[i:], "。"))
}
