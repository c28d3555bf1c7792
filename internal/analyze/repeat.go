package analyze

import (
	"fmt"
	"strings"
	"time"

	"fullqa/internal/conversation"
)

// repeat finds repeat.unresolved: c is the N-th contact in a row of the
// same buyer about the same problem (order, else SKU, else scene) within
// the repeat window, and the contact just before it about that problem did
// not end resolved. The run of earlier contacts stops at the first one
// that ended resolved: a problem solved and then met again starts over.
// earlier is newest first.
func (a *Analyzer) repeat(c *Contact, earlier []Contact) (conversation.Finding, bool) {
	var chain []*Contact
	var key problem
	for i := range earlier {
		e := &earlier[i]
		if e.ID == c.ID || !e.Start.Before(c.Start) || c.Start.Sub(e.Start) > a.cfg.RepeatWindow() {
			continue
		}
		k, ok := sameProblem(e, c)
		if !ok || len(chain) > 0 && k != key {
			continue
		}
		if !e.Unresolved {
			break
		}
		chain, key = append(chain, e), k
	}
	if len(chain) == 0 {
		return conversation.Finding{}, false
	}
	n := len(chain) + 1
	sev := conversation.SeverityMedium
	switch {
	case n >= 4:
		sev = conversation.SeverityCritical
	case n == 3:
		sev = conversation.SeverityHigh
	}
	list := make([]map[string]any, len(chain))
	ids := make([]string, len(chain))
	for i, e := range chain {
		item := map[string]any{"conversation": e.ID, "at": e.Start.In(a.loc).Format(time.RFC3339), "ending": e.Ending}
		if e.EndingMsg >= 0 {
			item["messages"] = []int{e.EndingMsg}
		}
		list[i] = item
		ids[i] = fmt.Sprintf("%s（%s，%s）", e.ID, e.Start.In(a.loc).Format(stamp), e.Ending)
	}
	msg, text := max(c.FirstMsg, 0), c.FirstText
	msgs := []int{msg}
	for _, m := range c.RepeatContact {
		if m != msg {
			msgs = append(msgs, m)
		}
	}
	data := make(conversation.Data, 0, 5) // keys in order
	data = append(data, conversation.Field{Key: "earlier", Value: list},
		conversation.Field{Key: "key", Value: map[string]string{"kind": key.kind, "value": key.value}},
		conversation.Field{Key: "n", Value: n})
	if len(c.RepeatContact) > 0 {
		data = append(data, conversation.Field{Key: "repeat_contact", Value: c.RepeatContact})
	}
	data = append(data, conversation.Field{Key: "window_days", Value: a.cfg.RepeatWindowDays})
	return conversation.Finding{Code: "repeat.unresolved", Severity: sev, Messages: msgs, Evidence: text,
		Detail: fmt.Sprintf("%d天内第%d次就同一%s「%s」来询，之前未解决：%s", a.cfg.RepeatWindowDays, n,
			keyName(key.kind), key.value, strings.Join(ids, "；")),
		Data: data}, true
}

// keyName is the Chinese name of a problem key in details.
func keyName(kind string) string {
	switch kind {
	case "order":
		return "订单"
	case "sku":
		return "商品"
	}
	return "问题"
}
