package report

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
	"fullqa/internal/score"
	"fullqa/internal/text"
)

// TestAppendJSONResultMatchesEncodingJSON checks the hand-written encoder
// against encoding/json on results with every field, odd strings included.
func TestAppendJSONResultMatchesEncodingJSON(t *testing.T) {
	fr, dur := 12.5, 1e-7
	msgs := []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "x", At: time.Unix(0, 0)},
		{Role: conversation.RoleAgent, Text: "y"},
		{Role: conversation.RoleCustomer, Text: "z"},
	}
	results := []*scan.Result{
		{Conv: &conversation.Conversation{ID: "plain", Messages: msgs[:1]}},
		{Conv: &conversation.Conversation{ID: "带\"引号\\和\n换行\t\x01\u2028<html>&\xff", Messages: msgs},
			Score: 37,
			Tags:  []conversation.Tag{{Name: "refund", Messages: []int{0, 2}}, {Name: "logistics", Messages: []int{1}}},
			Findings: []conversation.Finding{
				{Code: "promise.made", Severity: conversation.SeverityInfo, Messages: []int{1}, Evidence: "今天发货",
					Detail: "d", Data: conversation.DataOf(map[string]any{"kind": "time", "days": 0, "slot": map[string]any{"within_hours": 24, "f": 0.5, "list": []any{"a", 1, true}},
						"words": []string{"x", "y"}, "n": nil, "i64": int64(7), "f32": float32(0.25), "other": []int{1, 2}, "promises": []map[string]any{{"kind": "time"}, {"kind": "amount", "yuan": 5}}})},
				{Code: "response.missed", Severity: conversation.SeverityMedium, Messages: []int{2}, Evidence: "z"},
			},
			Deductions: []score.Deduction{{Finding: 1, Code: "response.missed", Category: "响应", Item: "漏回复", Points: -10, Fatal: true}},
			Emotion: []detect.MessageEmotion{{Label: "negative", Score: 0.8123, Satisfaction: "dissatisfied", SatisfactionP: 0.61},
				{}, {Label: "neutral", Score: 0.5, Satisfaction: "dissatisfied", SatisfactionP: 0.4444}},
			Ending: detect.Ending{Label: detect.EndingPending, P: 0.6187},
			KPI: score.KPI{Day: "2026-11-01", FirstResponseS: &fr, DurationS: &dur, Rounds: 2, Unanswered: 1,
				ReplyOK: true, CustomerMsgs: 2, AgentMsgs: 1, Long: true},
		},
	}
	for _, r := range results {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(NewJSONResult(r)); err != nil {
			t.Fatal(err)
		}
		got := AppendJSONResult(nil, r)
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("invalid JSON %s: %v", got, err)
		}
		json.Unmarshal(want.Bytes(), &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("differs:\n got  %s\n want %s", got, want.Bytes())
		}
		if got[len(got)-1] != '\n' || bytes.Count(got, []byte{'\n'}) != 1 {
			t.Errorf("not one line: %q", got)
		}
	}
}

// FuzzAppendString checks string escaping against encoding/json.
func FuzzAppendString(f *testing.F) {
	f.Add("退款\"\\\n\x00\u2028\xff<>&")
	f.Fuzz(func(t *testing.T, s string) {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Fatalf("invalid: %q", appendString(nil, s))
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if got != w {
			t.Fatalf("%q decodes to %q, encoding/json gives %q", s, got, w)
		}
	})
}

// FuzzAppendFloat checks appendFloat byte for byte against encoding/json
// on any float64 (from its bits) and on decimals of up to three places
// (k/1000 and k/100, as rounded probabilities and seconds are).
// Run longer with go test -run xxx -fuzz FuzzAppendFloat ./internal/report/.
func FuzzAppendFloat(f *testing.F) {
	for _, x := range []float64{0, 1, 0.5, 0.17, 0.001, 0.999, 1e-7, 123456.789, 999999999.999, 1e9, 1e21, -0.25, 3.0000000000000004} {
		f.Add(math.Float64bits(x), int64(x*1000))
	}
	f.Add(math.Float64bits(math.Copysign(0, -1)), int64(0))
	f.Add(math.Float64bits(math.NaN()), int64(-1))
	f.Fuzz(func(t *testing.T, bits uint64, k int64) {
		k %= 1 << 50
		for _, x := range []float64{math.Float64frombits(bits), float64(k) / 1000, float64(k) / 100, float64(k) / 1000 * 3} {
			want, err := json.Marshal(x)
			if err != nil {
				want = []byte("null") // NaN and infinities: encoding/json refuses them
			}
			if got := appendFloat(nil, x); !bytes.Equal(got, want) {
				t.Fatalf("appendFloat(%v) = %s, encoding/json %s", x, got, want)
			}
			if got, ref := appendFloat([]byte("[1,"), x), appendFloatRef([]byte("[1,"), x); !bytes.Equal(got, ref) {
				t.Fatalf("appendFloat(%v) = %s, appendFloatRef %s", x, got, ref)
			}
		}
	})
}

