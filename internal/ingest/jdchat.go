package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"

	"fullqa/internal/conversation"
)

// JD 咚咚 chat logs as the open API returns them: one record per message
// with sid (session id), customer, waiter (the agent's account), content,
// time ("yyyy-MM-dd HH:mm:ss", shop time), waiterSend (true when the agent
// sent it), skuId and channel. Records are grouped by sid into one
// conversation each. JD does not publish every field of the answer, so
// fields beyond these are kept in the conversation's meta as "jd.<name>".

var jdChatKnown = map[string]bool{"sid": true, "customer": true, "waiter": true, "content": true,
	"time": true, "waiterSend": true, "skuId": true, "channel": true}

func isJDChatRecord(m map[string]json.RawMessage) bool {
	_, sid := m["sid"]
	_, content := m["content"]
	_, ws := m["waiterSend"]
	return sid && (content || ws)
}

func newJDChatReader(name string, br *bufio.Reader, opts *Options) (Reader, error) {
	data, err := readExport(name, br)
	if err != nil {
		return nil, err
	}
	g := newGrouper(name, opts.SortByTime)
	err = walkRecords(data, isJDChatRecord, func(r record) error {
		sid, ok, err := r.str("sid")
		if err != nil || !ok || sid == "" {
			g.fail("", &RecordError{Line: r.line, Field: "sid", Msg: "missing or not a string", Raw: r.raw})
			return nil
		}
		bad := func(field, msg string) { g.fail(sid, &RecordError{Line: r.line, Field: field, Msg: msg, Raw: r.raw}) }
		var m conversation.Message
		var text string
		if v, ok := r.m["content"]; !ok || json.Unmarshal(v, &text) != nil {
			bad("content", "missing or not a string")
			return nil
		}
		m.Text = text
		var waiterSend bool
		if v, ok := r.m["waiterSend"]; !ok || json.Unmarshal(v, &waiterSend) != nil {
			bad("waiterSend", "missing or not true/false")
			return nil
		}
		m.Role = conversation.RoleCustomer
		waiter, _, _ := r.str("waiter")
		if waiterSend {
			m.Role, m.Agent = conversation.RoleAgent, waiter
		}
		if ts, ok, err := r.str("time"); err != nil {
			bad("time", err.Error())
			return nil
		} else if ok && ts != "" {
			t, err := ParseTime(ts, "", opts.location())
			if err != nil {
				bad("time", err.Error())
				return nil
			}
			m.At = t
		}
		gr := g.get(sid, r.line)
		c := gr.c
		if c.Customer == "" {
			c.Customer, _, _ = r.str("customer")
		}
		if c.Channel == "" {
			c.Channel, _, _ = r.str("channel")
			if c.Channel == "" {
				c.Channel = "jd"
			}
		}
		if sku, ok, _ := r.str("skuId"); ok && sku != "" && sku != "0" && !contains(c.SKUs, sku) {
			c.SKUs = append(c.SKUs, sku)
		}
		c.Meta = metaOf("jd.", r.m, jdChatKnown, c.Meta)
		c.Messages = append(c.Messages, m)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return g.reader(), nil
}
