package ingest

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
)

// textValidReaders are the readers that set Conversation.TextValid, each
// with a document that carries text as a message's text (written as is:
// invalid bytes, quotes and line breaks included) and how to open it.
var textValidReaders = []struct {
	name string
	doc  func(text []byte) []byte
	open func(data []byte, opts Options) (Reader, error)
}{
	{"jsonl", func(text []byte) []byte {
		return cat(`{"id":"1","messages":[{"role":"customer","text":"`, text, `"},{"role":"agent","text":"好的"}]}`+"\n"+
			`{"id":"2","messages":[{"role":"customer","text":"\ud800`, text, `"}]}`+"\n") // a lone surrogate: the standard decoder
	}, openAs("f.jsonl", FormatJSONL)},
	{"jddc", func(text []byte) []byte {
		return cat("s\tu\t0\t0\t0\tnan\t", text, "\ns\tu\t1\t0\t0\tnan\t在的\n")
	}, openAs("f.tsv", FormatJDDC)},
	{"csv", func(text []byte) []byte {
		return cat("id,role,text,time\n1,customer,", text, ",2026-11-01 10:00:00\n1,agent,\"", quoteCSV(text), "\",2026-11-01 10:01:00\n")
	}, openAs("f.csv", FormatCSV)},
	{"tsv", func(text []byte) []byte {
		return cat("id\trole\ttext\ttime\n1\tcustomer\t", text, "\t2026-11-01 10:00:00\n")
	}, openAs("f.tsv", FormatTSV)},
	{"table", func(text []byte) []byte { // the xlsx rows' reader, over CSV
		return cat("id,role,text,time\n1,customer,\"", quoteCSV(text), "\",2026-11-01 10:00:00\n")
	}, func(data []byte, opts Options) (Reader, error) {
		opts.Format = FormatCSV
		return openTableRef("f.csv", data, opts)
	}},
	{"twcs", func(text []byte) []byte {
		return cat("tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"+
			"1,u,True,Tue Oct 31 22:10:47 +0000 2017,\"", quoteCSV(text), "\",2,\n2,c,False,Tue Oct 31 22:11:47 +0000 2017,", text, ",,1\n")
	}, openAs("f.csv", FormatTWCS)},
}

func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			b = append(b, p...)
		case []byte:
			b = append(b, p...)
		}
	}
	return b
}

func quoteCSV(b []byte) []byte { return bytes.ReplaceAll(b, []byte{'"'}, []byte(`""`)) }

func openAs(name, format string) func([]byte, Options) (Reader, error) {
	return func(data []byte, opts Options) (Reader, error) {
		opts.Format = format
		return Open(name, bytes.NewReader(data), opts)
	}
}

// textValidConvs reads rd to its end and fails t when a conversation is
// not marked TextValid or has a text that is not valid UTF-8.
func textValidConvs(t *testing.T, label string, rd Reader) int {
	t.Helper()
	n := 0
	for range 100_000 {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		var re *RecordError
		if errors.As(err, &re) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		n++
		checkTextValid(t, label, c)
	}
	t.Fatalf("%s: reader does not end", label)
	return n
}

func checkTextValid(t *testing.T, label string, c *conversation.Conversation) {
	t.Helper()
	if !c.TextValid {
		t.Fatalf("%s: conversation %q not marked TextValid", label, c.ID)
	}
	for i, m := range c.Messages {
		if !utf8.ValidString(m.Text) {
			t.Fatalf("%s: conversation %q message %d is marked valid but is not UTF-8: %q", label, c.ID, i, m.Text)
		}
	}
}

// FuzzReadersTextValid holds every reader that sets
// Conversation.TextValid (the engine then skips checking the evidence it
// quotes) to its word: whatever bytes a text has, each conversation the
// reader yields is marked and has valid UTF-8 texts only. The bytes go in
// as a message's text and as the whole file, with the encoding fixed to
// UTF-8 (no GB18030 decoding to clean them) and detected. A valid plain
// text must come through (the check is not passed by rejecting all).
func FuzzReadersTextValid(f *testing.F) {
	for _, s := range []string{"在吗", "a\xffb", "\xe4\xb8", "\xed\xa0\x80", "\xc0\x80", "\xef\xbf\xbd", "退款\x80", "\xf4\x90\x80\x80", "ok", "a\"b", "x\ty\nz"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		plain := utf8.Valid(text) && !bytes.ContainsAny(text, "\"\\,\t\r\n") && !bytes.ContainsFunc(text, func(r rune) bool { return r < 0x20 || r == 0xFEFF }) &&
			strings.TrimSpace(string(text)) == string(text)
		for _, rd := range textValidReaders {
			for _, enc := range []string{"utf-8", ""} {
				opts := Options{Encoding: enc, MaxLine: 1 << 16}
				doc := rd.doc(text)
				r, err := rd.open(doc, opts)
				if err != nil {
					continue // a header the bytes broke
				}
				if n := textValidConvs(t, rd.name+" "+enc, r); n == 0 && plain && enc == "utf-8" {
					t.Fatalf("%s: %q: no conversation from a valid text", rd.name, text)
				}
				if r, err := rd.open(text, opts); err == nil { // the bytes as the file
					textValidConvs(t, rd.name+" whole "+enc, r)
				}
			}
		}
	})
}
