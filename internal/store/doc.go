package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// docConversation is a conversation in the canonical JSON format
// (DESIGN.md "Canonical input"), as stored and as the API returns it.
type docConversation struct {
	ID       string                `json:"id"`
	Channel  string                `json:"channel,omitempty"`
	Shop     string                `json:"shop,omitempty"`
	Vendor   string                `json:"vendor,omitempty"`
	Customer string                `json:"customer,omitempty"`
	OrderIDs []string              `json:"order_ids,omitempty"`
	SKUs     []string              `json:"skus,omitempty"`
	Rating   int                   `json:"rating,omitempty"`
	Outcome  *conversation.Outcome `json:"outcome,omitempty"`
	Meta     map[string]string     `json:"meta,omitempty"`
	Messages []docMessage          `json:"messages"`
}

type docMessage struct {
	Role  string `json:"role"`
	Text  string `json:"text"`
	At    string `json:"at,omitempty"`
	Agent string `json:"agent,omitempty"`
	Kind  string `json:"kind,omitempty"`
}

// EncodeConversation writes c in the canonical JSON format, the same
// document encoding/json makes of docConversation (a test checks), by hand:
// batch ingestion encodes every conversation to hash and store it. The
// encoding is deterministic (map keys sorted), so equal conversations give
// equal bytes and ContentHash can tell an unchanged resend from an update.
func EncodeConversation(c *conversation.Conversation) ([]byte, error) {
	size := 256 + len(c.ID)
	for i := range c.Messages {
		size += 80 + len(c.Messages[i].Text) + len(c.Messages[i].Agent) + len(c.Messages[i].Kind)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"id":`...)
	b = appendJSONString(b, c.ID)
	for _, f := range [...]struct{ k, v string }{{"channel", c.Channel}, {"shop", c.Shop}, {"vendor", c.Vendor}, {"customer", c.Customer}} {
		if f.v != "" {
			b = append(b, ',', '"')
			b = append(b, f.k...)
			b = append(b, '"', ':')
			b = appendJSONString(b, f.v)
		}
	}
	for _, f := range [...]struct {
		k  string
		vs []string
	}{{"order_ids", c.OrderIDs}, {"skus", c.SKUs}} {
		if len(f.vs) > 0 {
			b = append(b, ',', '"')
			b = append(b, f.k...)
			b = append(b, `":[`...)
			for i, v := range f.vs {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, v)
			}
			b = append(b, ']')
		}
	}
	if c.Rating != 0 {
		b = append(b, `,"rating":`...)
		b = strconv.AppendInt(b, int64(c.Rating), 10)
	}
	if c.Outcome != nil {
		o, err := json.Marshal(c.Outcome)
		if err != nil {
			return nil, fmt.Errorf("encode conversation %q: %w", c.ID, err)
		}
		b = append(b, `,"outcome":`...)
		b = append(b, o...)
	}
	if len(c.Meta) > 0 {
		keys := make([]string, 0, len(c.Meta))
		for k := range c.Meta {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, `,"meta":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, c.Meta[k])
		}
		b = append(b, '}')
	}
	b = append(b, `,"messages":[`...)
	for i := range c.Messages {
		m := &c.Messages[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"role":"`...)
		b = append(b, m.Role.String()...)
		b = append(b, `","text":`...)
		b = appendJSONString(b, m.Text)
		if !m.At.IsZero() {
			b = append(b, `,"at":"`...)
			b = m.At.AppendFormat(b, time.RFC3339Nano)
			b = append(b, '"')
		}
		if m.Agent != "" {
			b = append(b, `,"agent":`...)
			b = appendJSONString(b, m.Agent)
		}
		if m.Kind != "" {
			b = append(b, `,"kind":`...)
			b = appendJSONString(b, m.Kind)
		}
		b = append(b, '}')
	}
	return append(b, ']', '}'), nil
}

// appendJSONString writes s as a JSON string as encoding/json does: valid
// UTF-8 passes through but for U+2028/U+2029; quotes, backslashes, <, >, &
// and control characters are escaped; invalid UTF-8 goes through
// encoding/json.
func appendJSONString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		q, _ := json.Marshal(s)
		return append(b, q...)
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
			// U+2028 and U+2029, which encoding/json escapes too.
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigit[s[i+2]&0xF])
			i += 2
			start = i + 1
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xF])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const hexDigit = "0123456789abcdef"

// DecodeConversation reads a document EncodeConversation wrote.
func DecodeConversation(doc []byte) (*conversation.Conversation, error) {
	var d docConversation
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("decode conversation: %w", err)
	}
	c := &conversation.Conversation{ID: d.ID, Channel: d.Channel, Shop: d.Shop, Vendor: d.Vendor, Customer: d.Customer,
		OrderIDs: d.OrderIDs, SKUs: d.SKUs, Rating: d.Rating, Outcome: d.Outcome, Meta: d.Meta,
		Messages: make([]conversation.Message, len(d.Messages))}
	for i, dm := range d.Messages {
		role, ok := conversation.ParseRole(dm.Role)
		if !ok {
			return nil, fmt.Errorf("decode conversation %q: messages[%d].role: unknown role %q", d.ID, i, dm.Role)
		}
		m := &c.Messages[i]
		m.Role, m.Text, m.Agent, m.Kind = role, dm.Text, dm.Agent, dm.Kind
		if dm.At != "" {
			t, err := time.Parse(time.RFC3339Nano, dm.At)
			if err != nil {
				return nil, fmt.Errorf("decode conversation %q: messages[%d].at: %w", d.ID, i, err)
			}
			m.At = t
		}
	}
	return c, nil
}

// ContentHash identifies a canonical document's content.
func ContentHash(doc []byte) string {
	h := sha256.Sum256(doc)
	return hex.EncodeToString(h[:16])
}

// span returns the first and last message time of c (zero when none).
func span(c *conversation.Conversation) (first, last time.Time) {
	for i := range c.Messages {
		t := c.Messages[i].At
		if t.IsZero() {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}
