package analyze

import (
	"math/bits"
	"sort"
	"time"
)

// Bursts counts topics per hour and per day over a batch and finds the
// bursts at the end. It keeps, per conversation, its id, hour and topic
// numbers (a few dozen bytes), so that example conversations can be named
// in a second pass over those records once the bursts are known.
type Bursts struct {
	cfg    BurstConfig
	loc    *time.Location
	ids    topicIDs
	topics []Topic
	convs  []burstConv
	arena  []uint32
}

type burstConv struct {
	id   string
	hour int32 // hours since 1970-01-01 00:00 in loc's calendar
	off  uint32
	n    uint8
}

// NewBursts returns an empty counter; days and hours are cut in loc.
func NewBursts(cfg BurstConfig, loc *time.Location) *Bursts {
	if loc == nil {
		loc = time.UTC
	}
	return &Bursts{cfg: cfg, loc: loc}
}

// HourIndex numbers the hour of t in loc's calendar: hours since
// 1970-01-01 00:00 local, so that days are cut at local midnight.
func HourIndex(t time.Time, loc *time.Location) int32 {
	t = t.In(loc)
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	return int32(day*24 + int64(t.Hour()))
}

// hourTime is the start of hour h (a HourIndex) in loc.
func hourTime(h int32, loc *time.Location) time.Time {
	day, hod := int(h/24), int(h%24)
	if h < 0 && hod != 0 {
		day, hod = day-1, hod+24
	}
	return time.Date(1970, 1, 1+day, hod, 0, 0, 0, loc)
}

// Add counts one conversation that started at at under its topics.
func (b *Bursts) Add(id string, at time.Time, topics []Topic) {
	if at.IsZero() || len(topics) == 0 {
		return
	}
	r := burstConv{id: id, hour: HourIndex(at, b.loc), off: uint32(len(b.arena))}
	for _, t := range topics[:min(len(topics), 255)] {
		n, ok := b.ids.get(t)
		if !ok {
			n = uint32(len(b.topics))
			b.ids.set(t, n)
			b.topics = append(b.topics, t)
		}
		b.arena = append(b.arena, n)
		r.n++
	}
	b.convs = append(b.convs, r)
}

// topicIDs numbers topics: a map of values for each kind, the kinds (a
// handful: sku, scene, courier, code, sku_scene) looked through in a
// slice. A map keyed by the Topic itself hashed both strings and compared
// both through the generic map code, some 170 instructions a topic and
// several topics a conversation; the kinds are mostly the same constant
// strings, which compare at once. TestTopicIDsMatchesMap holds it to that
// map.
type topicIDs struct {
	kinds []string
	vals  []map[string]uint32 // vals[k] numbers the values of kinds[k]
}

// get returns t's number and whether it has one.
func (x *topicIDs) get(t Topic) (uint32, bool) {
	for k, kind := range x.kinds {
		if kind == t.Kind {
			n, ok := x.vals[k][t.Value]
			return n, ok
		}
	}
	return 0, false
}

// set numbers t n.
func (x *topicIDs) set(t Topic, n uint32) {
	for k, kind := range x.kinds {
		if kind == t.Kind {
			x.vals[k][t.Value] = n
			return
		}
	}
	x.kinds = append(x.kinds, t.Kind)
	x.vals = append(x.vals, map[string]uint32{t.Value: n})
}

// Len is the number of conversations counted.
func (b *Bursts) Len() int { return len(b.convs) }

// series is a key of the count maps: topic number and bucket.
func series(topic uint32, bucket int32) uint64 { return uint64(topic)<<32 | uint64(uint32(bucket)) }

// seriesCounts counts conversations by series key (topic and bucket):
// a table of its own with open addressing, where Find counted every
// topic of every conversation in two Go maps (their assignments were
// about a thousand instructions a conversation). A slot with count 0 is
// empty: a key once counted has at least 1. TestSeriesCounts holds it to
// a map.
type seriesCounts struct {
	keys  []uint64
	vals  []int32
	n     int // keys held
	shift uint8
}

