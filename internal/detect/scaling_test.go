package detect

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// scaleUnits are the pieces the scaling test repeats into one long
// message: each reaches a detector's per-hit checks (a promise with its
// clause, negations and questions, a recalled promise, rude words, scene
// words, a chase, digits with '+').
var scaleUnits = []string{
	"帮您申请退款今天发货",
	"我们会为您申请退款。请问是否已经签收。",
	"预计明天不能送达吗",
	"8+128 512GB+12GB ",
	"[数字x]天内给您回复",
	"不是说今天送达吗怎么还没到",
	"你是白痴吗加我微信好评返现",
	"在吗",
	"退款补偿换货没收到货",
	"之前的问题又来了，上次说可以",
	"呢呢不知道",
}

// scaleShapes are conversations grown by repeating a block of messages.
var scaleShapes = [][]conversation.Message{
	{{Role: conversation.RoleCustomer, Text: "在吗"}},
	{{Role: conversation.RoleAgent, Text: "好的亲，这边帮您查询"}},
	{{Role: conversation.RoleCustomer, Text: "怎么还没发货，我要投诉"},
		{Role: conversation.RoleAgent, Text: "你是白痴吗 加我微信 13812345678 今天一定给您发出"}},
	{{Role: conversation.RoleCustomer, Text: "退款什么时候到？？太慢了"}, {Role: conversation.RoleCustomer, Text: "?"}},
}

// cost is what one inspection did: the deterministic work count of the
// windowed reads, and the allocations.
type cost struct {
	work, allocs, bytes float64
}

// measure inspects c with eng and returns its cost, allocations averaged
// over a few runs after a warm-up.
func measure(eng *Engine, c *conversation.Conversation) cost {
	var s Scratch
	in, _ := eng.Inspect(c, &s) // warm the scratch
	work := in.work
	const runs = 3
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range runs {
		eng.Inspect(c, &s)
	}
	runtime.ReadMemStats(&m1)
	return cost{work: float64(work), allocs: float64(m1.Mallocs-m0.Mallocs) / runs,
		bytes: float64(m1.TotalAlloc-m0.TotalAlloc) / runs}
}

// TestDetectorsScaleLinearly checks that each detector's cost, alone in
// the engine with the emotion model, grows in step with the input: a
// message 2, 4 and 8 times as long, or a conversation 2, 4 and 8 times as
// many messages, costs at most about 2, 4 and 8 times the work and the
// allocations (issue 11: a 100k-character promise took 70 s, 40,000
// "在吗" 16 s). Work is counted, not timed, so the test is the same on any
// machine; BenchmarkScaling shows the times.
func TestDetectorsScaleLinearly(t *testing.T) {
	model, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	lex := testLexicon(t)
	for _, d := range Registry(DefaultConfig(), lex) {
		eng, err := NewEngine([]Detector{d}, model)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(d.Name(), func(t *testing.T) {
			for _, u := range scaleUnits {
				for _, role := range []conversation.Role{conversation.RoleAgent, conversation.RoleCustomer} {
					grow := func(k int) *conversation.Conversation {
						return &conversation.Conversation{ID: "s", Messages: []conversation.Message{
							{Role: conversation.RoleCustomer, Text: "你好"},
							{Role: role, Text: strings.Repeat(u, 300*k)}}}
					}
					checkLinear(t, fmt.Sprintf("%s message of %q", role, u), eng, grow)
				}
			}
			for k, block := range scaleShapes {
				grow := func(n int) *conversation.Conversation {
					c := &conversation.Conversation{ID: "s"}
					for range 400 * n {
						c.Messages = append(c.Messages, block...)
					}
					return c
				}
				checkLinear(t, fmt.Sprintf("conversation shape %d", k), eng, grow)
			}
		})
	}
}

// checkLinear measures grow(1), grow(2), grow(4) and grow(8) and fails
// when a cost grows faster than the input, with some slack for buffers
// that grow in steps.
func checkLinear(t *testing.T, what string, eng *Engine, grow func(int) *conversation.Conversation) {
	t.Helper()
	base := measure(eng, grow(1))
	for _, k := range []int{2, 4, 8} {
		c := measure(eng, grow(k))
		for _, m := range []struct {
			name     string
			at1, atK float64
		}{{"work", base.work, c.work}, {"allocations", base.allocs, c.allocs}, {"bytes allocated", base.bytes, c.bytes}} {
			// Costs too small to measure a ratio on (a detector that
			// does nothing with this input) only must stay small.
			limit := 1.5*float64(k)*m.at1 + 64
			if m.name == "bytes allocated" {
				limit = 1.5*float64(k)*m.at1 + 64<<10
			}
			if m.atK > limit {
				t.Errorf("%s: %s grows faster than the input: ×1 %.0f, ×%d %.0f (%.1f×)", what, m.name, m.at1, k, m.atK, m.atK/max(m.at1, 1))
			}
		}
	}
}

// TestHitReadsAreCounted keeps every read of a message's hits in the
// detectors going through the accessors of window.go (allHits, near,
// touching, startingIn), which count what they read: the scaling test can
// only see a loop over the hits that is counted, so a new uncounted one
// could hide a cost that grows with the square of the message.
func TestHitReadsAreCounted(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	direct := regexp.MustCompile(`(range|:=|=)\s*in\.Hits\[`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "window.go" || f == "engine.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(b), "\n") {
			if direct.MatchString(line) {
				t.Errorf("%s:%d reads in.Hits directly; use in.allHits or a window (window.go): %s", f, n+1, strings.TrimSpace(line))
			}
		}
	}
}

// BenchmarkScaling times the whole engine (every detector and the
// emotion model) on the scaling test's inputs at 1, 2, 4 and 8 times their
// size: ns/op should double with the size. Times are for reading, not
// asserting (TestDetectorsScaleLinearly asserts on counts).
//
//	go test -run xxx -bench Scaling ./internal/detect/
func BenchmarkScaling(b *testing.B) {
	eng := defaultEngine(b)
	for _, k := range []int{1, 2, 4, 8} {
		long := &conversation.Conversation{ID: "s", Messages: []conversation.Message{
			{Role: conversation.RoleCustomer, Text: "你好"},
			{Role: conversation.RoleAgent, Text: strings.Repeat(strings.Join(scaleUnits, ""), 100*k)}}}
		b.Run(fmt.Sprintf("message/x%d", k), func(b *testing.B) { benchInspect(b, eng, long) })
	}
	for _, k := range []int{1, 2, 4, 8} {
		c := &conversation.Conversation{ID: "s"}
		for range 1000 * k {
			for _, block := range scaleShapes {
				c.Messages = append(c.Messages, block...)
			}
		}
		b.Run(fmt.Sprintf("conversation/x%d", k), func(b *testing.B) { benchInspect(b, eng, c) })
	}
}

func benchInspect(b *testing.B, eng *Engine, c *conversation.Conversation) {
	n := 0
	for _, m := range c.Messages {
		n += len(m.Text)
	}
	var s Scratch
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		eng.Inspect(c, &s)
	}
}
