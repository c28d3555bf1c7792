package ingest

import (
	"cmp"
	"math/bits"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fullqa/internal/conversation"

	"fullqa/internal/text"
)

// The fast decoder reads a canonical JSON Lines record the way
// encoding/json and parseJSONConversation together would, without
// reflection: message texts are substrings of the line, and the short
// fields (id, shop, vendor, customer, agents, meta, order ids) share one
// small string, so a conversation costs a handful of allocations and a
// retained id does not keep the whole line alive. It accepts only what it
// is sure of (known keys spelled exactly, each once; no null; ratings a
// single digit 1–5; \u escapes outside the surrogates; every field valid)
// and gives up on anything else, and the caller then parses the line with
// encoding/json, which gives the usual result or error message.
// FuzzFastJSON checks that whenever it accepts a line, encoding/json
// gives the same conversation.

// fastSpan locates a short field's decoded value in fastDecoder.buf until
// the one string they all share is made.
type fastSpan struct {
	field int8 // fieldID…; fieldAgent and fieldKind name msg
	msg   int
	a, b  int
}

const (
	fieldID = iota
	fieldChannel
	fieldShop
	fieldVendor
	fieldCustomer
	fieldOrderID
	fieldSKU
	fieldMetaKey
	fieldMetaValue
	fieldAgent
	fieldKind
)

// fastDecoder is the scratch of one decode, pooled.
type fastDecoder struct {
	s     string
	i     int
	buf   []byte
	spans []fastSpan
	msgs  []conversation.Message
	ats   []string  // each message's "at", decoded
	src   bool      // whether to set the conversation's Source from name and line
	name  string    // the file, for the conversation's Source
	line  int       // the line, for the conversation's Source
	zc    zoneCache // the messages' times' zone, kept between lines
	// free is the unused tail of the block the conversations' messages
	// are cut from (see messageRoom).
	free []conversation.Message
	// agent is the agent addMessage last put in buf, at agentAt; "" and
	// 0 at a line's start (an empty agent is then buf[0:0], as it would
	// be anywhere).
	agent   string
	agentAt int
}

// msgBlock is how many messages a block of fastDecoder.messageRoom holds
// (20 KB): about twenty JDDC conversations.
const msgBlock = 256

// messageRoom returns the room a conversation's messages are read into:
// the unused tail of the decoder's current block, or of a new one when
// less than a quarter of a block is left. One allocation serves some
// twenty conversations where each made its own, and the messages are
// read where they stay (takeMessages) instead of into the decoder's own
// slice and copied out. A conversation with more messages than the room
// holds grows out of it into a slice of its own, as append does. A block
// is never reused: the pieces live on in the conversations, which the
// decoder does not see again, and the block goes to the garbage
// collector with the last of them.
func (d *fastDecoder) messageRoom() []conversation.Message {
	if len(d.free) < msgBlock/4 {
		d.free = make([]conversation.Message, msgBlock)
		// Written through at once, so that no page of the block is read
		// (by the collector, which scans its unused tail for pointers)
		// before it is written: see idTable.grow.
		clear(d.free)
	}
	return d.free[:0]
}

// takeMessages hands out the messages read into d.msgs (from
// messageRoom) for good: the piece of the block they fill, which the block
// then no longer offers, or the slice they grew into. A piece's capacity
// is its length, so appending to a conversation's messages reallocates
// rather than writes over the next conversation's.
func (d *fastDecoder) takeMessages() []conversation.Message {
	n := len(d.msgs)
	ms := d.msgs[:n:n]
	d.msgs = nil
	// An append that outgrew the room made a larger slice: a capacity
	// still the room's is the room itself.
	if cap(ms) <= len(d.free) {
		d.free = d.free[n:]
	} else {
		clear(d.free) // the copies left behind, for the collector's sake
	}
	return ms
}

var fastDecoders = sync.Pool{New: func() any { return new(fastDecoder) }}

