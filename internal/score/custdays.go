package score

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
type custDays struct {
	m     map[uint64]uint8 // hash → flags
	level uint             // the sample keeps hashes whose top level bits are 0
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
	h := uint64(14695981039346656037)
	for i := 0; i < len(customer); i++ {
		h ^= uint64(customer[i])
		h *= 1099511628211
	}
	h ^= '|'
	h *= 1099511628211
	for i := 0; i < len(day); i++ {
		h ^= uint64(day[i])
		h *= 1099511628211
	}
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
	if c.m == nil {
		c.m = map[uint64]uint8{}
	}
	c.m[h] |= flags
	for len(c.m) > maxCustDays && c.level < 63 {
		c.level++
		for k := range c.m {
			if !c.kept(k) {
				delete(c.m, k)
			}
		}
	}
}

// counts returns how many customer-days there are, how many had every
// round answered in time, and how many got a human reply (estimates once
// sampled).
func (c *custDays) counts() (all, onTime, received int) {
	for _, f := range c.m {
		all++
		if f&cdLate == 0 {
			onTime++
		}
		if f&cdReceived != 0 {
			received++
		}
	}
	return all << c.level, onTime << c.level, received << c.level
}
