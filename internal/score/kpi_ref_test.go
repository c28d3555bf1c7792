package score

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// conversationKPIRef is ConversationKPIWith as written before it filled
// each round in place, counted the agents in its loop over the messages and
// took the duration by conversation.Elapsed: the reference for
// TestConversationKPIMatchesRef.
func conversationKPIRef(s *Scratch, c *conversation.Conversation, rounds []detect.Round, cfg KPIConfig, loc *time.Location, excused func(first int) bool) KPI {
	var k KPI
	for i := range c.Messages {
		m := &c.Messages[i]
		switch m.Role {
		case conversation.RoleCustomer:
			k.CustomerMsgs++
		case conversation.RoleAgent:
			k.AgentMsgs++
		case conversation.RoleBot:
			k.BotMsgs++
		}
	}
	for i := range c.Messages { // the first time, in a loop that stops there
		if m := &c.Messages[i]; m.HasTime() {
			k.start = m.At
			break
		}
	}
	if !k.start.IsZero() {
		k.Day = s.dayAt(k.start, loc)
	}
	slow := time.Duration(cfg.SlowAfter)
	within := time.Duration(cfg.ReplyWithin)
	k.slow, k.within = slow, within
	k.ReplyOK = true
	var sum time.Duration
	n := 0
	winStart, winEnd := s.window(cfg)
	var zs zoneSpan
	zone := &zs
	if s != nil {
		zone = &s.zone
	}
	// The optional seconds, the rounds and the agents of a conversation of
	// usual length share one kpiStore (they took up to five allocations),
	// cut from s's slab.
	st := s.store()
	secs := &st.secs
	k.rounds = st.rounds[:0:len(st.rounds)]
	if len(rounds) > len(st.rounds) {
		k.rounds = make([]roundKPI, 0, len(rounds))
	}
	for ri, r := range rounds {
		if !r.Answered() && excused != nil && excused(r.First) {
			continue
		}
		rk := roundKPI{answered: r.Answered(), timed: r.HasTimes, wait: r.Wait}
		if r.Answered() {
			rk.agent = c.Messages[r.Reply].Agent
		}
		first := &c.Messages[r.First]
		if first.HasTime() {
			// inWindow, loc's zone looked up once for its span.
			u := first.At.Unix()
			if !zone.holds(u, loc) {
				zone.find(first.At, loc)
			}
			d := time.Duration(zone.secOfDay(u)) * time.Second
			rk.window = d >= winStart && d < winEnd
		}
		k.Rounds++
		if !r.Answered() {
			k.Unanswered++
			k.ReplyOK = false
		}
		if rk.window {
			k.WindowRounds++
			k.all.window++
			if r.Answered() && r.HasTimes && r.Wait <= slow {
				k.WindowAnswered3++
				k.all.window3++
			}
		}
		if !r.Answered() {
			k.all.late = true
		} else {
			k.all.answered = true
		}
		if r.Answered() && r.HasTimes {
			rk.sec = r.Wait.Seconds()
			rk.bucket = bucketOf(rk.sec)
			rk.late = rk.sec > within.Seconds()
			k.all.late = k.all.late || rk.late
			k.all.timed++
			if r.Wait > slow {
				k.SlowRounds++
				k.all.slow++
			}
			if ri == 0 {
				secs[0] = rk.sec
				k.FirstResponseS = &secs[0]
			}
			if r.Wait > within {
				k.ReplyOK = false
			}
			sum += r.Wait
			n++
		}
		k.rounds = append(k.rounds, rk)
	}
	if n > 0 {
		secs[1] = (sum / time.Duration(n)).Seconds()
		k.MeanResponseS = &secs[1]
	}
	if len(c.Messages) > 1 {
		a, b := c.Messages[0].At, c.Messages[len(c.Messages)-1].At
		if !a.IsZero() && !b.IsZero() {
			d := b.Sub(a) // once: Sub checks itself with an Add and an Equal
			secs[2] = d.Seconds()
			k.DurationS = &secs[2]
			k.Long = d > time.Duration(cfg.LongDuration)
		}
	}
	k.Long = k.Long || len(c.Messages) > cfg.LongMessages
	k.agents, k.mainAgent = agentsInto(st.agents[:0:len(st.agents)], c)
	k.haveAgents = true
	k.custDay, k.haveCustDay = custDayKey(c, k.Day), true
	return k
}

