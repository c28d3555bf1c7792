package score

import "fullqa/internal/conversation"

// custDays tracks a group's customer-days (a customer on one day, the unit
// of the platforms' 回复率): whether every round of theirs so far was
// answered in time, and whether any got a human reply. Up to
// maxCustDays it is exact (keys are 64-bit hashes: two customer-days are
// confused about as often as 2^-64 per pair). Beyond that it keeps a
// uniform sample of the customer-days, chosen by hash, halving the rate
// each time the sample is full again, and scales the counts up: memory
// stays bounded however long the stream, and the ratios are estimated
// from about maxCustDays/2 to maxCustDays customer-days (a standard error
// under 0.5 %). The same customer-day always falls on the same side of the
// sample, so its rounds are judged together.
//
// The hashes are kept in a table of their own (open addressing, linear
// probing on the hash's low bits, which the sample never tests) rather
// than a map: a map hashed the hash again, and marking a customer-day in
// each of a conversation's groups was a third of the aggregation on the
// sink's one goroutine over many customers.
type custDays struct {
	keys  []uint64 // a power of two long, at most half full; 0 is a free slot
	flags []uint8  // keys[i]'s flags
	n     int      // customer-days held, the zero hash's included
	zero  bool     // the hash 0 is held (it cannot be in keys) …
	zeroF uint8    // … with these flags
	level uint     // the sample keeps hashes whose top level bits are 0
}

const (
	cdLate     = 1 << iota // a round was unanswered or answered late
	cdReceived             // a round got a human reply
)

// maxCustDays is the most customer-days a group tracks exactly.
const maxCustDays = 1 << 16

// hashKey hashes customer|day: FNV-1a with a final mix, so the top bits
// the sample tests are uniform. The key is never built as a string.
func hashKey(customer, day string) uint64 {
	return mixKey(fnvAdd(fnvAdd(fnvOffset, customer), "|"), day)
}

// custDayKey is the hashKey of a conversation's customer and day, the
// customer of a conversation without one being "conv:" and its id (each
// such conversation is its own customer), hashed without building that
// string.
func custDayKey(c *conversation.Conversation, day string) uint64 {
	if c.Customer == "" {
		return mixKey(fnvAdd(fnvAdd(fnvAdd(fnvOffset, "conv:"), c.ID), "|"), day)
	}
	return hashKey(c.Customer, day)
}

const fnvOffset = uint64(14695981039346656037)

// fnvAdd adds the bytes of s to the FNV-1a hash h.
func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// mixKey adds day to h and mixes the result.
func mixKey(h uint64, day string) uint64 {
	h = fnvAdd(h, day)
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// kept reports whether hash h is in the sample.
func (c *custDays) kept(h uint64) bool { return c.level == 0 || h>>(64-c.level) == 0 }

// mark records the customer-day (adding it when new) with flags set.
func (c *custDays) mark(customer, day string, flags uint8) {
	c.markHash(hashKey(customer, day), flags)
}

// markHash is mark of the customer-day whose hashKey is h.
func (c *custDays) markHash(h uint64, flags uint8) {
	if !c.kept(h) {
		return
	}
	c.set(h, flags)
	for c.n > maxCustDays && c.level < 63 {
		c.level++
		c.rebuild(len(c.keys))
	}
}

// set ors flags into h's, adding h when new.
func (c *custDays) set(h uint64, flags uint8) {
	if h == 0 {
		if !c.zero {
			c.zero = true
			c.n++
		}
		c.zeroF |= flags
		return
	}
	if c.keys == nil {
		c.keys, c.flags = make([]uint64, 16), make([]uint8, 16)
	}
	mask := uint64(len(c.keys) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch c.keys[i] {
		case h:
			c.flags[i] |= flags
			return
		case 0:
			c.keys[i], c.flags[i] = h, flags
			c.n++
			if 2*c.n > len(c.keys) {
				c.rebuild(2 * len(c.keys))
			}
			return
		}
	}
}

// rebuild remakes the table size slots long with the hashes the sample
// keeps.
func (c *custDays) rebuild(size int) {
	keys, flags := c.keys, c.flags
	c.keys, c.flags, c.n = make([]uint64, size), make([]uint8, size), 0
	if c.zero {
		c.n++ // 0 is always kept
	}
	for i, k := range keys {
		if k != 0 && c.kept(k) {
			c.set(k, flags[i])
		}
	}
}

// counts returns how many customer-days there are, how many had every
// round answered in time, and how many got a human reply (estimates once
// sampled).
func (c *custDays) counts() (all, onTime, received int) {
	count := func(f uint8) {
		all++
		if f&cdLate == 0 {
			onTime++
		}
		if f&cdReceived != 0 {
			received++
		}
	}
	for i, k := range c.keys {
		if k != 0 {
			count(c.flags[i])
		}
	}
	if c.zero {
		count(c.zeroF)
	}
	return all << c.level, onTime << c.level, received << c.level
}
