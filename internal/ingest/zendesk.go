package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"fullqa/internal/conversation"
)

// Zendesk Chat incremental export JSON: {"chats": [{"id", "visitor": {"id",
// "name"}, "history": [{"name", "msg", "timestamp", "type", "sender_type"}],
// "rating", …}], "next_page", "count"}. Chat messages (type chat.msg, or
// entries with a msg) become messages: sender_type Visitor is the
// customer, Agent an agent, Trigger/Bot/System the bot or system. Other
// history events (member join/leave, rating changes) are not messages and
// are not numbered. A rating "good" is 5 and "bad" 1. Chat fields beyond
// these are kept in meta as "zendesk.<name>". This is the path for
// cross-border shops, whose chats are in English.

var zendeskKnown = map[string]bool{"id": true, "visitor": true, "history": true, "rating": true, "timestamp": true}

func isZendeskChat(m map[string]json.RawMessage) bool {
	_, h := m["history"]
	_, id := m["id"]
	_, v := m["visitor"]
	return h && (id || v)
}

type zendeskEvent struct {
	Name       string          `json:"name"`
	Msg        *string         `json:"msg"`
	Timestamp  json.RawMessage `json:"timestamp"`
	Type       string          `json:"type"`
	SenderType string          `json:"sender_type"`
}

func newZendeskReader(name string, br *bufio.Reader, opts *Options) (Reader, error) {
	data, err := readExport(name, br)
	if err != nil {
		return nil, err
	}
	g := newGrouper(name, opts.SortByTime)
	err = walkRecords(data, isZendeskChat, func(r record) error {
		id, ok, err := r.str("id")
		if err != nil || !ok || id == "" {
			g.fail("", &RecordError{Line: r.line, Field: "id", Msg: "missing or not a string", Raw: r.raw})
			return nil
		}
		bad := func(field, msg string) { g.fail(id, &RecordError{Line: r.line, Field: field, Msg: msg, Raw: r.raw}) }
		var hist []zendeskEvent
		if err := json.Unmarshal(r.m["history"], &hist); err != nil {
			bad("history", "not a list of events: "+err.Error())
			return nil
		}
		gr := g.get(id, r.line)
		if len(gr.c.Messages) > 0 {
			bad("id", fmt.Sprintf("chat %q appears twice", id))
			return nil
		}
		c := gr.c
		c.Channel = "zendesk"
		var visitor struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		if v, ok := r.m["visitor"]; ok {
			_ = json.Unmarshal(v, &visitor)
			c.Customer = visitor.ID
			if c.Customer == "" {
				c.Customer = visitor.Name
			}
		}
		if rt, ok, _ := r.str("rating"); ok {
			switch rt {
			case "good":
				c.Rating = 5
			case "bad":
				c.Rating = 1
			}
		}
		c.Meta = metaOf("zendesk.", r.m, zendeskKnown, c.Meta)
		for i, ev := range hist {
			if ev.Msg == nil || (ev.Type != "" && ev.Type != "chat.msg") {
				continue
			}
			field := fmt.Sprintf("history[%d]", i)
			var m conversation.Message
			switch ev.SenderType {
			case "Visitor", "visitor":
				m.Role = conversation.RoleCustomer
			case "Agent", "agent":
				m.Role, m.Agent = conversation.RoleAgent, ev.Name
			case "Trigger", "Bot", "trigger", "bot", "Shortcut":
				m.Role = conversation.RoleBot
			case "System", "system":
				m.Role = conversation.RoleSystem
			default:
				bad(field+".sender_type", fmt.Sprintf("unknown sender_type %q (want Visitor, Agent, Trigger, Bot or System)", ev.SenderType))
				return nil
			}
			m.Text = *ev.Msg
			if len(ev.Timestamp) > 0 && string(ev.Timestamp) != "null" {
				t, err := zendeskTime(ev.Timestamp, opts)
				if err != nil {
					bad(field+".timestamp", err.Error())
					return nil
				}
				m.At = t
			}
			c.Messages = append(c.Messages, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return g.reader(), nil
}

// zendeskTime reads an event time: an ISO string, or epoch milliseconds
// (older exports).
func zendeskTime(v json.RawMessage, opts *Options) (time.Time, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return ParseTime(s, "", opts.location())
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %s", clip(v))
	}
	return time.UnixMilli(n).In(opts.location()), nil
}
