package detect

import (
	"testing"
	"unicode/utf8"

	"fullqa/internal/text"
)

// FuzzEnglishReaders runs the English threat and negative-emotion readers
// on arbitrary text: they must not panic, must return a span inside the
// normalized text that starts and ends on a character boundary, and must
// give the same answer twice.
func FuzzEnglishReaders(f *testing.F) {
	for _, s := range []string{
		"@shopcare I did.", "I'm switching to another provider", "I will never order from you again",
		"cancel my amazon prime membership", "@FCC @bbb_org", "I already filed a complaint with the BBB",
		"How do I file a complaint?", "not the worst", "still waiting!!", "@", "never", "cancel my",
		"\xff\xfe", "won't won't won't", "ご丁寧に @fcc",
	} {
		f.Add(s)
	}
	lex := testLexicon(f)
	th := newEnglishThreats(lex.Words("threat_en"), lex.Words("threat_en_leave"), lex.Words("threat_en_service"), lex.Words("threat_en_at"))
	neg := englishNegative{phrases: newPhraseSet(lex.Words("emotion_en_negative"))}
	f.Fuzz(func(t *testing.T, raw string) {
		s := text.Normalize(raw)
		for name, read := range map[string]func(string) (KeywordHit, bool){"threat": th.threat, "negative": neg.negative} {
			h, ok := read(s)
			h2, ok2 := read(s)
			if h != h2 || ok != ok2 {
				t.Fatalf("%s: not deterministic on %q", name, s)
			}
			if !ok {
				continue
			}
			if h.Start < 0 || h.Start > h.End || int(h.End) > len(s) {
				t.Fatalf("%s: span %d..%d outside %q", name, h.Start, h.End, s)
			}
			if utf8.ValidString(s) && (!utf8.RuneStart(s[h.Start]) || int(h.End) < len(s) && !utf8.RuneStart(s[h.End])) {
				t.Fatalf("%s: span %d..%d cuts a character of %q", name, h.Start, h.End, s)
			}
		}
	})
}

// TestChineseText checks which texts the Chinese-trained scorers read.
func TestChineseText(t *testing.T) {
	for s, want := range map[string]bool{
		"再不发货我就投诉": true, "@京东客服 已私信": true, "iphone 12 到了吗": true,
		"@delta": false, "@delta 0062395415777": false, "ご丁寧にありがとうございます": false,
		"電話で対応してもらいましたが": false, "": false, "??": false,
	} {
		if got := chineseText(s); got != want {
			t.Errorf("chineseText(%q) = %v, want %v", s, got, want)
		}
	}
}
