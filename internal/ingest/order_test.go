package ingest

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// jsonConv builds a canonical line whose messages alternate customer and
// agent at the given times ("" for none).
func jsonConv(id string, times ...string) string {
	var msgs []string
	for i, at := range times {
		role := "customer"
		if i%2 == 1 {
			role = "agent"
		}
		m := fmt.Sprintf(`{"role":%q,"text":"m%d"`, role, i)
		if at != "" {
			m += fmt.Sprintf(`,"at":%q`, at)
		}
		msgs = append(msgs, m+"}")
	}
	return fmt.Sprintf(`{"id":%q,"messages":[%s]}`, id, strings.Join(msgs, ","))
}

// TestTimeOrder is the class of bug behind negative durations and 0 s
// first responses: a conversation whose messages step back in time is a
// bad record naming the message, unless SortByTime sorts it.
func TestTimeOrder(t *testing.T) {
	lines := []string{
		jsonConv("ok", "2026-11-01T10:00:00+08:00", "2026-11-01T10:00:30+08:00"),
		jsonConv("tie", "2026-11-01T10:00:05+08:00", "2026-11-01T10:00:05+08:00"),                               // same-second tie
		jsonConv("jitter", "2026-11-01T10:00:05.900+08:00", "2026-11-01T10:00:05.100+08:00"),                    // within the tolerance
		jsonConv("back", "2026-11-01T10:00:00+08:00", "2026-11-01T10:05:00+08:00", "2026-11-01T10:01:00+08:00"), // step back
		jsonConv("untimed", "2026-11-01T10:00:00+08:00", "", "2026-11-01T10:01:00+08:00"),                       // a gap in times
		jsonConv("untimed-back", "2026-11-01T10:02:00+08:00", "", "2026-11-01T10:01:00+08:00"),
	}
	in := strings.Join(lines, "\n") + "\n"
	convs, errs := readAll(t, "t.jsonl", strings.NewReader(in), Options{})
	if got := ids(convs); got != "ok,tie,jitter,untimed" {
		t.Errorf("accepted %s", got)
	}
	want := []string{
		"t.jsonl:4: messages[2].at: 2026-11-01T10:01:00+08:00 is before the previous message's time 2026-11-01T10:05:00+08:00 (message 1)",
		"t.jsonl:6: messages[2].at: 2026-11-01T10:01:00+08:00 is before the previous message's time 2026-11-01T10:02:00+08:00 (message 0)",
	}
	if len(errs) != len(want) {
		t.Fatalf("errors %v", errs)
	}
	for i, e := range errs {
		if !strings.HasPrefix(e.Error(), want[i]) || !strings.Contains(e.Error(), "--sort-by-time") || len(e.Raw) == 0 {
			t.Errorf("error %d = %q, want prefix %q, the way out and the raw record", i, e, want[i])
		}
	}
	if strings.Contains(errs[0].Error(), "newest first") {
		t.Errorf("a rising-then-falling conversation is not newest first: %s", errs[0])
	}

	// --sort-by-time: accepted, sorted stably; an untimed message stays
	// after the timed message it followed.
	convs, errs = readAll(t, "t.jsonl", strings.NewReader(in), Options{SortByTime: true})
	if len(errs) != 0 || len(convs) != len(lines) {
		t.Fatalf("sorted: %d accepted, errors %v", len(convs), errs)
	}
	texts := func(i int) string {
		var out []string
		for _, m := range convs[i].Messages {
			out = append(out, m.Text)
		}
		return strings.Join(out, " ")
	}
	for i, want := range []string{"m0 m1", "m0 m1", "m1 m0", "m0 m2 m1", "m0 m1 m2", "m2 m0 m1"} {
		if got := texts(i); got != want {
			t.Errorf("%s sorted: %s, want %s", convs[i].ID, got, want)
		}
	}
}

// TestNewestFirstFile checks that a file sorted newest first is named as
// such in the error, so the user knows to sort it (or pass
// --sort-by-time) instead of fixing records one by one.
func TestNewestFirstFile(t *testing.T) {
	in := jsonConv("a", "2026-11-01T10:05:00+08:00", "2026-11-01T10:00:00+08:00") + "\n" +
		jsonConv("b", "2026-11-01T11:05:00+08:00", "2026-11-01T11:04:00+08:00", "2026-11-01T11:00:00+08:00") + "\n"
	_, errs := readAll(t, "t.jsonl", strings.NewReader(in), Options{})
	if len(errs) != 2 {
		t.Fatalf("errors %v", errs)
	}
	for i, e := range errs {
		if !strings.Contains(e.Error(), fmt.Sprintf("all %d conversations with times so far are newest first", i+1)) {
			t.Errorf("error %d does not say the file is newest first: %s", i, e)
		}
	}
	// One newest-first conversation among ordered ones is named as such,
	// without blaming the file.
	in = jsonConv("ok", "2026-11-01T09:00:00+08:00", "2026-11-01T09:00:10+08:00") + "\n" +
		jsonConv("a", "2026-11-01T10:05:00+08:00", "2026-11-01T10:00:00+08:00") + "\n"
	_, errs = readAll(t, "t.jsonl", strings.NewReader(in), Options{})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "this conversation is newest first") || strings.Contains(errs[0].Error(), "file looks") {
		t.Errorf("errors %v", errs)
	}
}

