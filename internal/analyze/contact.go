// Package analyze holds the analyzers that look across conversations:
// repeat.unresolved (a buyer coming back about the same unresolved problem),
// promise.unkept (a time promise past due when the buyer comes back) and
// burst.topic (a product, courier, scene or problem rising far above its own
// baseline). They see every conversation only as a compact Contact, and
// earlier ones only through the small History interface declared here, so
// the same logic runs in a batch over files (Memory) and in the service
// over its store, and never holds whole conversations.
package analyze

import (
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/text"
)

// Contact is what the analyzers keep of one conversation: who, when, about
// what, whether it ended unresolved and which time promises it made. It is
// small on purpose: a run over a million conversations keeps one each.
type Contact struct {
	ID       string
	Shop     string
	Customer string
	Vendor   string
	Agent    string // the agent who wrote most agent messages (Summarize; the batch leaves it empty)
	Start    time.Time
	End      time.Time
	Orders   []string
	SKUs     []string
	Scenes   []string // scene tags (refund, logistics …)

	// Unresolved is set when the conversation did not end resolved; Ending
	// names why ("resolution.unresolved: 那就算了") and EndingMsg the
	// message it quotes.
	Unresolved bool
	Ending     string
	EndingMsg  int

	// FirstMsg is the first customer message and FirstText its text: what
	// the buyer came back with, quoted as the later message.
	FirstMsg  int
	FirstText string
	// NotKeptMsg is the customer message saying an earlier promise was not
	// kept (promise.conflict, repeat.contact), -1 when there is none.
	NotKeptMsg  int
	NotKeptText string
	// Kept is set when a customer message says a promised thing happened
	// ("收到了", Topics.Kept): the contact does not show a promise unkept
	// unless it also says one was broken. Not kept in the history.
	Kept bool
	// RepeatContact lists the messages of the in-text repeat.contact
	// finding, linked from repeat.unresolved when both fire.
	RepeatContact []int

	Promises []Promise
}

// Linked reports whether the contact can be linked to other contacts: it
// needs a buyer id and a time.
func (c *Contact) Linked() bool { return c.Customer != "" && !c.Start.IsZero() }

// Promise is one due-tracked time promise: made in conversation ConvID,
// message Msg, at Made, due at Due.
type Promise struct {
	ConvID string    `json:"conversation"`
	Msg    int       `json:"message"`
	Made   time.Time `json:"made"`
	Due    time.Time `json:"due"`
	Event  string    `json:"event"` // ship, deliver, refund, contact or other
	Text   string    `json:"text"`
	Agent  string    `json:"agent,omitempty"`
}

// unresolvedCodes are the findings that mean a conversation did not end
// resolved, in the order their evidence is preferred: no solution or
// accepted next step, a broken promise, a threat to escalate, a customer
// message left unanswered.
var unresolvedCodes = [...]string{"resolution.unresolved", "promise.conflict", "threat.escalation",
	"response.missed"}

// Summarize builds the Contact of an inspected conversation from its
// findings and scene tags. loc is the time zone day-based promises
// ("明天发出") are counted in. It is pure: no I/O, no clock.
func Summarize(c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag, loc *time.Location) Contact {
	var ct Contact
	summarize(&ct, c, findings, tags, loc, nil)
	contactTexts(&ct, c)
	ct.Agent = mainAgent(c)
	return ct
}

// timeSpan returns the earliest and the latest of the messages' times
// (the first of equal ones, the zero Time for none), as the loop it
// replaced found them with Before and After: its messages' times read
// once each as Unix seconds and nanoseconds and compared as numbers, the
// times themselves copied only at the end (TestTimeSpanMatchesRef).
// Before and After compare monotonic clock readings when both times carry
// one; the readers never produce such times (they parse text), so wall
// time alone decides here as it did there.
func timeSpan(msgs []conversation.Message) (start, end time.Time) {
	si, ei := -1, -1
	var ss, sn, es, en int64
	// end starts as the zero Time, which a time before year 1 is not after.
	es = time.Time{}.Unix()
	for i := range msgs {
		t := &msgs[i].At
		if t.IsZero() {
			continue
		}
		s, n := t.Unix(), int64(t.Nanosecond())
		if si < 0 || s < ss || s == ss && n < sn {
			si, ss, sn = i, s, n
		}
		if s > es || s == es && n > en {
			ei, es, en = i, s, n
		}
	}
	if si >= 0 {
		start = msgs[si].At
	}
	if ei >= 0 {
		end = msgs[ei].At
	}
	return start, end
}

