// Package report writes scan results: JSON Lines (the DESIGN.md scan
// output, for other tools), and text and HTML summaries for people.
package report

import (
	"bufio"
	"encoding/json"
	"io"

	"fullqa/internal/conversation"
	"fullqa/internal/scan"
	"fullqa/internal/score"
)

// JSONFinding is a finding as written in scan output; the service reads
// stored output lines back with it.
type JSONFinding struct {
	Code     string            `json:"code"`
	Severity string            `json:"severity"`
	Messages []int             `json:"messages"`
	Evidence string            `json:"evidence"`
	Detail   string            `json:"detail,omitempty"`
	Data     conversation.Data `json:"data,omitempty"`
}

// Finding is f as the detectors gave it, read back from scan output (an
// unknown severity reads as the zero one, as ParseSeverity gives it).
func (f *JSONFinding) Finding() conversation.Finding {
	sev, _ := conversation.ParseSeverity(f.Severity)
	return conversation.Finding{Code: f.Code, Severity: sev, Messages: f.Messages, Evidence: f.Evidence, Detail: f.Detail, Data: f.Data}
}

type jsonMessage struct {
	N            int               `json:"n"`
	Emotion      string            `json:"emotion,omitempty"`
	EmotionScore *float64          `json:"emotion_score,omitempty"`
	Satisfaction *jsonSatisfaction `json:"satisfaction,omitempty"`
}

// jsonEnding is the learned classifier's reading of how the conversation
// ended (DESIGN.md: ending).
type jsonEnding struct {
	Label string  `json:"label"`
	P     float64 `json:"p"`
}

// jsonSatisfaction is the model's own per-turn satisfaction estimate.
type jsonSatisfaction struct {
	Label string  `json:"label"`
	P     float64 `json:"p"`
}

type jsonTag struct {
	Name     string `json:"name"`
	Messages []int  `json:"messages"`
}

// JSONResult is one line of scan output (DESIGN.md "Scan output").
// TagEvidence extends the contract with each tag's messages.
type JSONResult struct {
	ID          string            `json:"id"`
	Score       int               `json:"score"`
	Tags        []string          `json:"tags"`
	TagEvidence []jsonTag         `json:"tag_evidence,omitempty"`
	Findings    []JSONFinding     `json:"findings"`
	Deductions  []score.Deduction `json:"deductions,omitempty"`
	Ending      *jsonEnding       `json:"ending,omitempty"`
	Messages    []jsonMessage     `json:"messages"`
	KPI         score.KPI         `json:"kpi"`
}

// NewJSONResult converts a scan result to its output form.
func NewJSONResult(r *scan.Result) JSONResult {
	out := JSONResult{ID: r.Conv.ID, Score: r.Score, Tags: []string{}, Findings: []JSONFinding{},
		Deductions: r.Deductions, KPI: r.KPI, Messages: make([]jsonMessage, len(r.Conv.Messages))}
	if r.Ending.Label != "" {
		out.Ending = &jsonEnding{Label: r.Ending.Label, P: roundScore(r.Ending.P)}
	}
	for _, t := range r.Tags {
		out.Tags = append(out.Tags, t.Name)
		out.TagEvidence = append(out.TagEvidence, jsonTag{Name: t.Name, Messages: t.Messages})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, JSONFinding{Code: f.Code, Severity: f.Severity.String(),
			Messages: f.Messages, Evidence: f.Evidence, Detail: f.Detail, Data: f.Data})
	}
	for i := range out.Messages {
		out.Messages[i].N = i
		if r.Emotion != nil && r.Conv.Messages[i].Role == conversation.RoleCustomer && r.Emotion[i].Label != "" {
			out.Messages[i].Emotion = r.Emotion[i].Label
			s := float64(int(r.Emotion[i].Score*1000+0.5)) / 1000
			out.Messages[i].EmotionScore = &s
		}
		if r.Emotion != nil && r.Conv.Messages[i].Role == conversation.RoleCustomer && r.Emotion[i].Satisfaction != "" {
			out.Messages[i].Satisfaction = &jsonSatisfaction{Label: r.Emotion[i].Satisfaction, P: roundScore(r.Emotion[i].SatisfactionP)}
		}
	}
	return out
}

// JSONL writes one result a line.
type JSONL struct {
	w   *bufio.Writer
	enc *json.Encoder
}

// NewJSONL returns a writer of scan output to w.
func NewJSONL(w io.Writer) *JSONL {
	bw := bufio.NewWriterSize(w, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &JSONL{w: bw, enc: enc}
}

// Write writes one result; bad records are skipped (they go to rejects).
// A result already encoded by AppendJSONResult on a worker
// (scan.Options.Encode) is written as is.
func (j *JSONL) Write(r *scan.Result) error {
	if r.Err != nil {
		return nil
	}
	if r.Encoded != nil {
		_, err := j.w.Write(r.Encoded)
		return err
	}
	return j.enc.Encode(NewJSONResult(r))
}

// Flush writes out the buffered results, so a reader of a pipe sees the
// results of the conversations read so far.
func (j *JSONL) Flush() error { return j.w.Flush() }

// Close flushes the output.
func (j *JSONL) Close() error { return j.w.Flush() }
