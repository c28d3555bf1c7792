package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"fullqa/internal/conversation"
	"fullqa/internal/report"
	"fullqa/internal/store"
)

// overturned is a finding an accepted dispute took out of a result, kept
// in the stored scan output beside the findings that still count.
type overturned struct {
	Code     string `json:"code"`
	Messages []int  `json:"messages"`
	Evidence string `json:"evidence"`
	Dispute  int64  `json:"dispute"`
}

// rescore takes an accepted dispute's finding out of a stored scan output
// and scores the rest with the configured scorecard, as scan would have
// without that finding: score, fatal and deductions are recomputed (a
// cap or a once-only item may now fall on another finding), the finding
// moves to "overturned". The report over the store reads findings,
// deductions and score from this document, so the KPIs (finding shares,
// mean score, fatal count) no longer count it either.
func (s *Server) rescore(doc []byte, d *store.Dispute) (store.Rescored, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(doc, &raw); err != nil {
		return store.Rescored{}, fmt.Errorf("scan output: %w", err)
	}
	var fs []report.JSONFinding
	if err := json.Unmarshal(raw["findings"], &fs); err != nil {
		return store.Rescored{}, fmt.Errorf("scan output findings: %w", err)
	}
	var gone []overturned
	if b, ok := raw["overturned"]; ok {
		if err := json.Unmarshal(b, &gone); err != nil {
			return store.Rescored{}, fmt.Errorf("scan output overturned: %w", err)
		}
	}
	k := slices.IndexFunc(fs, func(f report.JSONFinding) bool {
		return f.Code == d.Code && f.Evidence == d.Evidence && slices.Equal(f.Messages, d.Messages)
	})
	if k < 0 {
		return store.Rescored{}, fmt.Errorf("the disputed finding is no longer in the conversation's result (re-inspected since?): %w", store.ErrConflict)
	}
	fs = slices.Delete(fs, k, k+1)
	gone = append(gone, overturned{Code: d.Code, Messages: d.Messages, Evidence: d.Evidence, Dispute: d.ID})
	cf := make([]conversation.Finding, len(fs))
	for i := range fs {
		cf[i] = fs[i].Finding()
	}
	sc, deds, fatal := s.o.Scan.ScoreOf(cf)
	set := func(key string, v any) error {
		b, err := json.Marshal(v)
		raw[key] = b
		return err
	}
	if fs == nil {
		fs = []report.JSONFinding{}
	}
	err := errors.Join(set("findings", fs), set("score", sc), set("overturned", gone))
	if len(deds) > 0 {
		err = errors.Join(err, set("deductions", deds))
	} else {
		delete(raw, "deductions")
	}
	if err != nil {
		return store.Rescored{}, err
	}
	out, err := json.Marshal(raw)
	if err != nil {
		return store.Rescored{}, err
	}
	return store.Rescored{Score: sc, Fatal: fatal, Doc: out}, nil
}
