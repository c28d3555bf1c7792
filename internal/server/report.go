package server

import (
	"encoding/json"
	"fmt"
	"net/http"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/report"
	"fullqa/internal/scan"
	"fullqa/internal/score"
	"fullqa/internal/store"
)

// storedResult is the part of a stored scan output line the report needs.
type storedResult struct {
	Score       int                  `json:"score"`
	Findings    []report.JSONFinding `json:"findings"`
	TagEvidence []struct {
		Name     string `json:"name"`
		Messages []int  `json:"messages"`
	} `json:"tag_evidence"`
	Deductions []score.Deduction `json:"deductions"`
	Messages   []struct {
		Emotion      string   `json:"emotion"`
		EmotionScore *float64 `json:"emotion_score"`
	} `json:"messages"`
}

// resultOf rebuilds the scan.Result of a stored conversation from its
// stored scan output, for the report aggregation (internal/report), so the
// report over the store is the one `fullqa report --format json` makes of
// the same conversations. The KPI inputs are recomputed from the
// conversation exactly as scan.Inspect computes them (they carry per-round
// detail the scan output does not).
func (s *Server) resultOf(c *store.Conversation, sr *store.Result) (*scan.Result, error) {
	conv, err := store.DecodeConversation(c.Doc)
	if err != nil {
		return nil, err
	}
	var doc storedResult
	if err := json.Unmarshal(sr.Doc, &doc); err != nil {
		return nil, fmt.Errorf("result of %q: %w", c.ID, err)
	}
	r := &scan.Result{Conv: conv, Score: sr.Score, Fatal: sr.Fatal, Deductions: doc.Deductions}
	for i := range doc.Findings {
		r.Findings = append(r.Findings, doc.Findings[i].Finding())
	}
	for _, t := range doc.TagEvidence {
		r.Tags = append(r.Tags, conversation.Tag{Name: t.Name, Messages: t.Messages})
	}
	if len(doc.Messages) == len(conv.Messages) {
		for i, m := range doc.Messages {
			if m.Emotion == "" {
				continue
			}
			if r.Emotion == nil {
				r.Emotion = make([]detect.MessageEmotion, len(conv.Messages))
			}
			r.Emotion[i].Label = m.Emotion
			if m.EmotionScore != nil {
				r.Emotion[i].Score = float32(*m.EmotionScore)
			}
		}
	}
	var excused func(int) bool
	if s.o.Engine.Has("response") {
		excused = func(first int) bool { return !startsFinding(r.Findings, "response.missed", first) }
	}
	r.KPI = score.ConversationKPIOf(conv, detect.Rounds(conv), s.o.Scan.Score.KPI, s.o.Scan.Location, excused)
	return r, nil
}

// startsFinding reports whether a finding with code starts at message n.
func startsFinding(fs []conversation.Finding, code string, n int) bool {
	for i := range fs {
		if fs[i].Code == code && len(fs[i].Messages) > 0 && fs[i].Messages[0] == n {
			return true
		}
	}
	return false
}

// getReport answers the fullqa.kpi/v1 document (README "Scores and KPIs")
// over the stored, inspected conversations: from and to are days in the
// configured time zone (inclusive), vendor and shop filter; a vendor user
// gets its own vendor's figures only.
func (s *Server) getReport(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	q := r.URL.Query()
	f := store.ResultFilter{Scope: u.Scope(), Vendor: q.Get("vendor"), Shop: q.Get("shop")}
	var err error
	if f.From, err = s.parseTime(q.Get("from"), false); err != nil {
		writeError(w, http.StatusBadRequest, "from: "+err.Error())
		return
	}
	if f.To, err = s.parseTime(q.Get("to"), true); err != nil {
		writeError(w, http.StatusBadRequest, "to: "+err.Error())
		return
	}
	b := report.NewBuilder(s.o.Scan.Score, 0, false)
	var cross crossCounter
	n := 0
	err = s.st.EachResult(r.Context(), f, func(c *store.Conversation, sr *store.Result) error {
		res, err := s.resultOf(c, sr)
		if err != nil {
			return err
		}
		b.Add(res)
		cross.add(res)
		n++
		return nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep := b.Finish("fullqa", s.o.Config.Timezone, s.now())
	if rep.Cross, err = cross.finish(r.Context(), s, f); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "report.read", r.URL.RawQuery, fmt.Sprintf("%d conversations", n))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := report.WriteJSON(w, rep); err != nil {
		s.log.Error("write report", "err", err)
	}
}
