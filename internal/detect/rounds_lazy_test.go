package detect

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// roundsIntoRef is roundsInto as written before it asked noAnswer only
// where the answer counts, the reference for TestRoundsLazy and
// FuzzRoundsLazy.
func roundsIntoRef(rounds []Round, c *conversation.Conversation, noAnswer func(i int) bool) []Round {
	rounds = rounds[:0]
	open := -1
	tentative := false
	for i := range c.Messages {
		m := &c.Messages[i]
		switch m.Role {
		case conversation.RoleCustomer:
			skip := noAnswer != nil && noAnswer(i)
			switch {
			case open < 0:
				rounds = append(rounds, Round{First: i, Last: i, Reply: -1})
				open, tentative = len(rounds)-1, skip
			case tentative && !skip:
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
					r.Wait = m.At.Sub(first.At)
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

// lazyCase builds a conversation from data: each byte gives a message's
// role (low two bits), whether it needs no answer (bit 2), whether it has
// a time (bit 3) and the seconds it comes after the one before (high
// bits, sometimes going back).
func lazyCase(data []byte) (*conversation.Conversation, func(int) bool) {
	roles := []conversation.Role{conversation.RoleCustomer, conversation.RoleAgent, conversation.RoleBot, conversation.RoleSystem}
	c := &conversation.Conversation{}
	no := make([]bool, len(data))
	t := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i, b := range data {
		t = t.Add(time.Duration(int(b>>4)-3) * 17 * time.Second)
		m := conversation.Message{Role: roles[b&3]}
		if b&8 != 0 {
			m.At = t
		}
		c.Messages = append(c.Messages, m)
		no[i] = b&4 != 0
	}
	return c, func(i int) bool { return no[i] }
}

// checkRoundsLazy fails t when roundsInto differs from the reference on
// data, with and without noAnswer.
func checkRoundsLazy(t *testing.T, data []byte) {
	t.Helper()
	c, no := lazyCase(data)
	for _, f := range []func(int) bool{no, nil} {
		got := roundsInto(nil, c, f)
		want := roundsIntoRef(nil, c, f)
		if len(got) != 0 || len(want) != 0 {
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("roundsInto(%x) = %+v, reference %+v", data, got, want)
			}
		}
	}
}

// TestRoundsLazy checks roundsInto against the reference on every
// conversation of up to six messages over customer, agent and bot roles
// with and without closings, then on random longer ones.
func TestRoundsLazy(t *testing.T) {
	alphabet := []byte{0x08, 0x0C, 0x09, 0x0A, 0x58, 0x5C, 0x59, 0x00, 0x04, 0x01, 0x0B}
	var rec func(data []byte)
	rec = func(data []byte) {
		checkRoundsLazy(t, data)
		if len(data) == 6 {
			return
		}
		for _, b := range alphabet {
			rec(append(data, b))
		}
	}
	rec(nil)
	rng := rand.New(rand.NewSource(1))
	for n := 0; n < 20000; n++ {
		data := make([]byte, rng.Intn(40))
		rng.Read(data)
		checkRoundsLazy(t, data)
	}
}

// FuzzRoundsLazy compares roundsInto with the reference on arbitrary
// conversations.
func FuzzRoundsLazy(f *testing.F) {
	f.Add([]byte{0x0C, 0x08, 0x09, 0x0C, 0x58, 0x09})
	f.Fuzz(func(t *testing.T, data []byte) { checkRoundsLazy(t, data) })
}
