package score_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/eval"
	"fullqa/internal/lexicon"
	"fullqa/internal/score"
)

// sharedData is the public data folder, beside the project.
var sharedData = filepath.Join("..", "..", "..", "shared", "data")

// fatalChecker runs every detector and the default scorecard and returns
// the fatal findings of a conversation.
func fatalChecker(t *testing.T) func(*conversation.Conversation) []conversation.Finding {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := score.DefaultScorecard()
	return func(c *conversation.Conversation) []conversation.Finding {
		_, out := eng.Inspect(c, nil)
		_, ds, _ := sc.Apply(out.Findings)
		var fs []conversation.Finding
		for _, d := range ds {
			if d.Fatal {
				fs = append(fs, out.Findings[d.Finding])
			}
		}
		return fs
	}
}

// TestNoFatalOnJDChats scores the real JD chats of ../shared/data (632
// JDDC sessions, 330 uss dialogues; 7,208 agent messages written by JD's
// own agents, with 评价 requests, 微信公众号, 财源滚滚, usb and phone numbers
// as placeholders). Reading them found no insult, off-platform steering,
// review inducement or leak, so any fatal finding there is a false fatal.
func TestNoFatalOnJDChats(t *testing.T) {
	jddc := filepath.Join(sharedData, "jddc", "jddc_dev.tsv")
	uss := filepath.Join(sharedData, "uss_jddc", "valid_jddc.dialogs.jsonl")
	for _, p := range []string{jddc, uss} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("shared data absent: %v", err)
		}
	}
	fatal := fatalChecker(t)
	agents := 0
	for _, src := range []eval.Source{eval.JDDC(jddc), eval.USS(uss)} {
		err := src(func(c *conversation.Conversation) error {
			for _, m := range c.Messages {
				if m.Role == conversation.RoleAgent {
					agents++
				}
			}
			for _, f := range fatal(c) {
				t.Errorf("%s: false fatal %s (%s) at %v: %s", c.ID, f.Code, f.Severity, f.Messages, f.Evidence)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d agent messages, no fatal finding", agents)
}

// TestFatalRoleSwapped is a measurement, not a check: it runs only with
// FULLQA_FATAL_SWAP=FILE. Every text of the public Chinese sets (JDDC and
// uss messages of both roles, shop and food-delivery reviews, COLD
// comments) is put in a conversation as an agent's reply, and every fatal
// finding is written to FILE (TSV: half, source, id, code, evidence, text)
// for reading, with counts by code and source in the log. Texts alternate
// between two halves so rules can be tuned on one ("dev") and judged once
// on the other ("test"). This is not agent text: customers and reviewers
// write "我的电话" about their own phone and quote insults, so precision
// here is a pessimistic bound for agent messages.
func TestFatalRoleSwapped(t *testing.T) {
	outPath := os.Getenv("FULLQA_FATAL_SWAP")
	if outPath == "" {
		t.Skip("set FULLQA_FATAL_SWAP=FILE to measure")
	}
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	fatal := fatalChecker(t)
	counts := map[string]int{}
	n := 0
	emit := func(source, text string) {
		if strings.TrimSpace(text) == "" {
			return
		}
		n++
		half := "test"
		if n%2 == 0 {
			half = "dev"
		}
		c := &conversation.Conversation{ID: fmt.Sprintf("%s-%d", source, n), Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "你好"}, {Role: conversation.RoleAgent, Text: text}}}
		for _, f := range fatal(c) {
			counts[half+" "+f.Code+" "+source]++
			oneLine := strings.NewReplacer("\t", " ", "\n", " ").Replace
			fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\n", half, source, c.ID, f.Code, oneLine(f.Evidence), oneLine(text))
		}
	}
	readAll := func(src eval.Source, source string) {
		err := src(func(c *conversation.Conversation) error {
			for _, m := range c.Messages {
				emit(source, m.Text)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	readAll(eval.JDDC(filepath.Join(sharedData, "jddc", "jddc_dev.tsv")), "jddc")
	readAll(eval.USS(filepath.Join(sharedData, "uss_jddc", "valid_jddc.dialogs.jsonl")), "uss")
	for _, f := range []struct{ file, source, column string }{
		{"sentiment/online_shopping_10_cats.csv", "shop", "review"},
		{"sentiment/waimai_10k.csv", "waimai", "review"},
		{"offensive/cold_train.csv", "cold", "TEXT"},
		{"offensive/cold_dev.csv", "cold", "TEXT"},
	} {
		readCSVColumn(t, filepath.Join(sharedData, f.file), f.column, func(text string) { emit(f.source, text) })
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-50s %d", k, counts[k])
	}
	t.Logf("%d texts; findings in %s", n, outPath)
}

// readCSVColumn calls fn with the named column of every row of a CSV file
// with a header row (a byte-order mark allowed).
func readCSVColumn(t *testing.T, path, column string, fn func(string)) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("shared data absent: %v", err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	col := -1
	for i, h := range head {
		if strings.TrimPrefix(h, "\ufeff") == column {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("%s: no column %q in %v", path, column, head)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if col < len(rec) {
			fn(rec[col])
		}
	}
}
