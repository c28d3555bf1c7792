package detect

import (
	"strings"
	"testing"
	"unicode"

	"fullqa/internal/conversation"
)

// TestBlankMessageHasNoEmotion checks that a customer message of nothing
// but white space gets no emotion label: the model's guess for an empty
// text would count in negative_share and feed emotion findings.
func TestBlankMessageHasNoEmotion(t *testing.T) {
	eng := defaultEngine(t)
	c := &conversation.Conversation{ID: "b", Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "   "},
		{Role: conversation.RoleCustomer, Text: "\u3000\t\n"},
		{Role: conversation.RoleCustomer, Text: ""},
		{Role: conversation.RoleCustomer, Text: "怎么还没发货"},
	}}
	in, out := eng.Inspect(c, nil)
	for i := 0; i < 3; i++ {
		if in.Emotion[i].Label != "" {
			t.Errorf("blank message %d has emotion %+v", i, in.Emotion[i])
		}
	}
	if in.Emotion[3].Label == "" {
		t.Error("a real message lost its emotion")
	}
	for _, f := range out.Findings {
		if f.Code == "emotion.negative" && f.Messages[0] < 3 {
			t.Errorf("emotion finding on a blank message: %+v", f)
		}
	}
}

// isBlankRef is isBlank as first written: the message trimmed of white
// space at both ends is empty.
func isBlankRef(s string) bool { return strings.TrimFunc(s, unicode.IsSpace) == "" }

// TestIsBlankEveryRune compares isBlank with isBlankRef on every
// character alone, between spaces and after one, and on bytes that are
// not UTF-8.
func TestIsBlankEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		c := string(r)
		for _, s := range []string{c, " " + c + "\u3000", "\u00a0\t" + c} {
			if got, want := isBlank(s), isBlankRef(s); got != want {
				t.Fatalf("isBlank(%q) = %v, want %v", s, got, want)
			}
		}
	}
	for _, s := range []string{"", " ", "\xff", " \xe3\x80", "\u3000\u2028\u205f\u0085 \n", "\u3000\xe3\x80\x80\x80"} {
		if got, want := isBlank(s), isBlankRef(s); got != want {
			t.Fatalf("isBlank(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzIsBlank holds isBlank's first-byte shortcut to isBlankRef, the
// trimming test it replaced, on any bytes.
func FuzzIsBlank(f *testing.F) {
	for _, s := range []string{"", " \u3000\t", "\u3000好", "\xe3\x80", "\u00a0\u1680\u2000\u200a\u202f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isBlank(s), isBlankRef(s); got != want {
			t.Fatalf("isBlank(%q) = %v, want %v", s, got, want)
		}
	})
}

// TestIsBlankLeadBytes checks isBlank's test of the first byte against
// isBlankRef for every first byte, followed by continuation bytes or a
// space.
func TestIsBlankLeadBytes(t *testing.T) {
	for b := 0; b < 256; b++ {
		for _, tail := range []string{"", "\x80", "\x80\x80", "\x80\x80\x80", " ", "\x80\x80 "} {
			s := string([]byte{byte(b)}) + tail
			if got, want := isBlank(s), isBlankRef(s); got != want {
				t.Fatalf("isBlank(%q) = %v, want %v", s, got, want)
			}
		}
	}
}
