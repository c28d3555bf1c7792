package ingest

import (
	"math/bits"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"fullqa/internal/text"
)

// strRef is str as it was before scanString (Chinese two characters at a
// time inside the loop over characters): FuzzScanString holds str to it.
func (d *fastDecoder) strRef() (string, bool) {
	d.ws()
	if !d.eat('"') {
		return "", false
	}
	start, s := d.i, d.s
	for i := start; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			if i+8 <= len(s) {
				w := text.Load8(s, i)
				if w&0x0000c0c000c0c000 == 0x0000808000808000 && text.Lead3(c) && text.Lead3(byte(w>>24)) {
					i += 6
					continue
				}
			}
			if text.Lead3(c) && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				i += 3
				continue
			}
			n := runeLen(s[i:])
			if n == 0 {
				return "", false
			}
			i += n
			continue
		}
		switch {
		case c == '"':
			d.i = i + 1
			return s[start:i], true
		case c == '\\':
			return d.unescape(start)
		case c < 0x20:
			return "", false
		}
		i++
		for i+8 <= len(s) {
			if m := text.JSONPlain8(text.Load8(s, i)); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
	}
	return "", false
}

// agreeStr checks str against strRef on line read from its start.
func agreeStr(t *testing.T, line string) {
	t.Helper()
	a, b := &fastDecoder{s: line}, &fastDecoder{s: line}
	got, gotOK := a.str()
	want, wantOK := b.strRef()
	if got != want || gotOK != wantOK || gotOK && a.i != b.i {
		t.Fatalf("str(%q) = %q, %v at %d; before: %q, %v at %d", line, got, gotOK, a.i, want, wantOK, b.i)
	}
}

// FuzzScanString holds scanString (two Chinese characters a step) to the
// string reader it replaced, on any line, quoted or not.
func FuzzScanString(f *testing.F) {
	for _, s := range []string{`"在吗"`, `"你好，请问什么时候发货？"x`, `"abc\"def"`, `"中文\n"`, "\"\xe0\xa4\x80中\"",
		"\"\xed\x9f\xbf好好\"", "\"\xed\xa0\x80\"", "\"好好好\xe4\xb8\"", "\"好好好好好好好好好好好好好好\"", "\"好\x01\"",
		"\"好好好\xef\xbf\xbfa\"", "\"好\xe1\x80\x80\xec\xbf\xbf\xee\x80\x80\xef\xbf\xbd\"", `  "x"`, `"`, `x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		agreeStr(t, line)
		agreeStr(t, `"`+line)
	})
}

// TestScanStringLeads: every lead byte E0–EF, with continuation bytes
// at both ends of their range and without, at every position of a run of
// Chinese and before its end.
func TestScanStringLeads(t *testing.T) {
	for lead := 0xE0; lead <= 0xEF; lead++ {
		for _, tail := range []string{"\x80\x80", "\xbf\xbf", "\x9f\xbf", "\xa0\x80", "\x80", "\x80a", "a\x80", "\xc0\x80"} {
			ch := string([]byte{byte(lead)}) + tail
			for pre := 0; pre < 6; pre++ {
				for post := 0; post < 4; post++ {
					s := `"` + strings.Repeat("好", pre) + ch + strings.Repeat("中", post)
					agreeStr(t, s+`"`)
					agreeStr(t, s+`ab"`)
					agreeStr(t, s)
				}
			}
		}
	}
}

// agreeMessage checks that when messageCanon accepts line, message (the
// general way) accepts it too, leaving the decoder the same, unless the
// time messageCanon took as it is (25 bytes) is not plain: conversation
// then gives up on the line (FuzzFastJSON holds it to that).
func agreeMessage(t *testing.T, line string) bool {
	t.Helper()
	a, b := &fastDecoder{s: line}, &fastDecoder{s: line}
	if !a.messageCanon() {
		if a.i != 0 || len(a.msgs)+len(a.ats)+len(a.buf)+len(a.spans) != 0 {
			t.Fatalf("messageCanon(%q) gave up but changed the decoder", line)
		}
		return false
	}
	if at := a.ats[0]; len(at) == 25 && !plain25(at, 0) {
		return true
	}
	if !b.message() {
		t.Fatalf("messageCanon accepted %q, message did not", line)
	}
	if a.i != b.i || !reflect.DeepEqual(a.msgs, b.msgs) || !reflect.DeepEqual(a.ats, b.ats) ||
		string(a.buf) != string(b.buf) || !reflect.DeepEqual(a.spans, b.spans) {
		t.Fatalf("%q:\ncanon   %d %#v %q %q %v\nmessage %d %#v %q %q %v", line, a.i, a.msgs, a.ats, a.buf, a.spans,
			b.i, b.msgs, b.ats, b.buf, b.spans)
	}
	return true
}

