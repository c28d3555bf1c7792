package server

import (
	"encoding/json"
	"strings"
	"testing"

	"fullqa/internal/report"
	"fullqa/internal/store"
)

func TestEvidenceFragments(t *testing.T) {
	for _, c := range []struct{ ev, want string }{
		{"加我微信", "加我微信"},
		{"你好，我买的耳机 → 亲，您好", "你好，我买的耳机|亲，您好"},
		{"我说的是换颜色 ← 我想把颜色换成黑色", "我说的是换颜色|我想把颜色换成黑色"},
		{"手机号、地址：好的，已改为13812345678…", "手机号、地址|好的，已改为13812345678"},
		{"“太慢了”", "太慢了"},
		{"好 → 嗯", ""}, // one-character pieces would mark every 好 in the chat
	} {
		if got := strings.Join(evidenceFragments(c.ev), "|"); got != c.want {
			t.Errorf("%q: got %q, want %q", c.ev, got, c.want)
		}
	}
}

func TestMarkText(t *testing.T) {
	text := "可以的，您加我微信 wx123456 聊，我私下给您补发一个"
	a := strings.Index(text, "加我微信")
	b := strings.Index(text, "补发")
	parts := markText(text, []span{{a, a + len("加我微信 wx123456"), "high", 1}, {a, a + len("加我微信"), "info", 2}, {b, b + len("补发一个"), "info", 3}})
	var got []string
	for _, p := range parts {
		if p.Mark {
			got = append(got, p.Text+"/"+p.Sev)
		}
	}
	if strings.Join(got, ",") != "加我微信/high, wx123456/high,补发一个/info" {
		t.Fatalf("marks: %v", got)
	}
	if parts[1].IDs[0] != 1 || parts[1].IDs[1] != 2 {
		t.Fatalf("overlap ids: %v", parts[1].IDs)
	}
}

// FuzzMarkText: any spans (in range) cut the text into parts that join
// back to it, with every byte of a span marked.
func FuzzMarkText(f *testing.F) {
	f.Add("您加我微信聊", 3, 9, 0, 3)
	f.Add("", 0, 0, 0, 0)
	f.Add("abc", 0, 3, 1, 2)
	f.Fuzz(func(t *testing.T, text string, a, b, c, d int) {
		clamp := func(x int) int {
			if x < 0 {
				x = -x
			}
			if len(text) == 0 {
				return 0
			}
			return x % (len(text) + 1)
		}
		a, b, c, d = clamp(a), clamp(b), clamp(c), clamp(d)
		a, b = min(a, b), max(a, b)
		c, d = min(c, d), max(c, d)
		parts := markText(text, []span{{a, b, "low", 1}, {c, d, "high", 2}})
		var joined strings.Builder
		for _, p := range parts {
			start := joined.Len()
			joined.WriteString(p.Text)
			for k := start; k < joined.Len(); k++ {
				in := (a <= k && k < b) || (c <= k && k < d)
				if in != p.Mark {
					t.Fatalf("byte %d marked %v, in a span %v", k, p.Mark, in)
				}
			}
		}
		if joined.String() != text {
			t.Fatalf("parts join to %q, not %q", joined.String(), text)
		}
	})
}

func TestParseMessageList(t *testing.T) {
	for _, c := range []struct {
		in   string
		ok   bool
		want string
	}{{"3, 5", true, "[3,5]"}, {"[2]、[4]", true, "[2,4]"}, {"", false, ""}, {"9", false, ""}, {"-1", false, ""}, {"x", false, ""}} {
		got, ok := parseMessageList(c.in, 6)
		b, _ := json.Marshal(got)
		if ok != c.ok || (ok && string(b) != c.want) {
			t.Errorf("%q: %s %v", c.in, b, ok)
		}
	}
}

// TestRescoreCaps: taking one finding out reapplies the item's cap, so
// the next finding of the item costs what the removed one did.
func TestRescoreCaps(t *testing.T) {
	e := newTestEnv(t, nil)
	slow := func(n int) report.JSONFinding {
		return report.JSONFinding{Code: "response.slow", Severity: "low", Messages: []int{n}, Evidence: "x"}
	}
	var fs []report.JSONFinding
	for n := 0; n < 6; n++ { // -3 each, capped at 15: five count
		fs = append(fs, slow(n))
	}
	doc, _ := json.Marshal(map[string]any{"id": "c", "score": 85, "findings": fs, "messages": []any{}})
	r, err := e.srv.rescore(doc, &store.Dispute{ID: 7, Code: "response.slow", Messages: []int{0}, Evidence: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var out webResult
	json.Unmarshal(r.Doc, &out)
	if r.Score != 85 || len(out.Findings) != 5 || len(out.Overturned) != 1 || out.Overturned[0].Dispute != 7 || out.Score != 85 {
		t.Fatalf("rescored: score %d, %d findings, overturned %+v", r.Score, len(out.Findings), out.Overturned)
	}
	if _, err := e.srv.rescore(r.Doc, &store.Dispute{Code: "response.slow", Messages: []int{0}, Evidence: "x"}); err == nil {
		t.Fatal("a finding taken out twice")
	}
}
