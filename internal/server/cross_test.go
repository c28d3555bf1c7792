package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestCrossFindingsInService posts the multi-day history of the analyze
// tests in two requests (the first days, then the rest) and reads the
// across findings back: they are stored with the later conversation,
// linked to contacts stored by the earlier request and to earlier ones of
// the same request, and the promises are due-tracked per agent and vendor.
func TestCrossFindingsInService(t *testing.T) {
	e := newTestEnv(t, nil)
	b, err := os.ReadFile("../analyze/testdata/history.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	half := len(lines) / 2
	for _, part := range [][]string{lines[:half], lines[half:]} {
		var a ingestAnswer
		e.json("qa", "POST", "/api/v1/conversations", []byte(strings.Join(part, "\n")), 200, &a)
		if len(a.Rejected) != 0 {
			t.Fatalf("rejected: %+v", a.Rejected)
		}
	}
	got := map[string][]string{}
	for _, code := range []string{"repeat.unresolved", "promise.unkept"} {
		var ans findingsAnswer
		e.json("qa", "GET", "/api/v1/findings?code="+code, nil, 200, &ans)
		for _, f := range ans.Findings {
			got[code] = append(got[code], f.ConversationID)
			if code == "promise.unkept" && f.Agent != "a-07" {
				t.Errorf("%s: promise.unkept counts for %q, not the promise's agent a-07", f.ConversationID, f.Agent)
			}
			if code == "promise.unkept" && f.ConversationID == "e-2" {
				p, _ := f.Data.Get("promise").(map[string]any)
				if p["conversation"] != "e-1" || p["message"] != 1.0 {
					t.Errorf("e-2 promise.unkept data: %v", f.Data)
				}
			}
		}
	}
	if fmt.Sprint(got["repeat.unresolved"]) != "[a-3 a-2]" || fmt.Sprint(got["promise.unkept"]) != "[e-2 h-2]" {
		t.Errorf("across findings: %v", got)
	}
	var ps struct {
		Promises []promiseJSON       `json:"promises"`
		ByAgent  map[string]dueCount `json:"by_agent"`
	}
	e.json("qa", "GET", "/api/v1/promises?due_after=2026-11-01&due_before=2026-11-30", nil, 200, &ps)
	if len(ps.Promises) != 3 || ps.ByAgent["a-07"] != (dueCount{Due: 3, Unkept: 2}) {
		t.Errorf("promises: %+v by agent %v", ps.Promises, ps.ByAgent)
	}
	// A vendor sees its own; v2 has none.
	e.json("v2", "GET", "/api/v1/promises?due_after=2026-11-01&due_before=2026-11-30", nil, 200, &ps)
	if len(ps.Promises) != 0 {
		t.Errorf("v2 sees %d promises", len(ps.Promises))
	}
	// The report over the store has the cross section.
	var rep struct {
		Cross struct {
			Bursts           []burstJSON `json:"bursts"`
			RepeatUnresolved int         `json:"repeat_unresolved"`
			PromisesDue      int         `json:"promises_due"`
			PromisesUnkept   int         `json:"promises_unkept"`
			Unlinked         int         `json:"unlinked"`
		} `json:"cross"`
	}
	e.json("qa", "GET", "/api/v1/report?from=2026-11-01&to=2026-11-30", nil, 200, &rep)
	if c := rep.Cross; c.Bursts == nil || c.RepeatUnresolved != 2 || c.PromisesUnkept != 2 || c.PromisesDue != 3 || c.Unlinked != 2 {
		t.Errorf("report cross section: %+v", c)
	}
	// Posting the same again changes nothing; the counts stay.
	var a ingestAnswer
	e.json("qa", "POST", "/api/v1/conversations", b, 200, &a)
	if a.Unchanged != len(lines) {
		t.Errorf("resend: %+v", a)
	}
}

// burstLine is one synthetic conversation about sku at t.
func burstLine(id, sku string, t time.Time) string {
	c := map[string]any{"id": id, "shop": "s1", "vendor": "v1", "customer": "u-" + id, "skus": []string{sku},
		"messages": []map[string]any{
			{"role": "customer", "text": "这个商品有问题", "at": t.Format(time.RFC3339)},
			{"role": "agent", "agent": "a-1", "text": "亲，抱歉，麻烦您拍个照片", "at": t.Add(20 * time.Second).Format(time.RFC3339)}}}
	b, _ := json.Marshal(c)
	return string(b)
}

// TestBurstsInService: 14 days of flat traffic (3 conversations a day on
// SKU A) find nothing; 8 conversations about SKU B in one hour of day 12
// are a burst of that hour and day, listed by GET /api/v1/bursts and
// refused to a vendor's token.
func TestBurstsInService(t *testing.T) {
	e := newTestEnv(t, nil)
	loc := e.srv.o.Scan.Location
	day0 := time.Date(2026, 10, 1, 0, 0, 0, 0, loc)
	var flat []string
	for d := 0; d < 14; d++ {
		for i := 0; i < 3; i++ {
			flat = append(flat, burstLine(fmt.Sprintf("f%d-%d", d, i), "A", day0.AddDate(0, 0, d).Add(time.Duration(9+4*i)*time.Hour)))
		}
	}
	e.json("qa", "POST", "/api/v1/conversations", []byte(strings.Join(flat, "\n")), 200, nil)
	var bs struct {
		Bursts []burstJSON `json:"bursts"`
	}
	e.json("qa", "GET", "/api/v1/bursts?since=2026-09-01", nil, 200, &bs)
	if len(bs.Bursts) != 0 {
		t.Fatalf("flat traffic: %+v", bs.Bursts)
	}
	var plant []string
	at := day0.AddDate(0, 0, 12).Add(15 * time.Hour)
	for i := 0; i < 8; i++ {
		plant = append(plant, burstLine(fmt.Sprintf("p-%d", i), "B", at.Add(time.Duration(i)*5*time.Minute)))
	}
	e.json("qa", "POST", "/api/v1/conversations", []byte(strings.Join(plant, "\n")), 200, nil)
	e.json("qa", "GET", "/api/v1/bursts?since=2026-09-01", nil, 200, &bs)
	var hour, day bool
	for _, b := range bs.Bursts {
		if b.Topic.Value != "B" && !strings.HasPrefix(b.Topic.Value, "B×") {
			t.Errorf("burst on an unplanted topic: %+v", b)
		}
		if b.Topic.Kind == "sku" && b.Count == 8 && len(b.Conversations) == 5 {
			hour = hour || b.WindowStart == "2026-10-13T15:00:00.000+08:00" && b.WindowEnd == "2026-10-13T16:00:00.000+08:00"
			day = day || b.WindowStart == "2026-10-13T00:00:00.000+08:00"
		}
	}
	if !hour || !day {
		t.Errorf("planted burst: hour %v day %v in %+v", hour, day, bs.Bursts)
	}
	code, _, _ := e.do("v1", "GET", "/api/v1/bursts", nil)
	if code != 403 {
		t.Errorf("vendor token: status %d, want 403", code)
	}
}

// TestCrossFindingsStreamed: the same history streamed message by message
// with close events gets the same across findings once the background
// inspection has run.
func TestCrossFindingsStreamed(t *testing.T) {
	e := newTestEnv(t, nil)
	b, err := os.ReadFile("../analyze/testdata/history.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	evs := streamEvents(t, b, true)
	e.json("qa", "POST", "/api/v1/messages", bytesJoin(evs), 200, nil)
	for {
		n, err := e.srv.InspectPending(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	got := map[string]string{}
	for _, code := range []string{"repeat.unresolved", "promise.unkept"} {
		var ans findingsAnswer
		e.json("qa", "GET", "/api/v1/findings?code="+code, nil, 200, &ans)
		var ids []string
		for _, f := range ans.Findings {
			ids = append(ids, f.ConversationID)
		}
		sort.Strings(ids)
		got[code] = strings.Join(ids, " ")
	}
	if got["repeat.unresolved"] != "a-2 a-3" || got["promise.unkept"] != "e-2 h-2" {
		t.Errorf("streamed across findings: %v", got)
	}
}

func bytesJoin(bs [][]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(append(out, b...), '\n')
	}
	return out
}
