package eval

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"fullqa/internal/detect"
)

// Roles maps a session id to the roles of its messages in file order, one
// byte a message: 'C' for the customer, 'A' for the agent. Per-message
// agreement needs the number of messages each reviewer could have labelled
// (the true negatives of Cohen's kappa); the roles files in testdata carry
// that for the second reviewer's share, so agreement is computed from the
// committed files alone, without the chats.
type Roles map[string]string

// LoadRoles reads a roles JSONL file: one {"session_id": …, "roles": "CACA…"}
// a line. A role other than C or A, or a session given twice, is an error
// naming the file and the entry.
func LoadRoles(path string) (Roles, error) {
	type line struct {
		SessionID string `json:"session_id"`
		Roles     string `json:"roles"`
	}
	out := Roles{}
	n := 0
	err := forEachJSONL(path, func(l *line) error {
		n++
		if l.SessionID == "" {
			return fmt.Errorf("%s: entry %d: session_id missing", path, n)
		}
		if strings.Trim(l.Roles, "CA") != "" {
			return fmt.Errorf("%s: session %q: roles %q: want only C (customer) and A (agent)", path, l.SessionID, l.Roles)
		}
		if _, dup := out[l.SessionID]; dup {
			return fmt.Errorf("%s: entry %d: session %q has roles twice", path, n, l.SessionID)
		}
		out[l.SessionID] = l.Roles
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return out, nil
}

// AgreementRow is the agreement of two reviewers on one label key.
type AgreementRow struct {
	Key string
	// Units is what was compared: messages of the key's role (message
	// keys) or sessions (session keys).
	Units int
	// First and Second count each reviewer's positives; Both the units
	// both marked.
	First, Second, Both int
}

// Observed is the share of units the two reviewers agree on.
func (r AgreementRow) Observed() float64 {
	if r.Units == 0 {
		return math.NaN()
	}
	return float64(r.Units-r.First-r.Second+2*r.Both) / float64(r.Units)
}

// Kappa is Cohen's kappa: agreement beyond what the reviewers' own rates
// of marking would give by chance. NaN when chance agreement is already
// total (both marked nothing, or everything), where kappa is undefined.
func (r AgreementRow) Kappa() float64 {
	if r.Units == 0 {
		return math.NaN()
	}
	n := float64(r.Units)
	pa, pb := float64(r.First)/n, float64(r.Second)/n
	pe := pa*pb + (1-pa)*(1-pb)
	if pe >= 1 {
		return math.NaN()
	}
	return (r.Observed() - pe) / (1 - pe)
}

// F1 is the F1 score of one reviewer against the other (symmetric:
// 2·both / (first + second)); NaN when neither marked anything.
func (r AgreementRow) F1() float64 {
	if r.First+r.Second == 0 {
		return math.NaN()
	}
	return 2 * float64(r.Both) / float64(r.First+r.Second)
}

// Disagreement is one unit the reviewers read differently.
type Disagreement struct {
	Key     string
	Session string
	// Message is the message number, or -1 for a session key.
	Message int
	// FirstSays is what the first reviewer marked (the second marked the
	// opposite).
	FirstSays bool
}

// Agreement is the comparison of a second reviewer's labels with the first
// over the sessions the second labelled.
type Agreement struct {
	Sessions      int
	Messages      []AgreementRow
	SessionRows   []AgreementRow
	Disagreements []Disagreement
}

// agreementMessageKeys are the per-message label keys and the role of the
// messages each can mark.
var agreementMessageKeys = []struct {
	key  string
	role byte
	get  func(*Labels) []int
}{
	{"agent_promise", 'A', func(l *Labels) []int { return l.AgentPromise }},
	{"customer_negative", 'C', func(l *Labels) []int { return l.CustomerNegative }},
	{"customer_threat", 'C', func(l *Labels) []int { return l.CustomerThreat }},
	{"customer_repeat", 'C', func(l *Labels) []int { return l.CustomerRepeat }},
	{"agent_rude", 'A', func(l *Labels) []int { return l.AgentRude }},
	{"agent_refuse", 'A', func(l *Labels) []int { return l.AgentRefuse }},
}

// CompareReviewers measures how far second agrees with first, per key, over
// every session second labelled; each must also be in first and roles. A
// labelled message number outside the session or of the wrong role is an
// error: it would silently drop out of the count otherwise.
func CompareReviewers(first, second map[string]*Labels, roles Roles) (*Agreement, error) {
	ids := make([]string, 0, len(second))
	for id := range second {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	ag := &Agreement{Sessions: len(ids)}
	endings := detect.EndingClasses()
	msg := make([]AgreementRow, len(agreementMessageKeys))
	for i, m := range agreementMessageKeys {
		msg[i].Key = m.key
	}
	// sessionLabels lists some keys twice (a tag and its sensitive
	// code); each key is one row.
	seenKey := map[string]int{}
	for _, s := range sessionLabels {
		if _, dup := seenKey[s.key]; !dup {
			seenKey[s.key] = len(ag.SessionRows)
			ag.SessionRows = append(ag.SessionRows, AgreementRow{Key: s.key})
		}
	}
	for _, id := range ids {
		a, b := first[id], second[id]
		if a == nil {
			return nil, fmt.Errorf("agreement: session %q of the second labels is not in the first", id)
		}
		rs, ok := roles[id]
		if !ok {
			return nil, fmt.Errorf("agreement: session %q has no roles line", id)
		}
		for i, m := range agreementMessageKeys {
			if !a.has(m.key) || !b.has(m.key) {
				continue
			}
			fa, err := marks(id, m.key, m.get(a), rs, m.role, "first")
			if err != nil {
				return nil, err
			}
			fb, err := marks(id, m.key, m.get(b), rs, m.role, "second")
			if err != nil {
				return nil, err
			}
			for k := 0; k < len(rs); k++ {
				if rs[k] != m.role {
					continue
				}
				msg[i].add(fa[k], fb[k])
				if fa[k] != fb[k] {
					ag.Disagreements = append(ag.Disagreements, Disagreement{m.key, id, k, fa[k]})
				}
			}
		}
		if a.Ending != "" && b.Ending != "" {
			// Each class of the three-way ending label is compared one
			// against the rest, like a session label.
			for _, e := range endings {
				key := "ending=" + e
				r, ok := seenKey[key]
				if !ok {
					r = len(ag.SessionRows)
					seenKey[key] = r
					ag.SessionRows = append(ag.SessionRows, AgreementRow{Key: key})
				}
				va, vb := a.Ending == e, b.Ending == e
				ag.SessionRows[r].add(va, vb)
				if va != vb {
					ag.Disagreements = append(ag.Disagreements, Disagreement{key, id, -1, va})
				}
			}
		}
		done := map[string]bool{}
		for _, s := range sessionLabels {
			if done[s.key] || !a.has(s.key) || !b.has(s.key) {
				continue
			}
			done[s.key] = true
			va, vb := s.get(a), s.get(b)
			ag.SessionRows[seenKey[s.key]].add(va, vb)
			if va != vb {
				ag.Disagreements = append(ag.Disagreements, Disagreement{s.key, id, -1, va})
			}
		}
	}
	ag.Messages = msg
	return ag, nil
}

// add counts one unit.
func (r *AgreementRow) add(a, b bool) {
	r.Units++
	if a {
		r.First++
	}
	if b {
		r.Second++
	}
	if a && b {
		r.Both++
	}
}

// marks turns a list of message numbers into a set, checking each against
// the session's roles.
func marks(id, key string, list []int, roles string, role byte, who string) (map[int]bool, error) {
	out := make(map[int]bool, len(list))
	for _, k := range list {
		if k < 0 || k >= len(roles) {
			return nil, fmt.Errorf("agreement: %s labels: session %q: %s: message %d out of range (0–%d)", who, id, key, k, len(roles)-1)
		}
		if roles[k] != role {
			return nil, fmt.Errorf("agreement: %s labels: session %q: %s: message %d has role %c, want %c", who, id, key, k, roles[k], role)
		}
		out[k] = true
	}
	return out, nil
}

// String renders the agreement as two tables: per-message keys (kappa and
// F1 over the messages of the key's role) and per-session booleans.
func (ag *Agreement) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sessions labelled by both reviewers: %d\n\n", ag.Sessions)
	head := "%-22s %8s %7s %7s %6s %7s %7s %7s\n"
	row := "%-22s %8d %7d %7d %6d %7s %7s %7s\n"
	fmt.Fprintf(&b, head, "message label", "messages", "first", "second", "both", "agree", "kappa", "F1")
	for _, r := range ag.Messages {
		fmt.Fprintf(&b, row, r.Key, r.Units, r.First, r.Second, r.Both, fmtNaN(r.Observed()), fmtNaN(r.Kappa()), fmtNaN(r.F1()))
	}
	fmt.Fprintf(&b, "\n"+head, "session label", "sessions", "first", "second", "both", "agree", "kappa", "F1")
	for _, r := range ag.SessionRows {
		fmt.Fprintf(&b, row, r.Key, r.Units, r.First, r.Second, r.Both, fmtNaN(r.Observed()), fmtNaN(r.Kappa()), fmtNaN(r.F1()))
	}
	return b.String()
}

func fmtNaN(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}
