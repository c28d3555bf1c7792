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
	var rounds []Round
	open := -1
	for i := range c.Messages {
		m := &c.Messages[i]
		switch m.Role {
		case conversation.RoleCustomer:
			if open < 0 {
				rounds = append(rounds, Round{First: i, Last: i, Reply: -1})
				open = len(rounds) - 1
			} else {
				rounds[open].Last = i
			}
		case conversation.RoleAgent:
			if open >= 0 {
				r := &rounds[open]
				r.Reply = i
				first := &c.Messages[r.First]
				if first.HasTime() && m.HasTime() {
					r.HasTimes = true
					r.Wait = m.At.Sub(first.At)
					if r.Wait < 0 {
						r.Wait = 0
					}
				}
				open = -1
			}
		}
	}
	return rounds
}