// TestConversationKPIMatchesRef holds ConversationKPIWith to
// conversationKPIRef: every field (the rounds, agents and optional seconds
// among them) the same, over random conversations with and without
// excused rounds, more rounds than a kpiStore holds, under several KPI
// rules, with a Scratch and without.
func TestConversationKPIMatchesRef(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	for seed := range uint64(6) {
		rng := rand.New(rand.NewPCG(seed, 11))
		cfg := DefaultKPIConfig()
		if seed%2 == 1 {
			cfg.SlowAfter = detect.Duration(20 * time.Second)
			cfg.ReplyWithin = detect.Duration(90 * time.Second)
			cfg.ServiceStart, cfg.ServiceEnd = "10:00", "12:30"
			cfg.LongMessages = 6
		}
		var s, sRef, sFig Scratch
		for n := range 3000 {
			c := randomConv(rng, n)
			if n%7 == 0 { // longer: more rounds than a kpiStore's
				c.Messages = append(c.Messages, randomConv(rng, n+1).Messages...)
				c.Messages = append(c.Messages, randomConv(rng, n+2).Messages...)
			}
			if n%3 == 0 { // rounds opening at the service window's ends
				shiftToWindowEnd(rng, c)
			}
			var excused func(int) bool
			if rng.IntN(2) == 0 {
				excused = func(first int) bool { return first%2 == 0 }
			}
			rounds := detect.Rounds(c)
			want := conversationKPIRef(&sRef, c, rounds, cfg, loc, excused)
			if got := ConversationKPIWith(&s, c, rounds, cfg, loc, excused); !reflect.DeepEqual(got, want) {
				t.Fatalf("seed %d conversation %d:\n got %+v\nwant %+v", seed, n, got, want)
			}
			if got := ConversationKPIWith(nil, c, rounds, cfg, loc, excused); !reflect.DeepEqual(got, conversationKPIRef(nil, c, rounds, cfg, loc, excused)) {
				t.Fatalf("seed %d conversation %d without a Scratch:\n got %+v", seed, n, got)
			}
			if got := ConversationKPIFigures(&sFig, c, rounds, cfg, loc, excused); !reflect.DeepEqual(figures(got), figures(want)) {
				t.Fatalf("seed %d conversation %d, figures only:\n got %+v\nwant %+v", seed, n, got, want)
			}
		}
	}
}

// figures is k's exported figures alone (every exported field, the
// unexported ones zero), what ConversationKPIFigures must give as
// ConversationKPIWith does.
func figures(k KPI) KPI {
	var f KPI
	kv, fv := reflect.ValueOf(k), reflect.ValueOf(&f).Elem()
	for i := range kv.NumField() {
		if kv.Type().Field(i).IsExported() {
			fv.Field(i).Set(kv.Field(i))
		}
	}
	return f
}

// shiftToWindowEnd moves c's times so that a customer message with a time
// falls on an end of a service window (08:00, 23:00, 10:00 or 12:30 in
// UTC+8), or a second either side.
func shiftToWindowEnd(rng *rand.Rand, c *conversation.Conversation) {
	var at time.Time
	for _, m := range c.Messages {
		if m.Role == conversation.RoleCustomer && m.HasTime() {
			at = m.At
			if rng.IntN(2) == 0 {
				break
			}
		}
	}
	if at.IsZero() {
		return
	}
	end := []int{0, 15 * 3600, 2 * 3600, 4*3600 + 1800}[rng.IntN(4)] + rng.IntN(3) - 1
	y, mo, d := at.Date()
	to := time.Date(y, mo, d, 0, 0, end, 0, time.UTC)
	for i := range c.Messages {
		if c.Messages[i].HasTime() {
			c.Messages[i].At = c.Messages[i].At.Add(to.Sub(at))
		}
	}
}
