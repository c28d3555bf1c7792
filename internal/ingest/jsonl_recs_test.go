package ingest

import (
	"bufio"
	"fmt"
	"strings"
	"testing"
)

// TestJSONLRecordsApart reads records enough for several of NextRaw's
// blocks, keeps them all and only then parses and settles them: each
// record must still hold its own line and number and give its own
// conversation, as when every record was allocated alone.
func TestJSONLRecordsApart(t *testing.T) {
	var in strings.Builder
	n := 5*recBlock + 3
	for i := range n {
		fmt.Fprintf(&in, `{"id":"c%d","messages":[{"role":"customer","text":"在吗 %d"}]}`+"\n", i, i)
		if i%7 == 0 {
			in.WriteString("\n") // blank lines are skipped
		}
	}
	lr := newLineReader("t", bufio.NewReader(strings.NewReader(in.String())), 1<<20)
	r := newJSONLReader(lr, &Options{})
	var recs []*jsonlRecord
	for range n {
		raw, err := r.NextRaw()
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, raw.(*jsonlRecord))
	}
	seen := map[*jsonlRecord]bool{}
	for i, p := range recs {
		if seen[p] {
			t.Fatalf("record %d handed out twice", i)
		}
		seen[p] = true
		if want := fmt.Sprintf(`{"id":"c%d",`, i); !strings.HasPrefix(p.line, want) {
			t.Fatalf("record %d holds line %q", i, p.line)
		}
		if p.c != nil || p.err != nil {
			t.Fatalf("record %d not zero before Parse", i)
		}
	}
	for i, p := range recs {
		p.Parse()
		c, _, err := p.Settle()
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != fmt.Sprint("c", i) || c.Messages[0].Text != fmt.Sprint("在吗 ", i) || c != &p.conv {
			t.Fatalf("record %d gave %s %q", i, c.ID, c.Messages[0].Text)
		}
	}
	for i, p := range recs {
		if p.c.ID != fmt.Sprint("c", i) {
			t.Fatalf("record %d now holds %s", i, p.c.ID)
		}
	}
}
