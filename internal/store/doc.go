package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

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

// EncodeConversation writes c in the canonical JSON format. The encoding is
// deterministic (map keys sorted), so equal conversations give equal bytes
// and ContentHash can tell an unchanged resend from an update.
func EncodeConversation(c *conversation.Conversation) ([]byte, error) {
	d := docConversation{ID: c.ID, Channel: c.Channel, Shop: c.Shop, Vendor: c.Vendor, Customer: c.Customer,
		OrderIDs: c.OrderIDs, SKUs: c.SKUs, Rating: c.Rating, Outcome: c.Outcome, Meta: c.Meta,
		Messages: make([]docMessage, len(c.Messages))}
	for i := range c.Messages {
		m := &c.Messages[i]
		dm := docMessage{Role: m.Role.String(), Text: m.Text, Agent: m.Agent, Kind: m.Kind}
		if !m.At.IsZero() {
			dm.At = m.At.Format(time.RFC3339Nano)
		}
		d.Messages[i] = dm
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode conversation %q: %w", c.ID, err)
	}
	return b, nil
}

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