// summarize is Summarize filling *ct (empty) in place, putting the scene
// names in scenes' room when it has enough (Batch.Prepare hands over the
// room of a recycled Prepared), and without the contact's Agent: the
// batch reads no contact's agent (a promise names the agent of its own
// message), and mainAgent was a pass over every message of every
// conversation for the service alone. Filling in place spares the batch
// a copy of the whole Contact into its Prepared. It sets FirstMsg and
// NotKeptMsg but not their texts, which contactTexts clips: the batch
// quotes them only in a finding, so only for a contact whose buyer has
// earlier ones (Batch.AddPrepared), and Memory keeps neither.
func summarize(ct *Contact, c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag, loc *time.Location, scenes []string) {
	ct.ID, ct.Shop, ct.Customer, ct.Vendor = c.ID, c.Shop, c.Customer, c.Vendor
	ct.Orders, ct.SKUs = c.OrderIDs, c.SKUs
	ct.FirstMsg, ct.NotKeptMsg, ct.EndingMsg = -1, -1, -1
	ct.Start, ct.End = timeSpan(c.Messages)
	for i := range c.Messages {
		if c.Messages[i].Role == conversation.RoleCustomer {
			ct.FirstMsg = i
			break
		}
	}
	if ct.FirstMsg < 0 && len(c.Messages) > 0 {
		ct.FirstMsg = 0
	}
	if len(tags) > 0 {
		if cap(scenes) >= len(tags) {
			ct.Scenes = scenes[:len(tags)]
		} else {
			ct.Scenes = make([]string, len(tags)) // one allocation, not append's several
		}
		for i, t := range tags {
			ct.Scenes[i] = t.Name
		}
	}
	contactFindings(ct, c, findings)
	for i := range findings {
		f := &findings[i]
		if f.Code != "promise.made" || len(f.Messages) == 0 {
			continue
		}
		n := f.Messages[0]
		if n < 0 || n >= len(c.Messages) {
			continue
		}
		at := c.Messages[n].At
		if at.IsZero() {
			at = ct.Start
		}
		var room [4]slotView
		for _, p := range timePromises(room[:0], f.Data) {
			due, ok := dueTime(p, at, loc)
			if !ok {
				continue
			}
			ev, _ := p.get("event").(string)
			ct.Promises = append(ct.Promises, Promise{ConvID: c.ID, Msg: n, Made: at, Due: due,
				Event: eventCategory(ev), Text: clip(f.Evidence, 60), Agent: c.Messages[n].Agent})
			break // one due time a message: the first time slot it names
		}
	}
}

// timePromises appends to out (empty) the slots of the time commitments
// in a promise.made finding's data (its first one, or every one when it
// lists several). The caller's room saves an allocation a finding. The
// rules write each commitment (and slot) as a conversation.Data, the
// learned scorer a map; a JSON round trip (the service's store) gives
// []any of maps.
func timePromises(out []slotView, data conversation.Data) []slotView {
	switch all := data.Get("promises").(type) {
	case []conversation.Data: // from the detector
		for _, p := range all {
			out = appendTimeSlot(out, p.Get("kind"), p.Get("slot"))
		}
		return out
	case []map[string]any:
		for _, p := range all {
			out = appendTimeSlot(out, p["kind"], p["slot"])
		}
		return out
	case []any: // after a JSON round trip
		for _, p := range all {
			if m, ok := p.(map[string]any); ok {
				out = appendTimeSlot(out, m["kind"], m["slot"])
			}
		}
		return out
	}
	return appendTimeSlot(out, data.Get("kind"), data.Get("slot")) // the finding's own kind and slot
}

// appendTimeSlot appends slot when kind says a time commitment and slot
// is an object (a nil one counts, as it did when slots were maps only).
func appendTimeSlot(out []slotView, kind, slot any) []slotView {
	if k, _ := kind.(string); k == "time" {
		switch s := slot.(type) {
		case conversation.Data:
			out = append(out, slotView{d: s})
		case map[string]any:
			out = append(out, slotView{m: s})
		}
	}
	return out
}

// eventCategory groups a promise's event word as the promise detector does.
func eventCategory(e string) string {
	switch e {
	case "发货", "发出", "寄出", "寄过去", "出库":
		return "ship"
	case "送达", "送到", "到达", "到货", "配送", "派送", "送货", "给您送", "上门", "能到":
		return "deliver"
	case "到账", "退款", "退回", "返还":
		return "refund"
	case "回电", "回复", "联系", "短信", "答复":
		return "contact"
	}
	return "other"
}

