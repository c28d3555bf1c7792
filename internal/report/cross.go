package report

import (
	"fmt"
	"strings"

	"fullqa/internal/analyze"
	"fullqa/internal/codebook"
)

// crossView is the across-conversation part of the text and HTML reports:
// the summary with its windows and times formatted for reading.
type crossView struct {
	S      *analyze.Summary
	Bursts []burstRow
}

type burstRow struct {
	Kind, Value, Window string
	Count               int
	Expected            float64
	Conversations       string
}

// topicKinds names a burst topic's kind in Chinese first.
var topicKinds = map[string]string{"sku": "商品SKU", "scene": "场景", "courier": "快递/物流", "code": "问题类型",
	"sku_scene": "商品×场景"}

func newCrossView(s *analyze.Summary, lang codebook.Lang) *crossView {
	if s == nil {
		return nil
	}
	v := &crossView{S: s}
	for _, b := range s.Bursts {
		w := b.WindowStart.Format("2006-01-02 15:04") + " – " + b.WindowEnd.Format("15:04")
		if b.WindowEnd.Sub(b.WindowStart) >= 24*60*60*1e9 {
			w = b.WindowStart.Format("2006-01-02") + " " + crossLabel("allday", lang)
		}
		kind := topicKinds[b.Topic.Kind]
		if kind == "" || lang == codebook.EN {
			kind = b.Topic.Kind
		}
		v.Bursts = append(v.Bursts, burstRow{Kind: kind, Value: b.Topic.Value, Window: w, Count: b.Count,
			Expected: b.Expected, Conversations: strings.Join(b.Conversations, ", ")})
	}
	return v
}

// crossLabels are the words of the across-conversation sections, Chinese
// and English.
var crossLabels = map[string][2]string{
	"repeat":     {"反复出现的售后问题", "Problems that come back unresolved"},
	"unlinked":   {"无买家ID或时间、未关联的会话", "conversations without a buyer id or time (not linked)"},
	"unkept":     {"到期未兑现的承诺", "Promises past due and not kept"},
	"due":        {"到期承诺", "promises due"},
	"bursts":     {"突发问题", "Bursts"},
	"times":      {"次 (平时约", "conversations (expected"},
	"examples":   {"例", "e.g."},
	"allday":     {"全天", "whole day"},
	"none":       {"无", "none"},
	"h kind":     {"类型", "kind"},
	"h topic":    {"话题", "topic"},
	"h window":   {"时间窗", "window"},
	"h count":    {"会话数", "count"},
	"h expected": {"平时", "expected"},
}

func crossLabel(key string, lang codebook.Lang) string {
	if _, ok := crossLabels[key]; !ok {
		return key
	}
	if lang == codebook.EN {
		return crossLabels[key][1]
	}
	return crossLabels[key][0]
}

// writeCrossText writes the three across-conversation sections of the text
// report: 反复出现的售后问题, 到期未兑现的承诺, 突发问题.
func writeCrossText(b *strings.Builder, s *analyze.Summary, lang codebook.Lang) {
	v := newCrossView(s, lang)
	if v == nil {
		return
	}
	fmt.Fprintf(b, "\n%s (repeat.unresolved)  %d", crossLabel("repeat", lang), s.RepeatUnresolved)
	if s.Unlinked > 0 {
		fmt.Fprintf(b, "   %s %d", crossLabel("unlinked", lang), s.Unlinked)
	}
	b.WriteByte('\n')
	for _, it := range s.Repeats {
		fmt.Fprintf(b, "  %s  [%s] %s\n      %s\n", it.ConvID, codebook.Name(it.Finding.Severity.String(), lang), it.Finding.Evidence, it.Finding.Detail)
	}
	fmt.Fprintf(b, "\n%s (promise.unkept)  %d   %s %d\n", crossLabel("unkept", lang), s.PromisesUnkept, crossLabel("due", lang), s.PromisesDue)
	for _, it := range s.Unkept {
		fmt.Fprintf(b, "  %s  [%s] %s\n      %s\n", it.ConvID, codebook.Name(it.Finding.Severity.String(), lang), it.Finding.Evidence, it.Finding.Detail)
	}
	fmt.Fprintf(b, "\n%s (burst.topic)  %d\n", crossLabel("bursts", lang), len(s.Bursts))
	for _, r := range v.Bursts {
		fmt.Fprintf(b, "  %s %s  %s  %d %s %.2f)  %s: %s\n", r.Kind, r.Value, r.Window, r.Count, crossLabel("times", lang),
			r.Expected, crossLabel("examples", lang), r.Conversations)
	}
}
