package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"unicode"

	"fullqa/internal/text"
)

// readTable reads every conversation and bad record of data, the table's
// rows encoded as they come (encodeRows, the reader's old way) or only
// when rejected, as one string per result: the conversation or the error
// with its raw rows.
func readTable(t *testing.T, data []byte, format string, encodeRows bool) []string {
	t.Helper()
	rd, err := openTableRef("f."+format, data, Options{Format: format, MaxLine: 4096})
	if err != nil {
		return []string{"open: " + err.Error()}
	}
	tr, ok := rd.(*tableReader)
	if !ok {
		t.Fatalf("%s reader is a %T", format, rd)
	}
	tr.sess.encodeRows = encodeRows
	var out []string
	for i := 0; ; i++ {
		if i > 1_000_000 {
			t.Fatal("reader does not end")
		}
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var re *RecordError
		switch {
		case errors.As(err, &re):
			out = append(out, fmt.Sprintf("error %v raw %q", re, re.Raw))
		case err != nil:
			out = append(out, "fatal "+err.Error())
			return out
		default:
			out = append(out, fmt.Sprintf("%#v", *c))
		}
	}
}

// FuzzTableRaw holds the table reader's rows, kept as fields and encoded
// for the reject file only when rejected, to encoding every row as it is
// read: the same conversations and the same bad records, byte for byte.
func FuzzTableRaw(f *testing.F) {
	f.Add([]byte("id,role,text,time\n1,customer,hi,2026-11-01 10:00:00\n1,客服,\"a,b\",x\n2,buyer,\" q \",2026-11-01 10:00:01\n1,agent,late,\n"))
	f.Add([]byte("role,text,time,customer\ncustomer,a,2026-11-01 10:00:00,u\nagent,\"x\"\"y\",2026-11-01 09:00:00,u\n路人,z,2026-11-01 10:00:00,v\n"))
	f.Add([]byte("会话ID,发送时间,发送方,客服昵称,买家,内容\nc1,2026-11-01 09:03:07,买家,,U1,\"你好\"\nc1,2026-11-01 09:01:07,客服,a-1,U1,\"在的\"\nc2,,客服,a,U2,x\nc1,2026-11-01 09:04:07,\xff,,U1,y\n"))
	f.Add([]byte("id\trole\ttext\n1\tcustomer\ta\"b\n\tcustomer\tc\n1\tagent\t\"d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{FormatCSV, FormatTSV} {
			lazy, eager := readTable(t, data, format, false), readTable(t, data, format, true)
			if !reflect.DeepEqual(lazy, eager) {
				t.Fatalf("%s:\nlazy  %s\neager %s", format, strings.Join(lazy, "\n"), strings.Join(eager, "\n"))
			}
		}
	})
}

// TestFieldIndex holds field's column numbers to the column map they are
// made from: the same value for every field of rows of every length.
func TestFieldIndex(t *testing.T) {
	old := func(col map[string]int, rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	names := []string{"id", "role", "text", "time", "agent", "customer", "shop", "vendor", "channel", "sku", "order", "kind"}
	for _, col := range []map[string]int{{}, {"id": 0, "role": 3, "text": 1}, {"role": 0, "text": 1, "time": 2, "agent": 3,
		"customer": 4, "shop": 5, "vendor": 6, "channel": 7, "sku": 8, "order": 9, "kind": 10, "id": 11}} {
		ix := indexOf(col)
		at := map[string]int{"id": ix.id, "role": ix.role, "text": ix.text, "time": ix.time, "agent": ix.agent,
			"customer": ix.customer, "shop": ix.shop, "vendor": ix.vendor, "channel": ix.channel, "sku": ix.sku,
			"order": ix.order, "kind": ix.kind}
		for n := 0; n <= 13; n++ {
			rec := make([]string, n)
			for i := range rec {
				rec[i] = fmt.Sprintf(" v%d ", i)
			}
			for _, name := range names {
				if got, want := field(rec, at[name]), old(col, rec, name); got != want {
					t.Fatalf("col %v, %d fields, %s: got %q, want %q", col, n, name, got, want)
				}
			}
		}
	}
}

// TestTrimSpaceRunes holds text.TrimSpace, which trims every field, to strings.TrimSpace (and trimBytes
// to bytes.TrimSpace) on every rune
// (and invalid byte) at either end of a short field, and on its own.
func TestTrimSpaceRunes(t *testing.T) {
	ends := []string{"", "\xff", "\xe4\xb8", "\x80", "a"}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		ends = append(ends, string(r))
	}
	check := func(s string) {
		if got, want := text.TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("text.TrimSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimBytes([]byte(s)), bytes.TrimSpace([]byte(s)); !bytes.Equal(got, want) {
			t.Fatalf("trimBytes(%q) = %q, want %q", s, got, want)
		}
	}
	for _, e := range ends {
		check(e)
		check(e + "中文x")
		check("x中文" + e)
		check(e + "中" + e)
	}
	for _, a := range ends[:300] {
		for _, b := range ends[:300] {
			check(a + b)
		}
	}
}

// FuzzTrimSpace holds text.TrimSpace to strings.TrimSpace and trimBytes to
// bytes.TrimSpace.
func FuzzTrimSpace(f *testing.F) {
	for _, s := range []string{"", " 中 ", "\u3000退款\u3000", "\xc2\xa0a", "a\u2028", "\xe3\x80", "客服 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := text.TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Fatalf("text.TrimSpace(%q) = %q, want %q", s, got, want)
		}
		if got, want := trimBytes([]byte(s)), bytes.TrimSpace([]byte(s)); !bytes.Equal(got, want) {
			t.Fatalf("trimBytes(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestRoleOf holds the remembered role look-up to the map on a long
// random sequence of more distinct values than it remembers.
func TestRoleOf(t *testing.T) {
	r := &tableReader{roles: map[string]conversation.Role{}}
	for k, v := range defaultRoles {
		r.roles[k] = v
	}
	vals := []string{"买家", "客服", "Customer", "AGENT", "bot", "路人", "", "机器人", "客户", " x", "Agent", "agent"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100_000; i++ {
		v := vals[rng.IntN(len(vals))]
		if i%3 == 0 {
			v = vals[rng.IntN(3)] // runs of the common values, as tables have
		}
		role, ok := r.roleOf(v)
		wantRole, wantOK := r.roles[strings.ToLower(v)]
		if role != wantRole || ok != wantOK {
			t.Fatalf("step %d, %q: got %v %v, want %v %v", i, v, role, ok, wantRole, wantOK)
		}
	}
}
