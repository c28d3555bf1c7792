package scan_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/lexicon"
	"fullqa/internal/scan"
)

// source yields n conversations; every seventh is a bad record, and after
// n it returns failAt's error if set.
type source struct {
	n, i int
	fail error
}

type badRecord struct{ i int }

func (b badRecord) Error() string { return fmt.Sprintf("bad %d", b.i) }

func (s *source) Next() (*conversation.Conversation, error) {
	if s.i >= s.n {
		if s.fail != nil {
			return nil, s.fail
		}
		return nil, io.EOF
	}
	s.i++
	if s.i%7 == 0 {
		return nil, badRecord{s.i}
	}
	return &conversation.Conversation{ID: fmt.Sprint(s.i), Messages: []conversation.Message{
		{Role: conversation.RoleCustomer, Text: "在吗，我的快递怎么还没到"},
	}}, nil
}

func isBad(err error) bool { var b badRecord; return errors.As(err, &b) }

// engine builds every detector with emotion off.
func engine(t *testing.T) *detect.Engine { return engineWith(t, nil) }

// engineWith builds every detector with the emotion model emo (nil: off).
func engineWith(t *testing.T, emo detect.EmotionModel) *detect.Engine {
	t.Helper()
	lex, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := detect.NewEngine(detect.Registry(detect.DefaultConfig(), lex), emo)
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// TestRunKeepsInputOrder runs many small batches on several workers and
// checks every result, bad records included, comes out in input order.
func TestRunKeepsInputOrder(t *testing.T) {
	eng := engine(t)
	for _, workers := range []int{1, 3, 8} {
		src := &source{n: 1000}
		next := 1
		err := scan.Run(context.Background(), src, isBad, eng, scan.Options{Workers: workers, Batch: 5}, func(r *scan.Result) error {
			if r.Err != nil {
				if b, ok := r.Err.(badRecord); !ok || b.i != next {
					t.Fatalf("workers %d: bad record %v at position %d", workers, r.Err, next)
				}
			} else if r.Conv.ID != fmt.Sprint(next) {
				t.Fatalf("workers %d: got %s at position %d", workers, r.Conv.ID, next)
			} else if len(r.Findings) == 0 || r.Score == 0 && !r.Fatal {
				t.Fatalf("workers %d: %s was not inspected", workers, r.Conv.ID)
			}
			next++
			return nil
		})
		if err != nil || next != 1001 {
			t.Fatalf("workers %d: err %v after %d results", workers, err, next-1)
		}
	}
}

// TestRunEncodesIntoReusedBuffers checks that each result's Encoded bytes
// are its own while the sink has it, though batches share and reuse their
// encoding buffers across workers.
func TestRunEncodesIntoReusedBuffers(t *testing.T) {
	eng := engine(t)
	encode := func(dst []byte, r *scan.Result) []byte {
		return fmt.Appendf(dst, "{%q:%d}\n", r.Conv.ID, len(r.Findings))
	}
	for _, workers := range []int{1, 3} {
		src := &source{n: 2000}
		n := 0
		err := scan.Run(context.Background(), src, isBad, eng, scan.Options{Workers: workers, Batch: 7, Encode: encode}, func(r *scan.Result) error {
			if r.Err != nil {
				if r.Encoded != nil {
					t.Fatalf("bad record %v has output", r.Err)
				}
				return nil
			}
			n++
			if want := fmt.Sprintf("{%q:%d}\n", r.Conv.ID, len(r.Findings)); string(r.Encoded) != want {
				t.Fatalf("workers %d: Encoded = %q, want %q", workers, r.Encoded, want)
			}
			return nil
		})
		if err != nil || n != 2000-2000/7 {
			t.Fatalf("workers %d: err %v after %d results", workers, err, n)
		}
	}
}

// TestRunStops checks that a read error and a sink error end the run with
// that error.
func TestRunStops(t *testing.T) {
	eng := engine(t)
	readErr := errors.New("disk gone")
	err := scan.Run(context.Background(), &source{n: 50, fail: readErr}, isBad, eng, scan.Options{}, func(*scan.Result) error { return nil })
	if !errors.Is(err, readErr) {
		t.Errorf("read error: got %v", err)
	}
	sinkErr := errors.New("disk full")
	seen := 0
	err = scan.Run(context.Background(), &source{n: 5000}, isBad, eng, scan.Options{Batch: 10}, func(*scan.Result) error {
		seen++
		if seen == 20 {
			return sinkErr
		}
		return nil
	})
	if !errors.Is(err, sinkErr) || seen != 20 {
		t.Errorf("sink error: got %v after %d results", err, seen)
	}
	// A bad record the caller does not accept as skippable is fatal.
	err = scan.Run(context.Background(), &source{n: 20}, nil, eng, scan.Options{}, func(*scan.Result) error { return nil })
	if !isBad(err) {
		t.Errorf("unskippable bad record: got %v", err)
	}
}
