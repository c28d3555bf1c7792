package report

import (
	"container/heap"
	"slices"
	"sort"

	"fullqa/internal/codebook"
	"fullqa/internal/conversation"
	"fullqa/internal/scan"
)

// Summary aggregates a scan as it streams by, keeping only counts and the
// riskiest conversations, so a report over millions of chats stays small.
type Summary struct {
	Conversations int
	Messages      int
	Rejected      int
	Findings      int
	ScoreSum      int
	ByCode        map[string]int
	BySeverity    map[string]int
	ConvsByCode   map[string]int // conversations with at least one finding of the code
	Tags          map[string]int
	Agents        map[string]*AgentStats
	Riskiest      []*Risky // filled by Finish, riskiest first
	ScoreBuckets  [10]int  // 0-9, 10-19, …, 90-100

	top   riskHeap
	limit int
	// The finding codes met, numbered in order, and the counts Finish
	// puts in ByCode, ConvsByCode and BySeverity: a conversation's codes
	// are numbered once (a map look-up each) and its findings counted in
	// slices, where three maps were written for every finding on the
	// scan's one aggregating goroutine.
	// codeNums is own, or the numbering of the Builder's aggregator
	// (useNumbering): the Builder numbers a conversation's codes once for
	// both.
	codeNums    *codebook.Numbering
	own         codebook.Numbering
	byCode      []int
	convsByCode []int
	bySeverity  [256]int // by conversation.Severity
}

// AgentStats counts one agent's conversations and findings.
type AgentStats struct {
	Agent         string
	Conversations int
	Messages      int
	Findings      map[string]int // filled by Summary.Finish
	ScoreSum      int
	codes         []int // findings by code number, for Findings
}

// Risky is one conversation kept for the report with its evidence.
type Risky struct {
	ID       string
	Score    int
	Agents   []string
	Findings []conversation.Finding
	Texts    map[int]string // message number → text, for the quoted evidence
	Roles    map[int]string
	// Emotion is the negative-emotion probability of each customer message
	// in order, for the emotion curve; empty without an emotion model.
	Emotion []float32
	worst   conversation.Severity
	seq     int
}

// NewSummary keeps the limit riskiest conversations.
func NewSummary(limit int) *Summary {
	s := &Summary{ByCode: map[string]int{}, BySeverity: map[string]int{}, ConvsByCode: map[string]int{},
		Tags: map[string]int{}, Agents: map[string]*AgentStats{}, limit: limit}
	s.codeNums = &s.own
	return s
}

// useNumbering makes s number finding codes with n (a Builder's
// aggregator's), before anything is added.
func (s *Summary) useNumbering(n *codebook.Numbering) { s.codeNums = n }

// counted makes room in the code counts for number n: a shared numbering
// may have given out numbers s has not met.
func (s *Summary) counted(n int) {
	for n >= len(s.byCode) { // new: its counts start at zero
		s.byCode = append(s.byCode, 0)
		s.convsByCode = append(s.convsByCode, 0)
	}
}

// distinctCodes appends to codes the distinct codes of fs in the order
// they first come, and to codeOf each finding's code's place among them:
// the summary counts a finding by its code's number without looking for
// the code again. A conversation has a few distinct codes (there are only
// some dozens): a look through those found is cheaper than a map.
func distinctCodes(fs []conversation.Finding, codes []string, codeOf []int) ([]string, []int) {
	for i := range fs {
		j := slices.Index(codes, fs[i].Code)
		if j < 0 {
			j = len(codes)
			codes = append(codes, fs[i].Code)
		}
		codeOf = append(codeOf, j)
	}
	return codes, codeOf
}

// Add counts one result.
func (s *Summary) Add(r *scan.Result) {
	codes, codeOf := distinctCodes(r.Findings, nil, nil)
	var nb [8]int
	nums := nb[:0]
	if r.Err == nil {
		for _, code := range codes {
			nums = append(nums, s.codeNums.Number(code))
		}
	}
	s.add(r, nums, codeOf)
}

