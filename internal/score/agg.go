package score

import (
	"slices"
	"sort"

	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
)

// Record is what the aggregator needs of one scanned conversation.
type Record struct {
	Conv  *conversation.Conversation
	KPI   KPI
	Score int
	Fatal bool
	Codes []string // distinct finding codes
	// CodeNums, when not nil, holds the numbers of Codes in the
	// aggregator's numbering (Aggregator.Numbering), given by a caller
	// that numbered them already (report.Builder, for its summary): Add
	// then does not look them up again.
	CodeNums []int
	NegMsgs  int // customer messages with negative emotion
	EmoMsgs  int // customer messages with an emotion label
	NegScore []float32
}

// Group accumulates the KPIs of one slice of conversations (one agent, one
// day, one vendor …). Ratios are computed by KPIs().
type Group struct {
	Key           string
	conversations int
	firstSum      float64
	firstN        int
	noHuman       int
	respSum       float64
	respN         int
	rounds        int
	slow          int
	winRounds     int
	win3          int
	custDays      custDays // customer|day → replied in time so far, got a human reply
	custMsgs      int
	agentMsgs     int
	long          int
	rated         int
	satisfied     int
	orderKnown    int
	ordered       int
	refundKnown   int
	refunded      int
	owned         int // conversations whose conversation-level figures this group holds
	scoreSum      int
	fatal         int
	codes         []int               // conversations by finding code, indexed by its number in names
	names         *codebook.Numbering // the aggregator's, shared by its groups
	emoMsgs       int
	negMsgs       int
	firstHist     waitHist // first-response waits, for their median and p90
	respHist      waitHist // every answered round's wait
}

func newGroup(key string, names *codebook.Numbering) *Group {
	return &Group{Key: key, names: names}
}

// share is the part of a record a group receives: all of it, or (for an
// agent or a team) the rounds its agents answered, plus the unanswered
// rounds and the conversation-level figures when it holds the main agent.
type share struct {
	whole   bool
	member  func(agent string) bool // for agent and team groups: whose rounds count
	main    bool                    // the group holds the conversation's main agent
	custDay uint64                  // hashKey of the customer and day, made once per conversation
	codes   []int                   // the record's distinct codes' numbers
}

