package analyze

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"fullqa/internal/conversation"
)

// synthHistory makes n conversations of a few buyers over a few days,
// mostly in time order, with the findings, tags and texts the across
// analyzers read: orders and SKUs shared or not, scene tags, unresolved
// endings, time promises (kept, "收到了"/"到账了", or said broken, a
// customer message of promise.conflict or repeat.contact), conversations
// without a buyer or a time.
func synthHistory(rng *rand.Rand, n int) []inspectedConv {
	shanghai := time.FixedZone("CST", 8*3600)
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, shanghai)
	texts := []string{"我的快递怎么还没到", "收到了", "退款到账了，谢谢", "你们说好明天发货的，没发", "  好的  ",
		"请问发票怎么开", "中通快递在广州转运中心 收到了", "还没收到"}
	agentTexts := []string{"明天给您发出", "3天内到账", "您好", "已为您催促"}
	scenes := []string{"logistics", "refund", "presale", "quality"}
	slots := []map[string]any{{"days": 1, "event": "发出"}, {"within_days": 3, "event": "到账"}, {"within_hours": 2, "event": "回复"},
		{"days": 0, "event": "送达"}}
	var out []inspectedConv
	for i := 0; i < n; i++ {
		c := &conversation.Conversation{ID: fmt.Sprintf("c%d", i), Shop: "s", Customer: fmt.Sprintf("u%d", rng.IntN(4))}
		if rng.IntN(15) == 0 {
			c.Customer = ""
		}
		if rng.IntN(2) == 0 {
			c.OrderIDs = []string{fmt.Sprintf("o%d", rng.IntN(3))}
		}
		if rng.IntN(3) == 0 {
			c.SKUs = []string{fmt.Sprintf("k%d", rng.IntN(2))}
		}
		start := t0.Add(time.Duration(i*7+rng.IntN(30)) * time.Hour)
		timed := rng.IntN(12) > 0
		for k, m := 0, 1+rng.IntN(6); k < m; k++ {
			msg := conversation.Message{Role: conversation.RoleCustomer, Text: texts[rng.IntN(len(texts))]}
			if rng.IntN(2) == 0 {
				msg.Role, msg.Agent, msg.Text = conversation.RoleAgent, fmt.Sprintf("a%d", rng.IntN(2)), agentTexts[rng.IntN(len(agentTexts))]
			}
			if timed {
				msg.At = start.Add(time.Duration(k) * time.Minute)
			}
			c.Messages = append(c.Messages, msg)
		}
		c.TextValid = rng.IntN(2) == 0
		var tags []conversation.Tag
		for _, s := range scenes {
			if rng.IntN(3) == 0 {
				tags = append(tags, conversation.Tag{Name: s})
			}
		}
		var fs []conversation.Finding
		for k, m := 0, rng.IntN(4); k < m; k++ {
			at := rng.IntN(len(c.Messages))
			switch rng.IntN(5) {
			case 0:
				fs = append(fs, conversation.Finding{Code: "resolution.unresolved", Messages: []int{at}, Evidence: "那就算了"})
			case 1:
				fs = append(fs, conversation.Finding{Code: "promise.conflict", Messages: []int{at}, Evidence: "没发"})
			case 2:
				fs = append(fs, conversation.Finding{Code: "repeat.contact", Messages: []int{at, rng.IntN(len(c.Messages))}, Evidence: "又来"})
			default:
				fs = append(fs, conversation.Finding{Code: "promise.made", Messages: []int{at}, Evidence: "明天给您发出",
					Data: conversation.DataOf(map[string]any{"kind": "time", "slot": slots[rng.IntN(len(slots))]})})
			}
		}
		out = append(out, inspectedConv{c, fs, tags})
	}
	return out
}

type inspectedConv struct {
	c    *conversation.Conversation
	fs   []conversation.Finding
	tags []conversation.Tag
}

// batchMatchesEager holds the batches, whose Prepare leaves the contact's
// texts and (findings-only) Kept for AddPrepared to make when it may need
// them, to the contact made whole first (Summarize, Kept from Topics.Kept)
// and looked at by Analyzer.Inspect against a Memory: the same findings
// for every conversation, from a full and a findings-only batch, prepared
// with and without a next that names every message.
func batchMatchesEager(t *testing.T, convs []inspectedConv) (findings int) {
	t.Helper()
	tp, _ := refTopics(t)
	shanghai := time.FixedZone("CST", 8*3600)
	ctx := context.Background()
	an, mem := NewAnalyzer(DefaultConfig(), shanghai), NewMemory()
	batches := []*Batch{NewBatch(DefaultConfig(), tp, shanghai), NewFindingsBatch(DefaultConfig(), tp, shanghai),
		NewFindingsBatch(DefaultConfig(), tp, shanghai)}
	every := func(from int) int { return from }
	for _, in := range convs {
		ct := Summarize(in.c, in.fs, in.tags, shanghai)
		ct.Kept = tp.Kept(in.c)
		want, err := an.Inspect(ctx, mem, &ct)
		if err != nil {
			t.Fatal(err)
		}
		mem.Add(&ct)
		for k, b := range batches {
			var next func(int) int
			if k == 2 {
				next = every
			}
			got, err := b.AddPrepared(ctx, in.c, b.PrepareNext(in.c, in.fs, in.tags, next))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, batch %d: findings\n got %+v\nwant %+v", in.c.ID, k, got, want)
			}
		}
		findings += len(want)
	}
	return findings
}

