package analyze

import (
	"context"
	"sync"
	"time"

	"fullqa/internal/conversation"
)

// Summary is the `cross` section of the fullqa.kpi/v1 report: the bursts
// found and how many repeat.unresolved and promise.unkept findings the run
// made, how many time promises fell due in it, and how many conversations
// could not be linked (no buyer id or no time). Repeats and Unkept quote
// the first findings for the text and HTML reports.
type Summary struct {
	Bursts           []Burst `json:"bursts"`
	RepeatUnresolved int     `json:"repeat_unresolved"`
	PromisesDue      int     `json:"promises_due"`
	PromisesUnkept   int     `json:"promises_unkept"`
	Unlinked         int     `json:"unlinked"`

	Repeats []Item `json:"-"`
	Unkept  []Item `json:"-"`
}

// Item is one across finding with the conversation it was added to.
type Item struct {
	ConvID  string
	Finding conversation.Finding
}

// maxItems bounds the findings a Summary quotes.
const maxItems = 20

// Batch runs the across analyzers over a stream of contacts, in the order
// they are read: each one is inspected against the contacts read before
// it, then remembered. Inputs in time order (as exports are) get every
// link; a conversation read before an earlier contact of the same buyer is
// not linked back to it. Bursts are found at the end over all of them, in
// any order.
type Batch struct {
	an     *Analyzer
	mem    *Memory
	bursts *Bursts
	topics *Topics
	sum    Summary
	last   time.Time
	dues   []int64 // due times (Unix ns) of every due-tracked promise, linked or not
	// findingsOnly is set by NewFindingsBatch: no summary is kept, so
	// the topics, burst series and due times only Finish reads are not
	// made.
	findingsOnly bool
	// free holds the Prepareds AddPrepared is done with, emptied, for
	// PrepareHeld to fill again: a new one for every conversation was an
	// allocation of some 700 bytes with pointers, zeroed, then marked and
	// swept by the collector. It is a stack under a mutex, not a
	// sync.Pool, whose Get and Put cost some 260 instructions a
	// conversation: the workers take from it and the sink gives back, so
	// it holds no more than were in flight at once, and at most maxFree.
	mu   sync.Mutex
	free []*Prepared
}

// maxFree bounds the Prepareds a Batch keeps for reuse: more are left to
// the collector.
const maxFree = 4096

// reused returns a Prepared recycle emptied, or nil.
func (b *Batch) reused() *Prepared {
	var p *Prepared
	b.mu.Lock()
	if n := len(b.free) - 1; n >= 0 {
		p, b.free[n] = b.free[n], nil
		b.free = b.free[:n]
	}
	b.mu.Unlock()
	return p
}

// NewBatch starts a batch run; cfg must be valid.
func NewBatch(cfg Config, topics *Topics, loc *time.Location) *Batch {
	return &Batch{an: NewAnalyzer(cfg, loc), mem: NewMemory(), bursts: NewBursts(cfg.Burst, loc), topics: topics}
}

// NewFindingsBatch is NewBatch for a run that writes each conversation's
// findings and no summary (a JSON Lines scan writes results only): it
// returns the same findings from AddPrepared but makes none of what only
// Finish reads — the conversations' topics, the burst series (their
// maps grow with the run), the promises' due times — and its Finish
// panics.
func NewFindingsBatch(cfg Config, topics *Topics, loc *time.Location) *Batch {
	b := NewBatch(cfg, topics, loc)
	b.findingsOnly = true
	return b
}

// Prepared is the part of Batch.Add that depends on one conversation
// alone: its Contact and burst topics. Prepare makes it on any goroutine
// (the scan's workers), so that only the cheap, order-dependent part is
// left for the one goroutine that sees results in input order.
type Prepared struct {
	ct     Contact
	topics []Topic
	// The contact's scenes and the topics are made in these rooms, which
	// a recycled Prepared keeps (emptied), grown to what the
	// conversations before needed: after the first few, no allocation a
	// conversation. AddPrepared keeps neither slice (Memory and Bursts
	// intern what they keep).
	sceneRoom []string
	topicRoom []Topic
}

// Prepare summarizes one inspected conversation for AddPrepared. It reads
// only the batch's immutable configuration, so it is safe to call from
// many goroutines at once, also while Add runs.
func (b *Batch) Prepare(c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag) *Prepared {
	return b.PrepareHeld(c, findings, tags, nil)
}

// PrepareHeld is Prepare for a caller that scanned the messages for
// TopicWords already (the scan, whose detection engine matches them in
// the normalized texts with its own words): held(i) reports whether
// message i may hold one, and Topics scans only those, for the same
// topics and kept signal. held must not report false for a message that
// holds a word; nil means every message may.
func (b *Batch) PrepareHeld(c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag, held func(i int) bool) *Prepared {
	if held == nil {
		return b.PrepareNext(c, findings, tags, nil)
	}
	return b.PrepareNext(c, findings, tags, func(from int) int {
		for from < len(c.Messages) && !held(from) {
			from++
		}
		return from
	})
}

