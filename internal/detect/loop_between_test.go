package detect

import (
	"math/rand"
	"testing"

	"fullqa/internal/conversation"
)

// TestLoopBetweenMatchesWalk holds the loop detector, which knows whether
// a customer (agent) message lies between two messages from the last one
// so far (lastCust, lastAgent) and compares counted signatures, to
// loopRefDetector, the detector as it was when it walked the messages
// between (customerBetween, agentBetween) and counted every signature's
// bits for every comparison: the same findings on every conversation of testdata
// and the JDDC dev chats, and on copies of them with their roles
// shuffled (runs of one side, bot messages, system messages), which
// puts many messages between the ones compared.
func TestLoopBetweenMatchesWalk(t *testing.T) {
	eng := defaultEngine(t)
	loop := detectorOf[*loopDetector](eng)
	pairs := []gatePair{{loop, &loopRefDetector{loop}}}
	convs := gateChats(t)
	rng := rand.New(rand.NewSource(16))
	roles := []conversation.Role{conversation.RoleCustomer, conversation.RoleCustomer, conversation.RoleAgent, conversation.RoleAgent, conversation.RoleBot, conversation.RoleSystem}
	for _, c := range convs[:len(convs):len(convs)] {
		for k := range 2 {
			cp := *c
			cp.ID = c.ID + "-roles"
			cp.Messages = append([]conversation.Message(nil), c.Messages...)
			for i := range cp.Messages {
				if k == 0 {
					cp.Messages[i].Role = roles[rng.Intn(len(roles))]
				} else if rng.Intn(3) == 0 {
					cp.Messages[i].Role = roles[rng.Intn(4)]
				}
			}
			convs = append(convs, &cp)
		}
	}
	found := make(map[string]int)
	for _, c := range convs {
		in, out := eng.Inspect(c, &Scratch{})
		compareGates(t, c.ID, in, &out, pairs, found)
	}
	if found[loop.Name()] == 0 {
		t.Fatal("no loop findings: the test compares nothing")
	}
	t.Logf("%d conversations, %d loop findings", len(convs), found[loop.Name()])
}

// loopRefDetector is the loop detector with loopDetector.Inspect as it was
// before it tracked the last customer and agent message and counted the
// bits of the signatures it keeps once (sig.ones; the reference counts
// them for every comparison, with jaccard and the Ref checks): the
// reference TestLoopBetweenMatchesWalk holds it to.
type loopRefDetector struct{ *loopDetector }

func (d *loopRefDetector) Inspect(in *Input, out *Output) {
	msgs := in.Conv.Messages
	const minContent = 9          // three Chinese characters
	var custSig, agentSig [16]int // ring of earlier message numbers
	var spans [maxSpans]span
	nc, na := 0, 0
	sigs := in.sigBuf(len(msgs))
	lastSubst, agentSince, lastAsk, lastCust := -1, 0, -1, -1
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
			agentSince++
			n := coveredSpans(in, i, d.generic, &spans)
			content, g := contentScan(in.Norm[i], spans[:n])
			// A greeting or holding phrase with at most one character
			// besides answers nothing; a bare "好的" or "是的" does.
			// Emoticons alone answer nothing either; data (an order
			// number, an amount) and a bare "好的" do.
			generic := n > 0 && (content < 4 || 2*content < spanBytes(spans[:n])) || onlyEmoticons(in.Norm[i])
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
			sigs[i] = g
			if sigs[i].n >= 8 {
				for k := 1; k <= min(win, na); k++ {
					j := agentSig[(na-k)%len(agentSig)]
					if j < i-1 && jaccard(&sigs[i], &sigs[j]) >= d.cfg.TemplateSimilarity && customerBetween(msgs, j, i) {
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
				agentSig[na%len(agentSig)] = i
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
			var g sig
			if len(in.Norm[i]) >= minContent {
				n := coveredSpans(in, i, d.nonreq, &spans)
				var content int
				content, g = contentScan(in.Norm[i], spans[:n])
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
				sigs[i] = g
				// A message sent right after another of the customer's
				// that opens with a connective ("所以我想退款") goes on
				// with the same thought: what it shares with earlier
				// messages is the thought's own words, not a request
				// asked again.
				continues := i > 0 && msgs[i-1].Role == conversation.RoleCustomer && opensWith(in, i, d.connective)
				// The first reply to an agent asking for something (the
				// order number) answers it, whatever it repeats.
				replyToAsk := lastAsk > lastSubst && lastCust < lastAsk
				if kind == notRepeat && !continues && lastSubst >= 0 && agentSince > 0 && allGeneric && !replyToAsk && afterNonAnswerRef(d.loopDetector, &sigs[i], &sigs[lastSubst]) {
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
						j := custSig[(nc-k)%len(custSig)]
						// The first reply to an agent asking for something
						// (the order number again) answers it: a message
						// like an earlier one is then no repeat.
						if lastAsk > j && lastCust < lastAsk {
							continue
						}
						if !agentBetween(msgs, j, i) {
							// Within a burst, once the chat has had an answer,
							// only re-sending the message just before asks
							// again: the customer is waiting for the next
							// reply. Re-sent data (an address, an order
							// number) gives something, it asks nothing.
							if k == 1 && answered && !sigs[i].data && jaccard(&sigs[i], &sigs[j]) >= resendSimilarity {
								resent = j
							}
							continue
						}
						if !agreedKnown {
							agreed, agreedKnown = opensWithAgreement(in.Norm[i]), true
						}
						if nearDuplicateRef(d.loopDetector, &sigs[i], &sigs[j], agreed) {
							kind, prev = repeatNearDuplicate, j
							break
						}
					}
					if kind == notRepeat && resent >= 0 {
						kind, prev = repeatResent, resent
					}
				}
				custSig[nc%len(custSig)] = i
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
}

// customerBetween reports whether a customer message lies strictly between a and b.
func customerBetween(msgs []conversation.Message, a, b int) bool {
	for k := a + 1; k < b; k++ {
		if msgs[k].Role == conversation.RoleCustomer {
			return true
		}
	}
	return false
}

// agentBetween reports whether an agent message lies strictly between a and b.
func agentBetween(msgs []conversation.Message, a, b int) bool {
	for k := a + 1; k < b; k++ {
		if msgs[k].Role == conversation.RoleAgent {
			return true
		}
	}
	return false
}
