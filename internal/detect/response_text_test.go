package detect

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// inspectRef is Inspect as written before the rounds' texts shared one
// string: each round with a finding built its own. It is the reference
// for TestResponseTexts.
func (d *responseDetector) inspectRef(in *Input, out *Output) {
	c := in.Conv
	rounds := in.Rounds
	firstDone := false
	for _, r := range rounds {
		if !r.Answered() {
			if d.onlyClosings(in, r) {
				continue
			}
			out.Add(conversation.Finding{Code: "response.missed", Severity: conversation.SeverityMedium,
				Messages: roundMsgs(r), Evidence: quote(c.Messages[lastSaid(c, r)].Text),
				Detail: "customer message never answered by an agent"})
			continue
		}
		if !r.HasTimes {
			continue
		}
		wait := r.Wait
		missed := wait > time.Duration(d.cfg.MissedAfter)
		slow := !missed && wait > time.Duration(d.cfg.SlowAfter)
		firstSlow := !firstDone && wait > time.Duration(d.cfg.FirstSlowAfter)
		firstDone = true
		if !missed && !slow && !firstSlow {
			continue // most rounds: no evidence to build
		}
		// roundMsgs and the reply in one list (appending the reply to
		// roundMsgs' slice took two allocations), cut from the slab.
		withReply := append(out.ints(3), r.First)
		if r.Last != r.First {
			withReply = append(withReply, r.Last)
		}
		withReply = append(withReply, r.Reply)
		// The evidence and the details of this round's findings are
		// built in one buffer and become one string they are cut from:
		// one allocation where each took its own.
		var buf [640]byte
		b := appendQuote(buf[:0], c.Messages[r.First].Text, c.TextValid)
		b = append(b, " → "...)
		b = appendQuote(b, c.Messages[r.Reply].Text, c.TextValid)
		evEnd := len(b)
		var cuts [3][2]int
		if missed {
			cuts[0][0] = len(b)
			b = durDetail(b, "answered after ", wait, ", beyond the ", time.Duration(d.cfg.MissedAfter), " limit")
			cuts[0][1] = len(b)
		}
		if slow {
			cuts[1][0] = len(b)
			b = durDetail(b, "human reply after ", wait, " (limit ", time.Duration(d.cfg.SlowAfter), ")")
			cuts[1][1] = len(b)
		}
		if firstSlow {
			cuts[2][0] = len(b)
			b = durDetail(b, "first human reply after ", wait, " (target ", time.Duration(d.cfg.FirstSlowAfter), ")")
			cuts[2][1] = len(b)
		}
		all := string(b)
		ev := all[:evEnd]
		if missed {
			out.Add(conversation.Finding{Code: "response.missed", Severity: conversation.SeverityMedium,
				Messages: withReply, Evidence: ev, Detail: all[cuts[0][0]:cuts[0][1]]})
		}
		var waitData conversation.Data
		if slow || firstSlow {
			waitData = conversation.Data{{Key: "wait_s", Value: wait.Seconds()}}
		}
		if slow {
			out.Add(conversation.Finding{Code: "response.slow", Severity: conversation.SeverityLow,
				Messages: withReply, Evidence: ev, Detail: all[cuts[1][0]:cuts[1][1]],
				Data: waitData})
		}
		if firstSlow {
			out.Add(conversation.Finding{Code: "response.first_slow", Severity: conversation.SeverityLow,
				Messages: withReply, Evidence: ev, Detail: all[cuts[2][0]:cuts[2][1]],
				Data: waitData})
		}
	}
}

// TestResponseTexts checks Inspect against inspectRef on random chats
// with times: rounds answered within seconds, minutes or hours (slow,
// first slow and missed findings, several in one chat), unanswered
// rounds, long and padded messages (cut quotes), and none.
func TestResponseTexts(t *testing.T) {
	eng, err := NewEngine(Registry(DefaultConfig(), testLexicon(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	d := detectorOf[*responseDetector](eng)
	texts := []string{"在吗", "我的快递到哪了?", " 好的 ", "谢谢", "您好，请问有什么可以帮您", strings.Repeat("订单号是多少呢", 20), "退款怎么还没到账啊", "[数字x]", ""}
	rng := rand.New(rand.NewPCG(1, 16))
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	found := 0
	sl := &slabs{}
	for k := 0; k < 4000; k++ {
		c := &conversation.Conversation{ID: "r"}
		at := base
		for n := rng.IntN(16); n >= 0; n-- {
			switch rng.IntN(4) {
			case 0:
				at = at.Add(time.Duration(rng.IntN(60)) * time.Second)
			case 1:
				at = at.Add(time.Duration(rng.IntN(900)) * time.Second)
			case 2:
				at = at.Add(time.Duration(rng.IntN(8)) * time.Hour)
			}
			role := conversation.RoleCustomer
			if rng.IntN(2) == 0 {
				role = conversation.RoleAgent
			}
			m := conversation.Message{Role: role, Text: texts[rng.IntN(len(texts))]}
			if rng.IntN(10) > 0 {
				m.At = at
			}
			c.Messages = append(c.Messages, m)
		}
		in, _ := eng.Inspect(c, &Scratch{})
		// got cuts its data from slabs shared by every chat, as a
		// worker's are, and reuses the waits they boxed; want's are
		// its own.
		got, want := Output{slabs: sl}, Output{}
		d.Inspect(in, &got)
		d.inspectRef(in, &want)
		if !reflect.DeepEqual(got.Findings, want.Findings) {
			t.Fatalf("chat %d: findings\n%+v\nwant\n%+v", k, got.Findings, want.Findings)
		}
		found += len(want.Findings)
	}
	if found < 2000 {
		t.Fatalf("only %d findings: the test tests little", found)
	}
}

// TestOutputSeconds checks that Output.seconds gives d.Seconds(), the same
// float64 bits, for whole and fractional seconds, negative waits and
// waits past the table, with slabs (a value boxed before, or not) and
// without.
func TestOutputSeconds(t *testing.T) {
	o := Output{slabs: &slabs{}}
	var plain Output
	check := func(d time.Duration) {
		t.Helper()
		for _, out := range []*Output{&o, &plain} {
			got, ok := out.seconds(d).(float64)
			if want := d.Seconds(); !ok || math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("seconds(%v) = %v, want %v", d, out.seconds(d), want)
			}
		}
	}
	// Up (the table grows), then down (every value found boxed).
	for k := -3; k <= maxBoxedSeconds+10; k++ {
		check(time.Duration(k) * time.Second)
		check(time.Duration(k)*time.Second + time.Millisecond)
	}
	for k := maxBoxedSeconds + 10; k >= -3; k-- {
		check(time.Duration(k) * time.Second)
		check(time.Duration(k)*time.Second - 1)
	}
	check(time.Duration(math.MaxInt64))
	check(time.Duration(math.MinInt64))
	if len(o.slabs.seconds) != maxBoxedSeconds {
		t.Fatalf("table of %d, want %d", len(o.slabs.seconds), maxBoxedSeconds)
	}
}
