package detect

import (
	"testing"

	"fullqa/internal/text"
)

// needsNoAnswerRef is NeedsNoAnswer as written before its fast path for
// messages opening with a Chinese character, the reference for
// TestNeedsNoAnswer and FuzzNeedsNoAnswer.
func needsNoAnswerRef(d *responseDetector, in *Input, i int) bool {
	norm := stripEmojiCodes(in.Norm[i])
	if fillerChars(norm) {
		return true
	}
	return in.Has(i, d.closing) && text.RunesAtMost(norm, 20) && !in.Has(i, d.question)
}

// checkNeedsNoAnswer fails t when NeedsNoAnswer differs from the
// reference on s normalized (what Input.Norm holds: valid UTF-8, which
// NeedsNoAnswer counts as such) with or without a closing and a question
// word.
func checkNeedsNoAnswer(t *testing.T, s string) {
	t.Helper()
	s = text.Normalize(s)
	d := &responseDetector{closing: 1, question: 2}
	for bits := uint64(0); bits < 4; bits++ {
		in := &Input{Norm: []string{s}, present: [][presentWords]uint64{{bits << 1}}}
		if got, want := d.NeedsNoAnswer(in, 0), needsNoAnswerRef(d, in, 0); got != want {
			t.Fatalf("NeedsNoAnswer(%q, closing %v, question %v) = %v, reference %v", s, bits&1 != 0, bits&2 != 0, got, want)
		}
	}
}

var noAnswerCases = []string{
	"", "好的谢谢", "好的", "没有了，谢谢", "谢谢#e-s[数字x]", "#e-s[微笑]", "#e-s01", "#e-s[数字x]好的谢谢",
	"好#e-s[数字x]", "。。。", "！～", "…", "😀", "好的谢谢好的谢谢好的谢谢好的谢谢好的谢谢好的谢谢", "ok thanks",
	"好的?", "\xe4", "\xe4\xb8", "\xe9\xbf\xbf", "嗯嗯#e-s", "谢谢#e-s[", "一二三四五六七八九十一二三四五六七八九十",
	"一二三四五六七八九十一二三四五六七八九十一", "在吗#e-s[微笑]#e-s[微笑]#e-s[微笑]#e-s[微笑]#e-s[微笑]",
	// Around 20 bytes and 20 characters (the closing rule's bound, which
	// a message of at most 20 bytes meets without being stripped).
	"好aaaaaaaaaaaaaaaaa", "好aaaaaaaaaaaaaaaaaa", "好aaaaaaaaaaaaaaaaaaa", "好aaaaaaaaaaaaaaaaaaaa", "好的aaaaaaaaaaaaaaaaaaa",
	"好aaaaaaaaaaaaaaaaa#e-s01", "好aaaaaaaaaaaaaaaaaa#e-s01", "好aaaaaaaaaaaaaaaaaaa#e-s[微笑]", "好的谢谢#e-s01aaaaaaaaaaaaaa",
}

// TestNeedsNoAnswer checks NeedsNoAnswer against the reference on
// closings, emoji codes, filler, lengths around the limit and broken
// UTF-8, each with every combination of closing and question words.
func TestNeedsNoAnswer(t *testing.T) {
	for _, s := range noAnswerCases {
		checkNeedsNoAnswer(t, s)
	}
}

// FuzzNeedsNoAnswer compares NeedsNoAnswer with the reference on
// arbitrary text.
func FuzzNeedsNoAnswer(f *testing.F) {
	for _, s := range noAnswerCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkNeedsNoAnswer(t, s) })
}
