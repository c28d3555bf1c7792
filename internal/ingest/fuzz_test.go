package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// drain reads everything, failing on a non-record error (which would mean
// a bad record stopped the run).
func drain(t *testing.T, name string, data []byte, opts Options) (convs, msgs, rejected, rawLines int) {
	rd, err := Open(name, bytes.NewReader(data), opts)
	if err != nil {
		return
	}
	for i := 0; i < 1_000_000; i++ {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var re *RecordError
		if errors.As(err, &re) {
			rejected++
			rawLines += bytes.Count(re.Raw, []byte{'\n'})
			if len(re.Raw) > 0 && re.Raw[len(re.Raw)-1] != '\n' {
				rawLines++
			}
			if re.Line <= 0 || re.File != name {
				t.Fatalf("record error without position: %v", re)
			}
			continue
		}
		if err != nil {
			t.Fatalf("non-record error: %v", err)
		}
		convs++
		msgs += len(c.Messages)
		for _, m := range c.Messages {
			if m.Role == 0 {
				t.Fatal("message without role")
			}
		}
	}
	t.Fatal("reader does not end")
	return
}

// FuzzJSONL checks that every non-blank line becomes exactly one
// conversation or one bad record.
func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"1","messages":[{"role":"customer","text":"在吗","at":"2026-11-01T10:00:05+08:00"}]}` + "\n" + `{"id":`))
	f.Add([]byte("{}\n\n{\"id\":\"x\",\"messages\":[]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !looksUTF8(data) {
			return // would be decoded as GB18030; covered elsewhere
		}
		convs, _, rejected, _ := drain(t, "f.jsonl", data, Options{Format: FormatJSONL, MaxLine: 4096})
		lines := 0
		for _, l := range strings.Split(string(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})), "\n") {
			if strings.TrimSpace(strings.TrimSuffix(l, "\r")) != "" {
				lines++
			}
		}
		if convs+rejected != lines {
			t.Fatalf("%d lines gave %d conversations + %d rejected", lines, convs, rejected)
		}
	})
}

// FuzzJDDC checks that every non-blank line ends up as a message of an
// accepted conversation or in a rejected record: none is lost.
func FuzzJDDC(f *testing.F) {
	f.Add([]byte("s\tu\t0\t0\t0\tnan\t你好\ns\tu\t1\t0\t0\tnan\t在的\nt\tu\t2\t0\t0\tnan\tx\n"))
	f.Add([]byte("a\tb\t0\n\ts\t1\t0\t0\tnan\tz\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !looksUTF8(data) || bytes.ContainsRune(data, '\r') || bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
			return
		}
		_, msgs, _, rawLines := drain(t, "f.tsv", data, Options{Format: FormatJDDC, MaxLine: 4096})
		lines := 0
		for _, l := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if msgs+rawLines < lines-countLong(data, 4096) {
			t.Fatalf("%d lines, %d messages + %d rejected lines", lines, msgs, rawLines)
		}
	})
}

func countLong(data []byte, max int) int {
	n := 0
	for _, l := range bytes.Split(data, []byte{'\n'}) {
		if len(l) >= max {
			n++
		}
	}
	return n
}

// FuzzCSV checks the table reader never panics or stops on a bad row.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("id,role,text,time\n1,customer,hi,2026-11-01 10:00:00\n1,客服,\"a,b\",x\n"))
	f.Add([]byte("role,text,time,customer\ncustomer,a,2026-11-01 10:00:00,u\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, "f.csv", data, Options{Format: FormatCSV, MaxLine: 4096})
		drain(t, "f.tsv", data, Options{Format: FormatTSV, MaxLine: 4096})
	})
}

// FuzzTWCS checks the thread builder never panics and keeps every tweet.
func FuzzTWCS(f *testing.F) {
	f.Add([]byte("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,u,True,Tue Oct 31 22:10:47 +0000 2017,hi,2,\n2,c,False,Tue Oct 31 22:11:47 +0000 2017,yo,,1\n"))
	f.Add([]byte("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,u,True,x,hi,,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, "f.csv", data, Options{Format: FormatTWCS})
	})
}
