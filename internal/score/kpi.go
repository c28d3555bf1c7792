package score

import (
	"math"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// KPI holds one conversation's inputs to the platform KPIs, as written in
// scan output ("kpi"). Times are in seconds; pointers are nil when the
// conversation has no timestamps or no such event, so aggregates exclude
// rather than guess.
type KPI struct {
	Day             string   `json:"day,omitempty"` // local date of the first timestamp
	FirstResponseS  *float64 `json:"first_response_s,omitempty"`
	MeanResponseS   *float64 `json:"mean_response_s,omitempty"`
	Rounds          int      `json:"rounds"`
	Unanswered      int      `json:"unanswered_rounds"`
	SlowRounds      int      `json:"slow_rounds"`
	WindowRounds    int      `json:"window_rounds"`      // rounds opened inside the service window (timed only)
	WindowAnswered3 int      `json:"window_answered_3m"` // of those, answered by a human within 3 minutes
	ReplyOK         bool     `json:"reply_ok"`           // no round unanswered or answered after reply_within
	CustomerMsgs    int      `json:"customer_messages"`
	AgentMsgs       int      `json:"agent_messages"`
	BotMsgs         int      `json:"bot_messages"`
	DurationS       *float64 `json:"duration_s,omitempty"`
	Long            bool     `json:"long"`

	rounds []roundKPI // per round, for per-agent aggregation
	start  time.Time
	slow   time.Duration
	within time.Duration
	// agents and mainAgent are Agents of the conversation, found with
	// the rest on the scan's worker so that the serial aggregation does
	// not list them (twice: the summary and the KPI groups); haveAgents
	// says they were.
	agents     []AgentCount
	mainAgent  string
	haveAgents bool
	// all is what a group taking every round counts of them, added up
	// here on the worker.
	all roundTotals
	// custDay is custDayKey of the conversation and Day, hashed here on
	// the worker for the aggregation's customer-days; haveCustDay says it
	// was.
	custDay     uint64
	haveCustDay bool
}

// roundTotals are the counts a group that takes all of a conversation's
// rounds (the total, a day, a vendor, a shop) adds: Group.add adds them at
// once instead of going through the rounds for each such group. They are
// kept beside the exported counts, which a KPI made otherwise may hold
// without its rounds.
type roundTotals struct {
	slow, window, window3, timed int  // as Group.add counts them
	answered, late               bool // a round was answered; one was unanswered or rd.late
}

// AgentsOf is Agents(c) for the conversation k was computed from: the
// list found with the KPIs when there is one, else Agents(c).
func (k *KPI) AgentsOf(c *conversation.Conversation) ([]AgentCount, string) {
	if k.haveAgents {
		return k.agents, k.mainAgent
	}
	return Agents(c)
}

type roundKPI struct {
	agent    string // replying agent, "" when unanswered
	answered bool
	timed    bool
	wait     time.Duration
	window   bool
	// What the aggregation reads of an answered round with both times,
	// worked out here on the scan's worker: the aggregation adds each
	// round to every group of its conversation (some seven) on the one
	// goroutine that aggregates.
	sec    float64 // wait.Seconds()
	bucket int32   // bucketOf(sec), its waiting-time histogram bucket
	late   bool    // sec is over reply_within's seconds
}

// ConversationKPI computes the KPI inputs of one conversation. excused, if
// not nil, names rounds (by their first message) that need no answer, such
// as a closing "好的谢谢"; they are left out of every round-based KPI.
func ConversationKPI(c *conversation.Conversation, cfg KPIConfig, loc *time.Location, excused func(first int) bool) KPI {
	return ConversationKPIOf(c, detect.Rounds(c), cfg, loc, excused)
}

// ConversationKPIOf is ConversationKPI for rounds already cut by
// detect.Rounds, as the detector engine does once per conversation.
func ConversationKPIOf(c *conversation.Conversation, rounds []detect.Round, cfg KPIConfig, loc *time.Location, excused func(first int) bool) KPI {
	return ConversationKPIWith(nil, c, rounds, cfg, loc, excused)
}

// Scratch is what one goroutine computing KPIs conversation after
// conversation keeps between them: the last day string, which a log in
// time order repeats for thousands of conversations in a row, so each
// does not build its own. The zero value is ready; it must not be shared
// between goroutines.
type Scratch struct {
	y, d int
	m    time.Month
	day  string
	// The service window parsed for winFor's start and end strings:
	// parsing "08:00" and "23:00" (time.Parse) for every conversation
	// was a quarter of ConversationKPIWith.
	winFor           [2]string
	winStart, winEnd time.Duration
	haveWin          bool
	// stores and deds are slabs the conversations' KPI stores and
	// deductions are cut from: one allocation for many conversations
	// instead of one each (two a conversation, a tenth of a scan's
	// allocations outside the detectors). What is cut out is never
	// handed out again, so a result may be kept as long as its holder
	// likes; it keeps its slab (some 16 KB) alive with it.
	stores []kpiStore
	deds   []Deduction
	// zone is the zone span of the location where the last time asked
	// fell (a round's first message for the service window's test, or a
	// day's first time for dayAt), kept from conversation to conversation.
	zone zoneSpan
	// dn is the local day number (Unix days) of day, for dayAt.
	dn     int64
	haveDN bool
}

// zoneSpan is one zone of a location with the span of time it is in
// effect, for the second of the day of times in that span without the
// zone look-up of t.In(loc).Clock(), which took some hundred instructions
// for every round's service-window test.
type zoneSpan struct {
	loc        *time.Location
	off        int64 // the zone's offset, seconds east of UTC
	start, end int64 // Unix seconds: [start, end) is where it is in effect
}

// holds reports whether z is loc's zone at Unix second u.
func (z *zoneSpan) holds(u int64, loc *time.Location) bool {
	return z.loc == loc && u >= z.start && u < z.end
}

// secOfDay is the second of the day of the time at Unix second u, in
// the zone z holds (find it first when z does not hold it): its seconds
// with the zone's offset, modulo a day (floored, as Clock's absolute
// seconds are), which is h*3600+m*60+s of t.In(loc).Clock() without its
// zone look-up; TestZoneSpanSecOfDay holds the two to each other. Times
// are taken to lie within some 2^56 seconds (two billion years) of 1970,
// as any a reader makes do: the sums neither overflow nor go negative.
func (z *zoneSpan) secOfDay(u int64) int64 {
	// Shifted by a whole number of days to be positive, the remainder
	// is an unsigned one (a few instructions; the signed one, floored,
	// took some fifteen).
	const shift = 86400 << 40
	return int64(uint64(u+z.off+shift) % 86400)
}

// find sets z to loc's zone in effect at t.
func (z *zoneSpan) find(t time.Time, loc *time.Location) {
	lt := t.In(loc)
	_, off := lt.Zone()
	a, b := lt.ZoneBounds()
	z.loc, z.off, z.start, z.end = loc, int64(off), math.MinInt64, math.MaxInt64
	if !a.IsZero() {
		z.start = a.Unix()
	}
	if !b.IsZero() {
		z.end = b.Unix()
	}
}

// Slab sizes: kpiStores (about 520 bytes each) and deductions (72 bytes)
// per allocation, each slab under 20 KB.
const (
	storeSlab = 32
	dedSlab   = 256
)

// store returns a zero kpiStore cut from s's slab, a new one for nil s.
func (s *Scratch) store() *kpiStore {
	if s == nil {
		return new(kpiStore)
	}
	if len(s.stores) == 0 {
		s.stores = make([]kpiStore, storeSlab)
		// Written through at once, so that no page of the slab is read
		// before it is written (see ingest's idTable.grow: a page read
		// first is faulted in again at its first write, with the other
		// CPU's TLB flushed by an interrupt; about 3,700 of them in a
		// 126,400-chat scan came from here).
		clear(s.stores)
	}
	st := &s.stores[0]
	s.stores = s.stores[1:]
	return st
}

// deductions returns an empty slice with room for n deductions, cut from
// s's slab (capped at n, so that an append past it moves the slice out
// instead of writing over the next one's room); made anew for nil s.
func (s *Scratch) deductions(n int) []Deduction {
	if s == nil {
		return make([]Deduction, 0, n)
	}
	if len(s.deds) < n {
		s.deds = make([]Deduction, max(dedSlab, n))
	}
	ds := s.deds[:0:n]
	s.deds = s.deds[n:]
	return ds
}

// ConversationKPIWith is ConversationKPIOf reusing s (which may be nil).
func ConversationKPIWith(s *Scratch, c *conversation.Conversation, rounds []detect.Round, cfg KPIConfig, loc *time.Location, excused func(first int) bool) KPI {
	return conversationKPI(s, c, rounds, cfg, loc, excused, true)
}

// ConversationKPIFigures is ConversationKPIWith for a caller that reads
// only the KPI's exported figures, as scan output writes them, and
// aggregates none (a scan writing JSON Lines results without a report):
// the figures are the same (TestConversationKPIMatchesRef), but what
// only the aggregation reads (each round's own figures, the agents and
// main agent, the customer-day key) is not worked out, so the KPI must
// not go to an Aggregator or a report Builder.
func ConversationKPIFigures(s *Scratch, c *conversation.Conversation, rounds []detect.Round, cfg KPIConfig, loc *time.Location, excused func(first int) bool) KPI {
	return conversationKPI(s, c, rounds, cfg, loc, excused, false)
}

// conversationKPI is ConversationKPIWith, and ConversationKPIFigures
// when agg is false.
func conversationKPI(s *Scratch, c *conversation.Conversation, rounds []detect.Round, cfg KPIConfig, loc *time.Location, excused func(first int) bool, agg bool) KPI {
	var k KPI
	// The optional seconds, the rounds and the agents of a conversation of
	// usual length share one kpiStore (they took up to five allocations),
	// cut from s's slab.
	st := s.store()
	// The messages by role and the agents' list (agentsInto's loop, here
	// so that the messages are read once, not twice).
	agents := st.agents[:0:len(st.agents)]
	for i := range c.Messages {
		m := &c.Messages[i]
		switch m.Role {
		case conversation.RoleCustomer:
			k.CustomerMsgs++
		case conversation.RoleAgent:
			k.AgentMsgs++
			if agg && m.Agent != "" {
				agents = countAgent(agents, m.Agent)
			}
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
	secs := &st.secs
	k.rounds = st.rounds[:0:len(st.rounds)]
	if agg && len(rounds) > len(st.rounds) {
		k.rounds = make([]roundKPI, 0, len(rounds))
	}
	withinS := within.Seconds()
	var spare roundKPI
	// Each round is taken from k.rounds' zero room and filled in place
	// (a roundKPI built on the side was appended, some sixty bytes), read
	// through a pointer (ranging copied each Round), and the tests that
	// hang on whether it was answered are asked once.
	// TestConversationKPIMatchesRef holds the loop to the one it replaces.
	for ri := range rounds {
		r := &rounds[ri]
		answered := r.Reply >= 0
		if !answered && excused != nil && excused(r.First) {
			continue
		}
		// k.rounds has room for every round, zero (cut from a new
		// kpiStore or made): one more is taken as it is. Without agg,
		// the round's own figures go to spare, which nothing reads.
		rk := &spare
		if agg {
			k.rounds = k.rounds[:len(k.rounds)+1]
			rk = &k.rounds[len(k.rounds)-1]
		}
		rk.answered, rk.timed, rk.wait = answered, r.HasTimes, r.Wait
		k.Rounds++
		if !answered {
			k.Unanswered++
			k.ReplyOK = false
			k.all.late = true
		} else {
			if agg {
				rk.agent = c.Messages[r.Reply].Agent
			}
			k.all.answered = true
		}
		if first := &c.Messages[r.First]; first.HasTime() {
			// inWindow, loc's zone looked up once for its span.
			u := first.At.Unix()
			if !zone.holds(u, loc) {
				zone.find(first.At, loc)
			}
			d := time.Duration(zone.secOfDay(u)) * time.Second
			if d >= winStart && d < winEnd {
				rk.window = true
				k.WindowRounds++
				k.all.window++
				if answered && r.HasTimes && r.Wait <= slow {
					k.WindowAnswered3++
					k.all.window3++
				}
			}
		}
		if answered && r.HasTimes {
			sec := r.Wait.Seconds()
			rk.sec = sec
			if agg {
				rk.bucket = bucketOf(sec)
			}
			rk.late = sec > withinS
			k.all.late = k.all.late || rk.late
			k.all.timed++
			if r.Wait > slow {
				k.SlowRounds++
				k.all.slow++
			}
			if ri == 0 {
				secs[0] = sec
				k.FirstResponseS = &secs[0]
			}
			if r.Wait > within {
				k.ReplyOK = false
			}
			sum += r.Wait
			n++
		}
	}
	if n > 0 {
		secs[1] = (sum / time.Duration(n)).Seconds()
		k.MeanResponseS = &secs[1]
	}
	if len(c.Messages) > 1 {
		a, b := c.Messages[0].At, c.Messages[len(c.Messages)-1].At
		if !a.IsZero() && !b.IsZero() {
			d := conversation.Elapsed(a, b)
			secs[2] = d.Seconds()
			k.DurationS = &secs[2]
			k.Long = d > time.Duration(cfg.LongDuration)
		}
	}
	k.Long = k.Long || len(c.Messages) > cfg.LongMessages
	if !agg {
		return k
	}
	k.agents, k.mainAgent = mainAgentOf(agents)
	k.haveAgents = true
	k.custDay, k.haveCustDay = custDayKey(c, k.Day), true
	return k
}

// window is cfg.window(), parsed again only when the configured strings
// differ from the last ones.
func (s *Scratch) window(cfg KPIConfig) (start, end time.Duration) {
	if s == nil {
		return cfg.window()
	}
	if !s.haveWin || s.winFor != [2]string{cfg.ServiceStart, cfg.ServiceEnd} {
		s.winStart, s.winEnd = cfg.window()
		s.winFor, s.haveWin = [2]string{cfg.ServiceStart, cfg.ServiceEnd}, true
	}
	return s.winStart, s.winEnd
}

// dayAt is s.dayOf(t.In(loc)), the day told by its number in the zone
// span s keeps (the local seconds floored to days) instead of by t's date,
// which Date works out from a zone look-up: the same day string,
// read again only when the day differs from the last.
func (s *Scratch) dayAt(t time.Time, loc *time.Location) string {
	if s == nil {
		return dayOf(t.In(loc))
	}
	u := t.Unix()
	if !s.zone.holds(u, loc) {
		s.zone.find(t, loc)
	}
	dn := u + s.zone.off
	if dn < 0 {
		dn -= 86400 - 1
	}
	dn /= 86400
	if !s.haveDN || dn != s.dn {
		s.dayOf(t.In(loc))
		s.dn, s.haveDN = dn, true
	}
	return s.day
}

// dayOf is dayOf(t), the string of the day before when it is the same.
func (s *Scratch) dayOf(t time.Time) string {
	if s == nil {
		return dayOf(t)
	}
	if y, m, d := t.Date(); s.day == "" || y != s.y || m != s.m || d != s.d {
		s.y, s.m, s.d, s.day = y, m, d, dayOf(t)
	}
	return s.day
}

// dayOf is t.Format("2006-01-02") without the layout interpreter: it runs
// once per conversation.
func dayOf(t time.Time) string {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.Format("2006-01-02")
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + int(m)/10), byte('0' + int(m)%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// kpiStore is the memory ConversationKPIOf fills for one conversation:
// JDDC-like chats have about five rounds and one or two agents, and a
// longer one grows its slices out of it.
type kpiStore struct {
	secs   [3]float64
	rounds [8]roundKPI
	agents [2]AgentCount
}
