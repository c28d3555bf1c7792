package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// Taobao/千牛 chat records as copied or saved from the web chat history
// page: a day header line ("2026-11-03"), then per message a line with the
// sender's name and the time ("旗舰店:小王 10:00:40"), then the text (one
// or more lines). Agents are written "店铺名:子账号": the agent is the part
// after the colon and the shop the part before. The buyer is the name
// given with --customer-name, or else the one participant whose name is
// not of that form. The page has no session ids, so messages are cut into
// conversations by the silence gap, named buyer#1, buyer#2 ….

var (
	qnDay     = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	qnSpeaker = regexp.MustCompile(`^(.+?)\s+(\d{1,2}:\d{2}:\d{2})$`)
)

type qnMsg struct {
	line  int
	name  string
	at    time.Time
	text  []string
	raw   []string
	agent bool
}

func newQianniuReader(name string, br *bufio.Reader, opts *Options) (Reader, error) {
	lr := newLineReader(name, br, opts.maxLine())
	var msgs []*qnMsg
	var day string
	var bad []*RecordError
	names := map[string]bool{}
	for {
		b, err := lr.next()
		if err != nil {
			var tl errLineTooLong
			if errors.As(err, &tl) {
				bad = append(bad, &RecordError{File: name, Line: lr.n, Msg: tl.Error()})
				continue
			}
			break
		}
		line := strings.TrimRight(strings.TrimPrefix(string(b), "\uFEFF"), " \t\r")
		if m := qnDay.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			day = fmt.Sprintf("%s-%02s-%02s", m[1], m[2], m[3])
			continue
		}
		if m := qnSpeaker.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, " ") {
			if day == "" {
				bad = append(bad, &RecordError{File: name, Line: lr.n, Field: "time", Raw: []byte(line),
					Msg: "a message before any day line (want a line like 2026-11-03 first)"})
				continue
			}
			t, err := ParseTime(day+" "+pad2(m[2]), "", opts.location())
			if err != nil {
				bad = append(bad, &RecordError{File: name, Line: lr.n, Field: "time", Msg: err.Error(), Raw: []byte(line)})
				continue
			}
			who := strings.TrimSpace(m[1])
			msgs = append(msgs, &qnMsg{line: lr.n, name: who, at: t, raw: []string{line}, agent: isSubAccount(who)})
			names[who] = true
			continue
		}
		if len(msgs) == 0 {
			if strings.TrimSpace(line) != "" {
				bad = append(bad, &RecordError{File: name, Line: lr.n, Field: "text", Raw: []byte(line),
					Msg: "text before the first \"name HH:mm:ss\" line"})
			}
			continue
		}
		cur := msgs[len(msgs)-1]
		cur.text = append(cur.text, line)
		cur.raw = append(cur.raw, line)
	}
	buyer := opts.CustomerName
	if buyer == "" {
		var others []string
		for n := range names {
			if !isSubAccount(n) {
				others = append(others, n)
			}
		}
		if len(others) > 1 {
			return nil, fmt.Errorf("%s: %d participants are not shop:subaccount names (%s); name the buyer with --customer-name", name, len(others), strings.Join(others, ", "))
		}
		if len(others) == 1 {
			buyer = others[0]
		}
	}
	sess := newSessionizer(name, opts.gap(), false, opts.SortByTime)
	for _, e := range bad {
		sess.reject(e)
	}
	for _, q := range msgs {
		m := conversation.Message{At: q.at, Text: strings.TrimSpace(strings.Join(q.text, "\n"))}
		shop := ""
		switch {
		case q.name == buyer:
			m.Role = conversation.RoleCustomer
		case q.agent:
			m.Role = conversation.RoleAgent
			shop, m.Agent = splitSubAccount(q.name)
		default:
			// Neither the buyer nor a sub-account: the name given with
			// --customer-name does not match, so the role is unknown.
			sess.rejectIn(buyer, &RecordError{File: name, Line: q.line, Field: "name", Raw: []byte(strings.Join(q.raw, "\n")),
				Msg: fmt.Sprintf("sender %q is neither the buyer %q nor a shop:subaccount name", q.name, buyer)})
			continue
		}
		line := q.line
		sess.add(buyer, line, []byte(strings.Join(q.raw, "\n")), nil, m, func(c *conversation.Conversation) {
			c.Source = fmt.Sprintf("%s:%d", name, line)
			c.Customer = buyer
			c.Channel = "taobao"
			c.Shop = shop
		}, buyer, "", "")
	}
	sess.flushAll()
	l := &listReader{}
	for {
		c, err, ok := sess.pop()
		if !ok {
			break
		}
		if c != nil && c.Shop == "" {
			c.Shop = shopOf(c, msgs)
		}
		l.out = append(l.out, result{c: c, err: err})
	}
	return l, nil
}

// shopOf names the shop of a conversation that began with the buyer: the
// shop part of its first agent's sub-account name.
func shopOf(c *conversation.Conversation, msgs []*qnMsg) string {
	for _, m := range c.Messages {
		if m.Role != conversation.RoleAgent {
			continue
		}
		for _, q := range msgs {
			if !q.agent {
				continue
			}
			if shop, agent := splitSubAccount(q.name); agent == m.Agent {
				return shop
			}
		}
		return ""
	}
	return ""
}

// isSubAccount reports whether a name is a shop sub-account, "店铺名:子账号"
// (an ASCII or a full-width colon).
func isSubAccount(n string) bool {
	i := strings.IndexAny(n, ":：")
	return i > 0 && i < len(n)-1
}

// splitSubAccount splits "店铺名:子账号" into shop and agent; a name
// without a colon is all agent.
func splitSubAccount(n string) (shop, agent string) {
	i := strings.IndexAny(n, ":：")
	if i < 0 {
		return "", n
	}
	_, w := utf8.DecodeRuneInString(n[i:])
	return n[:i], n[i+w:]
}

// pad2 writes a clock "9:05:01" as "09:05:01".
func pad2(clock string) string {
	if len(clock) == 7 {
		return "0" + clock
	}
	return clock
}
