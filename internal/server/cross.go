package server

import (
	"context"
	"fmt"
	"sort"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/conversation"
	"fullqa/internal/report"
	"fullqa/internal/scan"
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
		ct.Kept = x.topics.Kept(c)
		a := &store.Across{Vendor: c.Vendor, Shop: c.Shop, Customer: c.Customer, Promises: ct.Promises}
		res[i].across = a
		if !ct.Start.IsZero() {
			a.Topics, a.Hour = x.topics.Of(c, r.Findings, r.Tags), analyze.HourIndex(ct.Start, x.loc)
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
			if p, ok := f.Data["promise"].(map[string]any); ok && f.Code == "promise.unkept" {
				id, _ := p["conversation"].(string)
				n, _ := p["message"].(int)
				a.Unkept = append(a.Unkept, store.PromiseRef{ConvID: id, Msg: n})
			}
		}
		r.Findings = append(r.Findings, fs...)
		sort.SliceStable(r.Findings, func(i, j int) bool { return firstN(r.Findings[i].Messages) < firstN(r.Findings[j].Messages) })
		r.Score, r.Deductions, r.Fatal = s.o.Scan.Score.Scorecard.Apply(r.Findings)
		doc := report.AppendJSONResult(nil, r)
		res[i].result.Score, res[i].result.Fatal, res[i].result.Doc = r.Score, r.Fatal, doc[:len(doc)-1]
		res[i].findings = store.NewFindings(c, r.Findings, store.SourceInspection, res[i].result.InspectedAt)
		for k := range res[i].findings { // an unkept promise counts for the agent who made it
			f := &res[i].findings[k]
			if p, ok := f.Data["promise"].(map[string]any); ok && f.Code == "promise.unkept" {
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

// baselineDays is how many days of a topic's counts the service's burst
// test reads (the batch reads the whole run).
const baselineDays = 60

// checkBursts runs the burst test for the topics of conversations just
// committed, on their day and their hour: per topic one read of at most
// baselineDays day counts and one of its hour, and the traffic's hour
// profile only when an hour reaches min_count. A burst is stored (or its
// stored window updated) with the conversation as an example.
func (s *Server) checkBursts(ctx context.Context, puts []store.Put) {
	x := s.cross
	first, err := s.st.FirstTrafficDay(ctx)
	if err != nil {
		return // no traffic with a time yet
	}
	now := s.now()
	for _, p := range puts {
		a := p.Across
		if a == nil || len(a.Topics) == 0 {
			continue
		}
		hour := int64(a.Hour)
		day := floorDiv(hour, 24)
		if day-first < int64(x.cfg.Burst.WarmupDays) {
			continue
		}
		from := max(first, day-baselineDays+1)
		var shares [][24]float64
		for _, t := range a.Topics {
			if err := s.burstTopic(ctx, t, p.Conv.ID, from, day, hour, &shares, now); err != nil {
				s.log.Error("burst test", "topic", t.Kind+"="+t.Value, "err", err)
			}
		}
	}
}

// burstTopic tests one topic on day and hour; shares is the traffic's hour
// profile, read on first need.
func (s *Server) burstTopic(ctx context.Context, t analyze.Topic, conv string, from, day, hour int64, shares *[][24]float64, now time.Time) error {
	cfg := s.cross.cfg.Burst
	days, err := s.st.TopicDays(ctx, t, from, day)
	if err != nil {
		return err
	}
	k := len(days) - 1
	base := max(cfg.Baseline(days)[k], cfg.Floor)
	dayStart := s.hourTime(day * 24)
	if n := int(days[k]); cfg.Test(n, base) {
		b := analyze.Burst{Topic: t, WindowStart: dayStart, WindowEnd: dayStart.AddDate(0, 0, 1), Count: n, Expected: round2(base)}
		if err := s.st.PutBurst(ctx, b, conv, cfg.Examples, now); err != nil {
			return err
		}
		s.sink(ctx, []store.Finding{burstFinding(b, conv)}, false)
	}
	hs, err := s.st.TopicHours(ctx, t, hour, hour)
	if err != nil || int(hs[0]) < cfg.MinCount {
		return err
	}
	if *shares == nil {
		total, err := s.st.TopicDays(ctx, analyze.Topic{}, from, day)
		if err != nil {
			return err
		}
		all, err := s.st.TopicHours(ctx, analyze.Topic{}, from*24, day*24+23)
		if err != nil {
			return err
		}
		byHour := make([][24]float64, len(total))
		for i, n := range all {
			byHour[i/24][i%24] = n
		}
		*shares = cfg.HourShares(total, byHour)
	}
	exp := max(base*(*shares)[k][hour-day*24], cfg.Floor/24)
	if n := int(hs[0]); cfg.Test(n, exp) {
		start := s.hourTime(hour)
		b := analyze.Burst{Topic: t, WindowStart: start, WindowEnd: start.Add(time.Hour), Count: n, Expected: round2(exp)}
		if err := s.st.PutBurst(ctx, b, conv, cfg.Examples, now); err != nil {
			return err
		}
		s.sink(ctx, []store.Finding{burstFinding(b, conv)}, false)
	}
	return nil
}

// hourTime is the start of hour h (analyze.HourIndex) in the server's zone.
func (s *Server) hourTime(h int64) time.Time {
	day, hod := floorDiv(h, 24), h-floorDiv(h, 24)*24
	return time.Date(1970, 1, 1+int(day), int(hod), 0, 0, 0, s.cross.loc)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// crossCounter gathers the cross section of a report over the store: the
// across findings and unlinked conversations among the report's results.
type crossCounter struct {
	sum  analyze.Summary
	last time.Time // the latest message of the report's conversations
}

// add counts one result of the report.
func (c *crossCounter) add(r *scan.Result) {
	timed := false
	for i := range r.Conv.Messages {
		if at := r.Conv.Messages[i].At; !at.IsZero() {
			timed = true
			if at.After(c.last) {
				c.last = at
			}
		}
	}
	if r.Conv.Customer == "" || !timed {
		c.sum.Unlinked++
	}
	for _, f := range r.Findings {
		switch f.Code {
		case "repeat.unresolved":
			c.sum.RepeatUnresolved++
		case "promise.unkept":
			c.sum.PromisesUnkept++
		}
	}
}

// finish completes the section: the promises due from from until the
// report's last message (or to, when earlier), within scope and the
// report's vendor and shop, as a batch report counts them, and the bursts whose window overlaps it (for unscoped
// users: bursts count every vendor's conversations).
func (c *crossCounter) finish(ctx context.Context, s *Server, f store.ResultFilter) (*analyze.Summary, error) {
	scope, from, to := f.Scope, f.From, f.To
	sum := c.sum
	due := c.last.Add(time.Millisecond) // due at or before the last message
	if !to.IsZero() && to.Before(due) {
		due = to
	}
	ps, err := s.st.ListPromises(ctx, store.PromiseFilter{Scope: scope, Vendor: f.Vendor, Shop: f.Shop, DueAfter: from, DueBefore: due, Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	sum.PromisesDue = len(ps)
	sum.Bursts = []analyze.Burst{}
	if scope == "" {
		bs, err := s.st.ListBursts(ctx, from, 1000)
		if err != nil {
			return nil, err
		}
		for _, b := range bs {
			if to.IsZero() || b.WindowStart.Before(to) {
				b.WindowStart, b.WindowEnd = b.WindowStart.In(s.cross.loc), b.WindowEnd.In(s.cross.loc)
				sum.Bursts = append(sum.Bursts, b)
			}
		}
	}
	return &sum, nil
}
