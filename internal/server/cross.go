package server

import (
	"context"
	"fmt"
	"sort"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/conversation"
	"fullqa/internal/report"
	"fullqa/internal/store"
)

// crossState is the server's across-conversation analysis: the analyzers
// (repeat.unresolved, promise.unkept) over the store's contacts and the
// burst test over its topic counts.
type crossState struct {
	cfg    analyze.Config
	an     *analyze.Analyzer
	topics *analyze.Topics
	loc    *time.Location
}

// newCrossState builds it from the configuration (cross: and the courier
// word list).
func newCrossState(o Options) (*crossState, error) {
	lex, err := o.Config.Lists()
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	tp, err := analyze.NewTopics(lex.Words("logistics_courier"), lex.Words("cross_kept"))
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	cfg := o.Config.Cross
	if cfg.MaxEarlier == 0 { // a hand-built config.Config without defaults
		cfg = analyze.DefaultConfig()
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	return &crossState{cfg: cfg, an: analyze.NewAnalyzer(cfg, o.Scan.Location), topics: tp, loc: o.Scan.Location}, nil
}

// overlay is the History of one batch of closing conversations: the store's
// contacts plus those of the batch already analysed (not yet committed).
type overlay struct {
	st  *store.Store
	mem *analyze.Memory
}

func (h overlay) Earlier(ctx context.Context, shop, customer string, from, before time.Time, limit int) ([]analyze.Contact, error) {
	stored, err := h.st.Earlier(ctx, shop, customer, from, before, limit)
	if err != nil {
		return nil, err
	}
	mine, _ := h.mem.Earlier(ctx, shop, customer, from, before, limit)
	if len(mine) == 0 {
		return stored, nil
	}
	ids := map[string]bool{}
	for _, c := range mine {
		ids[c.ID] = true
	}
	out := mine
	for _, c := range stored {
		if !ids[c.ID] {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.After(out[j].Start) })
	return out[:min(len(out), limit)], nil
}

// crossAll runs the across analyzers over the inspected conversations of
// one batch, in order, after their inspection and before they are stored:
// each is looked up against the stored contacts of its buyer (one indexed
// read, at most cross.max_earlier rows) and the batch's earlier ones; its
// findings join the inspection's (score and scan output are made again)
// and res[i].across carries what is stored with it. A failed lookup is
// logged and leaves the conversation without across findings.
func (s *Server) crossAll(ctx context.Context, convs []*conversation.Conversation, res []inspected) {
	x := s.cross
	h := overlay{st: s.st, mem: analyze.NewMemory()}
	// Oldest first, so a batch linked within itself does not depend on
	// the order its conversations arrived or closed in.
	order := make([]int, len(convs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return firstAt(convs[order[a]]).Before(firstAt(convs[order[b]])) })
	for _, i := range order {
		c := convs[i]
		if res[i].err != nil {
			continue
		}
		r := &res[i].scan
		ct := analyze.Summarize(c, r.Findings, r.Tags, x.loc)
		a := &store.Across{Vendor: c.Vendor, Shop: c.Shop, Customer: c.Customer, Promises: ct.Promises}
		res[i].across = a
		if !ct.Start.IsZero() {
			// Topics and kept promises in one pass over the messages.
			a.Topics, ct.Kept = x.topics.OfKept(c, r.Findings, r.Tags)
			a.Hour = analyze.HourIndex(ct.Start, x.loc)
		} else {
			ct.Kept = x.topics.Kept(c)
		}
		if !ct.Linked() {
			continue
		}
		a.Contact = &ct
		fs, err := x.an.Inspect(ctx, h, &ct)
		h.mem.Add(&ct)
		if err != nil {
			s.log.Error("across conversations", "conversation", c.ID, "err", err)
			continue
		}
		if len(fs) == 0 {
			continue
		}
		for _, f := range fs {
			if p, ok := f.Data.Get("promise").(map[string]any); ok && f.Code == "promise.unkept" {
				id, _ := p["conversation"].(string)
				n, _ := p["message"].(int)
				a.Unkept = append(a.Unkept, store.PromiseRef{ConvID: id, Msg: n})
			}
		}
		r.Findings = append(r.Findings, fs...)
		sort.SliceStable(r.Findings, func(i, j int) bool { return firstN(r.Findings[i].Messages) < firstN(r.Findings[j].Messages) })
		r.Score, r.Deductions, r.Fatal = s.o.Scan.ScoreOf(r.Findings)
		doc := report.AppendJSONResult(nil, r)
		res[i].result.Score, res[i].result.Fatal, res[i].result.Doc = r.Score, r.Fatal, doc[:len(doc)-1]
		res[i].findings = store.NewFindings(c, r.Findings, store.SourceInspection, res[i].result.InspectedAt)
		for k := range res[i].findings { // an unkept promise counts for the agent who made it
			f := &res[i].findings[k]
			if p, ok := f.Data.Get("promise").(map[string]any); ok && f.Code == "promise.unkept" {
				if ag, _ := p["agent"].(string); ag != "" {
					f.Agent = ag
				}
			}
		}
	}
}

// firstAt is the time of c's first timed message (zero when none).
func firstAt(c *conversation.Conversation) time.Time {
	for i := range c.Messages {
		if !c.Messages[i].At.IsZero() {
			return c.Messages[i].At
		}
	}
	return time.Time{}
}

func firstN(ms []int) int {
	if len(ms) == 0 {
		return 1 << 30
	}
	return ms[0]
}
