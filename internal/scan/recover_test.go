package scan_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
	"fullqa/internal/scan"
)

// boomDetector panics on every conversation whose id starts with "boom",
// the stand-in for a detector bug that one odd conversation triggers.
type boomDetector struct{}

func (boomDetector) Name() string    { return "boom" }
func (boomDetector) Codes() []string { return []string{"boom.found"} }
func (boomDetector) Inspect(in *detect.Input, out *detect.Output) {
	if strings.HasPrefix(in.Conv.ID, "boom") {
		var m map[string]int
		m["x"]++ // a nil map write, as a real bug would
	}
}

// cancelDetector cancels the run's context when it inspects a
// conversation, so the test can see whether later detectors still run.
type cancelDetector struct{ cancel context.CancelFunc }

func (cancelDetector) Name() string                            { return "cancel" }
func (cancelDetector) Codes() []string                         { return []string{"cancel.done"} }
func (d cancelDetector) Inspect(*detect.Input, *detect.Output) { d.cancel() }

// listSource yields the given conversations.
type listSource struct{ convs []*conversation.Conversation }

func (s *listSource) Next() (*conversation.Conversation, error) {
	if len(s.convs) == 0 {
		return nil, io.EOF
	}
	c := s.convs[0]
	s.convs = s.convs[1:]
	return c, nil
}

func chat(id string) *conversation.Conversation {
	return &conversation.Conversation{ID: id, Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "怎么还没发货"},
		{Role: conversation.RoleAgent, Text: "亲，今天一定给您发出"}}}
}

// TestPanickingDetectorIsABadRecord checks that a detector that panics on
// one conversation makes that conversation a bad record naming the
// detector, and that the run goes on with the others, in order.
func TestPanickingDetectorIsABadRecord(t *testing.T) {
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	dets := append(detect.Registry(detect.DefaultConfig(), lex), boomDetector{})
	eng, err := detect.NewEngine(dets, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"c1", "c2", "boom3", "c4", "boom5", "c6"}
	var convs []*conversation.Conversation
	for _, id := range ids {
		convs = append(convs, chat(id))
	}
	var got []*scan.Result
	err = scan.Run(context.Background(), &listSource{convs}, nil, eng, scan.Options{Workers: 2, Batch: 2}, func(r *scan.Result) error {
		rr := *r
		got = append(got, &rr)
		return nil
	})
	if err != nil {
		t.Fatalf("run stopped: %v", err)
	}
	if len(got) != len(ids) {
		t.Fatalf("%d results for %d conversations", len(got), len(ids))
	}
	for k, r := range got {
		if !strings.HasPrefix(ids[k], "boom") {
			if r.Err != nil || r.Conv == nil || r.Conv.ID != ids[k] {
				t.Errorf("result %d: want conversation %s inspected, got err %v", k, ids[k], r.Err)
			}
			continue
		}
		var pe *detect.PanicError
		if !errors.As(r.Err, &pe) || pe.Detector != "boom" || pe.Conversation != ids[k] || r.Conv != nil {
			t.Fatalf("result %d: want a bad record naming detector boom and %s, got %v", k, ids[k], r.Err)
		}
		if msg := r.Err.Error(); !strings.Contains(msg, "detector boom") || !strings.Contains(msg, ids[k]) {
			t.Errorf("error %q does not name the detector and the conversation", msg)
		}
		if len(pe.Stack) == 0 {
			t.Error("no stack kept for the bug report")
		}
	}
}

// TestCancelInsideConversation checks that the engine looks at its
// context between detectors and inside a long conversation, not only
// between conversations: a detector that cancels stops the ones after it,
// and a cancelled context stops a 20,000-message conversation early.
func TestCancelInsideConversation(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	eng, err := detect.NewEngine([]detect.Detector{cancelDetector{cancel}, boomDetector{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// boom would panic if it ran after the cancel.
	if _, _, err := eng.InspectContext(ctx, chat("boom"), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled between detectors, got %v", err)
	}

	long := &conversation.Conversation{ID: "boom-long"}
	for range 10_000 {
		long.Messages = append(long.Messages, chat("").Messages...)
	}
	eng2, err := detect.NewEngine([]detect.Detector{boomDetector{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, _, err := eng2.InspectContext(done, long, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled inside a long conversation, got %v", err)
	}
	r := &scan.Result{Conv: long}
	var opts scan.Options
	opts.Defaults()
	if err := scan.InspectContext(done, eng2, r, nil, &opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("scan.InspectContext: want context.Canceled, got %v", err)
	}
}
