package score

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// The aggregation as it was before the KPIs carried each round's seconds,
// bucket and lateness and a conversation's round totals from the worker:
// addRef and aggAddRef are Group.add and Aggregator.Add of then, the
// reference TestGroupAddMatchesRef holds them to.

func (g *Group) addRef(r *Record, s share) {
	k := &r.KPI
	c := r.Conv
	g.conversations++
	var flags uint8 // of the customer-day
	answeredBy := false
	humanReply := false
	for i, rd := range k.rounds {
		humanReply = humanReply || rd.answered
		mine := s.whole || (rd.answered && s.member(rd.agent)) || (!rd.answered && s.main)
		if !mine {
			continue
		}
		g.rounds++
		if !rd.answered {
			flags |= cdLate
		} else {
			answeredBy = true
		}
		if rd.answered && rd.timed {
			g.respSum += rd.wait.Seconds()
			g.respN++
			g.respHist.add(rd.wait.Seconds())
			if rd.wait > k.slow {
				g.slow++
			}
			if rd.wait.Seconds() > k.within.Seconds() {
				flags |= cdLate
			}
			if i == 0 {
				g.firstSum += rd.wait.Seconds()
				g.firstN++
				g.firstHist.add(rd.wait.Seconds())
			}
		}
		if rd.window {
			g.winRounds++
			if rd.answered && rd.timed && rd.wait <= k.slow {
				g.win3++
			}
		}
	}
	if answeredBy {
		flags |= cdReceived
	}
	g.custDays.markHash(s.custDay, flags)
	if s.whole || s.main {
		g.owned++
		// No human reply: the customer wrote and no round was answered by an
		// agent (an agent greeting before the question is not a reply).
		if k.CustomerMsgs > 0 && !humanReply {
			g.noHuman++
		}
		g.custMsgs += k.CustomerMsgs
		g.agentMsgs += k.AgentMsgs
		if k.Long {
			g.long++
		}
		if c.Rating > 0 {
			g.rated++
			if c.Rating >= 4 {
				g.satisfied++
			}
		}
		if c.Outcome != nil {
			if c.Outcome.Ordered != nil {
				g.orderKnown++
				if *c.Outcome.Ordered {
					g.ordered++
				}
			}
			if c.Outcome.Refunded != nil {
				g.refundKnown++
				if *c.Outcome.Refunded {
					g.refunded++
				}
			}
		}
		g.scoreSum += r.Score
		if r.Fatal {
			g.fatal++
		}
		for _, code := range s.codes {
			if code >= len(g.codes) {
				g.codes = append(g.codes, make([]int, code+1-len(g.codes))...)
			}
			g.codes[code]++
		}
		g.emoMsgs += r.EmoMsgs
		g.negMsgs += r.NegMsgs
	}
}

func (a *Aggregator) aggAddRef(r *Record) {
	c := r.Conv
	cust := c.Customer
	if cust == "" {
		cust = "conv:" + c.ID // unknown customer: each conversation is its own
	}
	a.codes = a.codes[:0]
	for _, code := range r.Codes {
		a.codes = append(a.codes, a.names.Number(code))
	}
	custDay := hashKey(cust, r.KPI.Day)
	whole := share{whole: true, custDay: custDay, codes: a.codes}
	a.Total.addRef(r, whole)
	day := r.KPI.Day
	if day == "" {
		day = "(no time)"
	}
	a.group(a.byDay, day).addRef(r, whole)
	if c.Vendor != "" {
		a.group(a.byVendor, c.Vendor).addRef(r, whole)
		a.key = append(append(append(a.key[:0], c.Vendor...), ' '), day...)
		g := a.byVendorDay[string(a.key)] // no string made for the look-up
		if g == nil {
			g = a.group(a.byVendorDay, string(a.key))
		}
		g.addRef(r, whole)
	}
	if c.Shop != "" {
		a.group(a.byShop, c.Shop).addRef(r, whole)
	}
	agents, main := r.KPI.AgentsOf(c)
	var seen [4]string
	teams := seen[:0] // the teams counted: a conversation has few
	for _, ac := range agents {
		ag := ac.Agent
		s := share{member: func(x string) bool { return x == ag }, main: ag == main, custDay: custDay, codes: a.codes}
		a.group(a.byAgent, ag).addRef(r, s)
		// A team is counted like one agent made of its members: the rounds
		// they answered, and the conversation-level figures when the main
		// agent is one of them.
		if t, ok := a.team[ag]; ok && !slices.Contains(teams, t) {
			teams = append(teams, t)
			mt, mainOK := a.team[main]
			s := share{member: func(x string) bool { tx, ok := a.team[x]; return ok && tx == t },
				main: mainOK && mt == t, custDay: custDay, codes: a.codes}
			a.group(a.byTeam, t).addRef(r, s)
		}
	}
}