// appendFloatRef is what appendFloat's decimals of up to three places
// stand for: the whole part by strconv.AppendInt, the fraction by
// appendMilli.
func appendFloatRef(b []byte, f float64) []byte {
	if f > 0 && f < 1e9 || f == 0 && !math.Signbit(f) {
		if k := int64(f*1000 + 0.5); float64(k)/1000 == f {
			b = strconv.AppendInt(b, k/1000, 10)
			if r := k % 1000; r != 0 {
				b = appendMilli(b, int(r))
			}
			return b
		}
	}
	return appendFloat(b, f)
}

// TestAppendFloatDecimals holds appendFloat's decimals (the whole part
// by appendInt, the fraction from scoreText) to appendFloatRef on every
// k/1000 below 2,000 and on some larger ones, after other bytes and with
// room for them or none.
func TestAppendFloatDecimals(t *testing.T) {
	ks := []int64{999999999999, 999999999000, 123456789012, 1000000, 999999, 1000999}
	for k := int64(0); k < 2000000; k++ {
		ks = append(ks, k)
	}
	dst := append(make([]byte, 0, 64), "[1,"...)
	for _, k := range ks {
		f := float64(k) / 1000
		want := string(appendFloatRef([]byte("[1,"), f))
		if got := string(appendFloat([]byte("[1,"), f)); got != want {
			t.Fatalf("appendFloat(%v) = %q, want %q", f, got, want)
		}
		if got := string(appendFloat(dst, f)); got != want {
			t.Fatalf("appendFloat(%v) with room = %q, want %q", f, got, want)
		}
	}
}

// FuzzAppendStringBytes checks string escaping byte for byte against
// encoding/json with HTML escaping off, at every offset of the
// eight-byte and two-character paths (the input is also tried behind
// prefixes of 1 to 7 bytes). Run longer with
// go test -run xxx -fuzz FuzzAppendStringBytes ./internal/report/.
func FuzzAppendStringBytes(f *testing.F) {
	for _, s := range []string{"退款\"\\\n\x00\u2028\xff<>&", "abcdefghijklmnop", "abcdefg\"hij", "abcdefgh\x01ij",
		"你好你好你好", "你好\xe4\xbd", "\u2028\u2029你好", "\xed\xa0\x80\xe0\x80\x80好", "ab你好cdefgh\u00e9\U0001F600", "\x7f\x1f\u3000\uffff"} {
		f.Add(s)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range []string{"", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "好", "好a"} {
			buf.Reset()
			if err := enc.Encode(p + s); err != nil {
				t.Fatal(err)
			}
			want := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
			if got := appendString(nil, p+s); !bytes.Equal(got, want) {
				t.Fatalf("appendString(%q) = %s, encoding/json %s", p+s, got, want)
			}
			// After what a buffer holds, with room for it all or none.
			for _, room := range []int{0, len(p+s) + 9} {
				dst := append(make([]byte, 0, 3+room), "[1,"...)
				if got := appendString(dst, p+s); string(got[:3]) != "[1," || !bytes.Equal(got[3:], want) {
					t.Fatalf("appendString(%q, %q) = %s, encoding/json %s", dst, p+s, got, want)
				}
			}
		}
	})
}

// TestAppendStringEveryPlace holds appendString to encoding/json on plain
// ASCII of every length up to 40 with a byte that needs a look (a quote, a
// backslash, a control character, a Chinese character, an invalid byte)
// at every place: in a word read at once, in the word ending the string, in the
// bytes after the last word.
func TestAppendStringEveryPlace(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	const plain = "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	for n := 0; n <= len(plain); n++ {
		for at := -1; at < n; at++ {
			for _, odd := range []string{"\"", "\\", "\x01", "好", "\xff", "\u2028"} {
				s := plain[:n]
				if at >= 0 {
					s = plain[:at] + odd + plain[at+1:n]
				}
				buf.Reset()
				if err := enc.Encode(s); err != nil {
					t.Fatal(err)
				}
				want := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
				for _, dst := range [][]byte{nil, []byte("x"), append(make([]byte, 0, 64), 'x')} {
					got := appendString(dst, s)
					if !bytes.Equal(got[len(dst):], want) || string(got[:len(dst)]) != string(dst) {
						t.Fatalf("appendString(%q, %q) = %q, encoding/json %q", dst, s, got, want)
					}
				}
			}
		}
	}
}