// decodeFastJSON returns line's conversation, or ok false when the fast
// decoder cannot be sure of it, invalid UTF-8 included.
func decodeFastJSON(line string, opts *Options) (c *conversation.Conversation, ok bool) {
	var of orderFacts
	c, ok, _ = decodeFastJSONInto(line, opts, new(conversation.Conversation), false, "", 0, &of)
	return c, ok
}

// decodeFastJSONInto is decodeFastJSON filling c, which must be zero (the
// caller allocates it with what else it keeps per record), and, when src
// is set, setting c.Source to sourceOf(name, line) inside the string
// the short fields share rather than in one more allocation. It also
// finds the conversation's order facts as orderCheck.facts would, from
// the seconds of the times it reads, when it read every time itself in
// whole seconds (facts true; *of is then set): the order check need not
// go through the messages' times again.
func decodeFastJSONInto(line string, opts *Options, c *conversation.Conversation, src bool, name string, n int, of *orderFacts) (_ *conversation.Conversation, ok, facts bool) {
	d := fastDecoders.Get().(*fastDecoder)
	d.s, d.i, d.buf, d.spans, d.msgs, d.ats = line, 0, d.buf[:0], d.spans[:0], d.messageRoom(), d.ats[:0]
	d.src, d.name, d.line = src, name, n
	d.agent, d.agentAt = "", 0
	c, ok, facts = d.conversation(opts, c, of)
	d.s, d.agent = "", ""
	if d.msgs != nil { // not taken: what was read goes
		clear(d.msgs)
		d.msgs = nil
	}
	clear(d.ats)
	fastDecoders.Put(d)
	return c, ok, facts
}

