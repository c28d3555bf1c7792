package conversation

import "time"

// Elapsed is to.Sub(from), worked out from the Unix seconds and
// nanoseconds when from carries no monotonic clock reading (stripping it,
// In leaves the time as it is; Sub reads those readings only when both
// times carry one, and no reader makes a time with one) and both seconds
// lie within ±2^32 of 1970 (years 1833 to 2106), where the difference
// cannot overflow a Duration: Sub's own test for that, an Add and an
// Equal, was most of the cost of a round's wait and a conversation's
// duration, which the engine's rounds and the KPIs both take from
// message times. Other times go to Sub. TestElapsed and FuzzElapsed hold
// it to Sub. The == compares the Time's fields, which the time package
// advises against: here a difference other than the reading (none can
// be, In changing nothing else) would only send it to Sub.
func Elapsed(from, to time.Time) time.Duration {
	ts, fs := to.Unix(), from.Unix()
	if uint64(ts+1<<32) < 1<<33 && uint64(fs+1<<32) < 1<<33 && from == from.In(from.Location()) {
		return time.Duration(ts-fs)*time.Second + time.Duration(to.Nanosecond()-from.Nanosecond())
	}
	return to.Sub(from)
}
