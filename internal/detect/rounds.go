package detect

import (
	"time"

	"fullqa/internal/conversation"
)

// Round is one exchange as the platforms count response times: it opens
// with the first customer message not yet answered and closes with the
// first human agent reply. Further customer messages before that reply do
// not open a new round; bot and system messages never close one.
type Round struct {
	First    int           // number of the customer message that opened it
	Last     int           // number of the last customer message before the reply
	Reply    int           // number of the human reply, or -1 when none came
	Wait     time.Duration // Reply's time minus First's; 0 without timestamps
	HasTimes bool          // both ends carry timestamps
}

// Answered reports whether a human agent replied.
func (r Round) Answered() bool { return r.Reply >= 0 }

// Rounds splits a conversation into rounds. It is shared by the response
// detectors and the KPIs so both count the same way.
func Rounds(c *conversation.Conversation) []Round {
	return RoundsSkipping(c, nil)
}

// RoundsSkipping is Rounds where customer messages for which noAnswer
// reports true (a closing such as "好的谢谢", only an emoji) open a round
// only tentatively: nothing is owed to them. If the customer writes
// something that needs an answer before the agent replies, the round
// starts again from that message, so a customer who thanks the agent and
// comes back two hours later with a new question is answered in the
// seconds the agent took for the question, not "after 1h59m". A round of
// nothing but such messages that no one answers is dropped; one the agent
// answers ("不客气") counts as usual. noAnswer may be nil.
func RoundsSkipping(c *conversation.Conversation, noAnswer func(i int) bool) []Round {
	// At most one round per two messages but one: one allocation.
	return roundsInto(make([]Round, 0, len(c.Messages)/2+1), c, noAnswer)
}

// roundsInto is RoundsSkipping appending to rounds[:0], so the engine cuts
// rounds into its per-worker scratch without an allocation.
func roundsInto(rounds []Round, c *conversation.Conversation, noAnswer func(i int) bool) []Round {
	rounds = rounds[:0]
	open := -1
	tentative := false // the open round has only messages needing no answer
	for i := range c.Messages {
		m := &c.Messages[i]
		switch m.Role {
		case conversation.RoleCustomer:
			// noAnswer is asked only where its answer counts: when the
			// message opens a round or the open round is tentative. A
			// message that adds to a round already owed an answer is
			// not judged (TestRoundsLazy checks this against the code
			// that judged every message).
			switch {
			case open < 0:
				rounds = append(rounds, Round{First: i, Last: i, Reply: -1})
				open, tentative = len(rounds)-1, noAnswer != nil && noAnswer(i)
			case tentative && !noAnswer(i): // tentative only with a noAnswer
				rounds[open].First, rounds[open].Last, tentative = i, i, false
			default:
				rounds[open].Last = i
			}
		case conversation.RoleAgent:
			if open >= 0 {
				r := &rounds[open]
				r.Reply = i
				first := &c.Messages[r.First]
				if first.HasTime() && m.HasTime() {
					r.HasTimes = true
					r.Wait = conversation.Elapsed(first.At, m.At) // TestRoundsWait and FuzzRoundsWait hold it to Sub
					if r.Wait < 0 {
						r.Wait = 0
					}
				}
				open, tentative = -1, false
			}
		}
	}
	if open >= 0 && tentative {
		rounds = rounds[:open]
	}
	return rounds
}

// noAnswerJudge is implemented by a detector that can tell a customer
// message needing no answer (the response detector, from its closing
// words); the engine cuts rounds with it once keyword hits are known.
type noAnswerJudge interface {
	NeedsNoAnswer(in *Input, i int) bool
}
