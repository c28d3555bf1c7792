package score

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
)

// fatalCase is one line of testdata/fatal.jsonl: a hand-written
// conversation, the fatal item (by finding code) it is written for, and
// whether the default scorecard must zero it through that item.
type fatalCase struct {
	ID       string `json:"id"`
	Item     string `json:"item"`
	Fatal    bool   `json:"fatal"`
	Note     string `json:"note"`
	Messages []struct {
		Role string `json:"role"`
		Text string `json:"text"`
	} `json:"messages"`
}

// conversation returns the case as the model's conversation.
func (c fatalCase) conversation(t *testing.T) *conversation.Conversation {
	t.Helper()
	conv := &conversation.Conversation{ID: c.ID}
	for _, m := range c.Messages {
		r, ok := conversation.ParseRole(m.Role)
		if !ok {
			t.Fatalf("%s: unknown role %q", c.ID, m.Role)
		}
		conv.Messages = append(conv.Messages, conversation.Message{Role: r, Text: m.Text})
	}
	return conv
}

// minNearMisses is how many conversations that must not be fatal every
// fatal item of the default scorecard needs: a false fatal zeroes an
// agent's conversation, the most expensive mistake the product can make.
const minNearMisses = 5

// TestFatalItems runs every detector over testdata/fatal.jsonl and scores
// each conversation with the default scorecard: a positive must be zeroed
// by its item and by no other, a near miss ("平台规定不能加微信哦", 滚筒洗衣机,
// a masked phone) by none. Every fatal item of the default scorecard must
// have at least minNearMisses near misses and one positive.
func TestFatalItems(t *testing.T) {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := DefaultScorecard()
	cases := loadFatalCases(t, filepath.Join("testdata", "fatal.jsonl"))
	near, pos := map[string]int{}, map[string]int{}
	for _, c := range cases {
		if c.Fatal {
			pos[c.Item]++
		} else {
			near[c.Item]++
		}
		_, out := eng.Inspect(c.conversation(t), nil)
		score, ds, fatal := sc.Apply(out.Findings)
		var got []string
		for _, d := range ds {
			if d.Fatal {
				got = append(got, d.Code)
			}
		}
		sort.Strings(got)
		want := ""
		if c.Fatal {
			want = c.Item
		}
		if strings.Join(got, " ") != want || fatal != c.Fatal || fatal != (score == 0 && c.Fatal) {
			t.Errorf("%s (%s): fatal items %v, score %d; want %q\n  findings %v", c.ID, c.Note, got, score, want, out.Findings)
		}
	}
	for _, cat := range sc.Categories {
		for _, it := range cat.Items {
			if !it.Fatal {
				continue
			}
			for _, code := range it.Codes {
				if near[code] < minNearMisses || pos[code] == 0 {
					t.Errorf("fatal item %s (%s): %d near misses and %d positives in testdata/fatal.jsonl, want >= %d and >= 1",
						it.Name, code, near[code], pos[code], minNearMisses)
				}
			}
		}
	}
}

func loadFatalCases(t *testing.T, path string) []fatalCase {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []fatalCase
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c fatalCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
