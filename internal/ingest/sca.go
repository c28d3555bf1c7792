package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fullqa/internal/conversation"
)

// Alibaba Cloud 智能对话分析 (SCA) upload JSON: {"tickets": [{"tid": …,
// "dialogue": [{"Role": "客服"|"客户", "Identity": …, "Words": …, "Begin":
// ms, "End": ms}]}]}. Begin and End count milliseconds from the start of
// the dialogue; a ticket field naming its start time (start_time,
// startTime, create_time or time) makes them absolute, otherwise the
// messages carry no timestamps and response KPIs are left out for them.
// Ticket fields beyond tid and dialogue are kept in meta as "sca.<name>".

var scaKnown = map[string]bool{"tid": true, "dialogue": true}

var scaStartKeys = []string{"start_time", "startTime", "create_time", "createTime", "time"}

func isSCATicket(m map[string]json.RawMessage) bool {
	_, tid := m["tid"]
	_, d := m["dialogue"]
	return tid && d
}

type scaTurn struct {
	Role     *string         `json:"Role"`
	Identity json.RawMessage `json:"Identity"`
	Words    *string         `json:"Words"`
	Begin    *json.Number    `json:"Begin"`
	End      *json.Number    `json:"End"`
}

func newSCAReader(name string, br *bufio.Reader, opts *Options) (Reader, error) {
	data, err := readExport(name, br)
	if err != nil {
		return nil, err
	}
	g := newGrouper(name, opts.SortByTime)
	err = walkRecords(data, isSCATicket, func(r record) error {
		tid, ok, err := r.str("tid")
		if err != nil || !ok || tid == "" {
			g.fail("", &RecordError{Line: r.line, Field: "tid", Msg: "missing or not a string", Raw: r.raw})
			return nil
		}
		bad := func(field, msg string) { g.fail(tid, &RecordError{Line: r.line, Field: field, Msg: msg, Raw: r.raw}) }
		var turns []scaTurn
		if err := json.Unmarshal(r.m["dialogue"], &turns); err != nil {
			bad("dialogue", "not a list of turns: "+err.Error())
			return nil
		}
		var start time.Time
		for _, k := range scaStartKeys {
			if s, ok, _ := r.str(k); ok && s != "" {
				t, err := ParseTime(s, "", opts.location())
				if err != nil {
					bad(k, err.Error())
					return nil
				}
				start = t
				break
			}
		}
		gr := g.get(tid, r.line)
		if len(gr.c.Messages) > 0 {
			bad("tid", fmt.Sprintf("ticket %q appears twice", tid))
			return nil
		}
		gr.c.Meta = metaOf("sca.", r.m, scaKnown, gr.c.Meta)
		for i, t := range turns {
			field := fmt.Sprintf("dialogue[%d]", i)
			if t.Role == nil {
				bad(field+".Role", "missing")
				return nil
			}
			var m conversation.Message
			switch strings.TrimSpace(*t.Role) {
			case "客服", "agent":
				m.Role = conversation.RoleAgent
				m.Agent = identity(t.Identity)
			case "客户", "customer":
				m.Role = conversation.RoleCustomer
				if gr.c.Customer == "" {
					gr.c.Customer = identity(t.Identity)
				}
			default:
				bad(field+".Role", fmt.Sprintf("unknown role %q (want 客服 or 客户)", *t.Role))
				return nil
			}
			if t.Words == nil {
				bad(field+".Words", "missing")
				return nil
			}
			m.Text = *t.Words
			if t.Begin != nil {
				ms, err := t.Begin.Int64()
				if err != nil || ms < 0 {
					bad(field+".Begin", fmt.Sprintf("not a non-negative number of milliseconds: %s", t.Begin.String()))
					return nil
				}
				if !start.IsZero() {
					m.At = start.Add(time.Duration(ms) * time.Millisecond)
				}
			}
			gr.c.Messages = append(gr.c.Messages, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return g.reader(), nil
}

// identity reads the speaker's Identity, a string or a number.
func identity(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String()
	}
	return ""
}