// add is Add given the numbers (in s.codeNums) of the result's distinct
// finding codes and each finding's code's place among them
// (distinctCodes), which the Builder has already worked out.
func (s *Summary) add(r *scan.Result, nums []int, codeOf []int) {
	if r.Err != nil {
		s.Rejected++
		return
	}
	c := r.Conv
	s.Conversations++
	s.Messages += len(c.Messages)
	s.ScoreSum += r.Score
	b := r.Score / 10
	if b > 9 {
		b = 9
	}
	s.ScoreBuckets[b]++
	for _, t := range r.Tags {
		s.Tags[t.Name]++
	}
	for _, n := range nums {
		s.counted(n)
		s.convsByCode[n]++
	}
	var worst conversation.Severity
	for i := range r.Findings { // by index: a Finding is some dozen words
		f := &r.Findings[i]
		s.Findings++
		s.byCode[nums[codeOf[i]]]++
		s.bySeverity[f.Severity]++
		if f.Severity > worst {
			worst = f.Severity
		}
	}
	// Agents: each agent who wrote in the conversation; a finding counts for
	// the agent of the first agent message among its evidence, else for the
	// conversation's main agent.
	counts, main := r.KPI.AgentsOf(c) // the same agents and main agent as the KPIs
	// The findings' agents are among counts' (main too): their stats are
	// found in stats, a look through a few, not the map again.
	var buf [4]*AgentStats
	stats := buf[:0]
	for _, ac := range counts {
		st := s.Agents[ac.Agent]
		if st == nil {
			st = &AgentStats{Agent: ac.Agent, Findings: map[string]int{}}
			s.Agents[ac.Agent] = st
		}
		st.Conversations++
		st.Messages += ac.Messages
		st.ScoreSum += r.Score
		stats = append(stats, st)
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		who := main
		for _, n := range f.Messages {
			if n < len(c.Messages) && c.Messages[n].Role == conversation.RoleAgent && c.Messages[n].Agent != "" {
				who = c.Messages[n].Agent
				break
			}
		}
		if who == "" {
			continue
		}
		var st *AgentStats
		for _, x := range stats {
			if x.Agent == who {
				st = x
				break
			}
		}
		if st == nil { // not among counts' agents (it always is)
			st = s.Agents[who]
		}
		n := nums[codeOf[i]]
		if n >= len(st.codes) {
			st.codes = append(st.codes, make([]int, n+1-len(st.codes))...)
		}
		st.codes[n]++
	}
	if s.limit <= 0 || len(r.Findings) == 0 {
		return
	}
	// Most conversations are not among the riskiest kept: they are
	// turned away before anything is allocated for them.
	cand := Risky{ID: c.ID, Score: r.Score, worst: worst, seq: s.Conversations}
	if len(s.top) == s.limit && !riskier(&cand, s.top[0]) {
		return
	}
	var agents []string
	for _, ac := range counts {
		agents = append(agents, ac.Agent)
	}
	sort.Strings(agents)
	cand.Agents = agents
	rk := new(Risky)
	*rk = cand
	rk.Findings = r.Findings
	rk.Texts, rk.Roles = map[int]string{}, map[int]string{}
	for _, f := range r.Findings {
		for _, n := range f.Messages {
			if n < len(c.Messages) {
				rk.Texts[n] = c.Messages[n].Text
				rk.Roles[n] = c.Messages[n].Role.String()
			}
		}
	}
	for i, e := range r.Emotion {
		if e.Label != "" && c.Messages[i].Role == conversation.RoleCustomer {
			rk.Emotion = append(rk.Emotion, e.Neg)
		}
	}
	heap.Push(&s.top, rk)
	if len(s.top) > s.limit {
		heap.Pop(&s.top)
	}
}

// Finish orders the riskiest conversations, riskiest first, and fills
// ByCode, ConvsByCode, BySeverity and the agents' Findings from the counts.
func (s *Summary) Finish() {
	s.ByCode, s.ConvsByCode, s.BySeverity = map[string]int{}, map[string]int{}, map[string]int{}
	names := s.codeNums.Names()
	s.counted(len(names) - 1) // a shared numbering may hold codes s never counted
	for n, code := range names {
		if s.byCode[n] > 0 {
			s.ByCode[code] = s.byCode[n]
		}
		if s.convsByCode[n] > 0 {
			s.ConvsByCode[code] = s.convsByCode[n]
		}
	}
	for sev, n := range s.bySeverity {
		if n > 0 {
			s.BySeverity[conversation.Severity(sev).String()] += n
		}
	}
	for _, st := range s.Agents {
		st.Findings = map[string]int{}
		for n, k := range st.codes {
			if k > 0 {
				st.Findings[names[n]] = k
			}
		}
	}
	s.Riskiest = append([]*Risky(nil), s.top...)
	sort.Slice(s.Riskiest, func(i, j int) bool { return riskier(s.Riskiest[i], s.Riskiest[j]) })
}

// MeanScore is the mean conversation score, 0 when nothing was scanned.
func (s *Summary) MeanScore() float64 {
	if s.Conversations == 0 {
		return 0
	}
	return float64(s.ScoreSum) / float64(s.Conversations)
}

// AgentList returns agents by most findings per conversation first.
func (s *Summary) AgentList() []*AgentStats {
	var out []*AgentStats
	for _, a := range s.Agents {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		fi, fj := out[i].Total(), out[j].Total()
		if fi*out[j].Conversations != fj*out[i].Conversations {
			return fi*out[j].Conversations > fj*out[i].Conversations
		}
		return out[i].Agent < out[j].Agent
	})
	return out
}

// Total is the agent's number of findings.
func (a *AgentStats) Total() int {
	n := 0
	for _, v := range a.Findings {
		n += v
	}
	return n
}

// CodeCount is a code with its count, for sorted listings.
type CodeCount struct {
	Code  string
	Count int
	Convs int
}

// Codes returns finding codes by count, largest first.
func (s *Summary) Codes() []CodeCount {
	var out []CodeCount
	for c, n := range s.ByCode {
		out = append(out, CodeCount{c, n, s.ConvsByCode[c]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// riskier orders by worst severity, then lower score, then input order.
func riskier(a, b *Risky) bool {
	if a.worst != b.worst {
		return a.worst > b.worst
	}
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return a.seq < b.seq
}

// riskHeap is a min-heap by riskiness: its root is the least risky kept.
type riskHeap []*Risky

func (h riskHeap) Len() int           { return len(h) }
func (h riskHeap) Less(i, j int) bool { return riskier(h[j], h[i]) }
func (h riskHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *riskHeap) Push(x any)        { *h = append(*h, x.(*Risky)) }
func (h *riskHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// EmotionCurve draws the customer's negative emotion over the conversation
// as a row of block characters (▁ calm … █ angry), empty without emotions.
func (r *Risky) EmotionCurve() string {
	if len(r.Emotion) == 0 {
		return ""
	}
	blocks := []rune("▁▂▃▄▅▆▇█")
	out := make([]rune, len(r.Emotion))
	for i, v := range r.Emotion {
		k := int(v * float32(len(blocks)))
		if k >= len(blocks) {
			k = len(blocks) - 1
		}
		if k < 0 {
			k = 0
		}
		out[i] = blocks[k]
	}
	return string(out)
}
