// Package sample picks conversations for human review the way a good QA
// lead would with 100 % coverage behind them: the riskiest first, spread
// over agents so every agent is looked at, plus a small random share that
// calibrates the detectors (reviewers see what fullqa did not flag too).
package sample

import (
	"container/heap"
	"math/rand/v2"
	"sort"

	"fullqa/internal/conversation"
	"fullqa/internal/scan"
)

// Options sets the size of the sample.
type Options struct {
	N      int     // conversations to pick
	Random float64 // share of N picked at random for calibration, 0..1
	Seed   uint64  // random seed, so a sample can be reproduced
}

// Pick is one conversation chosen for review, with why.
type Pick struct {
	Result *scan.Result
	Reason string // "risk" or "random"
	Agent  string
	Rank   int // 1-based position in the review queue
}

// Sampler streams results and keeps only what a sample can need: per agent
// its N riskiest conversations, and a uniform reservoir of N for the
// random share.
type Sampler struct {
	opts   Options
	agents map[string]*riskHeap
	res    []item
	seen   int
	seq    int
	rng    *rand.Rand
}

// New returns an empty sampler.
func New(opts Options) *Sampler {
	return &Sampler{opts: opts, agents: map[string]*riskHeap{}, rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))}
}

// Add considers one result; bad records are ignored.
func (s *Sampler) Add(r *scan.Result) {
	if r.Err != nil || s.opts.N <= 0 {
		return
	}
	s.seq++
	it := item{r: r, worst: worst(r), seq: s.seq, agent: mainAgent(r.Conv)}
	if len(r.Findings) > 0 {
		h := s.agents[it.agent]
		if h == nil {
			h = &riskHeap{}
			s.agents[it.agent] = h
		}
		if h.Len() < s.opts.N {
			heap.Push(h, it)
		} else if riskier(it, (*h)[0]) {
			heap.Pop(h)
			heap.Push(h, it)
		}
	}
	// Reservoir sampling (Algorithm R) over every conversation.
	s.seen++
	if len(s.res) < s.opts.N {
		s.res = append(s.res, it)
	} else if j := s.rng.IntN(s.seen); j < s.opts.N {
		s.res[j] = it
	}
}

// Picks returns the review queue: risk picks taken round-robin across
// agents (agents with the riskiest conversation first, each agent's
// riskiest first), then random picks not already chosen.
func (s *Sampler) Picks() []Pick {
	nRandom := int(float64(s.opts.N)*s.opts.Random + 0.5)
	if nRandom > s.opts.N {
		nRandom = s.opts.N
	}
	nRisk := s.opts.N - nRandom
	type queue struct {
		agent string
		items []item
	}
	var qs []*queue
	for a, h := range s.agents {
		items := append([]item(nil), (*h)...)
		sort.Slice(items, func(i, j int) bool { return riskier(items[i], items[j]) })
		qs = append(qs, &queue{a, items})
	}
	sort.Slice(qs, func(i, j int) bool {
		if riskier(qs[i].items[0], qs[j].items[0]) != riskier(qs[j].items[0], qs[i].items[0]) {
			return riskier(qs[i].items[0], qs[j].items[0])
		}
		return qs[i].agent < qs[j].agent
	})
	var out []Pick
	picked := map[*scan.Result]bool{}
	for len(out) < nRisk {
		progress := false
		for _, q := range qs {
			if len(out) == nRisk {
				break
			}
			if len(q.items) == 0 {
				continue
			}
			it := q.items[0]
			q.items = q.items[1:]
			out = append(out, Pick{Result: it.r, Reason: "risk", Agent: q.agent})
			picked[it.r] = true
			progress = true
		}
		if !progress {
			break // fewer risky conversations than asked: fill with random ones
		}
	}
	res := append([]item(nil), s.res...)
	sort.Slice(res, func(i, j int) bool { return res[i].seq < res[j].seq })
	for _, it := range res {
		if len(out) >= s.opts.N {
			break
		}
		if !picked[it.r] {
			picked[it.r] = true
			out = append(out, Pick{Result: it.r, Reason: "random", Agent: it.agent})
		}
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// mainAgent is the agent who wrote most agent messages, "" when none.
func mainAgent(c *conversation.Conversation) string {
	counts := map[string]int{}
	best := ""
	for _, m := range c.Messages {
		if m.Role == conversation.RoleAgent && m.Agent != "" {
			counts[m.Agent]++
			if counts[m.Agent] > counts[best] || (counts[m.Agent] == counts[best] && m.Agent < best) {
				best = m.Agent
			}
		}
	}
	return best
}

type item struct {
	r     *scan.Result
	worst conversation.Severity
	seq   int
	agent string
}

func worst(r *scan.Result) conversation.Severity {
	var w conversation.Severity
	for _, f := range r.Findings {
		if f.Severity > w {
			w = f.Severity
		}
	}
	return w
}

// riskier orders by worst severity, then lower score, then more findings,
// then input order.
func riskier(a, b item) bool {
	if a.worst != b.worst {
		return a.worst > b.worst
	}
	if a.r.Score != b.r.Score {
		return a.r.Score < b.r.Score
	}
	if len(a.r.Findings) != len(b.r.Findings) {
		return len(a.r.Findings) > len(b.r.Findings)
	}
	return a.seq < b.seq
}

// riskHeap is a min-heap by riskiness: the root is the least risky kept.
type riskHeap []item

func (h riskHeap) Len() int           { return len(h) }
func (h riskHeap) Less(i, j int) bool { return riskier(h[j], h[i]) }
func (h riskHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *riskHeap) Push(x any)        { *h = append(*h, x.(item)) }
func (h *riskHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Conv returns the picked conversation's id.
func (p Pick) Conv() string { return p.Result.Conv.ID }
