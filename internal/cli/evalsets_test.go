package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fullqa/internal/eval"
)

// TestJD2Round checks which labelled rounds of the fresh JDDC-2019 chats a
// --jd2-rounds value keeps, and that an unknown value is an error rather
// than silently training on nothing.
func TestJD2Round(t *testing.T) {
	for _, c := range []struct {
		rounds, round string
		keep, err     bool
	}{
		{"AB", "A", true, false},
		{"AB", "B", true, false},
		{"A", "A", true, false},
		{"A", "B", false, false},
		{"B", "A", false, false},
		{"B", "B", true, false},
		{"AB", "", false, false}, // a label without a round is in no round
		{"C", "A", false, false},
		{"C", "C", true, false},
		{"ABC", "C", true, false},
		{"ABC", "AB", false, false}, // a label's round is one letter
		{"AB", "C", false, false},
		{"AC", "C", true, false},
		{"AC", "B", false, false},
		{"ab", "A", false, true},
		{"X", "A", false, true},
		{"", "A", false, true},
		{"BA", "A", false, true},
		{"AAB", "A", false, true},
		{"ABCD", "A", true, false},
		{"ABCDE", "E", true, false},
		{"DE", "A", false, false},
		{"E", "E", true, false},
		{"ABCDEF", "A", true, false},
		{"ABCDEF", "F", true, false},
		{"ABCDEFG", "A", true, false},
		{"ABCDEFG", "G", true, false},
		{"ABCDEFGH", "H", true, false},
		{"ABCDEFGHI", "A", false, true},
		{"ED", "E", false, true},
	} {
		keep, err := jd2Round(c.rounds, c.round)
		if keep != c.keep || (err != nil) != c.err {
			t.Errorf("jd2Round(%q, %q) = %v, %v; want %v, error %v", c.rounds, c.round, keep, err, c.keep, c.err)
		}
	}
}