// slot is where the search for key starts: the top bits of a
// multiplicative hash, so that keys differing only in their topic (the
// high half) or only in their bucket (the low half) spread alike.
func (c *seriesCounts) slot(key uint64) int { return int((key * 0x9E3779B97F4A7C15) >> c.shift) }

// inc adds one to key's count.
func (c *seriesCounts) inc(key uint64) {
	if 2*(c.n+1) > len(c.keys) { // at most half full
		c.grow()
	}
	mask := len(c.keys) - 1
	for i := c.slot(key); ; i = (i + 1) & mask {
		switch {
		case c.vals[i] == 0:
			c.keys[i], c.vals[i] = key, 1
			c.n++
			return
		case c.keys[i] == key:
			c.vals[i]++
			return
		}
	}
}

// get is key's count, 0 when it was never counted.
func (c *seriesCounts) get(key uint64) int32 {
	if c.n == 0 {
		return 0
	}
	mask := len(c.keys) - 1
	for i := c.slot(key); c.vals[i] != 0; i = (i + 1) & mask {
		if c.keys[i] == key {
			return c.vals[i]
		}
	}
	return 0
}

// each calls f with every key counted and its count, in no set order.
func (c *seriesCounts) each(f func(key uint64, n int32)) {
	for i, n := range c.vals {
		if n != 0 {
			f(c.keys[i], n)
		}
	}
}

// grow doubles the table (1,024 slots at first) and puts the keys back.
func (c *seriesCounts) grow() {
	keys, vals := c.keys, c.vals
	size := max(2*len(keys), 1024)
	c.keys, c.vals = make([]uint64, size), make([]int32, size)
	c.shift = uint8(64 - bits.Len(uint(size-1)))
	mask := size - 1
	for j, n := range vals {
		if n == 0 {
			continue
		}
		i := c.slot(keys[j])
		for c.vals[i] != 0 {
			i = (i + 1) & mask
		}
		c.keys[i], c.vals[i] = keys[j], n
	}
}

// Find runs the test over every topic, day and hour and returns the
// bursts, oldest first, with up to Examples conversation ids each.
func (b *Bursts) Find() []Burst {
	if len(b.convs) == 0 {
		return nil
	}
	h0, h1 := b.convs[0].hour, b.convs[0].hour
	for _, c := range b.convs {
		h0, h1 = min(h0, c.hour), max(h1, c.hour)
	}
	d0 := floorDiv(h0, 24)
	nDays := int(floorDiv(h1, 24)-d0) + 1
	total := make([]float64, nDays)
	byHour := make([][24]float64, nDays)
	var day, hour seriesCounts
	for _, c := range b.convs {
		k := floorDiv(c.hour, 24) - d0
		hod := c.hour - floorDiv(c.hour, 24)*24
		total[k]++
		byHour[k][hod]++
		for _, t := range b.arena[c.off : c.off+uint32(c.n)] {
			day.inc(series(t, k))
			hour.inc(series(t, c.hour-d0*24))
		}
	}
	share := b.hourShares(total, byHour)
	candidates := map[uint32]bool{}
	day.each(func(key uint64, n int32) {
		if int(n) >= b.cfg.MinCount {
			candidates[uint32(key>>32)] = true
		}
	})
	hour.each(func(key uint64, n int32) {
		if int(n) >= b.cfg.MinCount {
			candidates[uint32(key>>32)] = true
		}
	})
	var out []Burst
	for t := range candidates {
		daily := make([]float64, nDays)
		for k := range daily {
			daily[k] = float64(day.get(series(t, int32(k))))
		}
		base := b.cfg.Baseline(daily)
		for k := b.cfg.WarmupDays; k < nDays; k++ {
			exp := max(base[k], b.cfg.Floor)
			if n := int(daily[k]); b.cfg.Test(n, exp) {
				start := hourTime((d0+int32(k))*24, b.loc)
				out = append(out, Burst{Topic: b.topics[t], WindowStart: start, WindowEnd: start.AddDate(0, 0, 1),
					Count: n, Expected: round2(exp)})
			}
		}
		out = append(out, b.hourly(t, nDays, d0, base, share, &hour)...)
	}
	b.examples(out)
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if !x.WindowStart.Equal(y.WindowStart) {
			return x.WindowStart.Before(y.WindowStart)
		}
		if !x.WindowEnd.Equal(y.WindowEnd) {
			return x.WindowEnd.After(y.WindowEnd)
		}
		if x.Topic.Kind != y.Topic.Kind {
			return x.Topic.Kind < y.Topic.Kind
		}
		return x.Topic.Value < y.Topic.Value
	})
	return out
}

