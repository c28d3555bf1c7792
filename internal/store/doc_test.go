package store

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// TestEncodeConversationIsEncodingJSON: the hand-written encoder writes
// what encoding/json writes of docConversation, and decodes back.
func TestEncodeConversationIsEncodingJSON(t *testing.T) {
	yes := true
	loc := time.FixedZone("CST", 8*3600)
	cs := []*conversation.Conversation{
		{ID: "c1", Messages: []conversation.Message{{Role: conversation.RoleCustomer, Text: "在吗"}}},
		{ID: "c\"2<&>", Channel: "jd", Shop: "s", Vendor: "v", Customer: "u\\1", OrderIDs: []string{"o1", "o2"}, SKUs: []string{"k"},
			Rating: 4, Outcome: &conversation.Outcome{Ordered: &yes}, Meta: map[string]string{"z": "1", "a": "2\n"},
			Messages: []conversation.Message{
				{Role: conversation.RoleAgent, Text: "tab\there \x01 \u2028 😀 ok", At: time.Date(2026, 11, 1, 10, 0, 5, 500, loc), Agent: "a-1", Kind: "auto"},
				{Role: conversation.RoleBot, Text: "\u2029"},
				{Role: conversation.RoleSystem, Text: ""},
			}},
	}
	for _, c := range cs {
		got, err := EncodeConversation(c)
		if err != nil {
			t.Fatal(err)
		}
		d := docConversation{ID: c.ID, Channel: c.Channel, Shop: c.Shop, Vendor: c.Vendor, Customer: c.Customer,
			OrderIDs: c.OrderIDs, SKUs: c.SKUs, Rating: c.Rating, Outcome: c.Outcome, Meta: c.Meta}
		for _, m := range c.Messages {
			dm := docMessage{Role: m.Role.String(), Text: m.Text, Agent: m.Agent, Kind: m.Kind}
			if !m.At.IsZero() {
				dm.At = m.At.Format(time.RFC3339Nano)
			}
			d.Messages = append(d.Messages, dm)
		}
		want, _ := json.Marshal(d)
		if !bytes.Equal(got, want) {
			t.Errorf("encoded\n%s\nencoding/json\n%s", got, want)
		}
		back, err := DecodeConversation(got)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := EncodeConversation(back)
		if !bytes.Equal(again, got) {
			t.Errorf("round trip\n%s\n%s", again, got)
		}
	}
}
