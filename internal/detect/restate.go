package detect

import (
	"strings"

	"fullqa/internal/conversation"
)

// RepeatBits is the log2 of the size of the learned restatement model's
// hashed feature table (internal/eval trains it on customer_repeat).
const RepeatBits = 12

// repeatRing is how many earlier substantive customer messages the pair
// features compare a message with.
const repeatRing = 16

// maxRepeatFeats bounds the features of one message.
const maxRepeatFeats = 96

// repeatFeats is the feature buffer of one customer message; it lives on
// the stack, so scoring allocates nothing.
type repeatFeats struct {
	idx [maxRepeatFeats]uint32
	val [maxRepeatFeats]float32
	n   int
}

// Feature groups of the learned restatement model: (group, value) pairs
// hashed into the table. The numbers are part of trained weights; add new
// ones at the end.
const (
	rfBias = iota + 1
	rfRule
	rfMaxJac
	rfMaxCont
	rfLastJac
	rfLastCont
	rfLenRatio
	rfAgentKind
	rfAnswered
	rfPosition
	rfRestate
	rfRequest
	rfQuestion
	rfContent
	rfJacXAgent
	rfContXAnswered
	rfSameBurst
	rfLastJacXRequest
	rfAgentTurns
	rfMaxUni
	rfLastUni
	rfUniXAgent
	rfChar // unused: character features overfit (see the README)
	rfFirstAsk
	rfExclusions // with RepeatScratch.Exclusions: which of the rules' exclusions hold
)

// add appends feature (group, value) with weight v.
func (f *repeatFeats) add(group, value uint32, v float32) {
	if f.n == maxRepeatFeats {
		return
	}
	f.idx[f.n] = featureIndex(group, value, 1<<62, RepeatBits)
	f.val[f.n] = v
	f.n++
}

// repeatState is what the features remember of the chat so far: a ring of
// the earlier substantive customer messages' signatures and what the agent
// said since the last of them.
type repeatState struct {
	ring    [repeatRing]sig
	uni     [repeatRing]sig // character (not bigram) signatures
	ringLen [repeatRing]int // content bytes of each
	ringMsg [repeatRing]int // message number of each
	nr      int
	// best is the ring's message most like the last message read (the
	// highest bigram Jaccard), -1 when none: the earlier request a learned
	// restatement finding points at. No feature reads it.
	best      int
	customers int
	lastSubst int // message number of the last substantive customer message, -1 if none
	// agent turns since lastSubst, and of which kind
	agentTurns                            int
	generic, hold, ask, question, refusal bool
	answered                              bool // a non-generic agent reply since lastSubst
	everAnswered                          bool
	// askSince: the agent side asked for something (loop_agent_ask,
	// loop_agent_identify) since the customer's last message of any kind;
	// no feature, read by repeatExclusions.
	askSince bool
}

// RepeatScratch holds the reusable buffers of RepeatFeatures.
type RepeatScratch struct {
	// Exclusions adds one feature to every message's: which of the rules'
	// exclusions (repeatExclusions) hold for it — the ninth comparison's
	// scorer; off, the features are the eighth comparison's.
	Exclusions bool

	st    repeatState
	f     repeatFeats
	spans [maxSpans]span
}

// tenth cuts a ratio in [0, 1] into eleven steps.
func tenth(x float64) uint32 { return uint32(min(max(x, 0), 1) * 10) }

// containment is the share of the smaller signature's bits found in the other.
func containment(a, b *sig) float64 {
	both, na, nb := overlap(a, b)
	small := min(na, nb)
	if small == 0 {
		return 0
	}
	return float64(both) / float64(small)
}

// RepeatFeatures calls fn with the learned restatement features of every
// customer message of in, in order, with the rules' verdict (a loop.repeat
// finding on the message in out). It is how the trainer (internal/eval)
// sees a customer message paired with the customer's earlier ones; it does
// nothing when the engine has no loop detector.
//
// s holds the per-conversation buffers (the ring of earlier signatures,
// the feature buffer); reusing one across conversations makes the call
// allocation-free.
func (e *Engine) RepeatFeatures(in *Input, out *Output, s *RepeatScratch, fn func(msg int, rule bool, idx []uint32, val []float32)) {
	e.RepeatFeaturesGated(in, out, s, func(msg int, rule, _ bool, idx []uint32, val []float32) { fn(msg, rule, idx, val) })
}

// RepeatFeaturesGated is RepeatFeatures, telling fn also whether the
// learned score may decide the message (gated: it may not, where one of
// repeatExclusions holds).
// The trainer measures the decision the loop detector takes with it.
func (e *Engine) RepeatFeaturesGated(in *Input, out *Output, s *RepeatScratch, fn func(msg int, rule, gated bool, idx []uint32, val []float32)) {
	d := detectorOf[*loopDetector](e)
	if d == nil {
		return
	}
	d.repeatPass(in, out, s, fn)
}

