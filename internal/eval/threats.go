package eval

import (
	"context"
	"fmt"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
)

// ThreatLabel is one labelled candidate of testdata/threat_candidates.jsonl:
// a customer message containing a threat-like word, marked by reading
// whether it really threatens escalation.
type ThreatLabel struct {
	Source    string `json:"source"` // "jddc" or "uss"
	SessionID string `json:"session_id"`
	Message   int    `json:"message"`
	Threat    bool   `json:"threat"`
	Note      string `json:"note"`
}

// ThreatReport measures threat.escalation on the labelled candidates:
// every customer message of both sources with a threat-like word was read
// and labelled, so precision and recall are over those; findings on other
// messages are counted apart (Outside), as they were never labelled.
type ThreatReport struct {
	Count      Count
	Candidates int
	Outside    []string // findings on messages that are not candidates
	Errors     []string
}

// Threats scans the JDDC chats (jddcPath, the chat TSV) and the USS
// dialogues (ussPath, JSON Lines) with eng and compares threat.escalation
// with the candidate labels.
func Threats(ctx context.Context, eng *detect.Engine, jddcPath, ussPath, labelsPath string) (*ThreatReport, error) {
	labels := map[string]bool{}
	err := forEachJSONL(labelsPath, func(l *ThreatLabel) error {
		labels[fmt.Sprintf("%s/%s/%d", l.Source, l.SessionID, l.Message)] = l.Threat
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("threat labels: %w", err)
	}
	rep := &ThreatReport{Count: Count{Name: "threat.escalation (labelled candidates)"}, Candidates: len(labels)}
	var opts scan.Options
	opts.Defaults()
	// check returns the callback that compares one source's conversations.
	check := func(source string) func(*conversation.Conversation) error {
		return func(c *conversation.Conversation) error {
			r := scan.Result{Conv: c}
			scan.Inspect(eng, &r, nil, &opts)
			if r.Err != nil {
				return r.Err
			}
			fired := map[int]bool{}
			for _, f := range r.Findings {
				if f.Code == "threat.escalation" && len(f.Messages) > 0 {
					fired[f.Messages[0]] = true
				}
			}
			for n := range c.Messages {
				key := fmt.Sprintf("%s/%s/%d", source, c.ID, n)
				gold, labelled := labels[key]
				where := key + " " + clip(c.Messages[n].Text)
				switch {
				case labelled:
					if kind := rep.Count.tally(fired[n], gold); kind != "" {
						rep.Errors = append(rep.Errors, kind+" "+where)
					}
				case fired[n]:
					rep.Outside = append(rep.Outside, where)
				}
			}
			return nil
		}
	}
	if err := JDDC(jddcPath)(check("jddc")); err != nil {
		return nil, err
	}
	if err := USS(ussPath)(check("uss")); err != nil {
		return nil, err
	}
	return rep, nil
}

// String renders the report.
func (r *ThreatReport) String() string {
	var b strings.Builder
	c := r.Count
	fmt.Fprintf(&b, "labelled threat candidates: %d\n%-44s %5d %5d %5d %9s %7s\n", r.Candidates, c.Name, c.TP, c.FP, c.FN, fmtRatio(c.Precision()), fmtRatio(c.Recall()))
	fmt.Fprintf(&b, "findings on messages that are not candidates: %d\n", len(r.Outside))
	for _, o := range r.Outside {
		fmt.Fprintln(&b, "  "+o)
	}
	return b.String()
}
