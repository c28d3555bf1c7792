package detect

import "testing"

// TestChecksAnswerOpening holds checksAnswer, which answers no from its
// first three bytes unless they are 这 or 那, to checksAnswerRef for texts
// opening with every byte, with 这 and 那 cut short or with one byte
// changed, and for the questions it must find.
func TestChecksAnswerOpening(t *testing.T) {
	var texts []string
	for _, tail := range []string{"", "是吗", "是保税区发货吗", "就是货到了直接现金支付吗?", " ?"} {
		for b := range 256 {
			texts = append(texts, string([]byte{byte(b)})+tail, string([]byte{byte(b), 0xbf, 0x99})+tail)
		}
		for _, open := range []string{"这", "那"} {
			texts = append(texts, open+tail, open[:1]+tail, open[:2]+tail)
			for k := range 3 {
				for d := range 256 {
					b := []byte(open)
					b[k] = byte(d)
					texts = append(texts, string(b)+tail)
				}
			}
		}
	}
	found := 0
	for _, s := range texts {
		got, want := checksAnswer(s), checksAnswerRef(s)
		if got != want {
			t.Fatalf("checksAnswer(%q) = %v, want %v", s, got, want)
		}
		if got {
			found++
		}
	}
	if found == 0 {
		t.Fatal("no text checks an answer: the test compares nothing")
	}
}
