package ingest

import (
	"cmp"
	"fmt"
	"sort"
	"time"

	"fullqa/internal/conversation"
)

// OrderTolerance is how far a message's timestamp may lie before the
// previous message's and still count as in order: exports round to the
// second and merge the clocks of several servers, so a tie or a
// sub-second step back is noise, not a reordered file.
const OrderTolerance = time.Second

// orderCheck enforces time order within conversations. A message stamped
// before the one above it (beyond OrderTolerance) means the export is not
// in time order: reading it as is would give negative response times, 0 s
// first responses and wrong response.missed findings, so such a
// conversation is a bad record, unless SortByTime asks to sort messages
// by time first. It also notices a file that is entirely newest first and
// says so in the error.
type orderCheck struct {
	sort bool
	// timed counts conversations with at least two distinct timestamps;
	// newestFirst those of them whose timestamps never rise.
	timed, newestFirst int
}

// apply sorts c's messages by time when asked, or finds the first message
// out of order. It returns -1 and "" when c is in order (or was sorted),
// else the message's index and what is wrong, for the caller to wrap in
// a RecordError with its file, line and field.
func (o *orderCheck) apply(c *conversation.Conversation) (int, string) {
	f, sorted := o.facts(c)
	if sorted {
		return -1, ""
	}
	return o.note(c, f)
}

// orderFacts is what the order check learns of one conversation on its
// own: the first message out of order (-1 for none) and whether its
// timestamps ever rise or fall. Working them out needs no state, so it
// runs on the scan's workers; note then counts them in input order.
type orderFacts struct {
	bad          int
	rises, falls bool
}

// note records message i's time against the previous timed message's:
// later (c > 0), earlier (c < 0) or the same (0); back says earlier by more
// than OrderTolerance, which makes i the first out of order when none was.
func (f *orderFacts) note(i, c int, back bool) {
	switch {
	case c > 0:
		f.rises = true
	case c < 0:
		f.falls = true
	}
	if back && f.bad < 0 {
		f.bad = i
	}
}

// facts sorts c's messages when asked (reporting sorted), else finds
// c's order facts. It touches no state of o.
func (o *orderCheck) facts(c *conversation.Conversation) (orderFacts, bool) {
	if o.sort {
		sortByTime(c.Messages)
		return orderFacts{bad: -1}, true
	}
	msgs := c.Messages
	f := orderFacts{bad: -1}
	prev := -1
	for i := range msgs {
		if !msgs[i].HasTime() {
			continue
		}
		if prev >= 0 {
			d := wallSub(msgs[i].At, msgs[prev].At)
			f.note(i, cmp.Compare(d, 0), d < -OrderTolerance)
		}
		prev = i
	}
	return f, false
}

// wallSub is a.Sub(b) for times without a monotonic clock reading (as
// every time read from input is) whose seconds since 1970 lie within
// ±2^32 (years 1833 to 2106), whose difference cannot overflow a
// Duration: Sub's own test for that, an Add and an Equal, was most of
// the order check's work, a message at a time. Other times go to Sub.
// FuzzWallSub holds it to Sub. It is conversation.Elapsed without that
// function's test for a monotonic reading, which no time read here has
// (a call and a zone look-up saved on every message).
func wallSub(a, b time.Time) time.Duration {
	as, bs := a.Unix(), b.Unix()
	if as >= -1<<32 && as < 1<<32 && bs >= -1<<32 && bs < 1<<32 {
		return time.Duration(as-bs)*time.Second + time.Duration(a.Nanosecond()-b.Nanosecond())
	}
	return a.Sub(b)
}

// note counts c's facts, in input order, and returns what apply does:
// -1 and "" when c is in order, else the message's index and what is
// wrong (the message counts the conversations seen so far).
func (o *orderCheck) note(c *conversation.Conversation, f orderFacts) (int, string) {
	msgs := c.Messages
	bad, rises, falls := f.bad, f.rises, f.falls
	if rises || falls {
		o.timed++
		if !rises {
			o.newestFirst++
		}
	}
	if bad < 0 {
		return -1, ""
	}
	p := bad - 1
	for !msgs[p].HasTime() {
		p--
	}
	msg := fmt.Sprintf("%s is before the previous message's time %s (message %d): messages out of time order",
		msgs[bad].At.Format(time.RFC3339), msgs[p].At.Format(time.RFC3339), p)
	switch {
	case !rises && o.newestFirst == o.timed:
		msg += fmt.Sprintf("; all %d conversations with times so far are newest first: the file looks sorted newest first", o.timed)
	case !rises:
		msg += "; this conversation is newest first"
	}
	return bad, msg + " (sort the export by time, or pass --sort-by-time)"
}

// sortByTime sorts messages stably by time. A message without a time
// keeps its place after the timed message before it, so it stays with its
// neighbours; messages with equal times keep their source order.
func sortByTime(msgs []conversation.Message) {
	if inOrder(msgs) {
		return
	}
	keys := make([]time.Time, len(msgs))
	var last time.Time
	for i := range msgs {
		if msgs[i].HasTime() {
			last = msgs[i].At
		}
		keys[i] = last
	}
	idx := make([]int, len(msgs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]].Before(keys[idx[b]]) })
	sorted := make([]conversation.Message, len(msgs))
	for i, k := range idx {
		sorted[i] = msgs[k]
	}
	copy(msgs, sorted)
}

// inOrder reports whether the timed messages never step back.
func inOrder(msgs []conversation.Message) bool {
	var last time.Time
	for i := range msgs {
		if msgs[i].HasTime() {
			if msgs[i].At.Before(last) {
				return false
			}
			last = msgs[i].At
		}
	}
	return true
}
