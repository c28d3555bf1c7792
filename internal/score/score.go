// Package score turns findings into what a merchant manages by: a score per
// conversation and the per-conversation KPI inputs that reports aggregate.
package score

import (
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
)

// Deduction is points taken off a conversation's score for one finding.
type Deduction struct {
	Finding int    `json:"finding"` // index into the result's findings
	Code    string `json:"code"`
	Points  int    `json:"points"`
}

// severityPoints is the default scorecard until one is configured: a
// conversation starts at 100 and loses points per finding by severity.
var severityPoints = [...]int{
	conversation.SeverityInfo:     0,
	conversation.SeverityLow:      2,
	conversation.SeverityMedium:   5,
	conversation.SeverityHigh:     15,
	conversation.SeverityCritical: 40,
}

// Conversation scores a conversation from its findings, 0..100, and lists
// the deductions so every point lost points at its evidence.
func Conversation(findings []conversation.Finding) (int, []Deduction) {
	s := 100
	var ds []Deduction
	for i, f := range findings {
		p := 0
		if int(f.Severity) < len(severityPoints) {
			p = severityPoints[f.Severity]
		}
		if p == 0 {
			continue
		}
		ds = append(ds, Deduction{Finding: i, Code: f.Code, Points: p})
		s -= p
	}
	if s < 0 {
		s = 0
	}
	return s, ds
}

// KPI holds one conversation's inputs to the platform KPIs. Times are in
// seconds; pointers are nil when the conversation has no timestamps or no
// such event, so aggregates can exclude rather than guess.
type KPI struct {
	FirstResponseS *float64 `json:"first_response_s,omitempty"`
	MeanResponseS  *float64 `json:"mean_response_s,omitempty"`
	Rounds         int      `json:"rounds"`
	Unanswered     int      `json:"unanswered_rounds"`
	SlowRounds     int      `json:"slow_rounds,omitempty"`
	CustomerMsgs   int      `json:"customer_messages"`
	AgentMsgs      int      `json:"agent_messages"`
	BotMsgs        int      `json:"bot_messages,omitempty"`
	DurationS      *float64 `json:"duration_s,omitempty"`
}

// ConversationKPI computes the KPI inputs. slow is the 3-minute rule.
func ConversationKPI(c *conversation.Conversation, slow time.Duration) KPI {
	var k KPI
	for i := range c.Messages {
		switch c.Messages[i].Role {
		case conversation.RoleCustomer:
			k.CustomerMsgs++
		case conversation.RoleAgent:
			k.AgentMsgs++
		case conversation.RoleBot:
			k.BotMsgs++
		}
	}
	rounds := detect.Rounds(c)
	k.Rounds = len(rounds)
	var sum time.Duration
	n := 0
	for _, r := range rounds {
		if !r.Answered() {
			k.Unanswered++
			continue
		}
		if !r.HasTimes {
			continue
		}
		if k.FirstResponseS == nil {
			v := r.Wait.Seconds()
			k.FirstResponseS = &v
		}
		if r.Wait > slow {
			k.SlowRounds++
		}
		sum += r.Wait
		n++
	}
	if n > 0 {
		v := (sum / time.Duration(n)).Seconds()
		k.MeanResponseS = &v
	}
	if len(c.Messages) > 1 {
		a, b := c.Messages[0].At, c.Messages[len(c.Messages)-1].At
		if !a.IsZero() && !b.IsZero() {
			v := b.Sub(a).Seconds()
			k.DurationS = &v
		}
	}
	return k
}
