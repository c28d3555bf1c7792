package detect

import (
	"fmt"
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
	quiet := 0
	for _, h := range kw.hits {
		if !h {
			quiet++
		}
	}
	if quiet == 0 || in0(eng) {
		t.Fatal("no class registered with AddPresence, or no presence bits: the test checks no quiet class")
	}
	// A new Scratch, whose hits slice grows amid the scan (prepare cuts
	// each message's hits from it as it is then), then the same one
	// again, with room for all, after a conversation of other hits.
	var s Scratch
	in, _ := eng.Inspect(c, &s)
	checkHitsPerClass(t, eng, words, in)
	other := &conversation.Conversation{ID: "other", Messages: c.Messages[len(c.Messages)/2:]}
	eng.Inspect(other, &s)
	in, _ = eng.Inspect(c, &s)
	checkHitsPerClass(t, eng, words, in)
}

// checkHitsPerClass holds in's hits and presence bits to words' hits
// expanded into each word's classes (see TestHitsPerClassPattern).
func checkHitsPerClass(t *testing.T, eng *Engine, words *text.Matcher, in *Input) {
	t.Helper()
	kw := eng.keywords
	for i, norm := range in.Norm {
		var want []KeywordHit
		has := make([]bool, len(kw.names))
		for _, h := range words.Scan(norm, nil) {
			for _, cl := range kw.classOf[h.Pattern] {
				has[cl] = true
				// A class only asked Has of (AddPresence) keeps no
				// hits: its presence bit stands for them.
				if kw.hits[cl] {
					want = append(want, KeywordHit{Class: cl, Start: h.Start, End: h.End})
				}
			}
		}
		if got := in.Hits[i]; !slices.Equal(got, want) {
			t.Fatalf("message %q: hits %v, want %v", norm, got, want)
		}
		for cl, h := range has {
			if in.Has(i, ClassID(cl)) != h {
				t.Fatalf("message %q: Has(%s) = %v, want %v", norm, kw.names[cl], !h, h)
			}
		}
	}
}

// in0 reports whether the engine's Inputs would have no presence bits
// (more classes than bits) or its matcher no summary: then every class
// keeps its hits.
func in0(e *Engine) bool {
	return len(e.keywords.names) > presentWords*64 || !e.matcher.HasSummary()
}

