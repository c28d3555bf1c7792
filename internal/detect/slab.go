package detect

import "fullqa/internal/conversation"

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
	findingsFirst = 4   // room the first finding makes (see Output.Add)
)

// slabs are the worker's slabs, kept in its Scratch and lent to Output.
type slabs struct {
	ints     slab[int]
	findings slab[conversation.Finding]
	tags     slab[conversation.Tag]
	emotions slab[MessageEmotion]
}