// mainAgent returns the agent who wrote most agent messages, the first
// by name among as many. The counts are kept in a table of maxAgents
// names searched in order (a chat has one agent, or a few): a map of its
// own hashed each agent message's name three times, for every
// conversation. A chat with more agents goes to mainAgentMap.
func mainAgent(c *conversation.Conversation) string {
	var names [maxAgents]string
	var counts [maxAgents]int
	k := 0
	best, bestN := "", 0
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.Role != conversation.RoleAgent || m.Agent == "" {
			continue
		}
		j := 0
		for j < k && names[j] != m.Agent {
			j++
		}
		if j == k {
			if k == maxAgents {
				return mainAgentMap(c)
			}
			names[k] = m.Agent
			k++
		}
		counts[j]++
		if counts[j] > bestN || counts[j] == bestN && m.Agent < best {
			best, bestN = m.Agent, counts[j]
		}
	}
	return best
}

// maxAgents is how many agents mainAgent counts in its table.
const maxAgents = 8

// mainAgentMap is mainAgent counting in a map, for chats of many agents.
func mainAgentMap(c *conversation.Conversation) string {
	n := map[string]int{}
	best, bestN := "", 0
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.Role != conversation.RoleAgent || m.Agent == "" {
			continue
		}
		n[m.Agent]++
		if n[m.Agent] > bestN || n[m.Agent] == bestN && m.Agent < best {
			best, bestN = m.Agent, n[m.Agent]
		}
	}
	return best
}

// contactFindings sets what ct takes from the first finding of each of
// some codes: the ending (unresolvedCodes, in their order of preference),
// the message of a promise not kept, and the earlier contacts. The first
// finding of each code is found in one pass over the findings, a switch
// on the code, where a look for each code went through them all five
// times (TestContactFindingsMatchesFind holds it to those looks).
func contactFindings(ct *Contact, c *conversation.Conversation, findings []conversation.Finding) {
	// first[k] is the first finding of unresolvedCodes[k], and
	// first[len(unresolvedCodes)] of repeat.contact (the switch's
	// cases are constants, so it compiles to a search by length and
	// value).
	var first [len(unresolvedCodes) + 1]*conversation.Finding
	for i := range findings {
		k := -1
		switch findings[i].Code { // unresolvedCodes, in order
		case "resolution.unresolved":
			k = 0
		case "promise.conflict":
			k = 1
		case "threat.escalation":
			k = 2
		case "response.missed":
			k = 3
		case "repeat.contact":
			k = len(unresolvedCodes)
		}
		if k >= 0 && first[k] == nil {
			first[k] = &findings[i]
		}
	}
	for k, f := range first[:len(unresolvedCodes)] {
		if f != nil {
			ct.Unresolved, ct.Ending = true, unresolvedCodes[k]+": "+clip(f.Evidence, 40)
			if len(f.Messages) > 0 {
				ct.EndingMsg = f.Messages[0]
			}
			break
		}
	}
	// The promise not kept: promise.conflict's first message, else
	// repeat.contact's, when it is the customer's.
	for _, f := range [...]*conversation.Finding{first[1], first[len(unresolvedCodes)]} {
		if f != nil && len(f.Messages) > 0 && ct.NotKeptMsg < 0 {
			n := f.Messages[0]
			if n >= 0 && n < len(c.Messages) && c.Messages[n].Role == conversation.RoleCustomer {
				ct.NotKeptMsg = n
			}
		}
	}
	if f := first[len(unresolvedCodes)]; f != nil {
		ct.RepeatContact = f.Messages
	}
}

// contactTexts sets the texts of the messages summarize found, FirstMsg
// and NotKeptMsg (when set), from c, the conversation it summarized.
func contactTexts(ct *Contact, c *conversation.Conversation) {
	if ct.FirstMsg >= 0 {
		ct.FirstText = clipValid(c.Messages[ct.FirstMsg].Text, 60, c.TextValid)
	}
	if ct.NotKeptMsg >= 0 {
		ct.NotKeptText = clipValid(c.Messages[ct.NotKeptMsg].Text, 60, c.TextValid)
	}
}

// clip shortens s to at most n characters, cut on a character boundary.
// Characters are counted as range over s counts them (an invalid byte is
// one); text.RuneOffset does the counting without range's decoding call
// for each character, which took most of clip's time (it runs a few times
// a conversation on the scan's workers, Batch.Prepare). FuzzClip holds it
// to the range loop.
func clip(s string, n int) string { return clipValid(s, n, false) }

// clipValid is clip for a text its caller knows is valid UTF-8 when valid
// is true (a message of a conversation whose importer vouched for it,
// Conversation.TextValid): text.RuneOffsetValid counts its characters a
// word at a time. Evidence, which comes from any detector, is clipped by
// clip.
func clipValid(s string, n int, valid bool) string {
	s = text.TrimSpace(s)
	if i := text.RuneOffsetValid(s, n, valid); i < len(s) {
		return s[:i] + "…"
	}
	return s
}