// TestBatchMatchesEager runs batchMatchesEager on synthetic histories,
// which must give findings of both kinds, some of them kept from by Kept.
func TestBatchMatchesEager(t *testing.T) {
	n := 0
	for seed := uint64(0); seed < 200; seed++ {
		n += batchMatchesEager(t, synthHistory(rand.New(rand.NewPCG(seed, 1)), 40))
	}
	if n < 200 {
		t.Fatalf("only %d findings: the test tests little", n)
	}
}

// FuzzBatchMatchesEager is batchMatchesEager on a history of the fuzzer's
// seed and length.
func FuzzBatchMatchesEager(f *testing.F) {
	f.Add(uint64(1), uint8(30))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) {
		batchMatchesEager(t, synthHistory(rand.New(rand.NewPCG(seed, 2)), int(n)))
	})
}

// TestKeptReadMatters holds keptRead to what it stands for: where it
// reports false, the findings are the same whether Kept is set or not;
// and the synthetic histories hold contacts where Kept changes them (so
// that keptRead must report true there).
func TestKeptReadMatters(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tp, _ := refTopics(t)
	an := NewAnalyzer(DefaultConfig(), shanghai)
	ctx := context.Background()
	matters := 0
	for seed := uint64(0); seed < 200; seed++ {
		mem := NewMemory()
		for _, in := range synthHistory(rand.New(rand.NewPCG(seed, 3)), 40) {
			ct := Summarize(in.c, in.fs, in.tags, shanghai)
			ct.Kept = tp.Kept(in.c)
			if ct.Linked() {
				earlier, err := an.earlier(ctx, mem, &ct)
				if err != nil {
					t.Fatal(err)
				}
				kept, notKept := ct, ct
				kept.Kept, notKept.Kept = true, false
				a, b := an.findings(&kept, earlier), an.findings(&notKept, earlier)
				differ := !reflect.DeepEqual(a, b)
				if differ && !keptRead(&ct, earlier) {
					t.Fatalf("seed %d, %s: Kept changes the findings, but keptRead says it is not read", seed, in.c.ID)
				}
				if differ {
					matters++
				}
			}
			mem.Add(&ct)
		}
	}
	if matters < 20 {
		t.Fatalf("Kept changed the findings of only %d contacts: the test tests little", matters)
	}
}

// TestWindowNanos holds the batch's window, Start's Unix nanoseconds less
// back, to what Memory.Earlier reads of Analyzer.earlier's from,
// Start.Add(-back): the same number for starts from year 1 to 9999 (where
// UnixNano wraps) and for windows up to far longer than any config's.
func TestWindowNanos(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	starts := []time.Time{{}, time.Unix(0, 0), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(2262, 4, 11, 23, 47, 16, 854775807, time.UTC),
		time.Date(2262, 4, 12, 0, 0, 0, 0, time.UTC), time.Date(1677, 9, 21, 0, 12, 43, 145224192, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.FixedZone("x", 3600))}
	for k := 0; k < 2000; k++ {
		starts = append(starts, time.Date(1+rng.IntN(9999), time.Month(1+rng.IntN(12)), rng.IntN(31), rng.IntN(24), 0, rng.IntN(60), rng.IntN(1e9), time.UTC))
	}
	for _, s := range starts {
		for _, days := range []int{1, 14, 30, 90, 365, 1 << 20} {
			back := max(time.Duration(days)*24*time.Hour, 0)
			if got, want := s.UnixNano()-int64(back), s.Add(-back).UnixNano(); got != want {
				t.Fatalf("start %v, back %v: %d, want %d", s, back, got, want)
			}
		}
	}
}

// TestBatchConcurrentPrepare runs Prepare on several goroutines while
// AddPrepared recycles the Prepareds of the conversations before (the
// scan's workers and sink sharing the batch's free list), for the same
// findings as batchMatchesEager's eager reference; and recycle keeps at
// most maxFree. Run it with -race.
func TestBatchConcurrentPrepare(t *testing.T) {
	tp, _ := refTopics(t)
	shanghai := time.FixedZone("CST", 8*3600)
	ctx := context.Background()
	convs := synthHistory(rand.New(rand.NewPCG(7, 7)), 600)
	an, mem := NewAnalyzer(DefaultConfig(), shanghai), NewMemory()
	var want [][]conversation.Finding
	for _, in := range convs {
		ct := Summarize(in.c, in.fs, in.tags, shanghai)
		ct.Kept = tp.Kept(in.c)
		fs, err := an.Inspect(ctx, mem, &ct)
		if err != nil {
			t.Fatal(err)
		}
		mem.Add(&ct)
		want = append(want, fs)
	}
	b := NewFindingsBatch(DefaultConfig(), tp, shanghai)
	const chunk = 16
	prepare := func(from int) []*Prepared {
		ps := make([]*Prepared, min(chunk, len(convs)-from))
		done := make(chan struct{})
		for k := range ps {
			go func() {
				in := convs[from+k]
				ps[k] = b.Prepare(in.c, in.fs, in.tags)
				done <- struct{}{}
			}()
		}
		for range ps {
			<-done
		}
		return ps
	}
	ps := prepare(0)
	for from := 0; from < len(convs); from += chunk {
		next := make(chan []*Prepared, 1)
		go func() {
			if from+chunk < len(convs) {
				next <- prepare(from + chunk)
			} else {
				next <- nil
			}
		}()
		for k, p := range ps {
			in := convs[from+k]
			got, err := b.AddPrepared(ctx, in.c, p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want[from+k]) {
				t.Fatalf("%s: findings\n got %+v\nwant %+v", in.c.ID, got, want[from+k])
			}
		}
		ps = <-next
	}
	for k := 0; k < maxFree+10; k++ {
		b.recycle(new(Prepared))
	}
	if len(b.free) != maxFree {
		t.Fatalf("%d Prepareds kept, want maxFree (%d)", len(b.free), maxFree)
	}
}