// repeatPass walks the messages of in, calling fn with the learned
// restatement features of every customer message, the rules' verdict on it
// (a loop.repeat finding on it in out, whose loop.repeat findings are in
// message order) and whether the rules' exclusions keep the score from
// deciding it: what RepeatFeaturesGated gives the trainer, and what the
// loop detector scores with `detect.loop.learned` on, so the two read the
// same features. fn may read s.st.best, the earlier message most like the
// one it is called for.
func (d *loopDetector) repeatPass(in *Input, out *Output, s *RepeatScratch, fn func(msg int, rule, gated bool, idx []uint32, val []float32)) {
	s.st = repeatState{lastSubst: -1, best: -1}
	st, f, spans := &s.st, &s.f, &s.spans
	msgs := in.Conv.Messages
	fi := 0 // findings are in message order for loop.repeat
	for i := range msgs {
		switch msgs[i].Role {
		case conversation.RoleAgent, conversation.RoleBot:
			d.agentTurn(in, i, d.genericReply(in, i, spans), st)
		case conversation.RoleCustomer:
			rule := false
			for ; fi < len(out.Findings); fi++ {
				fd := &out.Findings[fi]
				if fd.Code == "loop.repeat" && len(fd.Messages) > 0 {
					if fd.Messages[0] > i {
						break
					}
					rule = rule || fd.Messages[0] == i
				}
			}
			ex := d.repeatExclusions(in, i, st)
			content := d.repeatFeatures(in, i, rule, st, f, spans)
			if s.Exclusions {
				f.add(rfExclusions, ex, 1)
			}
			fn(i, rule, ex != 0, f.idx[:f.n], f.val[:f.n])
			st.afterCustomer(i, content)
		}
	}
}

// repeatExclusions reports which of the rules' own exclusions hold for
// customer message i, one bit each, where the learned score may not call
// it a restatement (RepeatFeaturesGated's gated), which
// reviewers follow too: the first reply to the agent asking for something
// (the order number given again answers it), a message that goes on from
// the customer's message just before with a connective ("所以我想退款"),
// and a message that asks nothing (no loop_request or question word and no
// loop_restate cue: a statement said again insists, it does not ask
// again). st is the state before the message. It is broader than the
// rules, fixed so before it was measured: it holds for a message marked as
// a restatement ("我说的是") too, a bot asking counts as the agent asking,
// and the connective test reads short messages too.
// The bits: 1 the agent asked since the customer's last message, 2 it
// goes on with a connective, 4 it asks nothing.
func (d *loopDetector) repeatExclusions(in *Input, i int, st *repeatState) uint32 {
	var ex uint32
	if st.askSince {
		ex |= 1
	}
	if i > 0 && in.Conv.Messages[i-1].Role == conversation.RoleCustomer && opensWith(in, i, d.connective) {
		ex |= 2
	}
	if !in.Has(i, d.request) {
		if _, restate := in.firstTerm(i, d.restate); !restate {
			ex |= 4
		}
	}
	return ex
}

// genericReply reports whether agent or bot message i answers nothing:
// canned phrases with less content besides them than genericNeed asks
// (fewer than four bytes, or less than half their bytes), or emoticons
// alone — the loop detector's own test.
func (d *loopDetector) genericReply(in *Input, i int, spans *[maxSpans]span) bool {
	n := coveredSpans(in, i, d.generic, spans)
	content, _ := contentScan(in.Norm[i], spans[:n])
	return n > 0 && content < genericNeed(spanBytes(spans[:n])) || onlyEmoticons(in.Norm[i])
}

// agentTurn records agent or bot message i, generic or not, in st: what
// the agent has done since the customer's last substantive message.
func (d *loopDetector) agentTurn(in *Input, i int, generic bool, st *repeatState) {
	st.agentTurns++
	if generic {
		st.generic = true
	} else {
		st.answered, st.everAnswered = true, true
	}
	st.hold = st.hold || in.Has(i, d.hold)
	if in.Has(i, d.ask) || in.Has(i, d.identify) {
		st.ask, st.askSince = true, true
	}
	st.refusal = st.refusal || in.Has(i, d.cannot)
	st.question = st.question || hasQuestionMark(in.Norm[i])
}

// afterCustomer records customer message i of content bytes in st once its
// features are read: a substantive one starts a new wait for an answer.
func (st *repeatState) afterCustomer(i, content int) {
	st.customers++
	st.askSince = false
	if content >= 9 {
		st.lastSubst = i
		st.agentTurns = 0
		st.generic, st.hold, st.ask, st.question, st.refusal, st.answered = false, false, false, false, false, false
	}
}

