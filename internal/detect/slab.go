package detect

import (
	"time"

	"fullqa/internal/conversation"
)

// slab hands out small slices cut from larger blocks, for what a
// conversation's result keeps after the detectors ran (findings, message
// lists, emotions): one allocation serves dozens of conversations instead
// of one or more each. A block is never reused: the pieces live on in the
// results, which the scan passes on while the worker goes on, so a
// finished block is left to the garbage collector with the last result
// that holds a piece of it. Each piece has its length as capacity, so
// appending to one reallocates rather than writes over the next.
type slab[T any] struct {
	free []T // the current block's unused tail
}

// take returns n zero elements: a piece of the current block, or of a new
// block of size elements when the current one has too little left, or a
// slice of its own when n is over a quarter of a block (a long
// conversation would waste most of a block).
func (s *slab[T]) take(n, size int) []T {
	if n == 0 {
		return nil
	}
	if n > size/4 {
		return make([]T, n)
	}
	if len(s.free) < n {
		s.free = make([]T, size)
		// Written through at once: a page of a new block is otherwise
		// first read (by the collector, which scans the unused tail for
		// pointers), mapped to the kernel's zero page, and faulted in
		// again at its first write, with the other CPU's TLB flushed by
		// an interrupt while the scan runs on two (see ingest's
		// idTable.grow).
		clear(s.free)
	}
	p := s.free[:n:n]
	s.free = s.free[n:]
	return p
}

// Block sizes of the slabs, in elements: a few kilobytes each, so a result
// kept for long (a report's sample) holds little else alive with it.
const (
	slabInts      = 256 // message lists: about a dozen ints per conversation
	slabFindings  = 64  // about four findings per conversation
	slabTags      = 64
	slabEmotions  = 256 // one per message
	slabData      = 64  // a finding's data: one or two fields, about two findings a conversation
	findingsFirst = 4   // room the first finding makes (see Output.Add)
)

// slabs are the worker's slabs, kept in its Scratch and lent to Output.
type slabs struct {
	ints     slab[int]
	findings slab[conversation.Finding]
	tags     slab[conversation.Tag]
	emotions slab[MessageEmotion]
	data     slab[conversation.Field]
	// seconds[k] is float64(k) as an interface value, boxed the first
	// time this worker writes a wait of k whole seconds (nil until then):
	// see Output.seconds.
	seconds []any
}

// maxBoxedSeconds bounds slabs.seconds: waits up to a little over an hour
// (the default missed_after), 64 KB of interface values at most.
const maxBoxedSeconds = 4096

// data returns a finding's Data of n fields, cut from the worker's slab
// when the engine runs the detectors (a slice of its own otherwise).
func (o *Output) data(n int) conversation.Data {
	if o.slabs != nil {
		return o.slabs.data.take(n, slabData)
	}
	return make(conversation.Data, n)
}

// seconds returns d.Seconds() as an interface value for a finding's Data.
// A float64 put in an interface is boxed, an allocation; the waits of
// response findings are nearly always whole seconds under an hour, so the
// worker boxes each such value once and hands out the same interface
// value after. Safe to share: a boxed float64 is never written, and for
// d = k seconds d.Seconds() is float64(k) exactly, the value boxed for k
// (TestOutputSeconds). Anything else is boxed as before.
func (o *Output) seconds(d time.Duration) any {
	if o.slabs == nil || d < 0 || d%time.Second != 0 || d >= maxBoxedSeconds*time.Second {
		return d.Seconds()
	}
	k := int(d / time.Second)
	t := o.slabs.seconds
	if k >= len(t) {
		t = make([]any, min(max(2*len(t), k+1, 512), maxBoxedSeconds))
		copy(t, o.slabs.seconds)
		o.slabs.seconds = t
	}
	if t[k] == nil {
		t[k] = d.Seconds()
	}
	return t[k]
}