func (d *fastDecoder) conversation(opts *Options, c *conversation.Conversation, of *orderFacts) (*conversation.Conversation, bool, bool) {
	var rating, ids, skus, metas int
	d.ws()
	if !d.eat('{') {
		return nil, false, false
	}
	seen := d.headInOrder()
	for first := seen == 0; ; first = false {
		d.ws()
		if d.eat('}') {
			if first {
				return nil, false, false // {} lacks the id anyway
			}
			break
		}
		if !first && !d.eat(',') {
			return nil, false, false
		}
		// "messages", the one key after the head a canonical line has,
		// is too long for key's one load: it is taken here as key would
		// take it (then the white space after its colon).
		var key string
		var ok bool
		if i := d.i; i+11 <= len(d.s) && d.s[i:i+11] == `"messages":` {
			key, d.i = "messages", i+11
			d.ws()
		} else if key, ok = d.key(); !ok {
			return nil, false, false
		}
		bit := uint32(0)
		switch key {
		case "id", "channel", "shop", "vendor", "customer":
			f := shortField(key)
			bit = 1 << uint(f)
			if !d.short(f, 0) {
				return nil, false, false
			}
		case "order_ids", "skus":
			f, n := int8(fieldOrderID), &ids
			if key == "skus" {
				f, n = fieldSKU, &skus
			}
			bit = 1 << uint(f)
			if !d.strings(f, n) {
				return nil, false, false
			}
		case "meta":
			bit = 1 << fieldMetaKey
			if !d.meta(&metas) {
				return nil, false, false
			}
		case "rating":
			bit = 1 << 12
			if d.i >= len(d.s) || d.s[d.i] < '1' || d.s[d.i] > '5' {
				return nil, false, false
			}
			rating = int(d.s[d.i] - '0')
			d.i++
			if d.i < len(d.s) && (d.s[d.i] >= '0' && d.s[d.i] <= '9' || d.s[d.i] == '.' || d.s[d.i] == 'e' || d.s[d.i] == 'E') {
				return nil, false, false
			}
		case "outcome":
			bit = 1 << 13
			if c.Outcome, ok = d.outcome(); !ok {
				return nil, false, false
			}
		case "messages":
			bit = 1 << 14
			if !d.messages() {
				return nil, false, false
			}
		default:
			return nil, false, false
		}
		if seen&bit != 0 {
			return nil, false, false
		}
		seen |= bit
	}
	d.ws()
	if d.i != len(d.s) || seen&(1<<fieldID) == 0 || len(d.msgs) == 0 {
		return nil, false, false
	}
	c.Rating = rating
	// The short fields (and the source) become substrings of one string.
	srcAt := len(d.buf)
	if d.src {
		d.buf = append(d.buf, d.name...)
		d.buf = append(d.buf, ':')
		d.buf = strconv.AppendInt(d.buf, int64(d.line), 10)
	}
	short := string(d.buf)
	if d.src {
		c.Source = short[srcAt:]
	}
	if ids > 0 {
		c.OrderIDs = make([]string, 0, ids)
	} else if seen&(1<<fieldOrderID) != 0 {
		c.OrderIDs = []string{}
	}
	if skus > 0 {
		c.SKUs = make([]string, 0, skus)
	} else if seen&(1<<fieldSKU) != 0 {
		c.SKUs = []string{}
	}
	if seen&(1<<fieldMetaKey) != 0 {
		c.Meta = make(map[string]string, metas)
	}
	c.Messages = d.takeMessages()
	var metaKey string
	for _, sp := range d.spans {
		v := short[sp.a:sp.b]
		switch sp.field {
		case fieldID:
			c.ID = v
		case fieldChannel:
			c.Channel = v
		case fieldShop:
			c.Shop = v
		case fieldVendor:
			c.Vendor = v
		case fieldCustomer:
			c.Customer = v
		case fieldOrderID:
			c.OrderIDs = append(c.OrderIDs, v)
		case fieldSKU:
			c.SKUs = append(c.SKUs, v)
		case fieldMetaKey:
			metaKey = v
		case fieldMetaValue:
			c.Meta[metaKey] = v
		case fieldAgent:
			c.Messages[sp.msg].Agent = v
		case fieldKind:
			c.Messages[sp.msg].Kind = v
		}
	}
	if strings.TrimSpace(c.ID) == "" {
		return nil, false, false
	}
	loc := opts.location()
	msgs := c.Messages
	// The order facts (orderCheck.facts) of the times as they are read:
	// whole seconds, compared as such, when parseRFC3339 read them all
	// (exact). A zero time counts as none, as HasTime says.
	f := orderFacts{bad: -1}
	exact := true
	var prev int64
	timed := false
	for i, at := range d.ats {
		if at == "" {
			continue
		}
		t, ok := d.zc.parseRFC3339(at, loc)
		if !ok {
			// The canonical readers take a time of 25 bytes between
			// quotes as it is (messageInOrder): one parseRFC3339 does
			// not read (which reads only digits and the signs of a
			// time) must be plain, or the string may have held a quote,
			// a backslash or a byte that is not UTF-8, and the line is
			// left to the standard path.
			if len(at) == 25 && !plain25(at, 0) {
				return nil, false, false
			}
			var err error
			if t, err = ParseTime(at, "", loc); err != nil {
				return nil, false, false
			}
			exact = false
		}
		msgs[i].At = t
		if t.IsZero() {
			continue
		}
		u := t.Unix()
		if timed {
			// Further back than OrderTolerance, a whole number of
			// seconds.
			f.note(i, cmp.Compare(u, prev), prev-u > int64(OrderTolerance/time.Second))
		}
		prev, timed = u, true
	}
	if exact {
		*of = f
	}
	return c, true, exact
}

