package report

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"fullqa/internal/conversation"
	"fullqa/internal/score"
)

// sharedData returns a file under ../shared/data (beside the checkout),
// skipping when absent, as the other packages' data tests do.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not available", p)
	}
	return p
}

// TestTWCSKPIInvariants runs the English timestamped sample (Customer
// Support on Twitter) through the pipeline and checks the aggregated KPIs
// against figures recomputed here directly from the parsed threads.
func TestTWCSKPIInvariants(t *testing.T) {
	path := sharedData(t, "twcs/twcs_head.csv")
	res := inspectFile(t, path, "response", score.DefaultConfig())
	if len(res) < 100 {
		t.Fatalf("only %d threads", len(res))
	}
	agg := score.NewAggregator(score.DefaultConfig())
	// Independent recomputation: the first response is the first agent
	// message after the first customer message; a thread with a customer
	// message and no agent message after it has no human reply.
	var firstSum float64
	firstN, noHuman, custMsgs, agentMsgs := 0, 0, 0, 0
	for _, r := range res {
		rec, _ := recordOf(r, new(score.Record), nil, agg.Numbering())
		agg.Add(rec)
		c := r.Conv
		fc := -1
		replied := false
		for i, m := range c.Messages {
			switch m.Role {
			case conversation.RoleCustomer:
				custMsgs++
				if fc < 0 {
					fc = i
				}
			case conversation.RoleAgent:
				agentMsgs++
				if fc >= 0 && !replied {
					replied = true
					w := m.At.Sub(c.Messages[fc].At).Seconds()
					if w < 0 {
						w = 0
					}
					firstSum += w
					firstN++
				}
			}
		}
		if fc >= 0 && !replied {
			noHuman++
		}
		k := r.KPI
		if k.Rounds < k.Unanswered || k.WindowRounds > k.Rounds || k.WindowAnswered3 > k.WindowRounds || k.SlowRounds > k.Rounds-k.Unanswered {
			t.Errorf("%s: inconsistent rounds %+v", c.ID, k)
		}
		if k.Day == "" {
			t.Errorf("%s: timed thread without a day", c.ID)
		}
	}
	tot := agg.Total.KPIs()
	if tot.Conversations != len(res) || tot.FirstResponseN != firstN || tot.NoHumanReply != noHuman {
		t.Errorf("conversations %d first_n %d no_human %d; recomputed %d %d %d", tot.Conversations, tot.FirstResponseN,
			tot.NoHumanReply, len(res), firstN, noHuman)
	}
	if tot.FirstResponseS == nil || math.Abs(*tot.FirstResponseS-firstSum/float64(firstN)) > 1e-6 {
		t.Errorf("first_response_s %v, recomputed %v", fmtp(tot.FirstResponseS), firstSum/float64(firstN))
	}
	if tot.AnswerRatio == nil || math.Abs(*tot.AnswerRatio-float64(agentMsgs)/float64(custMsgs)) > 1e-9 {
		t.Errorf("answer_ratio %v, recomputed %d/%d", fmtp(tot.AnswerRatio), agentMsgs, custMsgs)
	}
	if tot.Received > tot.Consulted || tot.Rounds < tot.FirstResponseN || tot.SlowRounds > tot.Rounds {
		t.Errorf("received %d consulted %d rounds %d first_n %d slow %d", tot.Received, tot.Consulted, tot.Rounds, tot.FirstResponseN, tot.SlowRounds)
	}
	// No ratings or outcomes in this data: never guessed.
	if tot.Satisfaction != nil || tot.ConversionRate != nil || tot.Refunds != nil {
		t.Errorf("satisfaction/conversion/refunds must be null: %v %v %v", fmtp(tot.Satisfaction), fmtp(tot.ConversionRate), tot.Refunds)
	}
	all := append([]score.KPIs{tot}, agg.By("day")...)
	all = append(all, agg.By("agent")...)
	days := 0
	for _, k := range agg.By("day") {
		days += k.Conversations
	}
	if days != tot.Conversations {
		t.Errorf("days hold %d conversations, total %d", days, tot.Conversations)
	}
	// Every round is counted for exactly one agent (its replier, or the
	// main agent when unanswered) except rounds in threads with no agent.
	agentRounds := 0
	for _, k := range agg.By("agent") {
		agentRounds += k.Rounds
	}
	if agentRounds > tot.Rounds {
		t.Errorf("agents hold %d rounds, total %d", agentRounds, tot.Rounds)
	}
	for _, k := range all {
		for name, v := range map[string]*float64{"response_rate_3m": k.ResponseRate3m, "reply_rate": k.ReplyRate,
			"mean_score": k.MeanScore} {
			if v == nil {
				continue
			}
			hi := 1.0
			if name == "mean_score" {
				hi = 100
			}
			if *v < 0 || *v > hi || math.IsNaN(*v) {
				t.Errorf("%s: %s = %v out of range", k.Key, name, *v)
			}
		}
		if k.FirstResponseS != nil && k.MeanResponseS != nil && (*k.FirstResponseS < 0 || *k.MeanResponseS < 0) {
			t.Errorf("%s: negative response time", k.Key)
		}
		for code, s := range k.FindingShare {
			if s < 0 || s > 1 {
				t.Errorf("%s: finding share %s = %v", k.Key, code, s)
			}
		}
	}
}
