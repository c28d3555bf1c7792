package detect

import (
	"testing"

	"fullqa/internal/conversation"
)

// englishSeeds are texts for englishText: Chinese first or after English,
// characters of every UTF-8 length, the CJK ranges' edges, invalid bytes
// and surrogates.
var englishSeeds = []string{"", "hello there", "hello 你好 there friend", "where is my order please", "abcde", "abcdef",
	"订单 where is my order", "where is my order 订单", "café is closed today", "ok 🙂 thanks a lot", "\u303f\u3040abcdefgh",
	"abcdefgh\u9fff", "abcdefgh\ua000", "abcdefgh\uf8ff", "abcdefgh\uf900", "abcdefgh\ufaff", "abcdefgh\ufb00", "abcdefgh。",
	"abcdefgh\xe4\xb8", "abcdefgh\xed\xa0\x80", "abcdefgh\xe0\xa0\x80", "\xffabcdefgh", "ABCDEFGH", "[订单x] order"}

// FuzzEnglishText checks englishText (ASCII and three-byte characters
// read inline) against isEnglish on any text.
func FuzzEnglishText(f *testing.F) {
	for _, s := range append(englishSeeds, endingFuzzSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := englishText(s), isEnglish(s); got != want {
			t.Fatalf("englishText(%q) = %v, isEnglish %v", s, got, want)
		}
	})
}

// TestEnglishKept checks Input.english (its inlined shortcut for the
// answer kept, englishOnce behind it) against isEnglish, asked three times
// of every message, on the Inputs the engine prepares (examples and
// seeds as customer and agent messages) and on the same messages in an
// Input built by hand, which keeps no answer.
func TestEnglishKept(t *testing.T) {
	eng := defaultEngine(t)
	convs := exampleConvs(t)
	seeds := &conversation.Conversation{ID: "seeds"}
	for k, s := range englishSeeds {
		role := conversation.RoleCustomer
		if k%3 == 1 {
			role = conversation.RoleAgent
		}
		seeds.Messages = append(seeds.Messages, conversation.Message{Role: role, Text: s})
	}
	convs = append(convs, seeds)
	var sc Scratch
	english := 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &sc)
		byHand := &Input{Conv: c, Norm: in.Norm}
		for round := range 3 {
			for i := range c.Messages {
				want := isEnglish(in.Norm[i])
				if got := in.english(i); got != want {
					t.Fatalf("%s message %d %q, asking %d: english %v, isEnglish %v", c.ID, i, in.Norm[i], round, got, want)
				}
				if got := byHand.english(i); got != want {
					t.Fatalf("%s message %d %q by hand: english %v, isEnglish %v", c.ID, i, in.Norm[i], got, want)
				}
				if want && round == 0 {
					english++
				}
			}
		}
	}
	if english == 0 {
		t.Fatal("no English message asked")
	}
}