// headInOrder reads the short fields a canonical line begins with, in
// the order it writes them (id, channel, shop, vendor, customer: each key
// with its colon and quote as one compare, then the value, a string
// without escapes), for as long as the line has them so, and returns
// their bits in conversation's seen; the loop over keys reads the rest
// (the same fields: FuzzFastJSON), where it took each key apart.
func (d *fastDecoder) headInOrder() uint32 {
	s, i := d.s, d.i
	var seen uint32
	for f := int8(fieldID); f <= fieldCustomer; f++ {
		var n int
		switch {
		case f == fieldID && i+6 <= len(s) && s[i:i+6] == `"id":"`:
			n = 6
		case f == fieldChannel && i+12 <= len(s) && s[i:i+12] == `,"channel":"`:
			n = 12
		case f == fieldShop && i+9 <= len(s) && s[i:i+9] == `,"shop":"`:
			n = 9
		case f == fieldVendor && i+11 <= len(s) && s[i:i+11] == `,"vendor":"`:
			n = 11
		case f == fieldCustomer && i+13 <= len(s) && s[i:i+13] == `,"customer":"`:
			n = 13
		default:
			return seen
		}
		v, j, st := scanString(s, i+n)
		if st != strDone {
			return seen
		}
		a := len(d.buf)
		d.buf = append(d.buf, v...)
		d.spans = append(d.spans, fastSpan{field: f, a: a, b: len(d.buf)})
		seen |= 1 << uint(f)
		i, d.i = j, j
	}
	return seen
}

// messages reads the messages array into d.msgs and d.ats.
func (d *fastDecoder) messages() bool {
	if !d.eat('[') {
		return false
	}
	d.ws()
	if d.eat(']') {
		return false // empty: the standard path words the error
	}
	for {
		// A message as canonical lines write it, followed by a comma and
		// the next, is read without the white-space skips and single-byte
		// eats around it: messageInOrder reads nothing (and changes
		// nothing) when the line has white space there, which the general
		// way below then skips, so both read the same.
		if !d.messageInOrder() {
			d.ws()
			if !d.messageCanon() && !d.message() {
				return false
			}
		}
		if d.i < len(d.s) && d.s[d.i] == ',' {
			d.i++
			continue
		}
		d.ws()
		if d.eat(']') {
			return true
		}
		if !d.eat(',') {
			return false
		}
	}
}

// messageCanon reads one message spelled as canonical lines spell it: no
// white space, the keys role, text, at and agent (each once, in any
// order) and strings without escapes. It works on local copies of the
// line and the position and touches the decoder only when it has read the
// whole message; anything else leaves the decoder as it was and returns
// false, and message reads it the general way (the same result for what
// this path accepts: TestMessageCanon and FuzzMessageCanon). message,
// through ws, eat and str, wrote and read the decoder's position some
// twenty times a message.
func (d *fastDecoder) messageCanon() bool {
	if d.messageInOrder() {
		return true
	}
	s, i := d.s, d.i
	if i >= len(s) || s[i] != '{' {
		return false
	}
	i++
	var role conversation.Role
	var txt, at, agent string
	var seen uint8
	for {
		bit := msgKey(s, i)
		switch bit {
		case 1, 2:
			i += len(`"role":`) // as long as "text":
		case 4:
			i += len(`"at":`)
		case 8:
			i += len(`"agent":`)
		default:
			return false
		}
		if seen&bit != 0 || i >= len(s) || s[i] != '"' {
			return false
		}
		seen |= bit
		// The usual roles and a time of 25 bytes are read on the spot
		// (the time checked by conversation, as messageInOrder's); the
		// rest (texts above all) through scanString.
		switch {
		case bit == 1 && i+10 <= len(s) && text.Load8(s, i+1) == customerWord && s[i+9] == '"':
			role, i = conversation.RoleCustomer, i+10
		case bit == 1 && i+7 <= len(s) && s[i+1:i+7] == `agent"`:
			role, i = conversation.RoleAgent, i+7
		case bit == 4 && i+27 <= len(s) && s[i+26] == '"': // checked by conversation
			at, i = s[i+1:i+26], i+27
		default:
			v, j, st := scanString(s, i+1)
			if st != strDone {
				return false
			}
			i = j
			switch bit {
			case 1:
				var ok bool
				if role, ok = conversation.ParseRole(v); !ok {
					return false
				}
			case 2:
				txt = v
			case 4:
				at = v
			case 8:
				agent = v
			}
		}
		if i >= len(s) {
			return false
		}
		if s[i] == '}' {
			i++
			break
		}
		if s[i] != ',' {
			return false
		}
		i++
	}
	if seen&3 != 3 {
		return false
	}
	d.addMessage(role, txt, at, agent, seen&8 != 0, i)
	return true
}