// PrepareNext is PrepareHeld told the messages that may hold a topic word
// by next: next(from) is the first at or after from, or len(c.Messages)
// when none is (the scan's engine finds it in one loop over its presence
// bits, detect.Input.NextHas, where asking of every message took a call
// each). next must not pass over a message that holds a word; nil means
// every message may.
func (b *Batch) PrepareNext(c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag, next func(from int) int) *Prepared {
	p := b.reused() // empty, as AddPrepared left it
	if p == nil {
		p = new(Prepared)
	}
	summarize(&p.ct, c, findings, tags, b.an.loc, p.sceneRoom)
	// Kept is read only of a linked contact (one with a Start), and a
	// findings-only batch reads it so rarely that AddPrepared finds it
	// when it may be read (keptRead): asking next and scanning the
	// customer messages it named here was some 400 instructions a
	// conversation.
	if !p.ct.Start.IsZero() && !b.findingsOnly {
		p.topics, p.ct.Kept = b.topics.of(p.topicRoom, c, findings, tags, next)
	}
	return p
}

// Add inspects one conversation with its findings and tags, remembers it,
// and returns the across findings to add to it.
func (b *Batch) Add(ctx context.Context, c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag) ([]conversation.Finding, error) {
	return b.AddPrepared(ctx, c, b.Prepare(c, findings, tags))
}

// AddPrepared is Add of a conversation Prepare has summarized: it must be
// called in input order, from one goroutine. It takes p: p is emptied and
// made again by a later Prepare, so the caller must not use it after.
func (b *Batch) AddPrepared(ctx context.Context, c *conversation.Conversation, p *Prepared) ([]conversation.Finding, error) {
	ct := &p.ct
	if !b.findingsOnly {
		if !ct.Start.IsZero() {
			b.bursts.Add(c.ID, ct.Start, p.topics)
			if ct.End.After(b.last) {
				b.last = ct.End
			}
		}
		for _, p := range ct.Promises {
			b.dues = append(b.dues, p.Due.UnixNano())
		}
	}
	if !ct.Linked() {
		b.sum.Unlinked++
		b.recycle(p)
		return nil, nil
	}
	// Analyzer.Inspect, with what Prepare left out made first when the
	// buyer has earlier contacts: without any, there is no finding to
	// quote the messages' texts or to be kept from by Kept. The window
	// is the one Analyzer.earlier asks Memory for: from Start.Add(-back),
	// whose Unix nanoseconds are Start's less back (in int64's wrapping
	// arithmetic both ways), to Start.
	at := ct.Start.UnixNano()
	earlier := b.mem.earlier(ct.Shop, ct.Customer, at-int64(b.an.back()), at, b.an.cfg.MaxEarlier)
	var out []conversation.Finding
	if len(earlier) > 0 {
		contactTexts(ct, c)
		if b.findingsOnly && keptRead(ct, earlier) {
			ct.Kept = b.topics.Kept(c)
		}
		out = b.an.findings(ct, earlier)
	}
	b.mem.addAsked(ct)
	b.recycle(p)
	for _, f := range out {
		switch f.Code {
		case "repeat.unresolved":
			b.sum.RepeatUnresolved++
			if len(b.sum.Repeats) < maxItems {
				b.sum.Repeats = append(b.sum.Repeats, Item{c.ID, f})
			}
		case "promise.unkept":
			b.sum.PromisesUnkept++
			if len(b.sum.Unkept) < maxItems {
				b.sum.Unkept = append(b.sum.Unkept, Item{c.ID, f})
			}
		}
	}
	return out, nil
}

// keptRead reports whether the analyzers may read c.Kept when they look
// at c against earlier (Analyzer.findings): only about does, of the later
// contact of an earlier one's promise, when c's buyer does not say a
// promise was broken (NotKeptMsg); and a contact of no scene is not about
// any promise kept or not. When it reports false, Kept does not change
// the findings (TestKeptReadMatters).
func keptRead(c *Contact, earlier []Contact) bool {
	if c.NotKeptMsg >= 0 || len(c.Scenes) == 0 {
		return false
	}
	for i := range earlier {
		if len(earlier[i].Promises) > 0 {
			return true
		}
	}
	return false
}

// recycle empties p, so that it keeps no conversation alive, and hands it
// to the next Prepare with its rooms: the contact's scenes and the topics
// were made in them, or in larger slices that take their place. Nothing
// AddPrepared keeps or returns points into a Prepared: Memory and Bursts
// intern the strings they keep, and the findings quote the contact's
// strings, never its slices.
func (b *Batch) recycle(p *Prepared) {
	scenes, topics := p.sceneRoom, p.topicRoom
	if cap(p.ct.Scenes) > cap(scenes) {
		scenes = p.ct.Scenes
	}
	if cap(p.topics) > cap(topics) {
		topics = p.topics
	}
	// Whole capacity: a slice cut short (maxTopics) still holds strings
	// past its length.
	clear(scenes[:cap(scenes)])
	clear(topics[:cap(topics)])
	*p = Prepared{sceneRoom: scenes[:0], topicRoom: topics[:0]}
	b.mu.Lock()
	if len(b.free) < maxFree {
		b.free = append(b.free, p)
	}
	b.mu.Unlock()
}

// Finish finds the bursts and returns the summary. Promises due counts the
// due-tracked promises (of every conversation, linked or not) whose due
// time is at or before the last message of the run.
func (b *Batch) Finish() Summary {
	if b.findingsOnly {
		panic("analyze: Finish of a findings-only batch")
	}
	s := b.sum
	s.Bursts = b.bursts.Find()
	if s.Bursts == nil {
		s.Bursts = []Burst{}
	}
	for _, d := range b.dues {
		if d <= b.last.UnixNano() {
			s.PromisesDue++
		}
	}
	return s
}
