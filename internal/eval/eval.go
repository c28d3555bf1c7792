// Package eval measures detectors against hand-labelled dev sets. The labels
// live in testdata keyed by session id and message number; the chats they
// refer to are read from the shared data folder at evaluation time.
package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/scan"
)

// Labels is one labelled session (see ../shared/LABELLING.md).
type Labels struct {
	SessionID        string `json:"session_id"`
	AgentPromise     []int  `json:"agent_promise"`
	CustomerNegative []int  `json:"customer_negative"`
	CustomerThreat   []int  `json:"customer_threat"`
	CustomerRepeat   []int  `json:"customer_repeat"`
	AgentRude        []int  `json:"agent_rude"`
	AgentRefuse      []int  `json:"agent_refuse"`
	SceneRefund      bool   `json:"scene_refund"`
	SceneComp        bool   `json:"scene_compensation"`
	SceneLogistics   bool   `json:"scene_logistics"`
	SceneQuality     bool   `json:"scene_quality"`
	Loop             bool   `json:"loop"`
	Unresolved       bool   `json:"unresolved"`
	RepeatContact    bool   `json:"repeat_contact_signal"`
	PromiseConflict  bool   `json:"promise_conflict"`
	// Ending is how the chat ended — resolved, pending or unresolved —
	// where the set was labelled for it (the jd2 rounds); empty otherwise.
	Ending string `json:"ending"`
	// Round names the held-out round of a fresh set (jd2: "A" or "B").
	Round string `json:"round"`
	Note  string `json:"note"`

	// keys are the labels the line gives; a set labelled for one thing
	// only (English promises) is scored on that alone. Nil means all.
	keys map[string]bool
}

// has reports whether the session was labelled for key (a JSON key).
func (l *Labels) has(key string) bool { return l.keys == nil || l.keys[key] }

