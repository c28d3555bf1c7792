package server

import (
	"context"
	"net/http"
	"sort"

	"fullqa/internal/store"
)

// precision is what reviewers said of one code's findings: verdicts by
// kind, how many distinct findings they looked at, and the live precision
// (correct over correct plus wrong; unsure verdicts are left out).
type precision struct {
	Code                           string
	Correct, Wrong, Unsure, Missed int
	Reviewed                       int // distinct findings with a verdict
	Total                          int // findings of the code in the store
	// Calibration: findings judged by two or more reviewers, and the
	// share of reviewer pairs on them who gave the same verdict.
	Multi, Pairs, Agree int
}

// Share is the live precision, -1 when nothing decisive was said.
func (p precision) Share() float64 {
	if p.Correct+p.Wrong == 0 {
		return -1
	}
	return float64(p.Correct) / float64(p.Correct+p.Wrong)
}

// Agreement is the pairwise agreement, -1 without double-reviewed findings.
func (p precision) Agreement() float64 {
	if p.Pairs == 0 {
		return -1
	}
	return float64(p.Agree) / float64(p.Pairs)
}

// Coverage is the share of the code's findings reviewed.
func (p precision) Coverage() float64 {
	if p.Total == 0 {
		return -1
	}
	return float64(p.Reviewed) / float64(p.Total)
}

// precisions sums every verdict per code.
func (s *Server) precisions(ctx context.Context) (map[string]precision, error) {
	vs, err := s.st.ListVerdicts(ctx, store.VerdictFilter{})
	if err != nil {
		return nil, err
	}
	out := map[string]precision{}
	byFinding := map[int64][]store.Verdict{}
	for _, v := range vs {
		p := out[v.Code]
		p.Code = v.Code
		switch v.Verdict {
		case store.VerdictCorrect:
			p.Correct++
		case store.VerdictWrong:
			p.Wrong++
		case store.VerdictUnsure:
			p.Unsure++
		case store.VerdictMissed:
			p.Missed++
		}
		out[v.Code] = p
		if v.FindingID > 0 {
			byFinding[v.FindingID] = append(byFinding[v.FindingID], v)
		}
	}
	for _, fv := range byFinding {
		p := out[fv[0].Code]
		p.Reviewed++
		if len(fv) > 1 {
			p.Multi++
			for i := range fv {
				for j := i + 1; j < len(fv); j++ {
					p.Pairs++
					if fv[i].Verdict == fv[j].Verdict {
						p.Agree++
					}
				}
			}
		}
		out[fv[0].Code] = p
	}
	if len(out) > 0 {
		counts, err := s.st.FindingCounts(ctx, "")
		if err != nil {
			return nil, err
		}
		for code, p := range out {
			p.Total = counts[code]
			out[code] = p
		}
	}
	return out, nil
}

// calibrationView is the calibration page.
type calibrationView struct {
	Codes     []precision
	Reviewers []reviewerRow
}

// reviewerRow is one reviewer's verdict counts.
type reviewerRow struct {
	Name                           string
	Correct, Wrong, Unsure, Missed int
}

// getCalibration shows, per code, the live precision reviewers give the
// detectors and how often reviewers agree on the same findings.
func (s *Server) getCalibration(w http.ResponseWriter, r *http.Request) {
	if !s.requireQA(w, r) {
		return
	}
	ps, err := s.precisions(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	v := &calibrationView{}
	for _, p := range ps {
		v.Codes = append(v.Codes, p)
	}
	sort.Slice(v.Codes, func(i, j int) bool { return v.Codes[i].Code < v.Codes[j].Code })
	vs, err := s.st.ListVerdicts(r.Context(), store.VerdictFilter{})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	rows := map[string]*reviewerRow{}
	for _, vd := range vs {
		rr := rows[vd.Reviewer]
		if rr == nil {
			rr = &reviewerRow{Name: vd.Reviewer}
			rows[vd.Reviewer] = rr
		}
		switch vd.Verdict {
		case store.VerdictCorrect:
			rr.Correct++
		case store.VerdictWrong:
			rr.Wrong++
		case store.VerdictUnsure:
			rr.Unsure++
		case store.VerdictMissed:
			rr.Missed++
		}
	}
	for _, rr := range rows {
		v.Reviewers = append(v.Reviewers, *rr)
	}
	sort.Slice(v.Reviewers, func(i, j int) bool { return v.Reviewers[i].Name < v.Reviewers[j].Name })
	s.audit(r, "calibration.view", "", "")
	s.render(w, r, http.StatusOK, "calibration", "calibration", v)
}