// TestAppendStringLeads holds appendString to encoding/json with every
// lead byte E0–EF, its continuation bytes at both ends of their range and
// missing, at every place in a run of Chinese (the run's loop of its own,
// safeCJK2) and before the string's end.
func TestAppendStringLeads(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for lead := 0xE0; lead <= 0xEF; lead++ {
		for _, tail := range []string{"\x80\x80", "\xbf\xbf", "\x9f\xbf", "\xa0\x80", "\x80\xa8", "\x80\xa9", "\x80", "\x80a", "a\x80", "\xc0\x80"} {
			ch := string([]byte{byte(lead)}) + tail
			for pre := 0; pre < 6; pre++ {
				for post := 0; post < 4; post++ {
					for _, end := range []string{"", "a", "\"", "好"} {
						s := strings.Repeat("好", pre) + ch + strings.Repeat("中", post) + end
						buf.Reset()
						if err := enc.Encode(s); err != nil {
							t.Fatal(err)
						}
						want := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
						if got := appendString(nil, s); !bytes.Equal(got, want) {
							t.Fatalf("appendString(%q) = %s, encoding/json %s", s, got, want)
						}
					}
				}
			}
		}
	}
}

// safeCJK2Ref is what safeCJK2 stands for: two characters of safeLead3
// leads, each with its two continuation bytes, at the start of w.
func safeCJK2Ref(w uint64) bool {
	cont := func(k uint) bool { return byte(w>>(8*k))&0xC0 == 0x80 }
	return safeLead3(byte(w)) && cont(1) && cont(2) && safeLead3(byte(w>>24)) && cont(4) && cont(5)
}

// TestSafeCJK2 holds safeCJK2 to safeCJK2Ref for every pair of leads,
// with continuation bytes at both ends of their range and each of the
// four replaced by a byte that is not one, whatever the last two bytes.
func TestSafeCJK2(t *testing.T) {
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
				if got, want := safeCJK2(w), safeCJK2Ref(w); got != want {
					t.Fatalf("safeCJK2(%#016x) = %v, safeLead3 and continuation bytes say %v", w, got, want)
				}
			}
		}
	}
}

// FuzzSafeCJK2 holds safeCJK2 to safeCJK2Ref on any word.
func FuzzSafeCJK2(f *testing.F) {
	for _, s := range []string{"你好中文", "\xe0\x80\x80好好", "好\xe2\x80\xa8好", "\xed\x9f\xbf\xe1\x80\x80ab", "\xef\xbf\xbf\xee\x80\x80ab"} {
		f.Add(text.Load8(s, 0))
	}
	f.Fuzz(func(t *testing.T, w uint64) {
		if got, want := safeCJK2(w), safeCJK2Ref(w); got != want {
			t.Fatalf("safeCJK2(%#016x) = %v, safeCJK2Ref %v", w, got, want)
		}
	})
}

// TestAppendIntAndInts holds appendInt (its one-digit case inlined, the
// rest appendInt10) to strconv.AppendInt, and appendInts (appendList's
// loop written out) to appendList of appendInt, after other bytes.
func TestAppendIntAndInts(t *testing.T) {
	xs := []int{math.MinInt, math.MaxInt, -100, -11, -10, -9, -1, 1e9}
	for x := -1200; x <= 1200; x++ {
		xs = append(xs, x)
	}
	for _, x := range xs {
		if got, want := string(appendInt([]byte("[1,"), x)), "[1,"+strconv.Itoa(x); got != want {
			t.Fatalf("appendInt(%d) = %q, want %q", x, got, want)
		}
	}
	for _, l := range [][]int{nil, {}, {0}, {7, 10, 99, 100, -1}, xs} {
		if got, want := string(appendInts([]byte("x"), l)), string(appendList([]byte("x"), l, appendInt)); l != nil && got != want || l == nil && got != "xnull" {
			t.Fatalf("appendInts(%v) = %q, want %q", l, got, want)
		}
	}
}
