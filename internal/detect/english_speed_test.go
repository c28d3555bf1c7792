package detect

import (
	"math/rand/v2"
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

// langsSeeds are englishSeeds and, for every lead byte E0–EF, a
// character of it (or bytes that are none) before English words: the
// edges of hanFirst's range (E3 and EA open characters outside
// U+4000–U+9FFF, in front of English).
func langsSeeds() []string {
	seeds := append([]string(nil), englishSeeds...)
	for c := 0xe0; c <= 0xef; c++ {
		for _, tail := range []string{"\x80\x80", "\xbf\xbf", "\x80", "a\x80", ""} {
			seeds = append(seeds, string([]byte{byte(c)})+tail+" where is my order", string([]byte{byte(c)})+tail)
		}
	}
	return seeds
}

// checkLangs checks Input.english on an Input that keeps its answers
// (langs works them out for every message at the first question) against
// isEnglish, the messages asked in a random order, twice, with some
// answers already kept (right ones, which langs must leave).
func checkLangs(t *testing.T, norm []string, rng *rand.Rand) {
	t.Helper()
	in := &Input{Norm: norm, lang: make([]uint8, len(norm))}
	for j := range in.lang {
		if rng.IntN(4) == 0 {
			in.lang[j] = 1 + uint8(b2u(isEnglish(norm[j])))
		}
	}
	for range 2 {
		for _, j := range rng.Perm(len(norm)) {
			if got, want := in.english(j), isEnglish(norm[j]); got != want {
				t.Fatalf("message %d %q: english %v, isEnglish %v", j, norm[j], got, want)
			}
		}
	}
	for j, s := range norm {
		if hanFirst(s) && isEnglish(s) {
			t.Fatalf("%q: hanFirst, but English", s)
		}
		if in.lang[j] != 1+uint8(b2u(isEnglish(s))) {
			t.Fatalf("message %d %q: kept %d", j, s, in.lang[j])
		}
	}
}

// TestLangs checks langs (through english) against isEnglish on the
// seeds, in Inputs of one to all of them.
func TestLangs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	seeds := langsSeeds()
	for n := 1; n <= len(seeds); n += 1 + n/4 {
		for range 4 {
			norm := make([]string, n)
			for j := range norm {
				norm[j] = seeds[rng.IntN(len(seeds))]
			}
			checkLangs(t, norm, rng)
		}
	}
	checkLangs(t, seeds, rng)
}

// FuzzLangs checks langs (through english) against isEnglish on Inputs
// of any three texts.
func FuzzLangs(f *testing.F) {
	seeds := langsSeeds()
	for k, s := range seeds {
		f.Add(s, seeds[(k+1)%len(seeds)], seeds[(k+7)%len(seeds)], uint64(k))
	}
	f.Fuzz(func(t *testing.T, a, b, c string, seed uint64) {
		checkLangs(t, []string{a, b, c}, rand.New(rand.NewPCG(seed, 1)))
	})
}
