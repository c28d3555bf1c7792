package analyze

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/lexicon"
	"fullqa/internal/text"
)

// topicsReference is Topics.Of as first written (a map, a courier matcher
// and strings.Index per node suffix); the faster Of must agree with it.
func topicsReference(couriers *text.Matcher, c *conversation.Conversation, findings []conversation.Finding, tags []conversation.Tag) []Topic {
	set := map[Topic]bool{}
	for _, s := range c.SKUs {
		set[Topic{"sku", s}] = true
		for _, tg := range tags {
			set[Topic{"sku_scene", s + "×" + tg.Name}] = true
		}
	}
	for _, tg := range tags {
		set[Topic{"scene", tg.Name}] = true
	}
	for i := range findings {
		f := &findings[i]
		if f.Severity >= conversation.SeverityLow && f.Code != "burst.topic" {
			set[Topic{"code", f.Code}] = true
		}
	}
	var hits []text.Hit
	for i := range c.Messages {
		s := c.Messages[i].Text
		hits = couriers.Scan(s, hits[:0])
		for _, h := range text.LeftmostLongest(hits) {
			set[Topic{"courier", courierName(couriers.Pattern(h.Pattern))}] = true
		}
		for _, suf := range nodeSuffixes {
			if k := strings.Index(s, suf); k > 0 {
				if name := hanBefore(s, k, 4); name != "" {
					set[Topic{"courier", name + suf}] = true
				}
			}
		}
	}
	out := make([]Topic, 0, len(set))
	for tp := range set {
		out = append(out, tp)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Value < out[j].Value
	})
	if len(out) > maxTopics {
		out = out[:maxTopics]
	}
	return out
}

// keptReference is Topics.Kept as first written, with a matcher of the
// kept-promise words alone; Kept and of, whose matcher holds the couriers
// too, must agree with it.
func keptReference(kept *text.Matcher, c *conversation.Conversation) bool {
	var hits []text.Hit
	for i := range c.Messages {
		if c.Messages[i].Role == conversation.RoleCustomer {
			if hits = kept.Scan(c.Messages[i].Text, hits[:0]); len(hits) > 0 {
				return true
			}
		}
	}
	return false
}

