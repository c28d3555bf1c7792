package detect

import (
	"testing"

	"fullqa/internal/conversation"
)

// TestWaitsGreet holds what waits keeps of greeting (wait.greet, read by
// presenceOnly instead of asking greeting again) to greeting itself, and
// presenceOnly with waits worked out (reading it) and without (asking
// onlyPresence) to onlyPresence, on every message of the gate chats (the
// JDDC sample when it is there, every table test's chats).
func TestWaitsGreet(t *testing.T) {
	eng := defaultEngine(t)
	d := detectorOf[*emotionDetector](eng)
	if d == nil {
		t.Skip("no emotion detector")
	}
	var sc Scratch
	var kept [4]int // the messages of each greet value
	for _, c := range gateChats(t) {
		in, _ := eng.Inspect(c, &sc)
		of := d.waits(in)
		for i := range in.Conv.Messages {
			g := of[i].greet
			kept[g&3]++
			if g != 0 {
				only, found := d.greeting(in, i)
				want := int8(1)
				if only {
					want = 2 + int8(b2u(found))
				}
				if g != want {
					t.Fatalf("%s message %d (%q): waits kept greet %d, greeting says %d", c.ID, i, in.Norm[i], g, want)
				}
			}
			if in.Conv.Messages[i].Role != conversation.RoleCustomer {
				continue
			}
			want := d.onlyPresence(in, i)
			for _, ws := range []*waits{{of: of}, {}} {
				if got := d.presenceOnly(in, i, ws); got != want {
					t.Fatalf("%s message %d (%q): presenceOnly (waits worked out %v) = %v, onlyPresence %v", c.ID, i, in.Norm[i], ws.of != nil, got, want)
				}
			}
		}
	}
	for g, n := range kept {
		if n == 0 {
			t.Fatalf("no message kept greet %d (%v): the chats do not exercise every value", g, kept)
		}
	}
}
