package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// readAll drains a reader, returning conversations and record errors.
func readAll(t testing.TB, name string, r io.Reader, opts Options) ([]*conversation.Conversation, []*RecordError) {
	t.Helper()
	rd, err := Open(name, r, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var convs []*conversation.Conversation
	var errs []*RecordError
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return convs, errs
		}
		var re *RecordError
		if errors.As(err, &re) {
			errs = append(errs, re)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		convs = append(convs, c)
	}
}

func readFile(t testing.TB, path string, opts Options) ([]*conversation.Conversation, []*RecordError) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	return readAll(t, path, fh, opts)
}

func ids(cs []*conversation.Conversation) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return strings.Join(out, ",")
}

func TestJSONLBadInput(t *testing.T) {
	convs, errs := readFile(t, "testdata/bad.jsonl", Options{})
	if got := ids(convs); got != "c-1,c-5,c-9" {
		t.Errorf("accepted %s, want c-1,c-5,c-9", got)
	}
	want := []string{
		"testdata/bad.jsonl:2: truncated JSON record",
		`testdata/bad.jsonl:3: messages[0].role: unknown role "cust"`,
		`testdata/bad.jsonl:4: messages[0].at: bad time "yesterday"`,
		"testdata/bad.jsonl:7: id: missing",
		"testdata/bad.jsonl:8: messages[0].text: missing",
		`testdata/bad.jsonl:9: id: duplicate id "c-1" (first on line 1)`,
		"testdata/bad.jsonl:10: rating: want",
		"testdata/bad.jsonl:11: invalid UTF-8",
		"testdata/bad.jsonl:13: messages: empty",
	}
	if len(errs) != len(want) {
		for _, e := range errs {
			t.Log(e)
		}
		t.Fatalf("got %d errors, want %d", len(errs), len(want))
	}
	for i, e := range errs {
		if !strings.HasPrefix(e.Error(), want[i]) {
			t.Errorf("error %d = %q, want prefix %q", i, e.Error(), want[i])
		}
		if len(e.Raw) == 0 {
			t.Errorf("error %d has no raw record for the reject file", i)
		}
	}
	c := convs[0]
	if c.Messages[1].Agent != "a-07" || c.Messages[1].Role != conversation.RoleAgent {
		t.Errorf("message 1 = %+v", c.Messages[1])
	}
	if got := c.Messages[1].At.Sub(c.Messages[0].At); got != 35*time.Second {
		t.Errorf("times: got %v apart", got)
	}
	if convs[1].Rating != 5 || convs[1].Messages[1].Role != conversation.RoleBot {
		t.Errorf("c-5 = %+v", convs[1])
	}
}

func TestEmptyInputs(t *testing.T) {
	for _, name := range []string{"empty.jsonl", "empty.csv", "empty.tsv", "-"} {
		convs, errs := readAll(t, name, strings.NewReader(""), Options{})
		if len(convs)+len(errs) != 0 {
			t.Errorf("%s: got %d conversations, %d errors", name, len(convs), len(errs))
		}
	}
}

