package server

import (
	"errors"
	"net/http"
	"strconv"

	"fullqa/internal/sample"
	"fullqa/internal/scan"
	"fullqa/internal/store"
)

// queueRow is one assignment with the conversation's score.
type queueRow struct {
	store.Assignment
	Score    string
	Findings int
}

// queueView is the review queue page.
type queueView struct {
	Mine, All []queueRow
	Reviewers []string
	Built     string // "n assignments" after building a queue
}

// getReviewQueue shows the signed-in reviewer's open queue, everyone's
// assignments, and the form that builds a new queue.
func (s *Server) getReviewQueue(w http.ResponseWriter, r *http.Request) {
	if !s.requireQA(w, r) {
		return
	}
	ctx := r.Context()
	u := sessionOf(r).User
	as, err := s.st.ListAssignments(ctx, "")
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	v := &queueView{Built: r.URL.Query().Get("built")}
	for _, a := range as {
		row := queueRow{Assignment: a}
		if res, err := s.st.GetResult(ctx, a.ConversationID); err == nil {
			row.Score = strconv.Itoa(res.Score)
		} else if !errors.Is(err, store.ErrNotFound) {
			s.failPage(w, r, err)
			return
		}
		if a.Reviewer == u.Name && a.DoneAt.IsZero() {
			v.Mine = append(v.Mine, row)
		}
		if len(v.All) < 500 {
			v.All = append(v.All, row)
		}
	}
	users, err := s.st.ListUsers(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	for _, x := range users {
		if x.Role != store.RoleVendor && x.RevokedAt.IsZero() {
			v.Reviewers = append(v.Reviewers, x.Name)
		}
	}
	s.render(w, r, http.StatusOK, "review", "review_queue", v)
}

// postReviewQueue builds a review queue with `fullqa sample`'s logic
// (internal/sample: the riskiest conversations first, spread over agents,
// plus a random share for calibrating the detectors) over the period's
// inspected conversations, and assigns it: split round-robin among the
// chosen reviewers, or, for calibration, every conversation to each of
// them.
func (s *Server) postReviewQueue(w http.ResponseWriter, r *http.Request) {
	if !s.requireQA(w, r) {
		return
	}
	u := sessionOf(r).User
	n, err := strconv.Atoi(r.PostFormValue("n"))
	if err != nil || n <= 0 || n > 5000 {
		s.badRequest(w, r, "bad_n")
		return
	}
	share, err := strconv.ParseFloat(r.PostFormValue("random"), 64)
	if err != nil || share < 0 || share > 1 {
		s.badRequest(w, r, "bad_random")
		return
	}
	reviewers := r.PostForm["reviewer"]
	if len(reviewers) == 0 {
		s.badRequest(w, r, "bad_reviewers")
		return
	}
	calibrate := r.PostFormValue("mode") == "calibrate"
	p, err := s.periodOf(r)
	if err != nil {
		s.badRequest(w, r, err.Error())
		return
	}
	now := s.now()
	sm := sample.New(sample.Options{N: n, Random: share, Seed: uint64(now.UnixNano())})
	if err := s.eachResult(r.Context(), p.f, func(_ *store.Conversation, res *scan.Result) { sm.Add(res) }); err != nil {
		s.failPage(w, r, err)
		return
	}
	batch := now.In(s.o.Scan.Location).Format("2006-01-02 15:04:05")
	var as []store.Assignment
	for i, pk := range sm.Picks() {
		to := []string{reviewers[i%len(reviewers)]}
		if calibrate {
			to = reviewers
		}
		for _, rv := range to {
			as = append(as, store.Assignment{ConversationID: pk.Conv(), Reviewer: rv, Reason: pk.Reason, Rank: pk.Rank, Batch: batch, AssignedBy: u.Name})
		}
	}
	k, err := s.st.Assign(r.Context(), as, now)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/review?built="+strconv.Itoa(k), http.StatusSeeOther)
}