// messageInOrder reads one message spelled exactly as canonical lines
// write it: the keys role (customer or agent), text, at (a time of 25
// bytes, which conversation checks) and, for an agent's message, agent,
// in that order, no white space, strings without escapes. It is
// messageCanon for that one order with a fixed sequence of compares where
// messageCanon loops over the keys, telling each by a load and branching
// on it (the same result where it accepts and the time is plain:
// TestMessageCanon and FuzzMessageCanon, through messageCanon); anything
// else leaves the decoder as it was and returns false, and messageCanon
// reads the message its own way.
func (d *fastDecoder) messageInOrder() bool {
	s, i := d.s, d.i
	var role conversation.Role
	// The heads are compared a word of eight bytes at a time, loaded
	// from one slice of s whose bounds are tested once: `{"role":`, then
	// `"custome`, `r","text` and (overlapping) `"text":"`, or `"agent",`
	// and `"text":"`.
	if i+24 > len(s) {
		return false
	}
	h := s[i : i+24]
	w1, w2 := text.Load8(h, 8), text.Load8(h, 16)
	switch {
	case text.Load8(h, 0) != roleHead:
		return false
	case w1 == customerHead && w2 == customerText && i+27 <= len(s) && text.Load8(s, i+19) == textHead:
		role, i = conversation.RoleCustomer, i+27
	case w1 == agentHead && w2 == textHead:
		role, i = conversation.RoleAgent, i+24
	default:
		return false
	}
	txt, i, st := scanString(s, i)
	// `,"at":"`, 25 bytes and the closing quote: the time is taken as it
	// is, and conversation checks it (a time parseRFC3339 reads is plain;
	// any other is then looked at with plain25).
	if st != strDone || i+33 > len(s) {
		return false
	}
	if a := s[i : i+33]; text.Load8(a, 0)&(1<<56-1) != atHead || a[32] != '"' {
		return false
	}
	at := s[i+7 : i+32]
	i += 33
	var agent string
	hasAgent := i+10 <= len(s) && text.Load8(s, i) == agentKeyHead && s[i+8:i+10] == `:"`
	if hasAgent {
		// An agent's name is short: mostly read here (quoteIn8), else
		// by scanString.
		j := i + 10
		if k, ok := quoteIn8(s, j); ok {
			agent, i = s[j:j+k], j+k+1
		} else if agent, i, st = scanString(s, j); st != strDone {
			return false
		}
	}
	if i >= len(s) || s[i] != '}' {
		return false
	}
	d.addMessage(role, txt, at, agent, hasAgent, i+1)
	return true
}

// The words messageInOrder compares a canonical message's heads with
// (text.Load8's little-endian words of eight bytes; atHead seven).
var (
	roleHead     = word8(`{"role":`)
	customerHead = word8(`"custome`)
	customerText = word8(`r","text`)
	agentHead    = word8(`"agent",`)
	textHead     = word8(`"text":"`)
	atHead       = word8(`,"at":"` + "\x00")
	agentKeyHead = word8(`,"agent"`)
)

// word8 is s (eight bytes) as text.Load8 reads it.
func word8(s string) uint64 { return text.Load8(s, 0) }

// addMessage appends a message read by messageCanon or messageInOrder
// (its agent only when hasAgent) and moves the decoder to end.
func (d *fastDecoder) addMessage(role conversation.Role, txt, at, agent string, hasAgent bool, end int) {
	n := len(d.msgs)
	d.msgs = append(d.msgs, conversation.Message{Role: role, Text: txt})
	d.ats = append(d.ats, at)
	if hasAgent {
		// A conversation's agent messages mostly name one agent: the
		// bytes of the last one are taken again rather than copied.
		if agent != d.agent {
			d.agent, d.agentAt = agent, len(d.buf)
			d.buf = append(d.buf, agent...)
		}
		d.spans = append(d.spans, fastSpan{field: fieldAgent, msg: n, a: d.agentAt, b: d.agentAt + len(agent)})
	}
	d.i = end
}

