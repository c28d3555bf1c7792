package server

import (
	"context"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/scan"
	"fullqa/internal/store"
)

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
