package detect

import (
	"testing"

	"fullqa/internal/conversation"
)

// TestNextHasMatchesHas holds NextHas to asking Has of every message from
// from on, for every class of the default engine's words (and one past
// them), every from (below zero and past the end too), on the example
// chats (and the JDDC dev chats unless -short): with the presence bits
// the engine keeps and without them (the hits walked). A loop that read
// the wrong word or bit of a row, skipped from itself or stopped a
// message early fails it.
func TestNextHasMatchesHas(t *testing.T) {
	eng := defaultEngine(t)
	convs := withJDDC(t, exampleConvs(t))
	classes := len(eng.keywords.names)
	var sc Scratch
	found := 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &sc)
		if in.present == nil {
			t.Fatal("the engine kept no presence bits")
		}
		check := func(in *Input, how string) {
			n := len(in.Conv.Messages)
			for k := 0; k <= classes; k++ {
				cl := ClassID(k)
				for from := -1; from <= n+1; from++ {
					want := max(from, 0)
					for want < n && !in.Has(want, cl) {
						want++
					}
					want = min(want, n) // none: the number of messages
					if got := in.NextHas(cl, from); got != want {
						t.Fatalf("%s (%s): NextHas(%d, %d) = %d, want %d", c.ID, how, k, from, got, want)
					}
					if want < n {
						found++
					}
				}
			}
		}
		check(in, "presence bits")
		walk := *in
		walk.present = nil
		check(&walk, "hits")
	}
	if found == 0 {
		t.Fatal("no message holds a word")
	}
}

// TestNextHasNoMessages checks NextHas on a conversation without
// messages.
func TestNextHasNoMessages(t *testing.T) {
	in := &Input{Conv: &conversation.Conversation{}}
	if got := in.NextHas(0, 0); got != 0 {
		t.Fatalf("NextHas on no messages = %d", got)
	}
}