// message reads one message object.
func (d *fastDecoder) message() bool {
	if !d.eat('{') {
		return false
	}
	n := len(d.msgs)
	d.msgs = append(d.msgs, conversation.Message{})
	d.ats = append(d.ats, "")
	m := &d.msgs[n]
	var seen uint8
	for first := true; ; first = false {
		d.ws()
		if d.eat('}') {
			break
		}
		if !first && !d.eat(',') {
			return false
		}
		// The key, as the message's bit for it: the usual keys spelled
		// as canonical lines spell them with one load (msgKey), the rest
		// as key reads them.
		bit := msgKey(d.s, d.i)
		switch bit {
		case 1:
			d.i += len(`"role":`)
		case 2:
			d.i += len(`"text":`)
		case 4:
			d.i += len(`"at":`)
		case 8:
			d.i += len(`"agent":`)
		default:
			key, ok := d.key()
			if !ok {
				return false
			}
			switch key {
			case "role":
				bit = 1
			case "text":
				bit = 2
			case "at":
				bit = 4
			case "agent":
				bit = 8
			case "kind":
				bit = 16
			default:
				return false
			}
		}
		d.ws() // key's, after the colon
		switch bit {
		case 1:
			s, ok := d.str()
			if !ok {
				return false
			}
			if m.Role, ok = conversation.ParseRole(s); !ok {
				return false
			}
		case 2:
			var ok bool
			if m.Text, ok = d.str(); !ok {
				return false
			}
		case 4:
			var ok bool
			if d.ats[n], ok = d.str(); !ok {
				return false
			}
		case 8:
			if !d.short(fieldAgent, n) {
				return false
			}
		case 16:
			if !d.short(fieldKind, n) {
				return false
			}
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
	}
	return seen&3 == 3
}

// customerWord is "customer" as a little-endian word (text.Load8).
const customerWord = uint64('c') | uint64('u')<<8 | uint64('s')<<16 | uint64('t')<<24 | uint64('o')<<32 |
	uint64('m')<<40 | uint64('e')<<48 | uint64('r')<<56

// plain25 reports whether the 25 bytes s[i:i+25] (a time as canonical
// lines write it) are all plain ASCII, nothing a JSON string escapes,
// with four loads: what scanString would step over up to a quote there.
// conversation asks it of a time the canonical readers took that
// parseRFC3339 does not read.
func plain25(s string, i int) bool {
	return text.JSONPlain8(text.Load8(s, i))|text.JSONPlain8(text.Load8(s, i+8))|
		text.JSONPlain8(text.Load8(s, i+16))|text.JSONPlain8(text.Load8(s, i+17)) == 0
}

// msgKey tells which of a message's usual keys, spelled as canonical
// lines spell them (a quote, the name, a quote and the colon, no space),
// s has at i, read with one load: 1 for role, 2 text, 4 at and 8 agent,
// the message's bits for them; 0 for anything else, which key reads.
func msgKey(s string, i int) uint8 {
	if i+8 > len(s) {
		return 0
	}
	const (
		roleKey  = uint64('"') | uint64('r')<<8 | uint64('o')<<16 | uint64('l')<<24 | uint64('e')<<32 | uint64('"')<<40 | uint64(':')<<48
		textKey  = uint64('"') | uint64('t')<<8 | uint64('e')<<16 | uint64('x')<<24 | uint64('t')<<32 | uint64('"')<<40 | uint64(':')<<48
		atKey    = uint64('"') | uint64('a')<<8 | uint64('t')<<16 | uint64('"')<<24 | uint64(':')<<32
		agentKey = uint64('"') | uint64('a')<<8 | uint64('g')<<16 | uint64('e')<<24 | uint64('n')<<32 | uint64('t')<<40 | uint64('"')<<48 | uint64(':')<<56
	)
	w := text.Load8(s, i)
	switch {
	case w&(1<<56-1) == roleKey:
		return 1
	case w&(1<<56-1) == textKey:
		return 2
	case w&(1<<40-1) == atKey:
		return 4
	case w == agentKey:
		return 8
	}
	return 0
}

// strings reads an array of strings as short fields, counting them in *n.
func (d *fastDecoder) strings(f int8, n *int) bool {
	if !d.eat('[') {
		return false
	}
	d.ws()
	if d.eat(']') {
		return true
	}
	for {
		d.ws()
		if !d.short(f, 0) {
			return false
		}
		*n++
		d.ws()
		if d.eat(']') {
			return true
		}
		if !d.eat(',') {
			return false
		}
	}
}

// meta reads an object of strings, counting its pairs in *n.
func (d *fastDecoder) meta(n *int) bool {
	if !d.eat('{') {
		return false
	}
	for first := true; ; first = false {
		d.ws()
		if d.eat('}') {
			return true
		}
		if !first && !d.eat(',') {
			return false
		}
		if !d.short(fieldMetaKey, 0) {
			return false
		}
		d.ws()
		if !d.eat(':') {
			return false
		}
		d.ws()
		if !d.short(fieldMetaValue, 0) {
			return false
		}
		*n++
	}
}

// outcome reads {"ordered":bool,"refunded":bool}, either key optional.
func (d *fastDecoder) outcome() (*conversation.Outcome, bool) {
	if !d.eat('{') {
		return nil, false
	}
	o := &conversation.Outcome{}
	for first := true; ; first = false {
		d.ws()
		if d.eat('}') {
			return o, true
		}
		if !first && !d.eat(',') {
			return nil, false
		}
		key, ok := d.key()
		if !ok {
			return nil, false
		}
		var v bool
		switch {
		case strings.HasPrefix(d.s[d.i:], "true"):
			v, d.i = true, d.i+4
		case strings.HasPrefix(d.s[d.i:], "false"):
			d.i += 5
		default:
			return nil, false
		}
		switch {
		case key == "ordered" && o.Ordered == nil:
			o.Ordered = &v
		case key == "refunded" && o.Refunded == nil:
			o.Refunded = &v
		default:
			return nil, false
		}
	}
}

// key reads an object key (a string without escapes) and its colon,
// leaving d at the value.
func (d *fastDecoder) key() (string, bool) {
	// Most keys: a quote, up to seven plain ASCII bytes, a quote and the
	// colon, read with one load (the lowest lane text.JSONPlain8 marks is
	// the first byte that is not plain, which must be the closing quote).
	if i := d.i; i+10 <= len(d.s) && d.s[i] == '"' {
		if n, ok := quoteIn8(d.s, i+1); ok && d.s[i+2+n] == ':' {
			d.i = i + 3 + n
			d.ws()
			return d.s[i+1 : i+1+n], true
		}
	}
	s, ok := d.str()
	if !ok {
		return "", false
	}
	d.ws()
	if !d.eat(':') {
		return "", false
	}
	d.ws()
	return s, true
}

// short reads a string value into d.buf and records where it is.
func (d *fastDecoder) short(f int8, msg int) bool {
	s, ok := d.str()
	if !ok {
		return false
	}
	a := len(d.buf)
	d.buf = append(d.buf, s...)
	d.spans = append(d.spans, fastSpan{field: f, msg: msg, a: a, b: len(d.buf)})
	return true
}

// str reads a JSON string: a substring of the line when it has no escape,
// else decoded into a new string.
func (d *fastDecoder) str() (string, bool) {
	d.ws()
	if !d.eat('"') {
		return "", false
	}
	v, j, st := scanString(d.s, d.i)
	switch st {
	case strDone:
		d.i = j
		return v, true
	case strEscape:
		return d.unescape(d.i)
	}
	return "", false
}

// What scanString found at the end of a string's plain part.
const (
	strBad    = iota // a control character, invalid UTF-8 or the line's end
	strDone          // the closing quote
	strEscape        // a backslash: the string needs unescape
)

// scanString reads the string whose first byte is s[start] (just after
// its opening quote) up to its closing quote, checking that it is valid
// UTF-8 without control characters, and returns it as a substring of s
// with the position after the quote (strDone); strEscape when it meets a
// backslash first. ASCII goes eight bytes at a time (keys, times, ids),
// Chinese two characters at a time for as long as it lasts.
func scanString(s string, start int) (string, int, int) {
	for i := start; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			// Two three-byte characters of E1–EC or EE–EF leads a word,
			// in a loop of their own: a run of Chinese does not go
			// through the checks of the loop around it.
			for i+8 <= len(s) && text.Lead3Pair(text.Load8(s, i)) {
				i += 6
			}
			if i >= len(s) {
				break
			}
			if c = s[i]; c < utf8.RuneSelf {
				continue
			}
			if text.Lead3(c) && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				i += 3 // runeLen's common case (most of Chinese), inline
				continue
			}
			n := runeLen(s[i:])
			if n == 0 {
				return "", 0, strBad
			}
			i += n
			continue
		}
		switch {
		case c == '"':
			return s[start:i], i + 1, strDone
		case c == '\\':
			return "", 0, strEscape
		case c < 0x20:
			return "", 0, strBad
		}
		i++
		// Plain ASCII eight bytes at a time, up to the first byte that
		// is not (the lowest lane text.JSONPlain8 marks is exact).
		for i+8 <= len(s) {
			if m := text.JSONPlain8(text.Load8(s, i)); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
	}
	return "", 0, strBad
}

