package analyze

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// TestPrepareMatchesSummarize holds Prepare, whose contact's scenes and
// topics live in arrays of the Prepared, to Summarize and Of as they
// allocate: the same contact and topics on conversations with from none
// to more scene tags, SKUs and findings than the arrays hold, and time
// promises in each shape their data comes in.
func TestPrepareMatchesSummarize(t *testing.T) {
	tp, _ := refTopics(t)
	shanghai := time.FixedZone("CST", 8*3600)
	b := NewBatch(DefaultConfig(), tp, shanghai)
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, shanghai)
	slot := map[string]any{"days": 1, "event": "发出"}
	datas := []map[string]any{
		{"kind": "time", "slot": slot},
		{"promises": []map[string]any{{"kind": "other"}, {"kind": "time", "slot": slot}, {"kind": "time", "slot": map[string]any{"hours": 2}}}},
		{"promises": []any{map[string]any{"kind": "time", "slot": map[string]any{"days": 2, "event": "到账"}}, "x"}},
		{"kind": "time"},
		nil,
	}
	cases, recycled := 0, 0
	for nTags := 0; nTags <= 6; nTags++ {
		for nSKU := 0; nSKU <= 3; nSKU++ {
			for nFind := 0; nFind <= 14; nFind += 7 {
				for timed := 0; timed < 2; timed++ {
					c := &conversation.Conversation{ID: fmt.Sprintf("c%d-%d-%d", nTags, nSKU, nFind), Shop: "s", Customer: "u"}
					for k := 0; k < nSKU; k++ {
						c.SKUs = append(c.SKUs, fmt.Sprint(100+k))
					}
					for k := 0; k < 4; k++ {
						m := conversation.Message{Role: conversation.RoleCustomer, Text: "中通快递在广州转运中心 收到了"}
						if k%2 == 1 {
							m.Role, m.Agent, m.Text = conversation.RoleAgent, "a", "明天给您发出"
						}
						if timed == 1 {
							m.At = at.Add(time.Duration(k) * time.Minute)
						}
						c.Messages = append(c.Messages, m)
					}
					var tags []conversation.Tag
					for k := 0; k < nTags; k++ {
						tags = append(tags, conversation.Tag{Name: []string{"logistics", "refund", "quality", "presale", "invoice", "install", "other"}[k]})
					}
					var fs []conversation.Finding
					for k := 0; k < nFind; k++ {
						fs = append(fs, conversation.Finding{Code: fmt.Sprintf("code.%d", k%9), Severity: conversation.SeverityLow,
							Messages: []int{k % 4}, Evidence: "明天给您发出"})
					}
					fs = append(fs, conversation.Finding{Code: "resolution.unresolved", Severity: conversation.SeverityMedium, Messages: []int{3}, Evidence: "那就算了"})
					for k, d := range datas {
						fs = append(fs, conversation.Finding{Code: "promise.made", Messages: []int{k % 4}, Evidence: "明天", Data: conversation.DataOf(d)})
					}
					p := b.Prepare(c, fs, tags)
					want := Summarize(c, fs, tags, shanghai)
					// Kept of a linked contact: an unlinked one's is
					// never read (Prepare leaves it false).
					want.Kept = !want.Start.IsZero() && tp.Kept(c)
					want.Agent = "" // the batch reads no contact's agent (summarize)
					// Prepare leaves the texts to contactTexts, which
					// AddPrepared calls when it may quote them.
					got := p.ct
					if got.FirstText != "" || got.NotKeptText != "" {
						t.Fatalf("%s: Prepare clipped texts: %+v", c.ID, got)
					}
					contactTexts(&got, c)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s: contact\n got %+v\nwant %+v", c.ID, got, want)
					}
					var wantTopics []Topic
					if !want.Start.IsZero() {
						wantTopics = tp.Of(c, fs, tags)
					}
					if !reflect.DeepEqual(p.topics, wantTopics) {
						t.Fatalf("%s: topics\n got %v\nwant %v", c.ID, p.topics, wantTopics)
					}
					// Recycled, p comes back empty, its rooms cleared,
					// for the next case to fill again.
					if _, err := b.AddPrepared(context.Background(), c, p); err != nil {
						t.Fatal(err)
					}
					if q := b.reused(); q != nil {
						if !reflect.DeepEqual(q.ct, Contact{}) || q.topics != nil || len(q.sceneRoom) > 0 || len(q.topicRoom) > 0 {
							t.Fatalf("%s: a recycled Prepared is not empty: %+v", c.ID, q)
						}
						for _, s := range q.sceneRoom[:cap(q.sceneRoom)] {
							if s != "" {
								t.Fatalf("%s: a recycled scene room holds %q", c.ID, s)
							}
						}
						for _, tp := range q.topicRoom[:cap(q.topicRoom)] {
							if tp != (Topic{}) {
								t.Fatalf("%s: a recycled topic room holds %v", c.ID, tp)
							}
						}
						b.free = append(b.free, q)
						recycled++
					}
					cases++
				}
			}
		}
	}
	if cases < 100 || recycled == 0 {
		t.Fatalf("%d cases, %d recycled", cases, recycled)
	}
}

