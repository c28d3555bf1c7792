package store

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

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

// FuzzConversationRoundTrip: a conversation of any texts encodes to valid
// JSON that decodes to the same conversation.
func FuzzConversationRoundTrip(f *testing.F) {
	f.Add("c1", "在吗", "a-1", int64(1762000000), "v1")
	f.Add("c\"<&>", "tab\t\u2028\x00", "", int64(0), "")
	f.Fuzz(func(t *testing.T, id, text, agent string, at int64, vendor string) {
		if !utf8.ValidString(id) || !utf8.ValidString(text) || !utf8.ValidString(agent) || !utf8.ValidString(vendor) {
			t.Skip("invalid UTF-8 never reaches the store: ingest rejects it")
		}
		c := &conversation.Conversation{ID: id, Vendor: vendor, Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: text},
			{Role: conversation.RoleAgent, Text: text + text, Agent: agent},
		}}
		if at != 0 {
			c.Messages[0].At = time.Unix(at%(1<<34), 0).In(time.FixedZone("", 8*3600))
		}
		doc, err := EncodeConversation(c)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(doc) {
			t.Fatalf("invalid JSON: %q", doc)
		}
		back, err := DecodeConversation(doc)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := EncodeConversation(back)
		if !bytes.Equal(doc, again) {
			t.Fatalf("round trip:\n%s\n%s", doc, again)
		}
	})
}