// TestLongLine checks that a 10 MB line is reported and skipped without
// losing the records around it.
func TestLongLine(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"id":"a","messages":[{"role":"customer","text":"x"}]}` + "\n")
	b.WriteString(`{"id":"big","messages":[{"role":"customer","text":"`)
	b.Write(bytes.Repeat([]byte("退"), 10<<20/3))
	b.WriteString(`"}]}` + "\n")
	b.WriteString(`{"id":"b","messages":[{"role":"customer","text":"y"}]}` + "\n")
	convs, errs := readAll(t, "big.jsonl", &b, Options{MaxLine: 1 << 20})
	if ids(convs) != "a,b" {
		t.Errorf("accepted %s", ids(convs))
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "big.jsonl:2: line too long") {
		t.Errorf("errors %v", errs)
	}
	// With the default limit (8 MiB) the 10 MB line is still rejected cleanly.
	b.Reset()
	b.WriteString(`{"id":"big","messages":[{"role":"customer","text":"` + strings.Repeat("a", 10<<20) + `"}]}` + "\n")
	b.WriteString(`{"id":"b","messages":[{"role":"customer","text":"y"}]}`)
	convs, errs = readAll(t, "big.jsonl", &b, Options{})
	if ids(convs) != "b" || len(errs) != 1 {
		t.Errorf("default limit: accepted %s, errors %v", ids(convs), errs)
	}
}

func TestCSVMapping(t *testing.T) {
	for _, file := range []string{"chat.csv", "chat_gbk.csv", "chat_bom.csv"} {
		t.Run(file, func(t *testing.T) {
			convs, errs := readFile(t, filepath.Join("testdata", file), Options{})
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if ids(convs) != "s1,s2" {
				t.Fatalf("ids %s", ids(convs))
			}
			s1, s2 := convs[0], convs[1]
			if len(s1.Messages) != 4 || s1.Messages[3].Text != "好的谢谢" {
				t.Errorf("s1 messages %+v", s1.Messages)
			}
			if s1.Messages[1].Agent != "小美" || s1.Messages[1].Text != "亲，您好，帮您查一下, 请稍等" {
				t.Errorf("s1[1] = %+v", s1.Messages[1])
			}
			if s1.Customer != "buyer1" {
				t.Errorf("customer %q", s1.Customer)
			}
			if s2.Messages[1].Role != conversation.RoleBot || s2.Messages[2].Role != conversation.RoleAgent {
				t.Errorf("s2 roles %+v", s2.Messages)
			}
			loc, _ := time.LoadLocation("Asia/Shanghai")
			if want := time.Date(2026, 11, 1, 10, 0, 0, 0, loc); !s1.Messages[0].At.Equal(want) {
				t.Errorf("time %v, want %v", s1.Messages[0].At, want)
			}
		})
	}
}

func TestCSVExplicitMappingAndRoles(t *testing.T) {
	in := "conv,who,body,ts\nx1,B,hello,1730426400\nx1,S,hi there,1730426410\nx1,Q,??,1730426420\n"
	opts := Options{Columns: Columns{ID: "conv", Role: "who", Text: "body", Time: "ts", TimeLayout: "unix",
		Roles: map[string]string{"B": "customer", "S": "agent"}}}
	convs, errs := readAll(t, "m.csv", strings.NewReader(in), opts)
	// The bad row rejects its whole conversation (all three rows kept for
	// the reject file): accepting the rest would renumber its messages.
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `m.csv:4: role: unknown role "Q"`) ||
		!strings.Contains(errs[0].Error(), "rejected whole") || strings.Count(string(errs[0].Raw), "\n") != 3 {
		t.Errorf("errors %v", errs)
	}
	if len(convs) != 0 {
		t.Errorf("convs %+v", convs)
	}
	// Other conversations are untouched.
	in2 := in + "x2,B,again,1730426500\n"
	convs, errs = readAll(t, "m.csv", strings.NewReader(in2), opts)
	if len(errs) != 1 || len(convs) != 1 || convs[0].ID != "x2" || convs[0].Messages[0].At.Unix() != 1730426500 {
		t.Errorf("second conversation: %d errors, convs %+v", len(errs), convs)
	}
	if _, err := Open("m.csv", strings.NewReader("a,b\n1,2\n"), Options{}); err == nil || !strings.Contains(err.Error(), "no role column") {
		t.Errorf("missing columns: %v", err)
	}
	if _, err := Open("m.csv", strings.NewReader(in), Options{Columns: Columns{ID: "nope"}}); err == nil || !strings.Contains(err.Error(), `no column "nope"`) {
		t.Errorf("unknown mapped column: %v", err)
	}
}

func TestSessionizeByGap(t *testing.T) {
	convs, errs := readFile(t, "testdata/nosession.tsv", Options{})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	// u1 is cut in two by the 49.5-minute silence; u2 is its own session.
	if got := ids(convs); got != "u1#1,u2#1,u1#2" {
		t.Fatalf("ids %s", got)
	}
	if len(convs[0].Messages) != 2 || len(convs[2].Messages) != 2 {
		t.Errorf("messages %d / %d", len(convs[0].Messages), len(convs[2].Messages))
	}
	convs, _ = readFile(t, "testdata/nosession.tsv", Options{Gap: 2 * time.Hour})
	if got := ids(convs); got != "u1#1,u2#1" {
		t.Errorf("with a 2h gap: ids %s", got)
	}
}

func TestJDDCSmall(t *testing.T) {
	convs, errs := readFile(t, "testdata/jddc_small.tsv", Options{})
	if got := ids(convs); got != "s-a,s-b,s-d" {
		t.Errorf("ids %s", got)
	}
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	if !strings.Contains(errs[0].Error(), `jddc_small.tsv:7: sender: unknown sender "2"`) ||
		!strings.Contains(errs[0].Error(), "rejected whole") || strings.Count(string(errs[0].Raw), "\n") != 3 {
		t.Errorf("bad-session error %q raw %q", errs[0], errs[0].Raw)
	}
	if !strings.Contains(errs[1].Error(), `jddc_small.tsv:10: session_id: session "s-a" continues`) {
		t.Errorf("late-line error %q", errs[1])
	}
	a := convs[0]
	if a.Customer != "U1" || a.Meta["is_repeat"] != "1" || len(a.SKUs) != 1 || a.SKUs[0] != "123" || a.Channel != "jd" {
		t.Errorf("s-a = %+v", a)
	}
	if convs[1].Meta["is_transfer"] != "1" || convs[1].Messages[1].Role != conversation.RoleAgent {
		t.Errorf("s-b = %+v", convs[1])
	}
	// A session's flags are its own: none leaks into the next session.
	if convs[1].Meta["is_repeat"] != "0" || convs[2].Meta["is_transfer"] != "0" || convs[2].Meta["is_repeat"] != "0" {
		t.Errorf("flags leak between sessions: s-b %v, s-d %v", convs[1].Meta, convs[2].Meta)
	}
}

func TestTWCSSmall(t *testing.T) {
	convs, errs := readFile(t, "testdata/twcs_small.csv", Options{})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "inbound: want True or False") {
		t.Errorf("errors %v", errs)
	}
	if ids(convs) != "twcs-1,twcs-10" {
		t.Fatalf("ids %s", ids(convs))
	}
	c := convs[0]
	if len(c.Messages) != 3 || c.Messages[0].Text != "@Acme my order never arrived" || c.Messages[1].Agent != "Acme" || c.Messages[2].Role != conversation.RoleCustomer {
		t.Errorf("thread %+v", c.Messages)
	}
	if c.Messages[1].At.Sub(c.Messages[0].At) != 58*time.Second {
		t.Errorf("times %v %v", c.Messages[0].At, c.Messages[1].At)
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct{ name, head, want string }{
		{"x.jsonl", "", FormatJSONL},
		{"-", `{"id":"1"}`, FormatJSONL},
		{"x.tsv", "a\tb\t0\t0\t0\tnan\thi", FormatJDDC},
		{"x.txt", "a\tb\t1\t0\t0\tnan\thi", FormatJDDC},
		{"x.csv", ",tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id", FormatTWCS},
		{"x.csv", "id,role,text", FormatCSV},
		{"-", "id\trole\ttext", FormatTSV},
	}
	for _, tt := range tests {
		br, _ := decode(strings.NewReader(tt.head+"\n"), "")
		got, err := detectFormat(tt.name, br)
		if err != nil || got != tt.want {
			t.Errorf("%s %q: got %q %v, want %q", tt.name, tt.head, got, err, tt.want)
		}
	}
	if _, err := Open("x", strings.NewReader("just words"), Options{}); err == nil {
		t.Error("undetectable input must fail")
	}
	if _, err := Open("x.csv", strings.NewReader("a"), Options{Format: "xml"}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("unknown format: %v", err)
	}
}

// sharedData returns a path under ../shared/data, skipping when absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data not present: %v", err)
	}
	return p
}