// TestQuietWithoutBits checks that without presence bits (more classes
// than bits) the classes registered with AddPresence keep their hits,
// which Has then reads.
func TestQuietWithoutBits(t *testing.T) {
	k := NewKeywords()
	q := k.AddPresence("quiet", "退款")
	for c := range presentWords * 64 {
		k.Add(fmt.Sprint("filler", c), fmt.Sprint("词", c))
	}
	d := &fixedKeywords{k: k}
	eng, err := NewEngine([]Detector{d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &conversation.Conversation{ID: "q", Messages: []conversation.Message{{Role: conversation.RoleCustomer, Text: "我要退款"}}}
	in, _ := eng.Inspect(c, &Scratch{})
	if in.present != nil {
		t.Fatal("presence bits with more classes than bits")
	}
	if !in.Has(0, q) || len(in.Hits[0]) != 1 || in.Hits[0][0].Class != q {
		t.Fatalf("quiet class without bits: Has %v, hits %v", in.Has(0, q), in.Hits[0])
	}
}

// fixedKeywords is a detector that registers the classes of k, for
// TestQuietWithoutBits.
type fixedKeywords struct{ k *Keywords }

func (d *fixedKeywords) Name() string                   { return "fixed" }
func (d *fixedKeywords) Codes() []string                { return nil }
func (d *fixedKeywords) Inspect(in *Input, out *Output) {}
func (d *fixedKeywords) RegisterKeywords(k *Keywords) error {
	for c, name := range d.k.names {
		var ws []string
		for w, cs := range d.k.classOf {
			if slices.Contains(cs, ClassID(c)) {
				ws = append(ws, d.k.words[w])
			}
		}
		if d.k.hits[c] {
			k.Add(name, ws...)
		} else {
			k.AddPresence(name, ws...)
		}
	}
	return nil
}

// TestPresenceSharedList checks that a list registered with AddPresence
// and, by another detector, with Add is one class that keeps its hits:
// the second detector reads them.
func TestPresenceSharedList(t *testing.T) {
	k := NewKeywords()
	a := k.AddPresence("a", "退款", "换货")
	b := k.Add("b", "退款", "换货")
	c := k.AddPresence("c", "发货")
	if a != b || !k.hits[a] || k.hits[c] {
		t.Fatalf("classes %d %d %d, hits kept %v", a, b, c, k.hits)
	}
	eng, err := NewEngine([]Detector{&fixedKeywords{k: k}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	conv := &conversation.Conversation{ID: "s", Messages: []conversation.Message{{Role: conversation.RoleCustomer, Text: "退款了吗，发货了吗"}}}
	in, _ := eng.Inspect(conv, &Scratch{})
	want := []KeywordHit{{Class: a, Start: 0, End: 6}}
	if !slices.Equal(in.Hits[0], want) || !in.Has(0, c) || !in.Has(0, a) {
		t.Fatalf("hits %v (want %v), Has(c) %v", in.Hits[0], want, in.Has(0, c))
	}
}

// TestUnionCoveredSpans checks coveredSpans of the classes registered
// with AddUnion, which keep no hits of their own, against coveredSpans of
// the hits they would have (every occurrence of their words), on texts
// strung together from the registry's words, some long enough for more
// than maxSpans ranges.
func TestUnionCoveredSpans(t *testing.T) {
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	kw := eng.keywords
	if len(kw.parts) == 0 {
		t.Fatal("no class registered with AddUnion: the test checks nothing")
	}
	var unionWords []string
	for w, cs := range kw.classOf {
		for _, c := range cs {
			if _, ok := kw.parts[c]; ok {
				unionWords = append(unionWords, kw.words[w])
			}
		}
	}
	words, err := text.NewMatcher(kw.words)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	c := &conversation.Conversation{ID: "union"}
	for k := 0; k < 400; k++ {
		var sb strings.Builder
		for j := rng.Intn(4 + k%80); j >= 0; j-- {
			w := kw.words[rng.Intn(len(kw.words))]
			if rng.Intn(2) == 0 {
				w = unionWords[rng.Intn(len(unionWords))]
			}
			if rng.Intn(5) == 0 {
				w = w[:len(w)/2]
			}
			sb.WriteString(w)
			if rng.Intn(2) == 0 {
				sb.WriteString("的，")
			}
		}
		c.Messages = append(c.Messages, conversation.Message{Role: conversation.RoleAgent, Text: sb.String()})
	}
	in, _ := eng.Inspect(c, &Scratch{})
	ref := &Input{Conv: c, Norm: in.Norm, Hits: make([][]KeywordHit, len(in.Norm))}
	for i, norm := range in.Norm {
		for _, h := range words.Scan(norm, nil) {
			for _, cl := range kw.classOf[h.Pattern] {
				ref.Hits[i] = append(ref.Hits[i], KeywordHit{Class: cl, Start: h.Start, End: h.End})
			}
		}
	}
	long := 0
	for i := range in.Norm {
		for u := range kw.parts {
			var got, want [maxSpans]span
			n, m := coveredSpans(in, i, u, &got), coveredSpans(ref, i, u, &want)
			if n != m || got != want {
				t.Fatalf("message %q, %s: spans %v, want %v", in.Norm[i], kw.names[u], got[:n], want[:m])
			}
			if n == maxSpans {
				long++
			}
		}
	}
	if long == 0 {
		t.Fatal("no message with maxSpans ranges")
	}
}

// TestHitsAcrossBatches checks the engine's texts, hits, presence bits
// and longest hit on a conversation of more messages than the summed
// scan hands the matcher at a time (checkEvery, less one for the first
// batch): each message's normalized text, its hits and bits as
// checkHitsPerClass wants them, and the longest hit of all the words'.
func TestHitsAcrossBatches(t *testing.T) {
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if in0(eng) {
		t.Fatal("no presence bits or no summary: the test does not reach the summed scan")
	}
	kw := eng.keywords
	words, err := text.NewMatcher(kw.words)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(2))
	c := &conversation.Conversation{ID: "batches"}
	for k := 0; k < 2*checkEvery+5; k++ {
		var sb strings.Builder
		for j := rng.Intn(3) - 1; j >= 0; j-- {
			sb.WriteString(kw.words[rng.Intn(len(kw.words))])
			sb.WriteString("，好")
		}
		c.Messages = append(c.Messages, conversation.Message{Role: conversation.RoleCustomer, Text: sb.String()})
	}
	var s Scratch
	for pass := 0; pass < 2; pass++ {
		in, _ := eng.Inspect(c, &s)
		var longest int32
		for i, m := range c.Messages {
			if norm := text.Normalize(m.Text); in.Norm[i] != norm {
				t.Fatalf("message %d: text %q, want %q", i, in.Norm[i], norm)
			}
			for _, h := range words.Scan(in.Norm[i], nil) {
				longest = max(longest, h.End-h.Start)
			}
		}
		checkHitsPerClass(t, eng, words, in)
		if in.maxHit != longest {
			t.Fatalf("longest hit %d, want %d", in.maxHit, longest)
		}
	}
}
