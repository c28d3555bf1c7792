package detect

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// tallyRef is tally as written before the candidates were computed once
// for all scenes: every message tested for every scene. It is the
// reference for TestSceneCandidates.
func (d *sceneDetector) tallyRef(in *Input, s int, skip ClassID, arena *[]int) sceneTally {
	t := sceneTally{first: -1, customer: -1}
	start := len(*arena)
	def := &sceneDefs[s]
	var bits *classMask
	if in.present != nil && d.mayBitsOK {
		bits = &d.mayBits[s]
	}
	for i := range in.Conv.Messages {
		role := in.Conv.Messages[i].Role
		if role != conversation.RoleCustomer && role != conversation.RoleAgent {
			continue
		}
		if len(in.Hits[i]) == 0 || (def.customerOnly && role != conversation.RoleCustomer) {
			continue
		}
		if bits != nil {
			if row := &in.present[i]; row[0]&bits[0]|row[1]&bits[1]|row[2]&bits[2]|row[3]&bits[3] == 0 {
				continue
			}
		}
		if _, ok := d.sceneHitRef(in, i, s, skip); !ok {
			continue
		}
		if t.first < 0 {
			t.first = i
		}
		*arena = append(*arena, i)
		if role == conversation.RoleCustomer {
			if t.customer < 0 {
				t.customer = i
			}
			t.customers++
		} else {
			t.agent++
		}
	}
	t.msgs = (*arena)[start:len(*arena):len(*arena)]
	return t
}

// sceneHitRef is sceneHit as written before it tested a hit's class
// with sceneClass ahead of isSceneHit.
func (d *sceneDetector) sceneHitRef(in *Input, i, s int, skip ClassID) (KeywordHit, bool) {
	if !d.mayHit(in, i, s) {
		return KeywordHit{}, false
	}
	for _, h := range in.allHits(i) {
		if d.isSceneHit(in, i, s, h) && (skip == noClass || !in.overlapsClass(i, skip, h)) {
			return h, true
		}
	}
	return KeywordHit{}, false
}

// deniedByCustomerRef is deniedByCustomer as written before it read the
// presence rows itself: Has for every customer message.
func (d *sceneDetector) deniedByCustomerRef(in *Input, s int) bool {
	for i := range in.Conv.Messages {
		if in.Conv.Messages[i].Role == conversation.RoleCustomer && in.Has(i, d.denied[s]) {
			return true
		}
	}
	return false
}

// rulesRef is rules with tallyRef.
func (d *sceneDetector) rulesRef(in *Input) (tallies [len(sceneDefs)]sceneTally, first [len(sceneDefs)]int, skip [len(sceneDefs)]ClassID) {
	var arena []int
	for s := range sceneDefs {
		skip[s] = noClass
		tallies[s] = d.tallyRef(in, s, noClass, &arena)
		first[s] = d.settled(in, s, &tallies[s])
	}
	if c := sceneIndex(SceneCompensation); first[c] >= 0 && paperwork(&first) {
		skip[c] = d.reship
		tallies[c] = d.tallyRef(in, c, d.reship, &arena)
		first[c] = d.settled(in, c, &tallies[c])
	}
	for s, def := range sceneDefs {
		t := tallies[s]
		if def.aside && first[s] >= 0 && t.customers == 1 && t.agent == 0 && carriedByOther(&first) &&
			d.sceneHits(in, t.customer, s) == 1 {
			first[s] = -1
		}
	}
	return tallies, first, skip
}

