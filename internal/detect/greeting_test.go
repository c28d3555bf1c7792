package detect

import (
	"math/rand/v2"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// greetingRef is greeting as written before it passed over the hits of a
// message without a presence word: the reference for TestGreeting.
func (d *emotionDetector) greetingRef(in *Input, i int) (only, found bool) {
	norm := in.Norm[i]
	if len(norm) > presenceMaxBytes {
		return false, false
	}
	hs := in.allHits(i)
	may := in.may(i, d.presence)
	for k, r := range norm {
		covered := false
		for _, h := range hs {
			if may && h.Class == d.presence && int(h.Start) <= k && k < int(h.End) {
				covered = true
				break
			}
		}
		switch {
		case covered:
			found = true
		case !presenceFiller(r):
			return false, false
		}
	}
	return true, found
}

// TestGreeting checks greeting against greetingRef on random short
// messages of presence words, greetings, particles, punctuation and other
// words, and on the JDDC dev chats when present.
func TestGreeting(t *testing.T) {
	lex := testLexicon(t)
	eng, err := NewEngine(Registry(DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := detectorOf[*emotionDetector](eng)
	parts := append([]string{"你好", "您好", "亲", "在", "吗", "?", "。", "…", " ", "退款", "快递", "a", "\xe4"}, lex.Words("emotion_presence")...)
	rng := rand.New(rand.NewPCG(3, 5))
	c := &conversation.Conversation{ID: "g"}
	for k := 0; k < 20000; k++ {
		var b strings.Builder
		for n := 1 + rng.IntN(5); n > 0; n-- {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		c.Messages = append(c.Messages, conversation.Message{Role: conversation.RoleCustomer, Text: b.String()})
	}
	convs := append([]*conversation.Conversation{c}, jddcConvsOrNone(t)...)
	found := 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &Scratch{})
		for i := range c.Messages {
			go1, gf := d.greeting(in, i)
			wo, wf := d.greetingRef(in, i)
			if go1 != wo || gf != wf {
				t.Fatalf("greeting(%q) = %v, %v; want %v, %v", in.Norm[i], go1, gf, wo, wf)
			}
			if wf {
				found++
			}
		}
	}
	if found < 100 {
		t.Fatalf("only %d presence checks found: the test tests little", found)
	}
}
