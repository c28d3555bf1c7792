// Package alert sends what fullqa finds to the group chats merchants live
// in (DingTalk, WeCom, Feishu) and to plain webhooks, without flooding them:
// rules pick which findings go where, each conversation and code alerts
// once, a rule cools down after it fires, many alerts in a short window
// become one digest, every platform's rate limit is honoured, and failed
// sends are retried with backoff from a durable outbox so that nothing is
// lost on a restart. Scheduled vendor digests go the same way.
//
// The package holds no state of its own beyond what a Dispatcher is given:
// channels and rules come from the config, the outbox is the store.
package alert

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Alert is one finding (or one cross-conversation event such as a burst)
// ready to be sent. Its text fields are already masked the way --redact
// masks output: an alert never carries personal data in full, because it
// leaves the merchant's system for a chat platform.
type Alert struct {
	// Key identifies the event for de-duplication: conversation id and code
	// for a conversation finding, topic and window for a burst.
	Key            string    `json:"key"`
	Code           string    `json:"code"`
	Name           string    `json:"name,omitempty"` // the code's name in the reader's language
	Severity       string    `json:"severity"`
	ConversationID string    `json:"conversation_id,omitempty"`
	Message        int       `json:"message"` // the message number the finding is about, -1 for none
	Vendor         string    `json:"vendor,omitempty"`
	Shop           string    `json:"shop,omitempty"`
	Agent          string    `json:"agent,omitempty"`
	Evidence       string    `json:"evidence"`
	Detail         string    `json:"detail,omitempty"`
	Link           string    `json:"link,omitempty"`
	At             time.Time `json:"at"`
}

// Message is what a channel sends: a title and a markdown body. Channels
// that do not speak markdown render the body as plain lines.
type Message struct {
	Title    string
	Markdown string
	// Alerts are the alerts the message carries (one, or a digest's many);
	// the generic webhook sends them as JSON instead of the markdown.
	Alerts []Alert
}

// severityZH names a severity in Chinese for the group-chat text.
var severityZH = map[string]string{
	"info": "提示", "low": "低", "medium": "中", "high": "高", "critical": "严重",
}

// Render turns one alert into a chat message in Chinese, with the evidence
// quoted and a link back to the conversation.
func Render(a Alert) Message {
	name := a.Name
	if name == "" {
		name = a.Code
	}
	title := fmt.Sprintf("【fullqa】%s（%s）", name, sevName(a.Severity))
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", title)
	line(&b, "问题", name+" `"+a.Code+"`")
	line(&b, "严重程度", sevName(a.Severity))
	if a.ConversationID != "" {
		conv := a.ConversationID
		if a.Message >= 0 {
			conv += fmt.Sprintf(" 第 %d 条", a.Message)
		}
		line(&b, "会话", conv)
	}
	line(&b, "客服", a.Agent)
	line(&b, "外包商", a.Vendor)
	line(&b, "店铺", a.Shop)
	if a.Evidence != "" {
		fmt.Fprintf(&b, "> %s\n\n", oneLine(a.Evidence, 300))
	}
	line(&b, "说明", oneLine(a.Detail, 200))
	if !a.At.IsZero() {
		line(&b, "时间", a.At.Format("2006-01-02 15:04:05"))
	}
	if a.Link != "" {
		fmt.Fprintf(&b, "[查看会话](%s)\n", a.Link)
	}
	return Message{Title: title, Markdown: b.String(), Alerts: []Alert{a}}
}

// RenderDigest turns several alerts into one message, so a burst of alerts
// reads as one post in the group instead of dozens.
func RenderDigest(as []Alert) Message {
	title := fmt.Sprintf("【fullqa】%d 条告警汇总", len(as))
	var b strings.Builder
	fmt.Fprintf(&b, "### %s\n\n", title)
	counts := map[string]int{}
	var order []string
	for _, a := range as {
		n := a.Name
		if n == "" {
			n = a.Code
		}
		if counts[n] == 0 {
			order = append(order, n)
		}
		counts[n]++
	}
	for _, n := range order {
		fmt.Fprintf(&b, "- %s：%d 条\n", n, counts[n])
	}
	b.WriteString("\n")
	for i, a := range as {
		if i == 10 {
			fmt.Fprintf(&b, "…… 另有 %d 条\n", len(as)-10)
			break
		}
		name := a.Name
		if name == "" {
			name = a.Code
		}
		fmt.Fprintf(&b, "%d. **%s**（%s）", i+1, name, sevName(a.Severity))
		if a.Agent != "" {
			fmt.Fprintf(&b, " 客服 %s", a.Agent)
		}
		fmt.Fprintf(&b, "：%s", oneLine(a.Evidence, 80))
		if a.Link != "" {
			fmt.Fprintf(&b, " [查看](%s)", a.Link)
		}
		b.WriteString("\n")
	}
	return Message{Title: title, Markdown: b.String(), Alerts: as}
}

func sevName(s string) string {
	if n, ok := severityZH[s]; ok {
		return n
	}
	return s
}

func line(b *strings.Builder, label, value string) {
	if value == "" {
		return
	}
	fmt.Fprintf(b, "- **%s**：%s\n", label, value)
}

// oneLine flattens s to one line of at most max characters, so a quote
// cannot break the markdown around it.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// truncateBytes cuts s to at most n bytes on a character boundary, for
// platforms that limit the body in bytes (WeCom: 4096).
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const more = "\n…"
	cut := n - len(more)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + more
}
