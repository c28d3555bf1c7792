package ingest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// TestMessageRoom checks that conversations whose messages the fast
// decoder cut from its blocks keep them: the examples decoded thirty times
// over (blocks filled and replaced) plus a conversation too long for a
// block, all kept, each still equal to encoding/json's reading of its line
// after the rest were decoded and after every conversation's messages were
// appended to (a piece's capacity is its length, so the append must not
// reach the next conversation's).
func TestMessageRoom(t *testing.T) {
	opts := &Options{Location: time.FixedZone("CST", 8*3600)}
	var lines []string
	for range 30 {
		lines = append(lines, readLines(t, "../../examples/chats.jsonl")...)
	}
	var long strings.Builder
	long.WriteString(`{"id":"long","messages":[`)
	for i := range msgBlock/4 + 1 {
		if i > 0 {
			long.WriteByte(',')
		}
		long.WriteString(`{"role":"customer","text":"在吗","at":"2026-11-01T09:00:07+08:00"}`)
	}
	long.WriteString(`]}`)
	lines = append(lines, long.String(), lines[0])
	var got []*conversation.Conversation
	for _, l := range lines {
		c, ok := decodeFastJSON(l, opts)
		if !ok {
			t.Fatalf("fast decoder gave up on %.80s", l)
		}
		if cap(c.Messages) != len(c.Messages) {
			t.Fatalf("%s: messages of capacity %d, length %d", c.ID, cap(c.Messages), len(c.Messages))
		}
		got = append(got, c)
	}
	check := func(when string) {
		t.Helper()
		for i, l := range lines {
			want, err := parseJSONConversation([]byte(l), opts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got[i].Messages, want.Messages) {
				t.Fatalf("%s: conversation %d (%s) has other messages", when, i, want.ID)
			}
		}
	}
	check("decoded")
	for _, c := range got {
		_ = append(c.Messages, conversation.Message{Role: conversation.RoleAgent, Text: "x"})
	}
	check("appended to")
}

// TestMessageRoomPieces checks the pieces messageRoom and takeMessages
// hand out: zero where they were not written, of the length read with
// that capacity, apart from each other, whether they fit the room left
// or grew out of it (up to twice a block).
func TestMessageRoomPieces(t *testing.T) {
	var d fastDecoder
	var pieces [][]conversation.Message
	for n := 1; n <= 2*msgBlock; n += 1 + n/8 {
		for range 3 {
			d.msgs = d.messageRoom()
			for i := range n {
				if i < cap(d.msgs) && d.msgs[:cap(d.msgs)][i] != (conversation.Message{}) {
					t.Fatalf("room for %d messages not zero", n)
				}
				d.msgs = append(d.msgs, conversation.Message{Text: strings.Repeat("x", n)}) // mark the piece
			}
			p := d.takeMessages()
			if len(p) != n || cap(p) != n || d.msgs != nil {
				t.Fatalf("%d messages taken: length %d, capacity %d", n, len(p), cap(p))
			}
			pieces = append(pieces, p)
		}
	}
	for _, p := range pieces {
		for i := range p {
			if len(p[i].Text) != len(p) {
				t.Fatalf("a piece of %d messages was written over", len(p))
			}
		}
	}
}
