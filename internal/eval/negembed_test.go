package eval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/text"
)

// charVecDataDir lays out a tiny shared-data folder: the three review
// sets, the two COLD parts and the mini JDDC and uss chats.
func charVecDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var pos, neg []string
	for range 20 {
		pos = append(pos, "1,质量很好，很满意", "1,速度快，服务好")
		neg = append(neg, "0,质量太差，很失望", "0,送得太慢，服务差")
	}
	reviews := strings.Join(append(pos, neg...), "\n") + "\n0,\n"
	write("sentiment/online_shopping_10_cats.csv", "cat,label,review\n书籍,1,ＡＢＣ好书\n")
	write("sentiment/waimai_10k.csv", "\ufefflabel,review\n"+reviews)
	write("sentiment/ChnSentiCorp_htl_all.csv", "label,review\n1,房间干净\n")
	write("offensive/cold_train.csv", "\ufeff,split,topic,label,TEXT\n1,train,race,0,你们太差了\n")
	write("offensive/cold_dev.csv", ",split,topic,label,TEXT\n2,dev,race,1,真恶心\n")
	for _, f := range [][2]string{{"mini.tsv", "jddc/jddc_dev.tsv"}, {"mini_uss.jsonl", "uss_jddc/valid_jddc.dialogs.jsonl"}} {
		b, err := os.ReadFile(filepath.Join("testdata", f[0]))
		if err != nil {
			t.Fatal(err)
		}
		write(f[1], string(b))
	}
	return dir
}

// TestCharVecCorpus reads every text of the tiny folder once, in order,
// normalized, and skips blank reviews.
func TestCharVecCorpus(t *testing.T) {
	texts, err := CharVecCorpus(context.Background(), charVecDataDir(t))
	if err != nil {
		t.Fatal(err)
	}
	// 1 + 80 + 1 reviews, 2 posts, 4 JDDC and 5 uss messages.
	if len(texts) != 93 {
		t.Fatalf("%d texts", len(texts))
	}
	if texts[0] != "abc好书" {
		t.Errorf("first text %q, want the normalized review", texts[0])
	}
	if texts[82] != "你们太差了" || texts[84] != "我要投诉你们,太差了" || texts[92] != "订单完成后开具的哦" {
		t.Errorf("texts 82, 84, 92: %q %q %q", texts[82], texts[84], texts[92])
	}
	if _, err := CharVecCorpus(context.Background(), t.TempDir()); err == nil {
		t.Error("an empty folder gave a corpus")
	}
}

// TestEmbedFeatures checks which features each option adds, that the
// polarity model learned the review labels, and that the measurement runs
// end to end on the mini sets, the same twice.
func TestEmbedFeatures(t *testing.T) {
	ctx := context.Background()
	dir := charVecDataDir(t)
	texts, err := CharVecCorpus(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	v, err := classify.TrainCharVectors(ctx, texts, classify.CharVecConfig{Dim: 8, Window: 2, MinCount: 2, MaxChars: 200, MaxBigrams: 100, Alpha: 0.75, Iters: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseEmbedFeatures(ctx, "mean,typo", dir, v, 1); err == nil {
		t.Error("an unknown feature was accepted")
	}
	e, err := ParseEmbedFeatures(ctx, "mean,max,agent,prev,bins,polarity", dir, v, 2)
	if err != nil {
		t.Fatal(err)
	}
	mean, mx := make([]float32, 8), make([]float32, 8)
	prob := func(s string) float32 {
		v.Pool(s, mean, mx)
		idx, val := polarityFeatures(mean, mx)
		return e.Polarity.Prob(idx, val)
	}
	if bad, good := prob("质量太差,很失望"), prob("质量很好,很满意"); bad < 0.5 || good > 0.5 {
		t.Errorf("polarity: P(negative) %.2f for a bad review, %.2f for a good one", bad, good)
	}
	c := &conversation.Conversation{Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "质量太差"},
		{Role: conversation.RoleAgent, Text: "非常抱歉"},
		{Role: conversation.RoleCustomer, Text: "很失望"},
	}}
	var norm []string
	for _, m := range c.Messages {
		norm = append(norm, text.Normalize(m.Text))
	}
	// mean, max, bins: 8 each, polarity 2; agent and prev only where there are any.
	for msg, want := range map[int]int{0: 26, 2: 42} {
		idx, val := e.appendTo(c, norm, msg, []uint32{7}, []float32{1})
		if len(idx) != 1+want || len(val) != len(idx) || idx[0] != 7 {
			t.Errorf("message %d: %d features, want 1 + %d", msg, len(idx), want)
		}
		for _, i := range idx {
			if i >= 1<<detect.NegativeBits {
				t.Fatalf("index %d outside the scorer's table", i)
			}
		}
	}
	eng := defaultEngine(t)
	var out [2]string
	for k := range out {
		rep, err := TrainNegativeEmbed(ctx, miniSets(t), nil, func(string) *detect.Engine { return eng }, NegMinPrecision, e, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 6 || !strings.Contains(rep.Title, "mean, max, agent, prev, bins, polarity") {
			t.Fatalf("report:\n%s", rep)
		}
		out[k] = rep.String()
	}
	if out[0] != out[1] {
		t.Error("two measurements differ")
	}
}
