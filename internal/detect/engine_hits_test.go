package detect

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// TestHitsPerClassPattern checks the engine's keyword hits, made from one
// matcher pattern per word and class, against a matcher of the words alone
// whose hits are expanded into each word's classes in order: the same hits
// in the same order, on texts strung together from the registry's words
// (overlapping, repeated, with words of several classes).
func TestHitsPerClassPattern(t *testing.T) {
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	kw := eng.keywords
	words, err := text.NewMatcher(kw.words)
	if err != nil {
		t.Fatal(err)
	}
	multi := 0
	for _, cs := range kw.classOf {
		if len(cs) > 1 {
			multi++
		}
	}
	if multi == 0 {
		t.Fatal("no word of several classes: the test checks nothing")
	}
	rng := rand.New(rand.NewSource(1))
	c := &conversation.Conversation{ID: "hits"}
	for k := 0; k < 300; k++ {
		var sb strings.Builder
		for j := rng.Intn(8); j >= 0; j-- {
			w := kw.words[rng.Intn(len(kw.words))]
			if rng.Intn(3) == 0 {
				w = w[:len(w)/2] // a cut word, maybe not UTF-8
			}
			sb.WriteString(w)
			if rng.Intn(4) == 0 {
				sb.WriteString("，")
			}
		}
		c.Messages = append(c.Messages, conversation.Message{Role: conversation.RoleCustomer, Text: sb.String()})
	}
	var s Scratch
	in, _ := eng.Inspect(c, &s)
	for i, norm := range in.Norm {
		var want []KeywordHit
		for _, h := range words.Scan(norm, nil) {
			for _, cl := range kw.classOf[h.Pattern] {
				want = append(want, KeywordHit{Class: cl, Start: h.Start, End: h.End})
			}
		}
		if got := in.Hits[i]; !slices.Equal(got, want) {
			t.Fatalf("message %q: hits %v, want %v", norm, got, want)
		}
	}
}
