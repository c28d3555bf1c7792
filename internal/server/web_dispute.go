package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fullqa/internal/store"
)

// postDispute files a vendor user's dispute of a finding on one of its
// vendor's conversations; the comment is required.
func (s *Server) postDispute(w http.ResponseWriter, r *http.Request) {
	u := sessionOf(r).User
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || u.Role != store.RoleVendor {
		s.notFound(w, r)
		return
	}
	comment := strings.TrimSpace(r.PostFormValue("comment"))
	if comment == "" {
		s.badRequest(w, r, "dispute_needs_comment")
		return
	}
	d, err := s.st.FileDispute(r.Context(), u.Scope(), id, u.Name, comment, s.now())
	if err != nil {
		s.pageErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/conversations/"+url.PathEscape(d.ConversationID)+"#f-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// postRuling records a QA user's final ruling on a dispute; accepting it
// rescores the conversation without the finding.
func (s *Server) postRuling(w http.ResponseWriter, r *http.Request) {
	if !s.requireQA(w, r) {
		return
	}
	u := sessionOf(r).User
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.notFound(w, r)
		return
	}
	var accept bool
	switch r.PostFormValue("decision") {
	case "accept":
		accept = true
	case "reject":
	default:
		s.badRequest(w, r, "ruling_needs_decision")
		return
	}
	d, err := s.st.RuleDispute(r.Context(), id, u.Name, accept, r.PostFormValue("comment"), s.now(), s.rescore)
	if err != nil {
		s.pageErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/conversations/"+url.PathEscape(d.ConversationID)+"#f-"+strconv.FormatInt(d.FindingID, 10), http.StatusSeeOther)
}

// disputesView is the disputes page.
type disputesView struct {
	State string
	Rows  []store.Dispute
}

// getDisputes lists disputes (a vendor user its vendor's), open ones by
// default.
func (s *Server) getDisputes(w http.ResponseWriter, r *http.Request) {
	u := sessionOf(r).User
	state := r.URL.Query().Get("state")
	switch state {
	case "", store.DisputeOpen, store.DisputeAccepted, store.DisputeRejected, "all":
	default:
		s.badRequest(w, r, "bad_state")
		return
	}
	if state == "" {
		state = store.DisputeOpen
	}
	f := store.DisputeFilter{Scope: u.Scope(), State: state}
	if state == "all" {
		f.State = ""
	}
	ds, err := s.st.ListDisputes(r.Context(), f)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.audit(r, "disputes.view", state, strconv.Itoa(len(ds))+" disputes")
	s.render(w, r, http.StatusOK, "disputes", "disputes", &disputesView{State: state, Rows: ds})
}
