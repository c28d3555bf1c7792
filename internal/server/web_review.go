package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/store"
)

// postReview stores a reviewer's verdicts on a conversation's findings
// (form fields v-ID = correct|wrong|unsure and c-ID = comment) and,
// optionally, one finding the detectors missed (missed_code,
// missed_messages such as "3,5", missed_comment).
func (s *Server) postReview(w http.ResponseWriter, r *http.Request) {
	if !s.requireQA(w, r) {
		return
	}
	u := sessionOf(r).User
	id := r.PathValue("id")
	c, err := s.st.GetConversation(r.Context(), "", id)
	if err != nil {
		s.pageErr(w, r, err)
		return
	}
	fs, err := s.st.ListFindings(r.Context(), store.FindingFilter{ConversationID: id, Limit: 100000})
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	var vs []store.Verdict
	for _, f := range fs {
		key := strconv.FormatInt(f.ID, 10)
		verdict := r.PostFormValue("v-" + key)
		if verdict == "" {
			continue
		}
		if !store.ValidVerdict(verdict) {
			s.badRequest(w, r, "bad_verdict")
			return
		}
		vs = append(vs, store.Verdict{FindingID: f.ID, Code: f.Code, Messages: f.Messages, Evidence: f.Evidence,
			Verdict: verdict, Comment: strings.TrimSpace(r.PostFormValue("c-" + key))})
	}
	if code := r.PostFormValue("missed_code"); code != "" {
		if !conversation.KnownCode(code) {
			s.badRequest(w, r, "bad_code")
			return
		}
		msgs, ok := parseMessageList(r.PostFormValue("missed_messages"), c.Messages)
		if !ok {
			s.badRequest(w, r, "bad_messages")
			return
		}
		vs = append(vs, store.Verdict{Code: code, Messages: msgs, Evidence: strings.TrimSpace(r.PostFormValue("missed_evidence")),
			Verdict: store.VerdictMissed, Comment: strings.TrimSpace(r.PostFormValue("missed_comment"))})
	}
	if err := s.st.PutVerdicts(r.Context(), id, u.Name, vs, s.now()); err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/conversations/"+url.PathEscape(id)+"#review", http.StatusSeeOther)
}

// parseMessageList reads "3, 5 7" as message numbers below n (at least
// one).
func parseMessageList(v string, n int) ([]int, bool) {
	var out []int
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '，' || r == '、' }) {
		k, err := strconv.Atoi(strings.Trim(f, "[]"))
		if err != nil || k < 0 || k >= n {
			return nil, false
		}
		out = append(out, k)
	}
	return out, len(out) > 0
}
