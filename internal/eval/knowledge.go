package eval

import (
	"context"
	"fmt"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
)

// ClaimLabel is a reviewer's verdict on one agent statement of fact that
// the knowledge detector read: is the agent, in that message, stating that
// value for that fact (at any scope: the shop, the product, this order)?
// Questions, conditional refusals and misread values are not.
type ClaimLabel struct {
	SessionID string `json:"session_id"`
	Message   int    `json:"message"`
	Key       string `json:"key"`
	Value     string `json:"value"`
	Claim     bool   `json:"claim"`
	Note      string `json:"note"`
}

// Tally counts findings judged right and wrong, and those no label covers.
type Tally struct {
	Name                     string
	Right, Wrong, Unlabelled int
}

// Precision is right ÷ judged (NaN-free: 0 when nothing was judged).
func (t Tally) Precision() float64 {
	if t.Right+t.Wrong == 0 {
		return 0
	}
	return float64(t.Right) / float64(t.Right+t.Wrong)
}

// KnowledgeReport is the knowledge detector measured on labelled chats:
// every claim it reads (run against an empty facts file, where each claim
// is an unknown claim), and its findings against a facts file.
type KnowledgeReport struct {
	Claims, Contradictions, Unknown Tally
	// Errors lists the wrong and unlabelled findings, for --errors.
	Errors []string
}

// Knowledge scores claimsEng (the knowledge detector with empty facts) and
// factsEng (with the facts written for the chats) over src with labels.
func Knowledge(ctx context.Context, claimsEng, factsEng *detect.Engine, src Source, labels []ClaimLabel) (*KnowledgeReport, error) {
	byKey := map[string]ClaimLabel{}
	for _, l := range labels {
		byKey[fmt.Sprintf("%s/%d/%s/%s", l.SessionID, l.Message, l.Key, l.Value)] = l
	}
	rep := &KnowledgeReport{Claims: Tally{Name: "claims read (empty facts)"},
		Contradictions: Tally{Name: "knowledge.contradiction"}, Unknown: Tally{Name: "knowledge.unknown_claim"}}
	var opts scan.Options
	opts.Defaults()
	judge := func(c *conversation.Conversation, eng *detect.Engine, pick func(code string) *Tally) {
		r := scan.Result{Conv: c}
		scan.Inspect(eng, &r, nil, &opts)
		for _, f := range r.Findings {
			t := pick(f.Code)
			if t == nil || len(f.Messages) == 0 {
				continue
			}
			key, _ := f.Data.Get("key").(string)
			val, _ := f.Data.Get("claimed").(string)
			id := fmt.Sprintf("%s/%d/%s/%s", c.ID, f.Messages[0], key, val)
			l, ok := byKey[id]
			where := fmt.Sprintf("%s %s %s", t.Name, id, clip(c.Messages[f.Messages[0]].Text))
			switch {
			case !ok:
				t.Unlabelled++
				rep.Errors = append(rep.Errors, "unlabelled "+where)
			case l.Claim:
				t.Right++
			default:
				t.Wrong++
				rep.Errors = append(rep.Errors, "wrong "+where+" ("+l.Note+")")
			}
		}
	}
	err := src(func(c *conversation.Conversation) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		judge(c, claimsEng, func(code string) *Tally {
			if code == "knowledge.unknown_claim" {
				return &rep.Claims
			}
			return nil
		})
		judge(c, factsEng, func(code string) *Tally {
			switch code {
			case "knowledge.contradiction":
				return &rep.Contradictions
			case "knowledge.unknown_claim":
				return &rep.Unknown
			}
			return nil
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// LoadClaimLabels reads a claim labels file (JSON Lines).
func LoadClaimLabels(path string) ([]ClaimLabel, error) {
	var out []ClaimLabel
	err := forEachJSONL(path, func(l *ClaimLabel) error {
		out = append(out, *l)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim labels: %w", err)
	}
	return out, nil
}

// String renders the report.
func (r *KnowledgeReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %6s %6s %10s %10s\n", "", "right", "wrong", "unlabelled", "precision")
	for _, t := range []Tally{r.Claims, r.Contradictions, r.Unknown} {
		fmt.Fprintf(&b, "%-32s %6d %6d %10d %10s\n", t.Name, t.Right, t.Wrong, t.Unlabelled, fmtRatio(t.Precision()))
	}
	return b.String()
}
