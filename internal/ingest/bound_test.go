package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestUntimedExportStaysBounded reads a CSV without a time column, one
// conversation after another, and checks that the sessionizer releases
// them as it goes instead of holding every conversation open to the end
// (issue 11: a 45 MB CSV took 1.45 GB): at no point are more than about
// idleRows rows held.
func TestUntimedExportStaysBounded(t *testing.T) {
	const convs, rowsEach = 30_000, 4 // 120,000 rows, more than twice idleRows
	var b bytes.Buffer
	b.WriteString("会话ID,发送方,内容\n")
	for c := range convs {
		for k := range rowsEach {
			role := "买家"
			if k%2 == 1 {
				role = "客服"
			}
			fmt.Fprintf(&b, "c%d,%s,第%d句\n", c, role, k)
		}
	}
	rd, err := Open("chats.csv", &b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr := rd.(*csvReader)
	held, read := 0, 0
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("c%d", read); c.ID != want || len(c.Messages) != rowsEach {
			t.Fatalf("conversation %d: got %s with %d messages", read, c.ID, len(c.Messages))
		}
		read++
		if read%500 != 0 {
			continue
		}
		open := 0
		for _, oc := range tr.s.order {
			open += len(oc.rows)
		}
		held = max(held, open)
	}
	if read != convs {
		t.Fatalf("read %d of %d conversations", read, convs)
	}
	if held > idleRows+2048 {
		t.Errorf("held %d rows at once; want at most about idleRows (%d)", held, idleRows)
	}
}

// TestUntimedLateRow checks what a row far after its conversation's other
// rows gives once the conversation was closed for idleness: with ids, a
// clear error naming where it began; without, a new session of the
// customer. Accepted messages are never renumbered.
func TestUntimedLateRow(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("会话ID,发送方,内容\n")
	b.WriteString("late,买家,在吗\n")
	for c := range idleRows + 2048 {
		fmt.Fprintf(&b, "c%d,买家,你好\n", c)
	}
	b.WriteString("late,客服,在的\n")
	rd, err := Open("chats.csv", &b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var errs []error
	first := ""
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if first == "" {
			first = c.ID
			if len(c.Messages) != 1 {
				t.Errorf("late has %d messages before the gap", len(c.Messages))
			}
		}
	}
	if first != "late" {
		t.Fatalf("first conversation %q", first)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `conversation "late" continues after it was closed`) {
		t.Fatalf("want one error for the late row, got %v", errs)
	}
}

// TestDuplicateIDWindow checks the bounded duplicate check: a duplicate
// within the window is reported with the line of the first, and the
// window forgets the oldest ids once full.
func TestDuplicateIDWindow(t *testing.T) {
	w := newIDWindow(3)
	for i, id := range []string{"a", "b", "c"} {
		w.add(id, int64(i+1))
	}
	if l, ok := w.seen("a"); !ok || l != 1 {
		t.Fatalf("a: %d %v", l, ok)
	}
	w.add("d", 4) // forgets a
	if _, ok := w.seen("a"); ok {
		t.Error("a still remembered past the window")
	}
	for _, id := range []string{"b", "c", "d"} {
		if _, ok := w.seen(id); !ok {
			t.Errorf("%s forgotten inside the window", id)
		}
	}
	if _, ok := w.seen("e"); ok {
		t.Error("e never added but seen")
	}
	if w.line.len() != 3 || len(w.ring) != 3 {
		t.Errorf("window holds %d ids in %d slots, want 3", w.line.len(), len(w.ring))
	}
}