// TestJDDCReal reads the real JDDC sample: 632 sessions whose messages are
// exactly the file's lines, in order.
func TestJDDCReal(t *testing.T) {
	path := sharedData(t, "jddc/jddc_dev.tsv")
	convs, errs := readFile(t, path, Options{})
	if len(errs) != 0 || len(convs) != 632 {
		t.Fatalf("%d conversations, %d errors", len(convs), len(errs))
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	k := 0
	for _, c := range convs {
		for n, m := range c.Messages {
			f := strings.SplitN(lines[k], "\t", 7)
			if f[0] != c.ID || f[6] != m.Text {
				t.Fatalf("%s[%d] does not match line %d", c.ID, n, k+1)
			}
			k++
		}
	}
	if k != len(lines) {
		t.Errorf("%d messages for %d lines", k, len(lines))
	}
}

func TestTWCSReal(t *testing.T) {
	path := sharedData(t, "twcs/twcs_head.csv")
	convs, errs := readFile(t, path, Options{})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs[:1])
	}
	msgs := 0
	timed := 0
	for _, c := range convs {
		msgs += len(c.Messages)
		for i := 1; i < len(c.Messages); i++ {
			if c.Messages[i].At.Before(c.Messages[i-1].At) {
				t.Fatalf("%s out of time order", c.ID)
			}
		}
		if c.Messages[0].HasTime() {
			timed++
		}
	}
	if msgs != 5000 || timed != len(convs) {
		t.Errorf("%d messages in %d threads (%d timed)", msgs, len(convs), timed)
	}
}

// TestMissingColumnsNamedInOrder checks that a header lacking several
// configured columns is refused naming the first of them in field order,
// the same every run (the fields were once read from a map, and the error
// named a different column from run to run).
func TestMissingColumnsNamedInOrder(t *testing.T) {
	in := "a,b,c\n1,2,3\n"
	for range 30 {
		_, err := Open("m.csv", strings.NewReader(in), Options{Columns: Columns{ID: "a", Text: "body", Time: "ts", Agent: "who"}})
		if err == nil || !strings.Contains(err.Error(), `m.csv:1: header: no column "body" for text`) {
			t.Fatalf("got %v, want the text column named", err)
		}
	}
}
