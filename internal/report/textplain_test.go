package report

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"fullqa/internal/conversation"
	"fullqa/internal/privacy"
	"fullqa/internal/scan"
)

// escapeFree reports whether s holds none of what a JSON string escapes:
// a quote, a backslash, a control character, U+2028 or U+2029.
func escapeFree(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// TestPlainEvidence checks that a result whose conversation carries
// TextValid and TextPlain (its evidence then copied as it is) comes out
// byte for byte as the same result without them, on evidence without
// escapes: Chinese, emoji, E2-led characters other than U+2028/U+2029,
// '<', '&', '>'.
func TestPlainEvidence(t *testing.T) {
	for _, ev := range []string{"", "预计明天送达", "€ – … ™ ← →", "😀 亲～", "a\u2027b\u202a", "<b>&amp;</b>", "[数字x]个工作日内 “退款”", "   "} {
		var out [2][]byte
		for k, plain := range []bool{false, true} {
			r := &scan.Result{
				Conv:     &conversation.Conversation{ID: "c1", Messages: []conversation.Message{{Role: conversation.RoleAgent, Text: ev}}, TextValid: plain, TextPlain: plain},
				Findings: []conversation.Finding{{Code: "promise.made", Messages: []int{0}, Evidence: ev}},
			}
			out[k] = AppendJSONResult(nil, r)
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Fatalf("evidence %q:\nchecked %s\nplain   %s", ev, out[0], out[1])
		}
	}
}

// TestScannedPlainEvidence holds the detectors to what TextPlain asks of
// them on real results: where the engine found a conversation's texts
// plain, every finding's evidence holds nothing to escape (it quotes only
// the texts, as written or normalized, and literal text without any), and
// redacting it keeps it so.
func TestScannedPlainEvidence(t *testing.T) {
	n := 0
	for _, r := range scannedResults(t) {
		if !r.Conv.TextPlain {
			continue
		}
		n++
		for _, f := range r.Findings {
			if !escapeFree(f.Evidence) || !escapeFree(privacy.Redact(f.Evidence)) {
				t.Fatalf("%s: %s evidence %q of plain texts needs escapes", r.Conv.ID, f.Code, f.Evidence)
			}
		}
	}
	t.Logf("%d results with plain texts", n)
}

// FuzzRedactPlain checks that redaction, which the scan applies to texts
// and evidence after the engine set TextPlain, keeps valid text without
// escapes so.
func FuzzRedactPlain(f *testing.F) {
	for _, s := range []string{"手机13812345678", "身份证 110101199003071234 地址北京市朝阳区建国路88号", "１３８１２３４５６７８", "+86 138-1234-5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || !escapeFree(s) {
			return
		}
		if out := privacy.Redact(s); !escapeFree(out) {
			t.Fatalf("Redact(%q) = %q", s, out)
		}
	})
}
