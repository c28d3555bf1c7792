package analyze

import (
	"fmt"
	"time"

	"fullqa/internal/conversation"
)

// maxUnkept bounds the promise.unkept findings of one conversation.
const maxUnkept = 3

// unkept finds promise.unkept: a due-tracked time promise made to the same
// buyer in an earlier contact (within the promise window) that was past
// due when the buyer came back about the same thing, or that the buyer now
// says was not kept. Each promise is reported once, by the first contact
// that shows it unkept; a later one finds that contact in the history and
// stays quiet. earlier is newest first.
func (a *Analyzer) unkept(c *Contact, earlier []Contact) []conversation.Finding {
	var out []conversation.Finding
	for i := len(earlier) - 1; i >= 0 && len(out) < maxUnkept; i-- { // oldest promise first
		e := &earlier[i]
		if e.ID == c.ID || !e.Start.Before(c.Start) || c.Start.Sub(e.Start) > a.cfg.PromiseWindow() {
			continue
		}
		for _, p := range e.Promises {
			if !showsUnkept(c, e, p) || reportedBetween(earlier[:i], e, p, c) {
				continue
			}
			out = append(out, a.unkeptFinding(c, p))
			break // one finding per earlier contact: its first open promise
		}
	}
	return out
}

// showsUnkept reports whether contact l, later than e, shows e's promise p
// unkept: l is about the same thing, and either p was due when l started
// or l's buyer says a promise was broken.
func showsUnkept(l, e *Contact, p Promise) bool {
	if !l.Start.After(p.Made) || !about(l, e, p) {
		return false
	}
	return !l.Start.Before(p.Due) || l.NotKeptMsg >= 0
}

// about reports whether l is about the thing promise p (made in e) was
// for: the same order when both name orders, else the same SKU when both
// name SKUs; and the scene the promise's event belongs to (shipping and
// delivery: logistics; refunds: refund) or any scene of e, unless the
// buyer says outright that a promise was broken; a buyer saying the thing
// happened ("收到了") is not back about it.
func about(l, e *Contact, p Promise) bool {
	switch {
	case len(l.Orders) > 0 && len(e.Orders) > 0:
		if _, ok := shared(l.Orders, e.Orders); !ok {
			return false
		}
	case len(l.SKUs) > 0 && len(e.SKUs) > 0:
		if _, ok := shared(l.SKUs, e.SKUs); !ok {
			return false
		}
	}
	if l.NotKeptMsg >= 0 {
		return true
	}
	if l.Kept {
		return false
	}
	if s := eventScene(p.Event); s != "" {
		return contains(l.Scenes, s)
	}
	_, ok := shared(l.Scenes, e.Scenes)
	return ok
}

// reportedBetween reports whether a contact between e and c (newer first
// in between) already showed p unkept.
func reportedBetween(between []Contact, e *Contact, p Promise, c *Contact) bool {
	for k := range between {
		m := &between[k]
		if m.ID != c.ID && m.Start.After(e.Start) && m.Start.Before(c.Start) && showsUnkept(m, e, p) {
			return true
		}
	}
	return false
}

// eventScene is the scene tag a promise's event belongs to.
func eventScene(event string) string {
	switch event {
	case "ship", "deliver":
		return "logistics"
	case "refund":
		return "refund"
	}
	return ""
}

func (a *Analyzer) unkeptFinding(c *Contact, p Promise) conversation.Finding {
	n, text := laterMessage(c)
	late := c.Start.Sub(p.Due)
	state := fmt.Sprintf("已超期%s", span(late))
	if late < 0 {
		state = "买家称未兑现"
	}
	who := "客服"
	if p.Agent != "" {
		who += " " + p.Agent + " "
	}
	sev := conversation.SeverityMedium
	if late >= 24*time.Hour {
		sev = conversation.SeverityHigh
	}
	return conversation.Finding{Code: "promise.unkept", Severity: sev, Messages: []int{n}, Evidence: text,
		Detail: fmt.Sprintf("%s在 %s 第%d条承诺「%s」，到期 %s，买家 %s 再来（%s）", who, p.ConvID, p.Msg, p.Text,
			p.Due.In(a.loc).Format(stamp), c.Start.In(a.loc).Format(stamp), state),
		Data: conversation.Data{ // keys in order
			{Key: "later_message", Value: n},
			{Key: "overdue_hours", Value: max(0, int(late.Hours()))},
			{Key: "promise", Value: map[string]any{"conversation": p.ConvID, "message": p.Msg,
				"made": p.Made.In(a.loc).Format(time.RFC3339), "due": p.Due.In(a.loc).Format(time.RFC3339),
				"event": p.Event, "text": p.Text, "agent": p.Agent}},
			{Key: "said_not_kept", Value: c.NotKeptMsg >= 0}}}
}

// span writes a duration in days or hours, in Chinese.
func span(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d天", int(d.Hours()/24))
	}
	return fmt.Sprintf("%d小时", int(d.Hours()))
}
