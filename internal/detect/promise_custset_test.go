package detect

import (
	"math/rand/v2"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// TestCustomerSet holds customerSet, read off the engine's presence bits
// (one run of the row, and bit by bit when the classes do not follow one
// another), to the word finder's pass over the text it replaced, for every
// message of the gate chats and of random texts made of the
// customerWords, pieces of them and other characters.
func TestCustomerSet(t *testing.T) {
	eng := defaultEngine(t)
	d := detectorOf[*promiseDetector](eng)
	if d == nil {
		t.Skip("no promise detector")
	}
	if d.custFirst < 0 {
		t.Fatal("the customerWords' classes do not follow one another: customerSet reads them bit by bit")
	}
	words := newWordFinder(customerWords)
	loop := *d
	loop.custFirst = -1
	var sc Scratch
	seen := uint64(0)
	check := func(c *conversation.Conversation) {
		t.Helper()
		in, _ := eng.Inspect(c, &sc)
		if len(in.present) != len(in.Norm) {
			t.Fatalf("%s: no presence bits", c.ID)
		}
		for j := range in.Norm {
			want := words.has(in.Norm[j])
			seen |= want
			if got := d.customerSet(in, j, words); got != want {
				t.Fatalf("%s message %d (%q): customerSet %b, has %b", c.ID, j, in.Norm[j], got, want)
			}
			if got := loop.customerSet(in, j, words); got != want {
				t.Fatalf("%s message %d (%q): customerSet bit by bit %b, has %b", c.ID, j, in.Norm[j], got, want)
			}
			// The learned features' question form reads the bit of "?"
			// alone, in agent messages as well.
			if got, ok := d.questionMarkBit(in, j); !ok || got != strings.Contains(in.Norm[j], "?") {
				t.Fatalf("%s message %d (%q): questionMarkBit %v (ok %v), strings.Contains %v", c.ID, j, in.Norm[j], got, ok, strings.Contains(in.Norm[j], "?"))
			}
		}
	}
	for _, c := range gateChats(t) {
		check(c)
	}
	pieces := append([]string{"好", "的", "我", "可以", "什么", "时候", "不", "用", "要", "?", "？", " ", "a", "[数字x]", "天"}, customerWords...)
	for _, w := range customerWords {
		if len(w) > 3 {
			pieces = append(pieces, w[:3], w[3:])
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for n := range 3000 {
		c := &conversation.Conversation{ID: "r"}
		for range 1 + rng.IntN(4) {
			c.Messages = append(c.Messages, conversation.Message{Role: []conversation.Role{conversation.RoleCustomer, conversation.RoleAgent}[n%2], Text: pieceText(rng, pieces, rng.IntN(10))})
		}
		check(c)
	}
	if seen != 1<<len(customerWords)-1 {
		t.Fatalf("the texts hold only the customerWords %b", seen)
	}
}

// TestPresenceRun holds presenceRun to reading the row's bits one by
// one, for every start and length that fits the row (the runs that cross
// from one word into the next among them), on random rows.
func TestPresenceRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 200 {
		var row [presentWords]uint64
		for w := range row {
			row[w] = rng.Uint64()
		}
		for n := 1; n <= 64; n++ {
			for first := 0; first+n <= presentWords*64; first++ {
				var want uint64
				for k := range n {
					b := first + k
					want |= row[b>>6] >> (b & 63) & 1 << k
				}
				if got := presenceRun(&row, first, n); got != want {
					t.Fatalf("presenceRun(%x, %d, %d) = %x, want %x", row, first, n, got, want)
				}
			}
		}
	}
}

// TestAskHead holds askedActionIn's shortcut to searching: every message
// of the gate chats and of random texts whose presence bits say it holds
// none of askHeadWords holds none of them, and for such a text
// askedActionIn with heads false answers as with heads true for every
// action span and clause around it.
func TestAskHead(t *testing.T) {
	eng := defaultEngine(t)
	d := detectorOf[*promiseDetector](eng)
	if d == nil {
		t.Skip("no promise detector")
	}
	var sc Scratch
	without, with := 0, 0
	check := func(c *conversation.Conversation) {
		t.Helper()
		in, _ := eng.Inspect(c, &sc)
		for i, s := range in.Norm {
			holds := false
			for _, w := range askHeadWords {
				holds = holds || strings.Contains(s, w)
			}
			if in.may(i, d.askHead) != holds {
				t.Fatalf("%s message %d (%q): presence %v, holds an ask-head word %v", c.ID, i, s, in.may(i, d.askHead), holds)
			}
			if holds {
				with++
				continue
			}
			without++
			for start := 0; start <= len(s); start += 3 {
				end := min(len(s), start+6)
				cs, ce := clauseStart(s, start), clauseEnd(s, end)
				if cs > start || ce < end {
					continue
				}
				if a, b := askedActionIn(s, start, end, cs, ce, false), askedActionIn(s, start, end, cs, ce, true); a != b {
					t.Fatalf("%s message %d (%q) at %d-%d: askedActionIn without the head %v, with %v", c.ID, i, s, start, end, a, b)
				}
			}
		}
	}
	for _, c := range gateChats(t) {
		check(c)
	}
	pieces := []string{"是", "否", "要", "不", "还", "是否", "要不要", "还是", "帮您", "申请", "吗", "?", ",", "呢", "好的", "a"}
	rng := rand.New(rand.NewPCG(11, 12))
	for n := range 2000 {
		c := &conversation.Conversation{ID: "r"}
		c.Messages = append(c.Messages, conversation.Message{Role: []conversation.Role{conversation.RoleCustomer, conversation.RoleAgent}[n%2], Text: pieceText(rng, pieces, rng.IntN(12))})
		check(c)
	}
	if without == 0 || with == 0 {
		t.Fatalf("%d messages without an ask-head word, %d with: both must be tested", without, with)
	}
}

// questionMarkBit (the tests' reading of messageFeatures' gate) returns
// whether message i holds "?" (has, as strings.Contains says) when it can
// tell without reading the text (ok): from the presence bit of "?", a
// customerWords class of its own (custQuestionMark), where the engine
// keeps the bits — customerSet's reading, which TestCustomerSet holds to
// wordFinder.has for every message of a chat, the agent's too.
func (d *promiseDetector) questionMarkBit(in *Input, i int) (has, ok bool) {
	if c := d.questionMark; uint(i) < uint(len(in.present)) && c >= 0 {
		return in.present[i][uint8(c)>>6]&(1<<(uint8(c)&63)) != 0, true
	}
	return false, false
}
