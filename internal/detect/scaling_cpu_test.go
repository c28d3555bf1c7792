//go:build unix

package detect

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"fullqa/internal/classify"
	"fullqa/internal/conversation"
)

// TestDetectorsCPUScale is the opt-in check behind the counted one: it
// measures each detector's CPU time (not wall time, which the shared
// machine makes meaningless) on messages 8 times as long and fails when it
// grows more than twice as fast as the input. It catches what the work
// count cannot see: a loop over words or bytes rather than keyword hits
// (it found the English promise reader's per-word look back). Too slow and
// too machine-bound for `go test ./...`:
//
//	FULLQA_SCALING_CPU=1 go test -run DetectorsCPUScale ./internal/detect/
//
// scripts/fuzz.sh runs it.
func TestDetectorsCPUScale(t *testing.T) {
	if os.Getenv("FULLQA_SCALING_CPU") == "" {
		t.Skip("set FULLQA_SCALING_CPU=1 to run")
	}
	model, err := classify.LoadEmotion()
	if err != nil {
		t.Fatal(err)
	}
	lex := testLexicon(t)
	type input struct {
		what string
		conv func(k int) *conversation.Conversation
	}
	var inputs []input
	for _, u := range scaleUnits {
		inputs = append(inputs, input{fmt.Sprintf("message of %q", u), func(k int) *conversation.Conversation {
			return &conversation.Conversation{ID: "s", Messages: []conversation.Message{
				{Role: conversation.RoleCustomer, Text: "你好"}, {Role: conversation.RoleAgent, Text: strings.Repeat(u, k)}}}
		}})
	}
	for n, block := range scaleShapes {
		inputs = append(inputs, input{fmt.Sprintf("conversation shape %d", n), func(k int) *conversation.Conversation {
			c := &conversation.Conversation{ID: "s"}
			for range k {
				c.Messages = append(c.Messages, block...)
			}
			return c
		}})
	}
	for _, d := range Registry(DefaultConfig(), lex) {
		eng, err := NewEngine([]Detector{d}, model)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range inputs {
			// Grow the base until one run costs a measurable 2 ms.
			k := 64
			for cpuPerRun(eng, in.conv(k)) < 2*time.Millisecond && k < 1<<16 {
				k *= 2
			}
			small, large := cpuPerRun(eng, in.conv(k)), cpuPerRun(eng, in.conv(8*k))
			if large > 16*small {
				t.Errorf("%s on %s: CPU %v at %d repeats, %v at 8× (%.0f×)", d.Name(), in.what, small, k, large, float64(large)/float64(small))
			}
		}
	}
}

// cpuPerRun returns the process CPU time of one Inspect, averaged over at
// least 50 ms of runs.
func cpuPerRun(eng *Engine, c *conversation.Conversation) time.Duration {
	var s Scratch
	eng.Inspect(c, &s)
	start, runs := cpuTime(), 0
	for runs < 3 || cpuTime()-start < 50*time.Millisecond {
		eng.Inspect(c, &s)
		runs++
	}
	return (cpuTime() - start) / time.Duration(runs)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
