package analyze

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// History is what the analyzers need to know of earlier conversations: the
// contacts of one buyer in a time range. The batch keeps them in Memory;
// the service reads them from its store with one indexed lookup. Declared
// here, by its only consumer, so neither side depends on the other.
type History interface {
	// Earlier returns up to limit contacts of the buyer (shop, customer)
	// that started at or after from and before before, newest first.
	Earlier(ctx context.Context, shop, customer string, from, before time.Time, limit int) ([]Contact, error)
}

// Memory is the History of a batch run. It keeps one compact record a
// contact — times, interned keys, the ending when unresolved, and the time
// promises — never the conversation, so a run over a million conversations
// holds about a hundred bytes each (README "Across conversations" gives
// the measured figure). It is not safe for concurrent use: the scan feeds
// it from its one ordered sink.
type Memory struct {
	strs  map[string]uint32 // interned orders, SKUs, scenes, events and agents
	names []string
	// buyers numbers the buyers (shop, customer) apart from strs, densely,
	// so that head is a slice indexed by that number where it was a map,
	// and the few scenes, events and agents are looked up in a map of
	// their own size, not in one as large as the buyers.
	buyers buyerIndex
	head   []uint32 // buyer → 1 + index of its newest record
	recs   []memContact
	keys   []uint32 // orders, SKUs and scenes of every record, back to back
	proms  []memPromise
	key    []byte // builds a buyer's key, looked up without making a string
	// last is buyer's last answer: the batch asks for the same buyer
	// twice in a row (Earlier, then Add), and the second look-up was
	// half of buyer's work. A buyer Earlier did not find is remembered
	// too, so that Add inserts it without looking it up again.
	last lastBuyer
	// hits is Earlier's scratch: the records in the window, ordered and
	// cut before they are expanded.
	hits []memHit
}

// lastBuyer is one answer of Memory.buyer: the buyer's number when
// found, else the buyer is unknown and m.key still holds its key.
type lastBuyer struct {
	shop, customer string
	ok             bool // the answer is set
	buyerLookup
}

type memContact struct {
	id         string
	ending     string
	start, end int64  // Unix nanoseconds
	prev       uint32 // 1 + index of the buyer's previous record, 0 for none
	// older is 1 + index of the buyer's newest record that started
	// before this one (not at the same time), 0 for none; Earlier reads
	// it only when ordered, where it skips this record's ties at once.
	older      uint32
	off        uint32 // first key in keys
	pOff       uint32 // first promise in proms
	endingMsg  int32
	notKept    int32
	nOrd, nSKU uint8
	nScene     uint8
	nProm      uint8
	unresolved bool
	// ordered: this record and all the buyer's earlier ones were added in
	// time order (each starting no earlier than the one before), as a
	// time-ordered input adds them; Earlier can then stop early.
	ordered bool
}

type memPromise struct {
	msg       int32
	event     uint32 // interned
	agent     uint32 // interned
	made, due int64
	text      string
}

// NewMemory returns an empty in-memory history.
func NewMemory() *Memory {
	return &Memory{strs: map[string]uint32{}}
}

func (m *Memory) intern(s string) uint32 {
	if id, ok := m.strs[s]; ok {
		return id
	}
	id := uint32(len(m.names))
	m.strs[s] = id
	m.names = append(m.names, s)
	return id
}

// buyer returns the number of the buyer (shop, customer), and whether it
// is known; add makes it known. The key is built in m.key and looked up
// without making a string.
func (m *Memory) buyer(shop, customer string, add bool) (uint32, bool) {
	l := &m.last
	if !l.ok || l.shop != shop || l.customer != customer {
		m.key = append(append(append(m.key[:0], shop...), 0), customer...)
		*l = lastBuyer{shop: shop, customer: customer, ok: true, buyerLookup: m.buyers.find(m.key)}
	}
	if add {
		m.addLast()
	}
	return l.id, l.found
}

// addLast makes the buyer of m.last known, if it is not yet, and returns
// its number. A buyer Earlier did not find a moment ago is added with that
// look-up's answer: m.key is still its key, and the index cannot hold it
// now either.
func (m *Memory) addLast() uint32 {
	l := &m.last
	if !l.found {
		l.id, l.found = m.buyers.add(m.key, l.buyerLookup), true
		m.head = append(m.head, 0)
	}
	return l.id
}

// Add records a linked contact (see Contact.Linked); others are ignored.
func (m *Memory) Add(c *Contact) {
	if !c.Linked() {
		return
	}
	b, _ := m.buyer(c.Shop, c.Customer, true)
	m.add(c, b)
}

// addAsked is Add of linked contact c right after earlier asked about
// c's buyer, the Batch's order: m.last is that buyer's answer, so c is
// added without comparing its buyer's key with the last one asked about.
func (m *Memory) addAsked(c *Contact) { m.add(c, m.addLast()) }