// randomConv makes a conversation of up to 14 messages from one of
// 2,999 customers (or none), five agents and a bot, with times (some
// missing, some waits past the hour or days), a vendor, a shop, a rating
// and an outcome at random.
func randomConv(rng *rand.Rand, n int) *conversation.Conversation {
	c := &conversation.Conversation{ID: "c" + string(rune('a'+n%26)) + string(rune('a'+n/26%26))}
	if k := rng.IntN(3000); k > 0 {
		c.Customer = "u" + strconv.Itoa(k)
	}
	c.Vendor = []string{"", "v1", "v2"}[rng.IntN(3)]
	c.Shop = []string{"", "s1", "s2"}[rng.IntN(3)]
	if rng.IntN(3) == 0 {
		c.Rating = rng.IntN(6)
	}
	if rng.IntN(3) == 0 {
		o, r := rng.IntN(2) == 0, rng.IntN(2) == 0
		c.Outcome = &conversation.Outcome{Ordered: &o}
		if rng.IntN(2) == 0 {
			c.Outcome.Refunded = &r
		}
	}
	at := time.Date(2026, 11, 1+rng.IntN(3), rng.IntN(24), rng.IntN(60), 0, 0, time.UTC)
	timed := rng.IntN(5) > 0
	for range rng.IntN(15) {
		m := conversation.Message{Role: []conversation.Role{conversation.RoleCustomer, conversation.RoleAgent, conversation.RoleBot}[rng.IntN(3)], Text: "x"}
		if m.Role == conversation.RoleAgent {
			m.Agent = []string{"", "a1", "a2", "a3", "a4", "a5"}[rng.IntN(6)]
		}
		switch g := rng.IntN(40); {
		case g == 0:
			at = at.Add(time.Duration(rng.IntN(3*86400)) * time.Second)
		case g < 4:
			at = at.Add(time.Duration(rng.IntN(5000)) * time.Millisecond)
		case g < 10: // the thresholds themselves
			at = at.Add([]time.Duration{20 * time.Second, 90 * time.Second, 3 * time.Minute, time.Hour}[rng.IntN(4)])
		default:
			at = at.Add(time.Duration(rng.IntN(120)) * time.Second)
		}
		if timed && rng.IntN(10) > 0 {
			m.At = at
		}
		c.Messages = append(c.Messages, m)
	}
	return c
}

// TestGroupAddMatchesRef holds the aggregation to addRef and aggAddRef:
// every group of every dimension (teams included) the same, histograms,
// sums and customer-days to the bit, over random conversations under
// several KPI rules.
func TestGroupAddMatchesRef(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 7))
		cfg := Config{KPI: DefaultKPIConfig(), Teams: map[string][]string{"t1": {"a1", "a2"}, "t2": {"a4"}}}
		if seed%2 == 1 { // tight rules: many slow and late rounds
			cfg.KPI.SlowAfter = detect.Duration(20 * time.Second)
			cfg.KPI.ReplyWithin = detect.Duration(90 * time.Second)
			cfg.KPI.ServiceStart, cfg.KPI.ServiceEnd = "10:00", "12:30"
		}
		got, want := NewAggregator(cfg), NewAggregator(cfg)
		var s Scratch
		codes := []string{"response.slow", "promise.made", "emotion.negative"}
		for n := range 3000 {
			c := randomConv(rng, n)
			var excused func(int) bool
			if rng.IntN(2) == 0 {
				excused = func(first int) bool { return first%2 == 0 }
			}
			r := &Record{Conv: c, KPI: ConversationKPIWith(&s, c, detect.Rounds(c), cfg.KPI, loc, excused),
				Score: rng.IntN(101), Fatal: rng.IntN(20) == 0, EmoMsgs: rng.IntN(4), NegMsgs: rng.IntN(2)}
			for _, code := range codes {
				if rng.IntN(3) == 0 {
					r.Codes = append(r.Codes, code)
				}
			}
			got.Add(r)
			want.aggAddRef(r)
		}
		if !reflect.DeepEqual(got.Total, want.Total) {
			t.Fatalf("seed %d: total\n got %+v\nwant %+v", seed, got.Total, want.Total)
		}
		for _, d := range Dimensions() {
			if !reflect.DeepEqual(got.dims[d], want.dims[d]) {
				t.Fatalf("seed %d: %s groups differ", seed, d)
			}
			if !reflect.DeepEqual(got.By(d), want.By(d)) {
				t.Fatalf("seed %d: %s KPIs differ", seed, d)
			}
		}
		if len(got.dims["team"]) == 0 || got.Total.respN == 0 || got.Total.slow == 0 || got.Total.win3 == 0 {
			t.Fatalf("seed %d: the random conversations miss a case: %+v", seed, got.Total)
		}
	}
}

// TestKPIStoreSlab holds ConversationKPIWith with one Scratch, whose slab
// the conversations' stores are cut from, to ConversationKPIWith without
// one: every KPI kept to the end must still be its own.
func TestKPIStoreSlab(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	rng := rand.New(rand.NewPCG(5, 6))
	cfg := DefaultKPIConfig()
	var s Scratch
	var convs []*conversation.Conversation
	var kpis []KPI
	for n := range 2000 {
		c := randomConv(rng, n)
		convs = append(convs, c)
		kpis = append(kpis, ConversationKPIWith(&s, c, detect.Rounds(c), cfg, loc, nil))
	}
	for i, c := range convs {
		if want := ConversationKPIWith(nil, c, detect.Rounds(c), cfg, loc, nil); !reflect.DeepEqual(kpis[i], want) {
			t.Fatalf("conversation %d: with the slab %+v, without %+v", i, kpis[i], want)
		}
	}
}