// TestCSVNewestFirst reads a message-per-row export sorted newest first,
// with and without conversation ids: each conversation is rejected with
// the line and field of the row that steps back, and with SortByTime it
// reads exactly as the same export in time order.
func TestCSVNewestFirst(t *testing.T) {
	for _, file := range []string{"testdata/chat.csv", "testdata/nosession.tsv"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		rev := []string{rows[0]}
		for i := len(rows) - 1; i > 0; i-- {
			rev = append(rev, rows[i])
		}
		name := strings.TrimPrefix(file, "testdata/")
		reversed := strings.Join(rev, "\n") + "\n"
		fwd, ferrs := readAll(t, name, strings.NewReader(string(b)), Options{})
		if len(ferrs) != 0 {
			t.Fatalf("%s: %v", file, ferrs)
		}
		_, errs := readAll(t, name, strings.NewReader(reversed), Options{})
		multi := 0
		for _, c := range fwd {
			if len(c.Messages) > 1 {
				multi++
			}
		}
		if len(errs) != multi {
			t.Fatalf("%s reversed: %d errors, want one per conversation with more than one message (%d): %v", file, len(errs), multi, errs)
		}
		for _, e := range errs {
			if e.Field != "time" || e.Line < 2 || !strings.Contains(e.Error(), "newest first") || !strings.Contains(e.Error(), "rejected whole") {
				t.Errorf("%s reversed: %v", file, e)
			}
		}
		sorted, errs := readAll(t, name, strings.NewReader(reversed), Options{SortByTime: true})
		if len(errs) != 0 || len(sorted) != len(fwd) {
			t.Fatalf("%s sorted: %d conversations (want %d), errors %v", file, len(sorted), len(fwd), errs)
		}
		byKey := map[string]string{}
		for _, c := range fwd {
			byKey[render(c.Messages)] = c.ID
		}
		for _, c := range sorted {
			if _, ok := byKey[render(c.Messages)]; !ok {
				t.Errorf("%s: sorted conversation %s differs from every conversation of the ordered file:\n%s", file, c.ID, render(c.Messages))
			}
		}
	}
}

func render[M interface{ ~[]E }, E any](msgs M) string {
	var b strings.Builder
	for _, m := range msgs {
		fmt.Fprintf(&b, "%+v\n", m)
	}
	return b.String()
}

// TestOrderTolerance pins the tolerance: a second back is noise, more is
// out of order.
func TestOrderTolerance(t *testing.T) {
	base := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		back time.Duration
		ok   bool
	}{{0, true}, {500 * time.Millisecond, true}, {OrderTolerance, true}, {OrderTolerance + time.Millisecond, false}, {time.Minute, false}} {
		in := jsonConv("x", base.Format(time.RFC3339Nano), base.Add(-tc.back).Format(time.RFC3339Nano)) + "\n"
		convs, _ := readAll(t, "t.jsonl", strings.NewReader(in), Options{})
		if (len(convs) == 1) != tc.ok {
			t.Errorf("%v back: accepted %v, want %v", tc.back, len(convs) == 1, tc.ok)
		}
	}
}

// FuzzWallSub holds wallSub to time.Time.Sub on times without a monotonic
// reading (as read from input), in and beyond its range, in two zones.
func FuzzWallSub(f *testing.F) {
	for _, s := range [][2]int64{{0, 0}, {1 << 32, 0}, {1<<32 - 1, 999999999}, {-1 << 32, 0}, {-1<<32 - 1, 5},
		{1790000000, 1}, {1 << 40, 0}, {-1 << 62, 0}, {1<<63 - 1, 0}} {
		f.Add(s[0], s[1], s[0]-1, int64(999999999))
		f.Add(s[0], s[1], -s[0], int64(0))
	}
	cst := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s1, n1, s2, n2 int64) {
		a, b := time.Unix(s1, n1%1e9), time.Unix(s2, n2%1e9)
		for _, p := range [][2]time.Time{{a, b}, {a.In(cst), b}, {a.UTC(), b.In(cst)}} {
			if got, want := wallSub(p[0], p[1]), p[0].Sub(p[1]); got != want {
				t.Fatalf("wallSub(%v, %v) = %v, Sub %v", p[0], p[1], got, want)
			}
		}
	})
}