// add records linked contact c as buyer b's newest.
func (m *Memory) add(c *Contact, b uint32) {
	r := memContact{id: c.ID, start: c.Start.UnixNano(), end: c.End.UnixNano(), prev: m.head[b],
		off: uint32(len(m.keys)), pOff: uint32(len(m.proms)), endingMsg: int32(c.EndingMsg),
		notKept: int32(c.NotKeptMsg), unresolved: c.Unresolved}
	if c.Unresolved {
		r.ending = c.Ending
	}
	put := func(xs []string) uint8 {
		n := min(len(xs), 255)
		for _, x := range xs[:n] {
			m.keys = append(m.keys, m.intern(x))
		}
		return uint8(n)
	}
	r.nOrd, r.nSKU, r.nScene = put(c.Orders), put(c.SKUs), put(c.Scenes)
	for _, p := range c.Promises[:min(len(c.Promises), 255)] {
		m.proms = appendWritten(m.proms, memPromise{msg: int32(p.Msg), event: m.intern(p.Event), agent: m.intern(p.Agent),
			made: p.Made.UnixNano(), due: p.Due.UnixNano(), text: p.Text})
		r.nProm++
	}
	if r.prev != 0 {
		p := &m.recs[r.prev-1]
		r.ordered = p.ordered && p.start <= r.start
		if r.older = r.prev; p.start == r.start {
			r.older = p.older
		}
	} else {
		r.ordered = true
	}
	m.recs = appendWritten(m.recs, r)
	m.head[b] = uint32(len(m.recs))
}

// appendWritten is append for the records and promises, slices of
// pointers that grow with the run: when s must grow, its new array is
// written through (clear) at once. Otherwise the collector, which scans
// the array's unused tail for pointers, reads each of its pages before
// an append writes it: the read maps the kernel's zero page, and the
// write faults again and, while the scan runs on two CPUs, flushes the
// other one's TLB by an interrupt (some 800 of them in a scan of the
// 126,400 bench chats).
func appendWritten[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, 1)
		clear(s[len(s):cap(s)])
	}
	return append(s, v)
}

// Earlier implements History.
func (m *Memory) Earlier(_ context.Context, shop, customer string, from, before time.Time, limit int) ([]Contact, error) {
	return m.earlier(shop, customer, from.UnixNano(), before.UnixNano(), limit), nil
}

// earlier is Earlier of the window [lo, hi) in Unix nanoseconds, what
// Earlier reads of from and before: the batch, which has its contact's
// start in them, works the window out with two subtractions where
// Analyzer.earlier's Time.Add and the History call cost some 100
// instructions a conversation.
func (m *Memory) earlier(shop, customer string, lo, hi int64, limit int) []Contact {
	b, ok := m.buyer(shop, customer, false)
	if !ok {
		return nil
	}
	// The records in the window are ordered and cut to limit before any is
	// expanded into a Contact: a buyer with thousands of contacts (a shop's
	// own test account, a reseller) cost every later contact of theirs an
	// expansion of all of them, each with its slices, where limit (100 by
	// default) are read.
	//
	// When the buyer's records came in time order (ordered), the walk from
	// the newest meets them newest first, ties in the order the stable sort
	// keeps, so it stops at the first one before the window or at limit:
	// a buyer's every contact no longer walks all the earlier ones. A
	// record at or after before is left with all its ties at once (older):
	// they start at the same time, so none is in the window either, and
	// the same conversations read again (a re-export, an overlapping
	// file) no longer walk each other one by one.
	m.hits = m.hits[:0]
	ordered := m.head[b] != 0 && m.recs[m.head[b]-1].ordered
	for i, next := m.head[b], uint32(0); i != 0; i = next {
		r := &m.recs[i-1]
		next = r.prev
		if ordered && r.start < lo {
			break
		}
		if ordered && r.start >= hi {
			next = r.older
			continue
		}
		if r.start < lo || r.start >= hi {
			continue
		}
		m.hits = append(m.hits, memHit{start: r.start, rec: i - 1})
		if ordered && limit > 0 && len(m.hits) == limit {
			break
		}
	}
	if len(m.hits) == 0 {
		return nil
	}
	hits := m.hits
	if !ordered {
		slices.SortStableFunc(hits, func(a, b memHit) int { return cmp.Compare(b.start, a.start) })
	}
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]Contact, 0, len(hits))
	for _, h := range hits {
		out = append(out, m.contact(&m.recs[h.rec], shop, customer))
	}
	return out
}

// memHit is a record in the window of an Earlier call, newest first.
type memHit struct {
	start int64
	rec   uint32
}

// contact expands a record back into a Contact.
func (m *Memory) contact(r *memContact, shop, customer string) Contact {
	c := Contact{ID: r.id, Shop: shop, Customer: customer, Start: time.Unix(0, r.start), End: time.Unix(0, r.end),
		Unresolved: r.unresolved, Ending: r.ending, EndingMsg: int(r.endingMsg), NotKeptMsg: int(r.notKept), FirstMsg: -1}
	k := r.off
	get := func(n uint8) []string {
		if n == 0 {
			return nil
		}
		out := make([]string, n)
		for i := range out {
			out[i] = m.names[m.keys[k]]
			k++
		}
		return out
	}
	c.Orders, c.SKUs, c.Scenes = get(r.nOrd), get(r.nSKU), get(r.nScene)
	for _, p := range m.proms[r.pOff : r.pOff+uint32(r.nProm)] {
		c.Promises = append(c.Promises, Promise{ConvID: r.id, Msg: int(p.msg), Made: time.Unix(0, p.made),
			Due: time.Unix(0, p.due), Event: m.names[p.event], Text: p.text, Agent: m.names[p.agent]})
	}
	return c
}

// Len is the number of contacts recorded.
func (m *Memory) Len() int { return len(m.recs) }
