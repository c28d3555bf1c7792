package detect

import (
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
)

// repeatDetector emits repeat.contact when the text shows this is not the
// first contact about the same problem: the customer says so ("上次说",
// "第三次问了", "之前问过", "天天催"), the agent looks up or recalls the
// earlier contact ("之前的记录", "刚才已经帮您提交过"), or the agent asks
// whether it is about the earlier issue and the customer confirms ("是的",
// "之前的 …"). The words name a contact, not any earlier event: "上次买的"
// or "问过前台" are no signal, and a customer who says the problem is a new
// one ("新的问题") gives none. Platform flags such as JDDC's is_repeat are
// never read: they are only for measuring this detector.
type repeatDetector struct {
	lex lexicon.Lists

	signal, agent, ask, confirm, earlier, fresh, issue ClassID
	// agentGate and custGate hold the classes Inspect reads of an agent
	// and of a customer message: a message with none of them is passed
	// with one test of the presence bits.
	agentGate, custGate classMask
}

func newRepeatDetector(lex lexicon.Lists) *repeatDetector { return &repeatDetector{lex: lex} }

func (d *repeatDetector) Name() string { return "repeat" }

func (d *repeatDetector) Codes() []string { return []string{"repeat.contact"} }

func (d *repeatDetector) RegisterKeywords(k *Keywords) error {
	d.signal = k.Add("repeat.signal", d.lex.Words("repeat_signal")...)
	d.agent = k.Add("repeat.agent", d.lex.Words("repeat_agent")...)
	d.ask = k.AddPresence("repeat.ask", d.lex.Words("repeat_ask")...)
	d.confirm = k.AddPresence("repeat.confirm", d.lex.Words("repeat_confirm")...)
	d.earlier = k.Add("repeat.earlier", d.lex.Words("repeat_earlier")...)
	d.fresh = k.Add("repeat.new", d.lex.Words("repeat_new")...)
	d.issue = k.Add("repeat.issue", d.lex.Words("repeat_issue")...)
	d.agentGate = maskOf(d.ask, d.agent)
	// earlierIssue needs an earlier word, confirms a confirming or an
	// earlier one.
	d.custGate = maskOf(d.fresh, d.signal, d.earlier, d.confirm)
	return nil
}

func (d *repeatDetector) Inspect(in *Input, out *Output) {
	msgs := in.Conv.Messages
	asked := -1
	for i := range msgs {
		switch msgs[i].Role {
		case conversation.RoleAgent:
			if !in.mayAny(i, &d.agentGate) {
				continue // neither asks nor follows up (most agent messages)
			}
			if in.Has(i, d.ask) {
				asked = i
			}
			if h, ok := in.First(i, d.agent); ok {
				d.add(in, []int{i}, "the agent follows up an earlier contact: "+quote(in.Matched(i, h)), out)
				return
			}
		case conversation.RoleCustomer:
			if !in.mayAny(i, &d.custGate) {
				// No new-issue, signal, earlier or confirming word (most
				// customer messages): nothing below finds anything, and a
				// message that does not confirm ends the agent's question.
				asked = -1
				continue
			}
			if in.Has(i, d.fresh) { // "现在是新的问题": whatever it recalls, this is a new issue
				asked = -1
				continue
			}
			if h, ok := in.First(i, d.signal); ok {
				d.add(in, []int{i}, "the customer refers to an earlier contact: "+quote(in.Matched(i, h)), out)
				return
			}
			if h, ok := d.earlierIssue(in, i); ok {
				// The recalled issue and up to three characters after it,
				// cut on a character boundary.
				norm := in.Norm[i]
				end := min(len(norm), int(h.End)+maxIssueGap+9)
				for end < len(norm) && !utf8.RuneStart(norm[end]) {
					end--
				}
				d.add(in, []int{i}, "the customer refers to an earlier issue: "+quote(norm[h.Start:end]), out)
				return
			}
			if asked >= 0 {
				if d.confirms(in, i) {
					d.add(in, []int{asked, i}, "the customer confirms coming about an earlier issue", out)
					return
				}
				asked = -1
			}
		}
	}
}

// confirms reports whether customer message i answers the agent's "is it
// about the earlier issue?" with yes: a short yes-word reply ("是的"), or a
// reply that opens by pointing at the earlier issue ("之前的 洗衣机降价",
// "就是以前的"): the word within the first two characters and standing on
// its own, not the start of a time ("之前三月份买的" is about a purchase).
func (d *repeatDetector) confirms(in *Input, i int) bool {
	if in.Has(i, d.confirm) && runeLen(in.Norm[i]) <= 6 {
		return true
	}
	h, ok := in.First(i, d.earlier)
	if !ok || h.Start > 6 {
		return false
	}
	rest := in.Norm[i][h.End:]
	if rest == "" || rest[0] < 0x80 && !isASCIIAlnum(rest[0]) && rest[0] != '[' {
		return true // end of message, a space or punctuation
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return isParticle(r) || r == '。' // "，" is "," once normalized
}

func (d *repeatDetector) add(in *Input, msgs []int, why string, out *Output) {
	ev := quote(in.Conv.Messages[msgs[0]].Text)
	if len(msgs) > 1 {
		ev += " → " + quote(in.Conv.Messages[msgs[1]].Text)
	}
	out.Add(conversation.Finding{Code: "repeat.contact", Severity: conversation.SeverityLow,
		Messages: msgs, Evidence: ev, Detail: why})
}

// maxIssueGap is how many bytes (three Chinese characters) may stand
// between an earlier-word and the issue word it points at ("之前保价的问题").
const maxIssueGap = 9

// earlierIssue finds in customer message i an earlier-word (之前, 以前,
// 上次) followed in the same clause, at most three characters later, by an
// issue word ("之前保价的问题", "上次那个问题"): the customer comes back
// about an issue of an earlier contact. A longer gap names something else
// ("之前买的东西的问题" is about a purchase).
func (d *repeatDetector) earlierIssue(in *Input, i int) (KeywordHit, bool) {
	if !in.may(i, d.earlier) || !in.may(i, d.issue) {
		return KeywordHit{}, false
	}
	s := in.Norm[i]
	for _, e := range in.allHits(i) {
		if e.Class != d.earlier {
			continue
		}
		for _, h := range in.startingIn(i, e.End, e.End+maxIssueGap) {
			if h.Class == d.issue && h.Start >= e.End && h.Start-e.End <= maxIssueGap && sameClause(s, int(e.End), int(h.Start)) {
				return e, true
			}
		}
	}
	return KeywordHit{}, false
}