// FuzzMessageCanon holds the canonical-message fast path to the general
// message reader: the same message, position and error on any object.
func FuzzMessageCanon(f *testing.F) {
	for _, s := range []string{
		`{"role":"customer","text":"在吗","at":"2026-11-01T10:00:05+08:00"}`,
		`{"role":"agent","text":"您好","at":"2026-11-01T10:00:05+08:00","agent":"a-01"},`,
		`{"text":"x","role":"bot"}]`, `{"role":"agent","text":"a\"b"}`, `{"role":"agent","text":"a","role":"agent"}`,
		`{"role":"agent"}`, `{"role":"x","text":"a"}`, `{"role":"agent","text":"a","kind":"auto"}`, `{ "role":"agent","text":"a"}`,
		`{"role":"agent","text":"a" }`, `{"role":"agent","text":"a","at":"","agent":""}`, `{"role":"agent","text":"a\x01"}`,
		// The roles and times read on the spot, and near misses of them.
		`{"role":"customers","text":"a"}`, `{"role":"customer\u0020","text":"a"}`, `{"role":"agentx","text":"a"}`,
		`{"text":"a","role":"agent"`, `{"text":"a","role":"customer"`, `{"role":"custome`,
		`{"role":"agent","text":"a","at":"2026-11-01T09:00:07+08:00"}`, `{"role":"agent","text":"a","at":"2026-11-01T09:00:07+08:0\""}`,
		`{"role":"agent","text":"a","at":"2026-11-01T09:00:07+08:00x"}`, `{"role":"agent","text":"a","at":"2026-11-01T09:00:07Z"}`,
		`{"role":"agent","text":"a","at":"2026-11-01T09:00:07+08:0`, "{\"role\":\"agent\",\"text\":\"a\",\"at\":\"2026-11-01T09:00:07+08:0\x01\"}",
		"{\"role\":\"agent\",\"text\":\"a\",\"at\":\"2026-11-01\xe5\xa5\xbd09:00:07+08:0\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) { agreeMessage(t, line) })
}

// TestMessageCanon: messages as the bench corpus spells them take the
// canonical path and agree with message; the bundled examples' (spaces
// after the colons) agree where they are taken.
func TestMessageCanon(t *testing.T) {
	for _, m := range []string{
		`{"role":"customer","text":"人工客服 京东快递(移动端) 你好","at":"2026-11-01T09:00:07+08:00"}`,
		`{"role":"agent","text":"[订单x]还请您稍等，正在为您查询~","at":"2026-11-01T09:04:10+08:00","agent":"a-00"}`,
		`{"role":"customer","text":"说\"好的\"","at":"2026-11-01T09:04:10+08:00"}`, // escapes: message's
		`{"role":"bot","text":"","agent":"x"}`,
	} {
		if !agreeMessage(t, m+",") && !strings.Contains(m, `\`) {
			t.Errorf("canonical message not taken: %s", m)
		}
	}
	n := 0
	for _, l := range readLines(t, "../../examples/chats.jsonl") {
		for at := strings.Index(l, `{"role"`); at >= 0; {
			agreeMessage(t, l[at:])
			n++
			next := strings.Index(l[at+1:], `{"role"`)
			if next < 0 {
				break
			}
			at += 1 + next
		}
	}
	if n < 50 {
		t.Fatalf("only %d messages read", n)
	}
}

// TestMessageInOrder: messages spelled as canonical lines write them
// (role, text, at, then agent) take messageInOrder, and agree with
// message; any other order or shape is left to messageCanon's loop.
func TestMessageInOrder(t *testing.T) {
	for _, c := range []struct {
		m    string
		want bool
	}{
		{`{"role":"customer","text":"人工客服 京东快递(移动端) 你好","at":"2026-11-01T09:00:07+08:00"}`, true},
		{`{"role":"agent","text":"[订单x]还请您稍等，正在为您查询~","at":"2026-11-01T09:04:10+08:00","agent":"a-00"}`, true},
		{`{"role":"agent","text":"","at":"2026-11-01T09:04:10+08:00","agent":""}`, true},
		{`{"role":"customer","text":"a","at":"2026-11-01T09:00:07+08:00","agent":"x"}`, true},
		{`{"role":"customer","at":"2026-11-01T09:00:07+08:00","text":"a"}`, false},
		{`{"role":"customer","text":"a"}`, false},
		{`{"role":"bot","text":"a","at":"2026-11-01T09:00:07+08:00"}`, false},
		{`{"role":"customer","text":"a","at":"2026-11-01T09:00:07Z"}`, false},
		{`{"role":"customer","text":"a\"","at":"2026-11-01T09:00:07+08:00"}`, false},
		{`{"role":"customer","text":"a","at":"2026-11-01T09:00:07+08:00","kind":"x"}`, false},
		{`{"role":"agent","text":"a","at":"2026-11-01T09:00:07+08:00","agent":"a-00"`, false},
		{`{"role":"agent","text":"a","at":"2026-11-01T09:00:07+08:00" }`, false},
	} {
		d := &fastDecoder{s: c.m + "]"}
		if got := d.messageInOrder(); got != c.want {
			t.Errorf("messageInOrder(%s) = %v, want %v", c.m, got, c.want)
		} else if !got && (d.i != 0 || len(d.msgs)+len(d.ats)+len(d.buf)+len(d.spans) != 0) {
			t.Errorf("messageInOrder(%s) gave up but changed the decoder", c.m)
		}
		agreeMessage(t, c.m+"]")
	}
}

// cjk2Ref is what cjk2 stands for: two characters of text.Lead3 leads,
// each with its two continuation bytes, at the start of w.
func cjk2Ref(w uint64) bool {
	cont := func(k uint) bool { return byte(w>>(8*k))&0xC0 == 0x80 }
	return text.Lead3(byte(w)) && cont(1) && cont(2) && text.Lead3(byte(w>>24)) && cont(4) && cont(5)
}

// TestCJK2 holds cjk2 to cjk2Ref for every pair of leads, with
// continuation bytes at both ends of their range and each of the four
// replaced by a byte that is not one, whatever the last two bytes.
func TestCJK2(t *testing.T) {
	conts := [][4]byte{{0x80, 0x80, 0x80, 0x80}, {0xBF, 0xBF, 0xBF, 0xBF}, {0xA0, 0x9F, 0xA8, 0xA9}}
	for k := 0; k < 4; k++ {
		for _, bad := range []byte{0x00, 0x7F, 0xC0, 0xFF, 0x40} {
			c := [4]byte{0x80, 0xBF, 0x80, 0xBF}
			c[k] = bad
			conts = append(conts, c)
		}
	}
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			for i, c := range conts {
				w := uint64(a) | uint64(c[0])<<8 | uint64(c[1])<<16 | uint64(b)<<24 |
					uint64(c[2])<<32 | uint64(c[3])<<40 | uint64(i*0x1F1F)<<48
				if got, want := text.Lead3Pair(w), cjk2Ref(w); got != want {
					t.Fatalf("cjk2(%#016x) = %v, text.Lead3 and continuation bytes say %v", w, got, want)
				}
			}
		}
	}
}

// FuzzCJK2 holds cjk2 to cjk2Ref on any word.
func FuzzCJK2(f *testing.F) {
	for _, s := range []string{"你好中文", "\xe0\x80\x80好好", "好\xed\xa0\x80好", "\xed\x9f\xbf\xe1\x80\x80ab", "\xef\xbf\xbf\xee\x80\x80ab"} {
		f.Add(text.Load8(s, 0))
	}
	f.Fuzz(func(t *testing.T, w uint64) {
		if got, want := text.Lead3Pair(w), cjk2Ref(w); got != want {
			t.Fatalf("cjk2(%#016x) = %v, cjk2Ref %v", w, got, want)
		}
	})
}
