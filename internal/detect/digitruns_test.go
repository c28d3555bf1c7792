package detect

import (
	"fmt"
	"strings"
	"testing"

	"fullqa/internal/conversation"
)

// padClasses registers n classes of words of its own, to push an engine
// past the presence bits (more classes than presentWords*64).
type padClasses struct{ n int }

func (p padClasses) Name() string                   { return "pad" }
func (p padClasses) Codes() []string                { return nil }
func (p padClasses) Inspect(in *Input, out *Output) {}
func (p padClasses) RegisterKeywords(k *Keywords) error {
	for c := range p.n {
		k.AddPresence(fmt.Sprint("pad.", c), fmt.Sprintf("垫%d词", c))
	}
	return nil
}

// digitRunEngines are the engines digitRuns is checked with: the privacy
// detector alone, the registry (with it the compliance detector, whose
// digit pairs share the class), and the registry with more classes than
// presence bits, where Has walks the hits the matcher kept of the class.
func digitRunEngines(t testing.TB) (engs []*Engine, runs [][]*digitRuns) {
	p := newPrivacyDetector()
	one, err := NewEngine([]Detector{p}, nil)
	if err != nil {
		t.Fatal(err)
	}
	engs, runs = append(engs, one), append(runs, []*digitRuns{&p.digits})
	for _, pad := range []int{0, 300} {
		ds := Registry(DefaultConfig(), testLexicon(t))
		if pad > 0 {
			ds = append(ds, padClasses{pad})
		}
		eng, err := NewEngine(ds, nil)
		if err != nil {
			t.Fatal(err)
		}
		var rs []*digitRuns
		for _, d := range eng.Detectors() {
			switch d := d.(type) {
			case *privacyDetector:
				rs = append(rs, &d.digits)
			case *complianceDetector:
				rs = append(rs, &d.digits)
			}
		}
		if len(rs) != 2 || rs[0].class != rs[1].class || !rs[0].ok || !rs[1].ok {
			t.Fatalf("pad %d: digit runs %+v, want the privacy and compliance detectors' on one class", pad, rs)
		}
		engs, runs = append(engs, eng), append(runs, rs)
	}
	return engs, runs
}

// checkDigitRuns holds digitRuns.in to hasDigitRunRef on every message of
// a conversation of texts, for each engine, and on a hand-built Input.
func checkDigitRuns(t *testing.T, engs []*Engine, runs [][]*digitRuns, texts []string) {
	t.Helper()
	c := &conversation.Conversation{ID: "d"}
	for k, s := range texts {
		role := conversation.RoleAgent
		if k%2 == 1 {
			role = conversation.RoleCustomer
		}
		c.Messages = append(c.Messages, conversation.Message{Role: role, Text: s})
	}
	for e, eng := range engs {
		in, _ := eng.Inspect(c, &Scratch{})
		if !in.Scanned() || (e == 2) != (in.present == nil) {
			t.Fatalf("engine %d: scanned %v, presence bits %v", e, in.Scanned(), in.present != nil)
		}
		hand := &Input{Conv: c, Norm: in.Norm}
		for i := range c.Messages {
			want := hasDigitRunRef(in.Norm[i])
			for _, r := range runs[e] {
				if got := r.in(in, i); got != want {
					t.Fatalf("engine %d, message %d %q (normalized %q): digit run %v, want %v", e, i, texts[i], in.Norm[i], got, want)
				}
				// The detectors' loops read the rows inline, past them in.
				if rows, w, bit := r.rows(in); i < len(rows) {
					if got := rows[i][w%presentWords]&bit != 0; got != want {
						t.Fatalf("engine %d, message %d %q: the rows' bit %v, want %v", e, i, in.Norm[i], got, want)
					}
				} else if e != 2 {
					t.Fatalf("engine %d: no row for message %d", e, i)
				}
				if got := r.in(hand, i); got != want {
					t.Fatalf("hand-built Input, message %d %q: digit run %v, want %v", i, in.Norm[i], got, want)
				}
			}
		}
	}
}

// TestDigitRuns checks digitRuns (the digit pairs' presence class) against
// the byte loop hasDigitRun stands for, on texts with digits half- and
// full-width, in words and numbers, placeholders and none.
func TestDigitRuns(t *testing.T) {
	engs, runs := digitRunEngines(t)
	texts := []string{"", "1", "12", "订单1号2", "电话是13800138000", "１２", "1２", "[数字x]天", "a1b2c3", "x99", "99x", "9 9", "0.5", "第3单元502室",
		"配送员电话13812345678", "我电话13718139512", "400-820-8820", "sb-200", "①②", "²³", "1\u00a02", strings.Repeat("好", 40) + "07"}
	checkDigitRuns(t, engs, runs, texts)
	for _, s := range texts {
		checkDigitRuns(t, engs, runs, []string{s, s + s, "我" + s})
	}
}

// FuzzDigitRuns checks digitRuns against hasDigitRunRef on any text, as
// an agent's and a customer's message.
func FuzzDigitRuns(f *testing.F) {
	for _, s := range []string{"", "12", "订单1号2", "电话是13800138000", "１２３", "a1b2", "[数字x]"} {
		f.Add(s)
	}
	engs, runs := digitRunEngines(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkDigitRuns(t, engs, runs, []string{s, s})
	})
}
