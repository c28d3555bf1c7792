package detect

import (
	"math/rand"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// mayRef, mayAnyRef and hasRef are Input.may, mayAny and Has as written
// before they tested i against the length of the presence rows in place
// of testing the rows for nil: the references for TestPresenceLookups.
func mayRef(in *Input, i int, c ClassID) bool {
	if in.present == nil {
		return true
	}
	return in.present[i][uint8(c)>>6]&(1<<(uint8(c)&63)) != 0
}

func mayAnyRef(in *Input, i int, m *classMask) bool {
	if in.present == nil {
		return true
	}
	row := &in.present[i]
	return row[0]&m[0]|row[1]&m[1]|row[2]&m[2]|row[3]&m[3] != 0
}

func hasRef(in *Input, i int, c ClassID) bool {
	if in.present != nil {
		return mayRef(in, i, c)
	}
	for _, h := range in.Hits[i] {
		if h.Class == c {
			return true
		}
	}
	return false
}

// TestPresenceLookups holds may, mayAny and Has to their references for
// every message and class of a conversation strung together from the
// default engine's words, with the presence bits the engine keeps and on
// the same messages without them (an Input built by hand); and checks
// what the lookups rest on, that the engine keeps a row for every message.
func TestPresenceLookups(t *testing.T) {
	eng := defaultEngine(t)
	kw := eng.keywords
	rng := rand.New(rand.NewSource(3))
	conv := &conversation.Conversation{ID: "bits"}
	for k := 0; k < 80; k++ {
		var sb strings.Builder
		for j := rng.Intn(7); j >= 0; j-- {
			sb.WriteString(kw.words[rng.Intn(len(kw.words))])
			sb.WriteString("，")
		}
		role := conversation.RoleCustomer
		if k%2 == 1 {
			role = conversation.RoleAgent
		}
		conv.Messages = append(conv.Messages, conversation.Message{Role: role, Text: sb.String()})
	}
	in, _ := eng.Inspect(conv, &Scratch{})
	if in.present == nil {
		t.Fatal("the engine kept no presence bits: the test checks nothing")
	}
	if len(in.present) != len(conv.Messages) {
		t.Fatalf("%d presence rows for %d messages", len(in.present), len(conv.Messages))
	}
	check := func(in *Input) {
		t.Helper()
		for i := range in.Hits {
			for c := ClassID(0); c < ClassID(len(kw.names)); c++ {
				if got, want := in.may(i, c), mayRef(in, i, c); got != want {
					t.Fatalf("may(%d, %d) = %v, reference %v", i, c, got, want)
				}
				if got, want := in.Has(i, c), hasRef(in, i, c); got != want {
					t.Fatalf("Has(%d, %d) = %v, reference %v", i, c, got, want)
				}
			}
			for n := 0; n < 40; n++ {
				cs := make([]ClassID, 1+rng.Intn(4))
				for k := range cs {
					cs[k] = ClassID(rng.Intn(len(kw.names)))
				}
				m := maskOf(cs...)
				if got, want := in.mayAny(i, &m), mayAnyRef(in, i, &m); got != want {
					t.Fatalf("mayAny(%d, %v) = %v, reference %v", i, cs, got, want)
				}
			}
		}
	}
	check(in)
	check(&Input{Conv: in.Conv, Norm: in.Norm, Hits: in.Hits})
}