// TestSceneCandidates checks rules (the tallies over each message's
// candidate scenes) against rulesRef (every message tested for every
// scene, each hit by isSceneHit), deniedByCustomer against
// deniedByCustomerRef for every scene, and sceneHit against sceneHitRef for
// every message, scene and skip, on the JDDC dev chats when present and
// on random chats made of the scene lists' words, their anchors,
// exclusions and negations, with the presence bits and without (an Input
// built by hand).
func TestSceneCandidates(t *testing.T) {
	lex := testLexicon(t)
	eng, err := NewEngine(Registry(DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := detectorOf[*sceneDetector](eng)
	var words []string
	for _, def := range sceneDefs {
		for _, suf := range []string{"", "_denied", "_notfor", "_negated", "_clause", "_exclude"} {
			words = append(words, lex.Words(def.list+suf)...)
		}
	}
	for _, p := range scenePairs {
		words = append(words, lex.Words(p.list)...)
		words = append(words, lex.Words(p.list+"_anchor")...)
	}
	for _, l := range []string{"scene_hypothetical", "scene_policy", "scene_compensation_reship", "sensitive_acknowledge", "question_words"} {
		words = append(words, lex.Words(l)...)
	}
	fillers := []string{"，", "。", "我", "的", "了", "吗", "[数字x]", "好的", " ", "快递", "订单"}
	rng := rand.New(rand.NewPCG(16, 7))
	var convs []*conversation.Conversation
	for k := 0; k < 3000; k++ {
		c := &conversation.Conversation{ID: "r"}
		for n := rng.IntN(14); n >= 0; n-- {
			var b strings.Builder
			for w := rng.IntN(5); w > 0; w-- {
				if rng.IntN(3) == 0 {
					b.WriteString(fillers[rng.IntN(len(fillers))])
				} else {
					b.WriteString(words[rng.IntN(len(words))])
				}
			}
			role := conversation.RoleCustomer
			switch rng.IntN(7) {
			case 0, 1, 2:
				role = conversation.RoleAgent
			case 3:
				role = conversation.RoleBot
			case 4:
				role = conversation.RoleSystem
			}
			c.Messages = append(c.Messages, conversation.Message{Role: role, Text: b.String()})
		}
		convs = append(convs, c)
	}
	convs = withJDDC(t, convs)
	tested, denied := 0, 0
	for _, c := range convs {
		in, _ := eng.Inspect(c, &Scratch{})
		for _, bits := range []bool{true, false} {
			if !bits {
				in.present = nil
			}
			gt, gf, gs := d.rules(in)
			wt, wf, ws := d.rulesRef(in)
			if gf != wf || gs != ws {
				t.Fatalf("%s (bits %v): first %v skip %v, want %v %v", c.ID, bits, gf, gs, wf, ws)
			}
			for s := range gt {
				g, w := gt[s], wt[s]
				if g.first != w.first || g.customer != w.customer || g.customers != w.customers || g.agent != w.agent || !slices.Equal(g.msgs, w.msgs) {
					t.Fatalf("%s (bits %v) scene %s: tally %+v, want %+v", c.ID, bits, sceneDefs[s].name, g, w)
				}
			}
			for s := range sceneDefs {
				if got, want := d.deniedByCustomer(in, s), d.deniedByCustomerRef(in, s); got != want {
					t.Fatalf("%s (bits %v) scene %s: denied %v, want %v", c.ID, bits, sceneDefs[s].name, got, want)
				}
				denied += int(b2u(bits && d.deniedByCustomerRef(in, s)))
			}
			for i := range c.Messages {
				for s := range sceneDefs {
					for _, skip := range []ClassID{noClass, d.reship} {
						gh, gok := d.sceneHit(in, i, s, skip)
						wh, wok := d.sceneHitRef(in, i, s, skip)
						if gh != wh || gok != wok {
							t.Fatalf("%s (bits %v) message %d scene %s: sceneHit %v %v, want %v %v", c.ID, bits, i, sceneDefs[s].name, gh, gok, wh, wok)
						}
					}
				}
			}
			if wf != [len(sceneDefs)]int{-1, -1, -1, -1, -1, -1, -1} {
				tested++
			}
		}
	}
	if tested < 1000 || denied < 100 {
		t.Fatalf("only %d chats name a scene, %d scenes denied: the test tests little", tested, denied)
	}
}

// withJDDC is convs followed by the JDDC dev chats, unless -short or
// ../shared is absent: the chats the speed tests hold a shortcut to its
// reference on.
func withJDDC(t *testing.T, convs []*conversation.Conversation) []*conversation.Conversation {
	if testing.Short() {
		return convs
	}
	return append(convs, jddcConvsOrNone(t)...)
}

// jddcConvsOrNone is jddcConvs without the skip: the JDDC dev chats, or
// none when ../shared is absent.
func jddcConvsOrNone(t *testing.T) []*conversation.Conversation {
	var convs []*conversation.Conversation
	t.Run("jddc", func(t *testing.T) { convs = jddcConvs(t) })
	return convs
}