func (g *Group) add(r *Record, s share) {
	k := &r.KPI
	c := r.Conv
	g.conversations++
	var flags uint8 // of the customer-day
	humanReply := k.all.answered
	if s.whole {
		// Every round is the group's: the counts the KPIs hold already,
		// the sums and histograms round by round (in order, so that
		// every sum adds the same numbers in the same order).
		g.rounds += len(k.rounds)
		g.slow += k.all.slow
		g.winRounds += k.all.window
		g.win3 += k.all.window3
		g.respN += k.all.timed
		for i := range k.rounds {
			rd := &k.rounds[i]
			if rd.answered && rd.timed {
				g.respSum += rd.sec
				if !g.respHist.addLow(rd.bucket, rd.sec) {
					g.respHist.addAt(rd.bucket, rd.sec)
				}
				if i == 0 {
					g.firstSum += rd.sec
					g.firstN++
					if !g.firstHist.addLow(rd.bucket, rd.sec) {
						g.firstHist.addAt(rd.bucket, rd.sec)
					}
				}
			}
		}
		if k.all.late {
			flags |= cdLate
		}
		if humanReply {
			flags |= cdReceived
		}
	} else {
		answeredBy := false
		for i := range k.rounds {
			rd := &k.rounds[i]
			if !(rd.answered && s.member(rd.agent)) && (rd.answered || !s.main) {
				continue
			}
			g.rounds++
			if !rd.answered {
				flags |= cdLate
			} else {
				answeredBy = true
			}
			if rd.answered && rd.timed {
				g.respSum += rd.sec
				g.respN++
				if !g.respHist.addLow(rd.bucket, rd.sec) {
					g.respHist.addAt(rd.bucket, rd.sec)
				}
				if rd.wait > k.slow {
					g.slow++
				}
				if rd.late {
					flags |= cdLate
				}
				if i == 0 {
					g.firstSum += rd.sec
					g.firstN++
					if !g.firstHist.addLow(rd.bucket, rd.sec) {
						g.firstHist.addAt(rd.bucket, rd.sec)
					}
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

// KPIs are one group's figures, as written in the JSON KPI report. A nil
// pointer is a KPI the data cannot give (no timestamps, no ratings, no
// order outcomes): it is reported as null, never guessed.
//
// For an agent, Conversations counts every conversation the agent wrote in;
// rounds (response times, 3分钟响应率, 回复率) count for the agent who
// answered them, unanswered rounds for the main agent (see Agents), and the
// conversation-level figures (no_human_reply, 答问比, satisfaction,
// conversion, mean score, fatal, finding shares) only for the main agent.
//
// Waiting times come with their median (p50, the lower middle value) and
// 90th percentile beside the mean, since one forgotten chat moves a mean
// by minutes; the _n fields are the sample sizes behind each figure, which
// contracts check against their minimum sample.
type KPIs struct {
	Key               string             `json:"key"`
	Conversations     int                `json:"conversations"`
	FirstResponseS    *float64           `json:"first_response_s"`
	FirstResponseP50S *float64           `json:"first_response_p50_s"`
	FirstResponseP90S *float64           `json:"first_response_p90_s"`
	FirstResponseN    int                `json:"first_response_n"`
	NoHumanReply      int                `json:"no_human_reply"`
	MeanResponseS     *float64           `json:"mean_response_s"`
	ResponseP50S      *float64           `json:"response_p50_s"`
	ResponseP90S      *float64           `json:"response_p90_s"`
	ResponseN         int                `json:"response_n"` // answered rounds with both times
	Rounds            int                `json:"rounds"`
	SlowRounds        int                `json:"slow_rounds"`
	ResponseRate3m    *float64           `json:"response_rate_3m"`
	WindowRounds      int                `json:"window_rounds"` // rounds opened in service hours, the 3分钟率's base
	ReplyRate         *float64           `json:"reply_rate"`
	AnswerRatio       *float64           `json:"answer_ratio"`
	Consulted         int                `json:"consulted"`
	Received          int                `json:"received"`
	LongConversations int                `json:"long_conversations"`
	Satisfaction      *float64           `json:"satisfaction"`
	Rated             int                `json:"rated"`
	ConversionRate    *float64           `json:"conversion_rate"`
	OrderKnown        int                `json:"order_known"` // conversations with an order outcome
	Refunds           *int               `json:"refunds"`
	MeanScore         *float64           `json:"mean_score"`
	Scored            int                `json:"scored"` // conversations behind mean_score
	Fatal             int                `json:"fatal"`
	NegativeShare     *float64           `json:"negative_share"`
	EmotionMessages   int                `json:"emotion_messages"` // customer messages scored for emotion
	FindingShare      map[string]float64 `json:"finding_share"`
}

// Rounded returns the figures rounded for display: seconds to a tenth,
// ratios and shares to four decimals, so a report shows 0.1, never
// 0.09999999999999998. Aggregation keeps full precision; writers round.
func (k KPIs) Rounded() KPIs {
	for _, p := range []**float64{&k.FirstResponseS, &k.FirstResponseP50S, &k.FirstResponseP90S,
		&k.MeanResponseS, &k.ResponseP50S, &k.ResponseP90S, &k.MeanScore} {
		*p = roundPtr(*p, 1)
	}
	for _, p := range []**float64{&k.ResponseRate3m, &k.ReplyRate, &k.AnswerRatio, &k.Satisfaction,
		&k.ConversionRate, &k.NegativeShare} {
		*p = roundPtr(*p, 4)
	}
	if k.FindingShare != nil {
		fs := make(map[string]float64, len(k.FindingShare))
		for c, v := range k.FindingShare {
			fs[c] = roundTo(v, 4)
		}
		k.FindingShare = fs
	}
	return k
}

func ratio(a, b int) *float64 {
	if b == 0 {
		return nil
	}
	v := float64(a) / float64(b)
	return &v
}

func mean(sum float64, n int) *float64 {
	if n == 0 {
		return nil
	}
	v := sum / float64(n)
	return &v
}

// KPIs computes the group's figures.
func (g *Group) KPIs() KPIs {
	k := KPIs{Key: g.Key, Conversations: g.conversations, FirstResponseN: g.firstN, NoHumanReply: g.noHuman,
		Rounds: g.rounds, SlowRounds: g.slow,
		LongConversations: g.long, Rated: g.rated, Fatal: g.fatal, FindingShare: map[string]float64{},
		ResponseN: g.respN, WindowRounds: g.winRounds, OrderKnown: g.orderKnown, Scored: g.owned, EmotionMessages: g.emoMsgs}
	k.FirstResponseS = mean(g.firstSum, g.firstN)
	k.FirstResponseP50S, k.FirstResponseP90S = g.firstHist.quantile(0.5), g.firstHist.quantile(0.9)
	k.MeanResponseS = mean(g.respSum, g.respN)
	k.ResponseP50S, k.ResponseP90S = g.respHist.quantile(0.5), g.respHist.quantile(0.9)
	k.ResponseRate3m = ratio(g.win3, g.winRounds)
	var ok int
	k.Consulted, ok, k.Received = g.custDays.counts()
	k.ReplyRate = ratio(ok, k.Consulted)
	k.AnswerRatio = ratio(g.agentMsgs, g.custMsgs)
	k.Satisfaction = ratio(g.satisfied, g.rated)
	k.ConversionRate = ratio(g.ordered, g.orderKnown)
	if g.refundKnown > 0 {
		n := g.refunded
		k.Refunds = &n
	}
	k.MeanScore = mean(float64(g.scoreSum), g.owned)
	k.NegativeShare = ratio(g.negMsgs, g.emoMsgs)
	for code, n := range g.codes {
		if n > 0 {
			k.FindingShare[g.names.Names()[code]] = float64(n) / float64(g.owned)
		}
	}
	return k
}

// Aggregator groups records by total, day, agent, team, vendor and shop.
type Aggregator struct {
	cfg   Config
	team  map[string]string
	Total *Group
	dims  map[string]map[string]*Group
	// byDay … byVendorDay are dims' maps, without a look-up of the dimension
	// for every group of every conversation.
	byDay, byAgent, byTeam, byVendor, byShop, byVendorDay map[string]*Group
	// names numbers the finding codes, so that a group counts them in a
	// slice: Add looks each of a conversation's codes up once, where every
	// group's map of codes took one look-up per group (some seven) for each.
	names codebook.Numbering
	codes []int  // Add's record's code numbers, reused
	key   []byte // builds the vendor_day key, which becomes a string only for a new group
}

// Numbering is the aggregator's numbering of finding codes, for a caller
// that numbers a record's codes itself (Record.CodeNums) to count them in
// its own slices too: one look-up of each code a conversation, not one
// for the caller and one for Add. Numbers it gives out are the
// aggregator's: the caller must not number anything else with it.
func (a *Aggregator) Numbering() *codebook.Numbering { return &a.names }

// Dimensions lists the groupings of the KPI report. "vendor_day" keys are
// "vendor day" (one space), for checking vendor contracts day by day.
func Dimensions() []string {
	return []string{"day", "agent", "team", "vendor", "shop", "vendor_day"}
}

// NewAggregator starts an empty aggregation.
func NewAggregator(cfg Config) *Aggregator {
	a := &Aggregator{cfg: cfg, team: map[string]string{}, dims: map[string]map[string]*Group{}}
	a.Total = newGroup("total", &a.names)
	for t, agents := range cfg.Teams {
		for _, ag := range agents {
			a.team[ag] = t
		}
	}
	for _, d := range Dimensions() {
		a.dims[d] = map[string]*Group{}
	}
	a.byDay, a.byAgent, a.byTeam, a.byVendor, a.byShop, a.byVendorDay = a.dims["day"], a.dims["agent"], a.dims["team"],
		a.dims["vendor"], a.dims["shop"], a.dims["vendor_day"]
	return a
}

// group returns the group of key in dim (one of a's dimension maps),
// adding it when new.
func (a *Aggregator) group(dim map[string]*Group, key string) *Group {
	g := dim[key]
	if g == nil {
		g = newGroup(key, &a.names)
		dim[key] = g
	}
	return g
}

// Add counts one conversation. Conversation-level figures (rating, score,
// findings, messages) go to the agent who wrote most of the agent
// messages; rounds go to the agent who answered them, and unanswered
// rounds to the main agent. Teams add up their members the same way.
func (a *Aggregator) Add(r *Record) {
	c := r.Conv
	a.codes = a.codes[:0]
	if r.CodeNums != nil && len(r.CodeNums) == len(r.Codes) {
		a.codes = append(a.codes, r.CodeNums...)
	} else {
		for _, code := range r.Codes {
			a.codes = append(a.codes, a.names.Number(code))
		}
	}
	// The customer-day's key, hashed with the KPIs on the scan's worker
	// (an unknown customer: each conversation is its own).
	custDay := r.KPI.custDay
	if !r.KPI.haveCustDay {
		custDay = custDayKey(c, r.KPI.Day)
	}
	whole := share{whole: true, custDay: custDay, codes: a.codes}
	a.Total.add(r, whole)
	day := r.KPI.Day
	if day == "" {
		day = "(no time)"
	}
	a.group(a.byDay, day).add(r, whole)
	if c.Vendor != "" {
		a.group(a.byVendor, c.Vendor).add(r, whole)
		a.key = append(append(append(a.key[:0], c.Vendor...), ' '), day...)
		g := a.byVendorDay[string(a.key)] // no string made for the look-up
		if g == nil {
			g = a.group(a.byVendorDay, string(a.key))
		}
		g.add(r, whole)
	}
	if c.Shop != "" {
		a.group(a.byShop, c.Shop).add(r, whole)
	}
	agents, main := r.KPI.AgentsOf(c)
	var seen [4]string
	teams := seen[:0] // the teams counted: a conversation has few
	for _, ac := range agents {
		ag := ac.Agent
		s := share{member: func(x string) bool { return x == ag }, main: ag == main, custDay: custDay, codes: a.codes}
		a.group(a.byAgent, ag).add(r, s)
		// A team is counted like one agent made of its members: the rounds
		// they answered, and the conversation-level figures when the main
		// agent is one of them.
		if t, ok := a.team[ag]; ok && !slices.Contains(teams, t) {
			teams = append(teams, t)
			mt, mainOK := a.team[main]
			s := share{member: func(x string) bool { tx, ok := a.team[x]; return ok && tx == t },
				main: mainOK && mt == t, custDay: custDay, codes: a.codes}
			a.group(a.byTeam, t).add(r, s)
		}
	}
}

// By returns a dimension's groups' KPIs: days (and vendor days) in date
// order, agents, teams, vendors and shops by volume, most conversations
// first (then by key), so the people who carry the load lead every table.
func (a *Aggregator) By(dim string) []KPIs {
	var out []KPIs
	for _, g := range a.dims[dim] {
		out = append(out, g.KPIs())
	}
	byKey := dim == "day" || dim == "vendor_day"
	sort.Slice(out, func(i, j int) bool {
		if !byKey && out[i].Conversations != out[j].Conversations {
			return out[i].Conversations > out[j].Conversations
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// AgentCount is one agent's number of messages in a conversation.
type AgentCount struct {
	Agent    string
	Messages int
}

// Agents returns the named agents who wrote in c, in order of their first
// message with their message counts, and the main agent: the one with most
// messages, the earliest among equals. Conversation-level figures (score,
// findings, rating, 答问比) are attributed to the main agent everywhere.
func Agents(c *conversation.Conversation) (agents []AgentCount, main string) {
	return agentsInto(nil, c)
}

// agentsInto is Agents appending the list to agents (empty), whose room
// it uses before allocating; nil when no named agent wrote.
// ConversationKPIWith makes the same list in its own loop over the
// messages (TestConversationKPIMatchesRef holds it to this one).
func agentsInto(agents []AgentCount, c *conversation.Conversation) ([]AgentCount, string) {
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.Role != conversation.RoleAgent || m.Agent == "" {
			continue
		}
		agents = countAgent(agents, m.Agent)
	}
	return mainAgentOf(agents)
}

// mainAgentOf returns the list agentsInto made (nil when empty) and its
// main agent: the one with most messages, the earliest among equals.
func mainAgentOf(agents []AgentCount) ([]AgentCount, string) {
	var main string
	best := 0
	for _, a := range agents {
		if a.Messages > best {
			main, best = a.Agent, a.Messages
		}
	}
	if len(agents) == 0 {
		agents = nil // as before: no named agent, no list
	}
	return agents, main
}

// countAgent counts one more message of agent in agents (in order of first
// message, a conversation has few), adding the agent when it is new.
func countAgent(agents []AgentCount, agent string) []AgentCount {
	k := 0
	for k < len(agents) && agents[k].Agent != agent {
		k++
	}
	if k == len(agents) {
		agents = append(agents, AgentCount{Agent: agent})
	}
	agents[k].Messages++
	return agents
}
