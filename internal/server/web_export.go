package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"fullqa/internal/store"
)

// labelKeys maps finding codes to the LABELLING.md keys of the dev-set
// label files (internal/eval/testdata): message-level keys list the first
// message of each finding, session-level keys are true or false.
func labelKeys() (msgKeys, sessionKeys map[string]string) {
	return map[string]string{
			"promise.made": "agent_promise", "emotion.negative": "customer_negative", "threat.escalation": "customer_threat",
			"loop.repeat": "customer_repeat", "attitude.rude": "agent_rude",
		}, map[string]string{
			"loop.misunderstanding": "loop", "resolution.unresolved": "unresolved", "repeat.contact": "repeat_contact_signal",
			"promise.conflict": "promise_conflict",
		}
}

// labelsOf turns the verdicts on one conversation into a label line. Per
// finding the reviewers' majority decides (a tie or a majority of
// "unsure" leaves it undecided); findings the reviewers added count as
// positives. A key whose code has an undecided finding is left out of the
// line, which the evaluation reads as "not labelled" (LABELLING.md: when
// unsure, leave it out); the other mapped keys are all given, because the
// reviewer read the whole conversation and added what the detectors
// missed.
func labelsOf(conv string, vs []store.Verdict) map[string]any {
	msgKeys, sessKeys := labelKeys()
	type tally struct {
		code  string
		first int
		votes map[string]int
	}
	findings := map[int64]*tally{}
	pos := map[string]map[int]bool{} // code → first messages judged true
	undecided := map[string]bool{}
	for _, v := range vs {
		first := -1
		if len(v.Messages) > 0 {
			first = v.Messages[0]
		}
		if v.Verdict == store.VerdictMissed {
			if pos[v.Code] == nil {
				pos[v.Code] = map[int]bool{}
			}
			pos[v.Code][first] = true
			continue
		}
		t := findings[v.FindingID]
		if t == nil {
			t = &tally{code: v.Code, first: first, votes: map[string]int{}}
			findings[v.FindingID] = t
		}
		t.votes[v.Verdict]++
	}
	for _, t := range findings {
		c, w := t.votes[store.VerdictCorrect], t.votes[store.VerdictWrong]
		switch {
		case c > w && c > t.votes[store.VerdictUnsure]:
			if pos[t.code] == nil {
				pos[t.code] = map[int]bool{}
			}
			pos[t.code][t.first] = true
		case w > c && w > t.votes[store.VerdictUnsure]:
		default:
			undecided[t.code] = true
		}
	}
	line := map[string]any{"session_id": conv, "note": "fullqa dashboard review"}
	for code, key := range msgKeys {
		if undecided[code] {
			continue
		}
		ns := []int{}
		for n := range pos[code] {
			if n >= 0 {
				ns = append(ns, n)
			}
		}
		sort.Ints(ns)
		line[key] = ns
	}
	for code, key := range sessKeys {
		if !undecided[code] {
			line[key] = len(pos[code]) > 0
		}
	}
	return line
}

// getLabelsExport writes every reviewed conversation's verdicts (and each
// conversation a reviewer finished without any) as labels
// in the internal/eval/testdata format (JSON Lines, one conversation a
// line, keys as in LABELLING.md), for `fullqa eval` to score the
// detectors against the reviewers.
func (s *Server) getLabelsExport(w http.ResponseWriter, r *http.Request) {
	if !s.requireQA(w, r) {
		return
	}
	vs, err := s.st.ListVerdicts(r.Context(), store.VerdictFilter{})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	byConv := map[string][]store.Verdict{}
	var order []string
	for _, v := range vs {
		if byConv[v.ConversationID] == nil {
			order = append(order, v.ConversationID)
		}
		byConv[v.ConversationID] = append(byConv[v.ConversationID], v)
	}
	// A conversation a reviewer finished without a verdict had nothing
	// to find: it is labelled too, every key empty or false.
	as, err := s.st.ListAssignments(r.Context(), "")
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	for _, a := range as {
		if _, ok := byConv[a.ConversationID]; !ok && !a.DoneAt.IsZero() {
			byConv[a.ConversationID] = []store.Verdict{}
			order = append(order, a.ConversationID)
		}
	}
	sort.Strings(order)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, id := range order {
		if err := enc.Encode(labelsOf(id, byConv[id])); err != nil {
			s.failPage(w, r, err)
			return
		}
	}
	s.audit(r, "labels.export", "", strconv.Itoa(len(order))+" conversations")
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="fullqa_review_labels.jsonl"`)
	w.Write(b.Bytes())
}