// LoadLabels reads a labels JSONL file.
func LoadLabels(path string) (map[string]*Labels, error) {
	out := map[string]*Labels{}
	err := forEachJSONL(path, func(raw *json.RawMessage) error {
		l := &Labels{}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(*raw, l); err != nil {
			return err
		}
		if err := json.Unmarshal(*raw, &keys); err != nil {
			return err
		}
		l.keys = map[string]bool{}
		for k := range keys {
			l.keys[k] = true
		}
		out[l.SessionID] = l
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("labels: %w", err)
	}
	return out, nil
}

// Count is a confusion count for one label.
type Count struct {
	Name       string
	TP, FP, FN int
}

// Precision is TP/(TP+FP), or -1 when nothing was predicted.
func (c Count) Precision() float64 {
	if c.TP+c.FP == 0 {
		return -1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is TP/(TP+FN), or -1 when there are no positives.
func (c Count) Recall() float64 {
	if c.TP+c.FN == 0 {
		return -1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 is 2TP/(2TP+FP+FN), or 0 when there is nothing to count.
func (c Count) F1() float64 {
	if c.TP+c.FP+c.FN == 0 {
		return 0
	}
	return 2 * float64(c.TP) / float64(2*c.TP+c.FP+c.FN)
}

// Report is the outcome of one evaluation.
type Report struct {
	Sessions int
	Counts   []Count
	// Errors lists, per label, the disagreements for inspection.
	Errors map[string][]string
}

func (r *Report) count(name string) *Count {
	for i := range r.Counts {
		if r.Counts[i].Name == name {
			return &r.Counts[i]
		}
	}
	r.Counts = append(r.Counts, Count{Name: name})
	return &r.Counts[len(r.Counts)-1]
}

func (r *Report) add(name string, pred, gold bool, where string) {
	if kind := r.count(name).tally(pred, gold); kind != "" {
		r.Errors[name] = append(r.Errors[name], kind+" "+where)
	}
}

// tally counts one prediction against its label and names the mistake
// ("FP" or "FN"), or returns "" when the prediction was right.
func (c *Count) tally(pred, gold bool) string {
	switch {
	case pred && gold:
		c.TP++
	case pred:
		c.FP++
		return "FP"
	case gold:
		c.FN++
		return "FN"
	}
	return ""
}

// messageLabels maps a finding code (or "emotion:negative") to the label
// list it is measured against, per message.
var messageLabels = []struct {
	code, key string
	get       func(*Labels) []int
}{
	{"promise.made", "agent_promise", func(l *Labels) []int { return l.AgentPromise }},
	{"emotion:negative", "customer_negative", func(l *Labels) []int { return l.CustomerNegative }},
	{"emotion.negative", "customer_negative", func(l *Labels) []int { return l.CustomerNegative }},
	{"threat.escalation", "customer_threat", func(l *Labels) []int { return l.CustomerThreat }},
	{"loop.repeat", "customer_repeat", func(l *Labels) []int { return l.CustomerRepeat }},
	{"attitude.rude", "agent_rude", func(l *Labels) []int { return l.AgentRude }},
}

// sessionLabels maps a finding code or "tag:x" to a session label.
var sessionLabels = []struct {
	code, key string
	get       func(*Labels) bool
}{
	{"tag:refund", "scene_refund", func(l *Labels) bool { return l.SceneRefund }},
	{"tag:compensation", "scene_compensation", func(l *Labels) bool { return l.SceneComp }},
	{"tag:logistics", "scene_logistics", func(l *Labels) bool { return l.SceneLogistics }},
	{"tag:quality", "scene_quality", func(l *Labels) bool { return l.SceneQuality }},
	{"sensitive.refund", "scene_refund", func(l *Labels) bool { return l.SceneRefund }},
	{"sensitive.compensation", "scene_compensation", func(l *Labels) bool { return l.SceneComp }},
	{"loop.misunderstanding", "loop", func(l *Labels) bool { return l.Loop }},
	{"resolution.unresolved", "unresolved", func(l *Labels) bool { return l.Unresolved }},
	{"repeat.contact", "repeat_contact_signal", func(l *Labels) bool { return l.RepeatContact }},
	{"promise.conflict", "promise_conflict", func(l *Labels) bool { return l.PromiseConflict }},
}

// Detectors scans the conversations of src with eng and compares with
// labels. Only labels whose code some detector of eng emits are reported.
// On JDDC, which carries JD's own is_repeat flag, the repeat.contact
// detector is also compared with it over every session of the file
// ("repeat.contact vs is_repeat").
func Detectors(ctx context.Context, eng *detect.Engine, src Source, labels map[string]*Labels) (*Report, error) {
	emits := map[string]bool{}
	for _, d := range eng.Detectors() {
		for _, c := range d.Codes() {
			emits[c] = true
		}
	}
	rep := &Report{Errors: map[string][]string{}}
	var opts scan.Options
	opts.Defaults()
	for _, m := range messageLabels {
		if emits[m.code] {
			rep.count(m.code)
		}
	}
	for _, s := range sessionLabels {
		if emits[s.code] {
			rep.count(s.code)
		}
	}
	err := src(func(c *conversation.Conversation) error {
		r := scan.Result{Conv: c}
		scan.Inspect(eng, &r, nil, &opts)
		if r.Err != nil {
			return r.Err
		}
		got := map[string]bool{}
		gotMsg := map[string]map[int]bool{}
		for _, f := range r.Findings {
			got[f.Code] = true
			if len(f.Messages) > 0 {
				if gotMsg[f.Code] == nil {
					gotMsg[f.Code] = map[int]bool{}
				}
				gotMsg[f.Code][f.Messages[0]] = true
			}
		}
		for _, t := range r.Tags {
			got["tag:"+t.Name] = true
		}
		if r.Emotion != nil {
			gotMsg["emotion:negative"] = map[int]bool{}
			for i, e := range r.Emotion {
				if e.Label == detect.EmotionNegative {
					gotMsg["emotion:negative"][i] = true
				}
			}
		}
		if _, jd := c.Meta["is_repeat"]; jd && emits["repeat.contact"] {
			rep.add("repeat.contact vs is_repeat (all sessions)", got["repeat.contact"], c.Meta["is_repeat"] == "1", c.ID)
		}
		l, ok := labels[c.ID]
		if !ok {
			return nil
		}
		rep.Sessions++
		for _, m := range messageLabels {
			if !emits[m.code] && !(m.code == "emotion:negative" && r.Emotion != nil) || !l.has(m.key) {
				continue
			}
			gold := map[int]bool{}
			for _, n := range m.get(l) {
				gold[n] = true
			}
			for n := range c.Messages {
				rep.add(m.code, gotMsg[m.code][n], gold[n], fmt.Sprintf("%s[%d] %s", c.ID, n, clip(c.Messages[n].Text)))
			}
		}
		for _, s := range sessionLabels {
			if !emits[strings.TrimPrefix(s.code, "tag:")] && !emits[s.code] || !l.has(s.key) {
				continue
			}
			rep.add(s.code, got[s.code], s.get(l), c.ID)
		}
		// The three-way ending, each class against the rest, where the
		// labels carry it (jd2) and the engine classifies endings.
		if l.Ending != "" && r.Ending.Label != "" {
			for _, class := range endingClasses {
				rep.add(endingRow+class, r.Ending.Label == class, l.Ending == class, c.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(rep.Counts, func(i, j int) bool { return rep.Counts[i].Name < rep.Counts[j].Name })
	return rep, nil
}

func clip(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// String renders the report as a table, with the ending's three-way
// macro-F1 below it when the labels carry endings.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "labelled sessions: %d\n\n%-44s %5s %5s %5s %9s %7s\n", r.Sessions, "label", "TP", "FP", "FN", "precision", "recall")
	for _, c := range r.Counts {
		fmt.Fprintf(&b, "%-44s %5d %5d %5d %9s %7s\n", c.Name, c.TP, c.FP, c.FN, fmtRatio(c.Precision()), fmtRatio(c.Recall()))
	}
	if f, ok := r.EndingMacroF1(); ok {
		fmt.Fprintf(&b, "\nending, three-way macro-F1: %.3f\n", f)
	}
	return b.String()
}

// endingClasses are the labels of a conversation's ending, and endingRow
// prefixes their rows in a Report.
var endingClasses = [...]string{"resolved", "pending", "unresolved"}

const endingRow = "ending="

// EndingMacroF1 is the mean over the three ending classes of each class's
// F1 against the rest (a class never predicted nor labelled counts 0), the
// figure the README reports for the ending classifier; false when the
// report has no ending rows.
func (r *Report) EndingMacroF1() (float64, bool) {
	var sum float64
	found := false
	for _, class := range endingClasses {
		for _, c := range r.Counts {
			if c.Name != endingRow+class {
				continue
			}
			found = true
			if d := 2*c.TP + c.FP + c.FN; d > 0 {
				sum += 2 * float64(c.TP) / float64(d)
			}
		}
	}
	return sum / float64(len(endingClasses)), found
}

func fmtRatio(v float64) string {
	if v < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}
