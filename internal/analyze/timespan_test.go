package analyze

import (
	"encoding/binary"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// timeSpanRef is the loop timeSpan replaced, in summarize.
func timeSpanRef(msgs []conversation.Message) (start, end time.Time) {
	for i := range msgs {
		m := &msgs[i]
		if m.HasTime() {
			if start.IsZero() || m.At.Before(start) {
				start = m.At
			}
			if m.At.After(end) {
				end = m.At
			}
		}
	}
	return start, end
}

// messagesAt makes messages from bytes, three a message: a time among a
// few close together (equal instants in two zones among them), the zero
// Time, times before year 1 and far ones, with nanoseconds or not.
func messagesAt(b []byte) []conversation.Message {
	east := time.FixedZone("E", 8*3600)
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var msgs []conversation.Message
	for ; len(b) >= 3; b = b[3:] {
		var at time.Time
		k := int64(binary.LittleEndian.Uint16(b[1:]))
		switch b[0] % 8 {
		case 0: // none
		case 1:
			at = base.Add(time.Duration(k%64) * time.Second)
		case 2:
			at = base.Add(time.Duration(k%64) * time.Second).In(east)
		case 3:
			at = base.Add(time.Duration(k%64)*time.Second + time.Duration(k%3))
		case 4:
			at = time.Date(0, 1, 1, 0, 0, int(k%5), 0, time.UTC) // before year 1
		case 5:
			at = time.Date(-300+int(k%7), 1, 1, 0, 0, 0, int(k%2), time.UTC)
		case 6:
			at = time.Unix(int64(k)<<20, 0)
		case 7:
			at = time.Time{}.Add(time.Duration(k % 3)) // the zero Time and just after
		}
		msgs = append(msgs, conversation.Message{Role: conversation.RoleCustomer, At: at})
	}
	return msgs
}

// checkTimeSpan holds timeSpan to timeSpanRef on the messages of b: the
// same times, to the location (== on time.Time).
func checkTimeSpan(t *testing.T, b []byte) {
	t.Helper()
	msgs := messagesAt(b)
	s1, e1 := timeSpan(msgs)
	s2, e2 := timeSpanRef(msgs)
	if s1 != s2 || e1 != e2 {
		t.Fatalf("%v: timeSpan %v, %v; the loop %v, %v", b, s1, e1, s2, e2)
	}
}

// TestTimeSpanMatchesRef: no messages, untimed ones, equal instants in
// two zones, times before year 1, and every pair and triple of kinds.
func TestTimeSpanMatchesRef(t *testing.T) {
	checkTimeSpan(t, nil)
	for a := 0; a < 8; a++ {
		for b := 0; b < 8; b++ {
			for c := 0; c < 8; c++ {
				checkTimeSpan(t, []byte{byte(a), 5, 0, byte(b), 5, 0, byte(c), 3, 1})
				checkTimeSpan(t, []byte{byte(c), 9, 0, byte(b), 5, 0, byte(a), 5, 0})
			}
		}
	}
}

// FuzzTimeSpan holds timeSpan to timeSpanRef on any messages' times.
func FuzzTimeSpan(f *testing.F) {
	f.Add([]byte{1, 5, 0, 2, 5, 0, 0, 0, 0, 4, 1, 0, 3, 7, 0})
	f.Add([]byte{7, 0, 0, 7, 1, 0, 5, 2, 0, 6, 9, 9})
	f.Fuzz(checkTimeSpan)
}