// timePromisesRef is timePromises as first written (a closure appending
// to a slice of its own); timePromises must agree with it.
func timePromisesRef(data map[string]any) []map[string]any {
	var out []map[string]any
	add := func(p map[string]any) {
		if k, _ := p["kind"].(string); k == "time" {
			if s, ok := p["slot"].(map[string]any); ok {
				out = append(out, s)
			}
		}
	}
	switch all := data["promises"].(type) {
	case []map[string]any:
		for _, p := range all {
			add(p)
		}
		return out
	case []any:
		for _, p := range all {
			if m, ok := p.(map[string]any); ok {
				add(m)
			}
		}
		return out
	}
	add(data)
	return out
}

// slotMaps is each slot as a map.
func slotMaps(vs []slotView) []map[string]any {
	var ms []map[string]any
	for _, v := range vs {
		if v.m != nil {
			ms = append(ms, v.m)
		} else {
			ms = append(ms, v.d.Map())
		}
	}
	return ms
}

// asDetected is d as the promise detector's rules write it: each object
// slot, and each commitment of "promises" given as []map[string]any, a
// conversation.Data in key order.
func asDetected(d map[string]any) conversation.Data {
	conv := func(m map[string]any) conversation.Data {
		c := conversation.DataOf(m)
		for i := range c {
			if s, ok := c[i].Value.(map[string]any); ok && c[i].Key == "slot" {
				c[i].Value = conversation.DataOf(s)
			}
		}
		return c
	}
	c := conv(d)
	for i := range c {
		if ps, ok := c[i].Value.([]map[string]any); ok && c[i].Key == "promises" {
			all := make([]conversation.Data, len(ps))
			for k, p := range ps {
				all[k] = conv(p)
			}
			c[i].Value = all
		}
	}
	return c
}

// TestTimePromisesMatchesRef compares timePromises with the reference on
// each shape of promise data, with and without room, and on the data as
// the detector's rules write it (Data rather than maps, asDetected).
func TestTimePromisesMatchesRef(t *testing.T) {
	slot, slot2 := map[string]any{"days": 1}, map[string]any{"hours": 2}
	for i, d := range []map[string]any{
		nil, {}, {"kind": "time"}, {"kind": "time", "slot": slot}, {"kind": "other", "slot": slot}, {"kind": "time", "slot": "x"},
		{"promises": []map[string]any{{"kind": "time", "slot": slot}, {"kind": "time", "slot": slot2}, {"kind": "x"}}},
		{"promises": []map[string]any{}}, {"promises": []any{slot, map[string]any{"kind": "time", "slot": slot2}, 3}},
		{"promises": "x", "kind": "time", "slot": slot},
		{"promises": []map[string]any{{"kind": "time", "slot": slot}, {"kind": "time", "slot": slot}, {"kind": "time", "slot": slot},
			{"kind": "time", "slot": slot}, {"kind": "time", "slot": slot2}}},
	} {
		want := timePromisesRef(d)
		var room [4]slotView
		for j, data := range []conversation.Data{conversation.DataOf(d), conversation.DataOf(d), asDetected(d)} {
			out := room[:0]
			if j == 0 {
				out = nil
			}
			got := slotMaps(timePromises(out, data))
			if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Fatalf("data %d (%d): got %v, want %v", i, j, got, want)
			}
		}
	}
}

// TestMainAgentMatchesMap holds mainAgent, which counts in a table of
// maxAgents names, to mainAgentMap on chats of from none to more agents
// than the table holds, with ties in count, empty agent names and
// messages of other roles.
func TestMainAgentMatchesMap(t *testing.T) {
	names := []string{"b", "a", "c", "", "a-01", "a-00", "d", "e", "f", "g", "h", "i", "j"}
	for seed := 0; seed < 20000; seed++ {
		r := uint32(seed)*2654435761 + 1
		next := func(n int) int {
			r ^= r << 13
			r ^= r >> 17
			r ^= r << 5
			return int(r % uint32(n))
		}
		c := &conversation.Conversation{}
		pool := 1 + next(len(names))
		for k, n := 0, next(30); k < n; k++ {
			m := conversation.Message{Role: conversation.RoleAgent, Agent: names[next(pool)]}
			if next(4) == 0 {
				m.Role = conversation.RoleCustomer
			}
			c.Messages = append(c.Messages, m)
		}
		if got, want := mainAgent(c), mainAgentMap(c); got != want {
			t.Fatalf("seed %d: mainAgent %q, mainAgentMap %q", seed, got, want)
		}
	}
}
