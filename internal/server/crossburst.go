package server

import (
	"context"
	"time"

	"fullqa/internal/analyze"
	"fullqa/internal/store"
)

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
