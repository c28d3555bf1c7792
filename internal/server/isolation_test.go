package server

import (
	"strings"
	"testing"
)

// TestVendorIsolation checks every endpoint with vendor tokens: a vendor
// sends and sees only its own vendor's conversations; another vendor's is
// 404 (its existence is not revealed) and lists are filtered.
func TestVendorIsolation(t *testing.T) {
	e := newTestEnv(t, nil)
	e.json("qa", "POST", "/api/v1/conversations", readExamples(t), 200, nil) // vendors v1 and v2

	// POST: another vendor's records are rejected, an empty vendor is the caller's.
	body := strings.Join([]string{
		`{"id":"v1-own","messages":[{"role":"agent","agent":"a","text":"加我微信 abc12345"}]}`,
		`{"id":"v1-claims-v2","vendor":"v2","messages":[{"role":"customer","text":"在吗"}]}`,
		`{"id":"ex-slow","vendor":"v1","messages":[{"role":"customer","text":"在吗"}]}`, // a v2 conversation's id
	}, "\n")
	var a ingestAnswer
	e.json("v1", "POST", "/api/v1/conversations", []byte(body), 200, &a)
	if a.Accepted != 1 || len(a.Rejected) != 2 || a.Rejected[0].Field != "vendor" || a.Rejected[1].Field != "id" {
		t.Fatalf("v1 post: %+v", a)
	}
	var c conversationAnswer
	e.json("v1", "GET", "/api/v1/conversations/v1-own", nil, 200, &c)
	if !strings.Contains(string(c.Conversation), `"vendor":"v1"`) {
		t.Fatalf("v1-own stored without the caller's vendor: %s", c.Conversation)
	}
	e.json("qa", "GET", "/api/v1/conversations/ex-slow", nil, 200, &c)
	if c.Inspections != 1 || strings.Contains(string(c.Conversation), `"vendor":"v1"`) {
		t.Fatalf("v2's ex-slow was changed by v1: %s", c.Conversation)
	}

	// GET conversation: another vendor's is 404, like one that does not exist.
	for _, p := range []struct{ user, id string }{{"v1", "ex-slow"}, {"v2", "ex-fast"}, {"v2", "v1-own"}, {"v1", "no-such"}} {
		code, b, _ := e.do(p.user, "GET", "/api/v1/conversations/"+p.id, nil)
		if code != 404 || !strings.Contains(string(b), "no such conversation") {
			t.Errorf("%s GET %s: %d %s", p.user, p.id, code, b)
		}
	}
	e.json("v2", "GET", "/api/v1/conversations/ex-slow", nil, 200, nil)

	// Findings: only the caller's vendor, whatever the filter asks.
	var all, fa findingsAnswer
	e.json("qa", "GET", "/api/v1/findings?limit=1000", nil, 200, &all)
	perVendor := map[string]int{}
	for _, f := range all.Findings {
		perVendor[f.Vendor]++
	}
	if perVendor["v1"] == 0 || perVendor["v2"] == 0 {
		t.Fatalf("want findings of both vendors: %v", perVendor)
	}
	for _, v := range []string{"v1", "v2"} {
		e.json(v, "GET", "/api/v1/findings?limit=1000", nil, 200, &fa)
		if len(fa.Findings) != perVendor[v] {
			t.Errorf("%s sees %d findings, has %d", v, len(fa.Findings), perVendor[v])
		}
		for _, f := range fa.Findings {
			if f.Vendor != v {
				t.Errorf("%s sees a finding of %s", v, f.Vendor)
			}
		}
	}
	e.json("v1", "GET", "/api/v1/findings?vendor=v2", nil, 200, &fa)
	if len(fa.Findings) != 0 {
		t.Errorf("v1 asking for v2's findings got %d", len(fa.Findings))
	}
	e.json("v1", "GET", "/api/v1/findings?conversation=ex-slow", nil, 200, &fa)
	if len(fa.Findings) != 0 {
		t.Errorf("v1 asking for ex-slow's findings got %d", len(fa.Findings))
	}

	// Metrics: a vendor sees its own figures and no process-wide counters.
	_, qm, _ := e.do("qa", "GET", "/metrics", nil)
	_, vm, _ := e.do("v1", "GET", "/metrics", nil)
	if !strings.Contains(string(qm), "fullqa_conversations_ingested_total") || strings.Contains(string(vm), "fullqa_conversations_ingested_total") {
		t.Errorf("process counters: qa sees them %v, v1 sees them %v", strings.Contains(string(qm), "ingested"), strings.Contains(string(vm), "ingested"))
	}
	total := 0
	for _, line := range strings.Split(string(vm), "\n") {
		if strings.HasPrefix(line, "fullqa_findings{") {
			var n int
			for _, ch := range line[strings.LastIndexByte(line, ' ')+1:] {
				n = n*10 + int(ch-'0')
			}
			total += n
		}
	}
	e.json("qa", "GET", "/api/v1/findings?vendor=v1&limit=1000", nil, 200, &fa)
	if total != len(fa.Findings) || total == 0 {
		t.Errorf("v1 metrics count %d findings, the API lists %d", total, len(fa.Findings))
	}
}

// TestVendorIsolationMessages: a vendor cannot stream into or close
// another vendor's conversation, nor label a message with another vendor;
// its answer does not reveal that the conversation exists.
func TestVendorIsolationMessages(t *testing.T) {
	e := newTestEnv(t, nil)
	e.json("v2", "POST", "/api/v1/messages", []byte(`{"message_id":"a1","conversation_id":"c-v2","role":"customer","text":"在吗"}`), 200, nil)
	var a messagesAnswer
	body := strings.Join([]string{
		`{"message_id":"b1","conversation_id":"c-v2","role":"agent","text":"加我微信 abc12345"}`,
		`{"conversation_id":"c-v2","event":"close"}`,
		`{"message_id":"b2","conversation_id":"c-v1","role":"customer","text":"在吗","vendor":"v2"}`,
		`{"message_id":"b3","conversation_id":"c-v1","role":"customer","text":"在吗"}`,
	}, "\n")
	e.json("v1", "POST", "/api/v1/messages", []byte(body), 200, &a)
	if a.Accepted != 1 || len(a.Rejected) != 3 || len(a.Findings) != 0 {
		t.Fatalf("v1 stream: %+v", a)
	}
	for i, want := range []rejected{{1, "conversation_id", "no such conversation"}, {2, "conversation_id", "no such conversation"}} {
		if a.Rejected[i] != want {
			t.Errorf("reject %d: %+v, want %+v", i, a.Rejected[i], want)
		}
	}
	if a.Rejected[2].Field != "vendor" {
		t.Errorf("reject 3: %+v", a.Rejected[2])
	}
	var c conversationAnswer
	e.json("v2", "GET", "/api/v1/conversations/c-v2", nil, 200, &c)
	if c.State != "open" || strings.Contains(string(c.Conversation), "微信") {
		t.Fatalf("v2's conversation changed by v1: %+v", c)
	}
	e.json("v1", "GET", "/api/v1/conversations/c-v1", nil, 200, &c)
	if !strings.Contains(string(c.Conversation), `"vendor":"v1"`) {
		t.Fatalf("c-v1 without its vendor: %s", c.Conversation)
	}
	if code, _, _ := e.do("v1", "GET", "/api/v1/conversations/c-v2", nil); code != 404 {
		t.Fatalf("v1 reads c-v2: %d", code)
	}
}