// hourly tests topic t hour by hour: the expected count of an hour is the
// topic's daily baseline times the share of all traffic that hour of the
// day has had (its own EWMA over the days before), so a busy evening is
// not a burst. Consecutive burst hours merge into one window.
func (b *Bursts) hourly(t uint32, nDays int, d0 int32, base []float64, share [][24]float64, hour *seriesCounts) []Burst {
	var out []Burst
	var cur *Burst
	lastH := int32(-1)
	for k := b.cfg.WarmupDays; k < nDays; k++ {
		for hod := int32(0); hod < 24; hod++ {
			h := int32(k)*24 + hod
			n := int(hour.get(series(t, h)))
			if n < b.cfg.MinCount {
				continue
			}
			exp := max(max(base[k], b.cfg.Floor)*share[k][hod], b.cfg.Floor/24)
			if !b.cfg.Test(n, exp) {
				continue
			}
			if cur != nil && lastH == h-1 {
				cur.Count += n
				cur.Expected = round2(cur.Expected + exp)
				cur.WindowEnd = cur.WindowEnd.Add(time.Hour)
			} else {
				start := hourTime(d0*24+h, b.loc)
				out = append(out, Burst{Topic: b.topics[t], WindowStart: start, WindowEnd: start.Add(time.Hour),
					Count: n, Expected: round2(exp)})
				cur = &out[len(out)-1]
			}
			lastH = h
		}
	}
	return out
}

// hourShares returns, per day, the expected share of the day's traffic in
// each hour of the day, from the days before it (same weighting as
// Baseline); before any data it is flat.
func (b *Bursts) hourShares(total []float64, byHour [][24]float64) [][24]float64 {
	return b.cfg.HourShares(total, byHour)
}

// HourShares returns, for every day k, the expected share of day k's
// traffic in each hour of the day, from the days before it (total[j] is
// day j's traffic, byHour[j] its split by hour), with the weighting of
// Baseline; before any traffic it is flat.
func (c BurstConfig) HourShares(total []float64, byHour [][24]float64) [][24]float64 {
	out := make([][24]float64, len(total))
	var cur [24]float64
	for h := range cur {
		cur[h] = 1.0 / 24
	}
	seen := 0
	for k := range total {
		out[k] = cur
		if total[k] == 0 {
			continue
		}
		seen++
		a := max(c.Smoothing, 1/float64(seen))
		for h := range cur {
			cur[h] += a * (byHour[k][h]/total[k] - cur[h])
		}
	}
	return out
}

// examples fills each burst's conversation ids in a second pass over the
// kept records, in input order.
func (b *Bursts) examples(bs []Burst) {
	if b.cfg.Examples == 0 || len(bs) == 0 {
		return
	}
	byTopic := map[uint32][]int{}
	for i := range bs {
		t, _ := b.ids.get(bs[i].Topic)
		byTopic[t] = append(byTopic[t], i)
		bs[i].Conversations = []string{}
	}
	for _, c := range b.convs {
		at := hourTime(c.hour, b.loc)
		for _, t := range b.arena[c.off : c.off+uint32(c.n)] {
			for _, i := range byTopic[t] {
				x := &bs[i]
				if len(x.Conversations) < b.cfg.Examples && !at.Before(x.WindowStart) && at.Before(x.WindowEnd) {
					x.Conversations = append(x.Conversations, c.id)
				}
			}
		}
	}
}