// repeatFeatures fills f with the features of customer message i and, when
// it is substantive, adds it to the ring; it returns its content bytes.
func (d *loopDetector) repeatFeatures(in *Input, i int, rule bool, st *repeatState, f *repeatFeats, spans *[maxSpans]span) int {
	n := coveredSpans(in, i, d.nonreq, spans)
	content, g := contentScan(in.Norm[i], spans[:n])
	f.n = 0
	f.add(rfBias, 0, 1)
	if rule {
		f.add(rfRule, 0, 1)
	}
	f.add(rfContent, bucketOf(content/3), 1)
	restate := false
	if _, ok := in.firstTerm(i, d.restate); ok {
		restate = true
		f.add(rfRestate, 0, 1)
	}
	request := in.Has(i, d.request)
	if request {
		f.add(rfRequest, 0, 1)
	}
	if hasQuestionMark(in.Norm[i]) {
		f.add(rfQuestion, 0, 1)
	}
	f.add(rfPosition, bucketOf(st.customers), 1)
	if st.nr == 1 {
		f.add(rfFirstAsk, b2u(st.everAnswered), 1)
	}
	kind := b2u(st.generic) | b2u(st.hold)<<1 | b2u(st.ask)<<2 | b2u(st.question)<<3 | b2u(st.refusal)<<4
	if st.lastSubst >= 0 {
		f.add(rfAgentKind, kind, 1)
		f.add(rfAgentTurns, min(uint32(st.agentTurns), 3), 1)
		f.add(rfAnswered, b2u(st.answered)|b2u(st.everAnswered)<<1, 1)
		if st.agentTurns == 0 {
			f.add(rfSameBurst, 0, 1)
		}
	}
	u := charSig(in.Norm[i])
	var maxJ, maxC, maxU float64
	st.best = -1
	if g.n > 0 {
		for k := 1; k <= min(st.nr, repeatRing); k++ {
			p := &st.ring[(st.nr-k)%repeatRing]
			j, c := jaccard(&g, p), containment(&g, p)
			cu := containment(&u, &st.uni[(st.nr-k)%repeatRing])
			if st.best < 0 || j > maxJ {
				st.best = st.ringMsg[(st.nr-k)%repeatRing]
			}
			maxJ, maxC, maxU = max(maxJ, j), max(maxC, c), max(maxU, cu)
			if k == 1 {
				f.add(rfLastUni, tenth(cu), 1)
				f.add(rfLastJac, tenth(j), 1)
				f.add(rfLastCont, tenth(c), 1)
				f.add(rfLastJacXRequest, tenth(j)/2<<1|b2u(request || restate), 1)
				prev := st.ringLen[(st.nr-k)%repeatRing]
				r := float64(min(content, prev)) / float64(max(1, max(content, prev)))
				f.add(rfLenRatio, tenth(r)/2, 1)
			}
		}
		if st.nr > 0 {
			f.add(rfMaxJac, tenth(maxJ), 1)
			f.add(rfMaxCont, tenth(maxC), 1)
			f.add(rfMaxUni, tenth(maxU), 1)
			f.add(rfUniXAgent, tenth(maxU)/3<<8|kind, 1)
			f.add(rfJacXAgent, tenth(maxJ)/3<<8|kind, 1)
			f.add(rfContXAnswered, tenth(maxC)/3<<1|b2u(st.answered), 1)
		}
	}
	if content >= 9 && g.n > 0 {
		st.uni[st.nr%repeatRing] = u
		st.ring[st.nr%repeatRing] = g
		st.ringLen[st.nr%repeatRing] = content
		st.ringMsg[st.nr%repeatRing] = i
		st.nr++
	}
	return content
}

// hasQuestionMark is strings.ContainsAny(s, "?？") in two byte searches:
// with a character outside ASCII in its set, ContainsAny decodes every
// character of s, which was half the cost of RepeatFeatures.
func hasQuestionMark(s string) bool {
	return strings.IndexByte(s, '?') >= 0 || strings.Contains(s, "？")
}

// charSig returns the signature of the content characters of s (not
// particles, punctuation or ASCII), one by one: a restatement in other
// words shares the nouns of the request ("发票", "抬头") more often than
// its character pairs.
func charSig(s string) sig {
	var g sig
	for i := 0; i < len(s); {
		key, size := charKey(s, i)
		i += size
		if size < 3 || size == 3 && key>>8 == 0xE380 || isParticle(keyRune(key, size)) {
			continue
		}
		g.bigram(0, key)
	}
	return g
}