// quoteIn8 reads a short string's rest with one load: when the eight
// bytes at s[j:] (which must be in s) hold a quote after n plain ASCII
// bytes (the lowest lane text.JSONPlain8 marks is the first byte that is
// not plain), it returns n and true. Object keys and agents' names are
// mostly read so.
func quoteIn8(s string, j int) (int, bool) {
	if j+8 > len(s) {
		return 0, false
	}
	m := text.JSONPlain8(text.Load8(s, j))
	if m == 0 {
		return 0, false
	}
	n := bits.TrailingZeros64(m) >> 3
	return n, s[j+n] == '"'
}

// runeLen returns the length of the valid UTF-8 character at the start of
// s, or 0 when it is not valid: the decoder checks UTF-8 as it reads
// strings (anything else outside ASCII makes it give up), so a line is
// not walked once more for it.
func runeLen(s string) int {
	// E1–EC and EE–EF leads (most of Chinese) take any two continuation
	// bytes; the rest goes to the library.
	if c := s[0]; c >= 0xE1 && c <= 0xEF && c != 0xED && len(s) > 2 && s[1]&0xC0 == 0x80 && s[2]&0xC0 == 0x80 {
		return 3
	}
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		return 0
	}
	return n
}

// unescape decodes a string with escapes, as encoding/json does, from
// start (just after its quote).
func (d *fastDecoder) unescape(start int) (string, bool) {
	var b []byte
	for i := start; i < len(d.s); {
		c := d.s[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(b), true
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			n := runeLen(d.s[i:])
			if n == 0 {
				return "", false
			}
			b = append(b, d.s[i:i+n]...)
			i += n
			continue
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(d.s) {
			return "", false
		}
		switch e := d.s[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(d.s[i+2:])
			if !ok || r >= 0xD800 && r <= 0xDFFF {
				return "", false // surrogates: the standard path pairs them
			}
			b = utf8.AppendRune(b, r)
			i += 6
			continue
		default:
			return "", false
		}
		i += 2
	}
	return "", false
}

// hex4 reads four hex digits.
func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// ws skips JSON white space.
func (d *fastDecoder) ws() {
	for d.i < len(d.s) {
		// One comparison for what is not white space above it (every
		// byte a canonical line has where ws looks: it has none).
		if c := d.s[d.i]; c > ' ' || c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return
		}
		d.i++
	}
}

// shortField names a top-level string field.
func shortField(key string) int8 {
	switch key {
	case "id":
		return fieldID
	case "channel":
		return fieldChannel
	case "shop":
		return fieldShop
	case "vendor":
		return fieldVendor
	}
	return fieldCustomer
}

// eat consumes c when it is next.
func (d *fastDecoder) eat(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}