// refKept is the reference kept-promise matcher.
func refKept(t testing.TB) *text.Matcher {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	k, err := text.NewMatcher(lex.Words("cross_kept"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func refTopics(t testing.TB) (*Topics, *text.Matcher) {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	tp, err := NewTopics(lex.Words("logistics_courier"), lex.Words("cross_kept"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := text.NewMatcher(lex.Words("logistics_courier"))
	if err != nil {
		t.Fatal(err)
	}
	return tp, m
}

func checkTopics(t *testing.T, tp *Topics, m, kept *text.Matcher, texts ...string) {
	t.Helper()
	for _, agentAt := range []int{-1, 0, 1} { // all customers, or one text the agent's
		c := &conversation.Conversation{SKUs: []string{"9", "1"}}
		for k, s := range texts {
			role := conversation.RoleCustomer
			if k == agentAt {
				role = conversation.RoleAgent
			}
			c.Messages = append(c.Messages, conversation.Message{Role: role, Text: s})
		}
		checkTopicsOf(t, tp, m, kept, c)
	}
}

func checkTopicsOf(t *testing.T, tp *Topics, m, kept *text.Matcher, c *conversation.Conversation) {
	t.Helper()
	texts := make([]string, len(c.Messages))
	for k := range c.Messages {
		texts[k] = string(c.Messages[k].Role) + ":" + c.Messages[k].Text
	}
	wantKept := keptReference(kept, c)
	if got := tp.Kept(c); got != wantKept {
		t.Fatalf("Kept(%q) = %v, want %v", texts, got, wantKept)
	}
	fs := []conversation.Finding{{Code: "b", Severity: conversation.SeverityLow}, {Code: "a", Severity: conversation.SeverityHigh}, {Code: "b", Severity: conversation.SeverityLow}}
	tags := []conversation.Tag{{Name: "z"}, {Name: "logistics"}}
	want := topicsReference(m, c, fs, tags)
	if got := tp.Of(c, fs, tags); !reflect.DeepEqual(got, want) {
		t.Fatalf("Of(%q)\n got %v\nwant %v", texts, got, want)
	}
	var room [8]Topic // as Batch.Prepare's
	if got, gotKept := tp.of(room[:0], c, fs, tags, nil); !reflect.DeepEqual(got, want) || gotKept != wantKept {
		t.Fatalf("of(%q) in room\n got %v, kept %v\nwant %v, kept %v", texts, got, gotKept, want, wantKept)
	}
	// The scan's way (Batch.PrepareHeld): only the messages whose
	// normalized text holds a topic word normalized, as the detection
	// engine's matcher finds them, are scanned.
	held := heldByNormalized(t, c)
	next := func(from int) int { // as detect.Input.NextHas gives them
		for from < len(c.Messages) && !held(from) {
			from++
		}
		return from
	}
	if got, gotKept := tp.of(room[:0], c, fs, tags, next); !reflect.DeepEqual(got, want) || gotKept != wantKept {
		t.Fatalf("of(%q) of the held messages\n got %v, kept %v\nwant %v, kept %v", texts, got, gotKept, want, wantKept)
	}
	if got := tp.keptHeld(c, next); got != wantKept {
		t.Fatalf("keptHeld(%q) = %v, want %v", texts, got, wantKept)
	}
}

// heldByNormalized is what the scan hands Batch.PrepareHeld: whether the
// normalized text of a message holds one of TopicWords normalized, found
// as the detection engine finds its words (text.Normalize, then a
// matcher of the words normalized scanning it as valid UTF-8).
func heldByNormalized(t testing.TB, c *conversation.Conversation) func(int) bool {
	m, err := normalizedTopicWords()
	if err != nil {
		t.Fatal(err)
	}
	held := make([]bool, len(c.Messages))
	for i := range c.Messages {
		held[i] = len(m.ScanValidClasses(text.Normalize(c.Messages[i].Text), nil)) > 0
	}
	return func(i int) bool { return held[i] }
}

// normalizedTopicWords is the matcher of the default TopicWords
// normalized, made once for all the tests.
var normalizedTopicWords = sync.OnceValues(func() (*text.Matcher, error) {
	lex, err := lexicon.Default()
	if err != nil {
		return nil, err
	}
	words := TopicWords(lex.Words("logistics_courier"), lex.Words("cross_kept"))
	if words == nil {
		return nil, errors.New("TopicWords refuses the default lists")
	}
	norm := make([]string, len(words))
	for i, w := range words {
		norm[i] = text.Normalize(w)
	}
	return text.NewClassMatcher(norm, make([]text.Class, len(norm)))
})

// TestTopicWords checks which lists the scan may rule messages out for.
func TestTopicWords(t *testing.T) {
	for _, tc := range []struct {
		couriers, kept []string
		want           bool
	}{
		{[]string{"顺丰", "EMS"}, []string{"收到了"}, true},
		{[]string{"顺丰"}, nil, false},
		{nil, []string{"收到了"}, false},
		{[]string{"顺 丰"}, []string{"收到了"}, false},
		{[]string{"顺丰"}, []string{"收到了！"}, false},
		{[]string{"gt"}, []string{"收到了"}, false},
	} {
		got := TopicWords(tc.couriers, tc.kept)
		if (got != nil) != tc.want {
			t.Errorf("TopicWords(%q, %q) = %q, want words %v", tc.couriers, tc.kept, got, tc.want)
		}
		if got != nil && len(got) != len(tc.couriers)+len(nodeSuffixes)+len(tc.kept) {
			t.Errorf("TopicWords(%q, %q) = %q: not every word", tc.couriers, tc.kept, got)
		}
	}
}

// TestTopicsOfReference compares Of with the reference on hand-written
// messages and, when ../shared is there, on every JDDC message.
func TestTopicsOfReference(t *testing.T) {
	tp, m := refTopics(t)
	kept := refKept(t)
	checkTopics(t, tp, m, kept, "收到了", "转运中心到了收到了", "Ems到了", "ems\u0301", "ＥＭＳ", "顺 丰", "收 到了", "&gt;EMS&nbsp;顺丰", "顺\xe4丰", "已\u200b收到", "顺丰到账了", "转运中心到了", "中通快递在广州转运中心广州转运中心", "顺丰速运深圳分拨中心，北京营业部", "中转场", "a\xe4\xb8中转场", "京东物流 EMS 邮政")
	f, err := os.Open(filepath.Join("..", "..", "..", "shared", "data", "jddc", "jddc_dev.tsv"))
	if err != nil {
		t.Skip("no JDDC sample in ../shared")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		checkTopics(t, tp, m, kept, cols[len(cols)-1])
	}
}

func FuzzTopicsOf(f *testing.F) {
	tp, m := refTopics(f)
	kept := refKept(f)
	for _, s := range []string{"中通快递三天没动了，一直在广州转运中心", "营业部", "顺丰分拣中心分拣中心", "退款已经到账了", "EMS", "Ems邮政", "顺·丰"} {
		f.Add(s, "北京中转场")
	}
	f.Fuzz(func(t *testing.T, a, b string) { checkTopics(t, tp, m, kept, a, b) })
}
