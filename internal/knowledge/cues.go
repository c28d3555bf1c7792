package knowledge

import (
	"sort"
	"strings"

	"fullqa/internal/text"
)

// Cue is a word by which chats name a fact: a policy cue of the schema or
// a product attribute's name or synonym. The detector registers every cue
// with the shared matcher and reads a value next to each hit.
type Cue struct {
	Word  string // normalized
	Key   string
	Label string
	Kind  Kind
	Dim   Dim
	// After allows the value after the cue, not only before it.
	After bool
	// Context words, one of which must be in the sentence.
	Context []string
	// Anchor words, one of which must be in the sentence: the yes or no is
	// read at it instead of at the cue.
	Anchor []string
	// Not words make the sentence about something else (see policyKey).
	Not []string
}

// Spelling is one way a chat spells a value of a choice (a courier, an
// invoice type, who pays, a product's material), or a qualifier (a payment
// method, a region).
type Spelling struct {
	Word    string // normalized
	Key     string
	Value   string // canonical value
	Context []string
	Not     []string
}

// Cues returns the cues of the schema and of every product attribute the
// facts define, plus the generic attribute names in extra (words agents
// state facts about that the file may not define, for unknown claims),
// sorted by word then key.
func (f *Facts) Cues(extra []string) []Cue {
	var out []Cue
	for _, k := range schema {
		for _, w := range k.Cues {
			out = append(out, Cue{Word: text.Normalize(w), Key: k.Key, Label: k.Label, Kind: k.Kind, Dim: k.Dim, After: k.After, Context: norm(k.Context), Anchor: norm(k.Anchor), Not: norm(k.Not)})
		}
	}
	seen := map[string]bool{}
	f.eachAttr(func(a Fact) {
		for _, w := range a.Names {
			if id := w + "\x00" + a.Key; !seen[id] {
				seen[id] = true
				out = append(out, Cue{Word: w, Key: a.Key, Label: a.Label, Kind: a.Kind, Dim: a.Amount.Dim, After: true})
			}
		}
	})
	for _, w := range extra {
		w = text.Normalize(w)
		if id := w + "\x00attr." + w; w != "" && !seen[id] {
			seen[id] = true
			out = append(out, Cue{Word: w, Key: "attr." + w, Label: w, Kind: KindText, After: true, Not: genericNot})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Word != out[j].Word {
			return out[i].Word < out[j].Word
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// genericNot keeps the value of a warranty said next to an attribute name
// ("电池是半年的质保") from being read as the attribute's value.
var genericNot = []string{"质保", "保修"}

// Spellings returns how chats spell the values of every choice fact.
func (f *Facts) Spellings() []Spelling {
	var out []Spelling
	for _, k := range schema {
		for _, c := range k.Choices {
			for _, sp := range c.Spellings {
				out = append(out, Spelling{Word: text.Normalize(sp), Key: k.Key, Value: c.Name, Context: norm(k.Context), Not: norm(k.Not)})
			}
		}
	}
	seen := map[string]bool{}
	f.eachAttr(func(a Fact) {
		if a.Kind != KindChoice {
			return
		}
		for _, v := range append(append([]string(nil), a.Values...), a.Others...) {
			if id := v + "\x00" + a.Key; !seen[id] {
				seen[id] = true
				out = append(out, Spelling{Word: v, Key: a.Key, Value: v, Context: a.Names})
			}
		}
	})
	return out
}

// Qualifiers returns the spellings of payment methods (refund.time) and of
// the regions the file names (shipping.delivery).
func (f *Facts) Qualifiers() []Spelling {
	var out []Spelling
	for _, c := range paymentMethods {
		for _, sp := range c.Spellings {
			out = append(out, Spelling{Word: text.Normalize(sp), Key: "refund.time", Value: c.Name})
		}
	}
	seen := map[string]bool{}
	each := func(s Set) {
		for _, fa := range s["shipping.delivery"] {
			if q := fa.Qualifier; q != "" && !seen[q] {
				seen[q] = true
				out = append(out, Spelling{Word: text.Normalize(q), Key: "shipping.delivery", Value: q})
			}
		}
	}
	f.eachSet(each)
	return out
}

// eachSet calls fn for every effective set of every shop.
func (f *Facts) eachSet(fn func(Set)) {
	shops := []*Shop{f.Default}
	ids := make([]string, 0, len(f.Shops))
	for id := range f.Shops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		shops = append(shops, f.Shops[id])
	}
	for _, sh := range shops {
		fn(sh.Base)
		skus := make([]string, 0, len(sh.SKUs))
		for k := range sh.SKUs {
			skus = append(skus, k)
		}
		sort.Strings(skus)
		for _, k := range skus {
			fn(sh.SKUs[k])
		}
	}
}

// eachAttr calls fn for every product attribute fact, in a fixed order.
func (f *Facts) eachAttr(fn func(Fact)) {
	f.eachSet(func(s Set) {
		for _, k := range s.Keys() {
			if strings.HasPrefix(k, "attr.") {
				for _, a := range s[k] {
					fn(a)
				}
			}
		}
	})
}

// Phrases returns every forbidden phrase and requirement of every shop,
// each once, for the matcher.
func (f *Facts) Phrases() (forbidden []string, when, say []string) {
	shops := []*Shop{f.Default}
	for _, s := range f.Shops {
		shops = append(shops, s)
	}
	for _, sh := range shops {
		for _, p := range sh.Forbidden {
			forbidden = appendNew(forbidden, text.Normalize(p.Text))
		}
		for _, r := range sh.Required {
			when = appendNew(when, norm(r.When)...)
			say = appendNew(say, norm(r.Say)...)
		}
	}
	sort.Strings(forbidden)
	sort.Strings(when)
	sort.Strings(say)
	return forbidden, when, say
}

func norm(ws []string) []string {
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		if w = text.Normalize(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}