// TestLabelledSetsRounds checks that labelledSets keeps the jd2 labels of
// the rounds asked for (the committed labels file: rounds A and B), and
// leaves jd2 out when the data folder does not hold its chats.
func TestLabelledSetsRounds(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root) // the labels are read relative to the repository root
	data := t.TempDir()
	count := func(rounds string) (n int, jd2 bool) {
		t.Helper()
		sets, err := labelledSets(data, rounds)
		if err != nil {
			t.Fatalf("labelledSets(%q): %v", rounds, err)
		}
		for _, s := range sets {
			if s.Name == "jd2" {
				return len(s.Labels), true
			}
		}
		return 0, false
	}
	if _, jd2 := count("AB"); jd2 {
		t.Fatal("jd2 taken in without its chats in the data folder")
	}
	if err := os.MkdirAll(filepath.Join(data, "jddc2019"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "jddc2019", "chat_0.1per.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	a, _ := count("A")
	b, _ := count("B")
	ab, _ := count("AB")
	if a == 0 || b == 0 || ab != a+b {
		t.Errorf("jd2 labels: A %d, B %d, AB %d; want both rounds present and AB = A + B", a, b, ab)
	}
	// Round C (scored once as the fifth session's held-out round) is in the
	// labels file but in no training set until a later session takes it in.
	all, err := eval.LoadLabels(filepath.Join(evalTestdata, "jd2_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	c := 0
	for _, l := range all {
		if l.Round == "C" {
			c++
		}
	}
	if c == 0 || a+b+c != len(all) {
		t.Errorf("jd2 labels: %d in all, A %d + B %d + C %d; want round C present and every label in one round", len(all), a, b, c)
	}
	if _, err := labelledSets(data, "X"); err == nil {
		t.Error("labelledSets(\"X\"): want an error")
	}
}

// TestLabelledSetsLaterRounds checks that rounds D and E add the jddev and
// jd3 sources, whole, that asking for one whose chats the data folder lacks
// is an error rather than a training set silently without it, and that
// without a letter of A to C jd2 is not read.
func TestLabelledSetsLaterRounds(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	data := t.TempDir()
	if _, err := labelledSets(data, "ABE"); err == nil {
		t.Error(`labelledSets("ABE") without jddc2019b: want an error`)
	}
	if _, err := labelledSets(data, "D"); err == nil {
		t.Error(`labelledSets("D") without the contest files: want an error`)
	}
	if _, err := labelledSets(data, "ABC"); err == nil {
		t.Error(`labelledSets("ABC") without jddc2019: want an error (only the default AB leaves jd2 out silently)`)
	}
	if _, err := labelledSets(data, "F"); err == nil {
		t.Error(`labelledSets("F") without the contexts files: want an error`)
	}
	if _, err := labelledSets(data, "G"); err == nil {
		t.Error(`labelledSets("G") without the ecd files: want an error`)
	}
	if _, err := labelledSets(data, "H"); err == nil {
		t.Error(`labelledSets("H") without the jdh files: want an error`)
	}
	if _, err := labelledSets(data, "ABCDEFGHI"); err == nil {
		t.Error(`labelledSets("ABCDEFGHI"): want an error (no round I)`)
	}
	for _, f := range []string{"jddc2019/chat_0.1per.txt", "jddc2019/dev_question.txt", "jddc2019/dev_answer.txt", "jddc2019b/chat_0.1per.txt", "jdctx/devQuestions.txt", "jdctx/devAnswers.txt", "ecd/valid", "ecd/test", "jdh/refund-candidates-100.jsonl", "jdh/test_questions.json"} {
		if err := os.MkdirAll(filepath.Join(data, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	names := func(rounds string) map[string]int {
		t.Helper()
		sets, err := labelledSets(data, rounds)
		if err != nil {
			t.Fatalf("labelledSets(%q): %v", rounds, err)
		}
		out := map[string]int{}
		for _, s := range sets {
			out[s.Name] = len(s.Labels)
		}
		return out
	}
	all := names("ABCDEFGH")
	for name, file := range map[string]string{"jddev": "jddev_labels.jsonl", "jd3": "jd3_labels.jsonl", "jdctx": "jdctx_labels.jsonl", "ecd": "ecd_labels.jsonl", "jdh": "jdh_labels.jsonl"} {
		l, err := eval.LoadLabels(filepath.Join(evalTestdata, file))
		if err != nil {
			t.Fatal(err)
		}
		if all[name] == 0 || all[name] != len(l) {
			t.Errorf("ABCDEFGH: %s has %d labelled chats, want all %d", name, all[name], len(l))
		}
	}
	if len(all) != 8 {
		t.Errorf("ABCDEFGH: sources %v, want jddc, uss, jd2, jddev, jd3, jdctx, ecd, jdh", all)
	}
	if seven := names("ABCDEFG"); len(seven) != 7 || seven["jdh"] != 0 {
		t.Errorf("ABCDEFG: sources %v, want the seven without jdh", seven)
	}
	if six := names("ABCDEF"); len(six) != 6 || six["ecd"] != 0 {
		t.Errorf("ABCDEF: sources %v, want the six without ecd", six)
	}
	if five := names("ABCDE"); len(five) != 5 || five["jdctx"] != 0 {
		t.Errorf("ABCDE: sources %v, want jddc, uss, jd2, jddev, jd3", five)
	}
	de := names("DE")
	if _, ok := de["jd2"]; ok || len(de) != 4 {
		t.Errorf("DE: sources %v, want jddc, uss, jddev, jd3 (no jd2)", de)
	}
	if ab := names("AB"); len(ab) != 3 {
		t.Errorf("AB: sources %v, want jddc, uss, jd2", ab)
	}
}

// TestEvalRefusesNegativeHidden: a negative number of hidden units is a
// usage error on both commands that take --hidden, not the linear scorer.
func TestEvalRefusesNegativeHidden(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "negative", "--hidden", "-1"},
		{"eval", "promise", "--hidden", "-1"},
	} {
		code, _, stderr := run(t, "", args...)
		if code != ExitUsage || !strings.Contains(stderr, "hidden units") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error about hidden units", args, code, stderr)
		}
	}
}

// TestEvalRefusesIgnoredFlags checks that --stacked, --pooled, --hidden
// and --gated are refused by the eval targets that do not read them (or
// not in that combination), rather than ignored.
func TestEvalRefusesIgnoredFlags(t *testing.T) {
	for _, args := range [][]string{
		{"eval", "emotion", "--stacked"},
		{"eval", "tags", "--stacked"},
		{"eval", "negative", "--pooled", "jd2"},
		{"eval", "repeat", "--hidden", "8"},
		{"eval", "negative", "--stacked=false", "--hidden", "8"},
		{"eval", "negative", "--hidden", "8", "--embed", "mean"},
		{"eval", "negative", "--gated"},
		{"eval", "repeat", "--stacked", "--gated"},
		{"eval", "repeat", "--exclusions"},
	} {
		code, _, stderr := run(t, "", args...)
		if code != ExitUsage || !strings.Contains(stderr, "applies to") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error naming what the flag applies to", args, code, stderr)
		}
	}
}

// TestEvalNegativeDefaults checks that `fullqa eval negative` and `fullqa
// eval promise` default to the shipped settings of their scorers, and that
// the other targets keep theirs.
func TestEvalNegativeDefaults(t *testing.T) {
	_, _, neg := run(t, "", "eval", "negative", "-h")
	for _, want := range []string{`(default "ABCDEFGH")`, "(default 0.75)", "score alone decides; for negative the shipped one, its default) instead of the rules-or-score one (default true)"} {
		if !strings.Contains(neg, want) {
			t.Errorf("eval negative -h: no %q in\n%s", want, neg)
		}
	}
	_, _, tags := run(t, "", "eval", "tags", "-h")
	for _, want := range []string{`(default "AB")`, "(default 0.8)"} {
		if !strings.Contains(tags, want) {
			t.Errorf("eval tags -h: no %q in\n%s", want, tags)
		}
	}
	if strings.Contains(tags, "rules-or-score one (default true)") {
		t.Error("eval tags -h: --stacked defaults to true")
	}
	// The promise scorer's own flags: its shipped sources and chats.
	_, _, prom := run(t, "", "eval", "promise", "-h")
	for _, want := range []string{`(default "ABCDEFGH")`, `(default "internal/classify/traindata/promise.jsonl")`} {
		if !strings.Contains(prom, want) {
			t.Errorf("eval promise -h: no %q in\n%s", want, prom)
		}
	}
}

// TestRolesCoverLabels: a labelled jdctx chat without a roles entry would
// be left out by the reader, so it is an error; the committed files agree
// (jdctx's and ecd's), and sources with roles of their own are not checked.
func TestRolesCoverLabels(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	l, err := eval.LoadLabels(filepath.Join(evalTestdata, "jdctx_labels.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := rolesCoverLabels(rolesOf("jdctx"), l); err != nil {
		t.Fatalf("committed labels: %v", err)
	}
	l["ctx-99999"] = &eval.Labels{SessionID: "ctx-99999"}
	if err := rolesCoverLabels(rolesOf("jdctx"), l); err == nil || !strings.Contains(err.Error(), "ctx-99999") {
		t.Errorf("a label without roles: err %v, want one naming ctx-99999", err)
	}
	if err := rolesCoverLabels(rolesOf("jd2"), l); err != nil {
		t.Errorf("jd2: %v, want no check", err)
	}
	// Round G's committed labels and roles agree too, first and second
	// reviewer's.
	for _, file := range []string{"ecd_labels.jsonl", "ecd_second_labels.jsonl"} {
		g, err := eval.LoadLabels(filepath.Join(evalTestdata, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := rolesCoverLabels(rolesOf("ecd"), g); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}
