package server

import (
	"net/http"
	"net/url"
	"strconv"

	"fullqa/internal/conversation"
	"fullqa/internal/store"
)

// findingsView is the findings list: its filters, one page of rows and
// the cursor of the next page.
type findingsView struct {
	Q          url.Values
	Rows       []findingRow
	Next       string // query of the next page, "" on the last
	Codes      []string
	Severities []string
	Reviews    []string
}

// findingRow is one finding in the list.
type findingRow struct {
	store.Finding
	When   string
	Review store.ReviewState
}

const findingsPage = 50

// getFindingsPage lists findings newest first with the API's filters plus
// severity and review state; a vendor user sees its vendor's only.
func (s *Server) getFindingsPage(w http.ResponseWriter, r *http.Request) {
	u := sessionOf(r).User
	q := r.URL.Query()
	f := store.FindingFilter{Scope: u.Scope(), Code: q.Get("code"), Severity: q.Get("severity"), Vendor: q.Get("vendor"),
		Shop: q.Get("shop"), Agent: q.Get("agent"), Review: q.Get("review"), Limit: findingsPage}
	var err error
	if f.Since, err = s.parseTime(q.Get("from"), false); err != nil {
		s.badRequest(w, r, "from: "+err.Error())
		return
	}
	if f.Until, err = s.parseTime(q.Get("to"), true); err != nil {
		s.badRequest(w, r, "to: "+err.Error())
		return
	}
	if c := q.Get("cursor"); c != "" {
		if f.Before, err = strconv.ParseInt(c, 10, 64); err != nil || f.Before <= 0 {
			s.badRequest(w, r, "cursor: not a cursor this page gave")
			return
		}
	}
	fs, err := s.st.ListFindings(r.Context(), f)
	if err != nil {
		s.pageErr(w, r, err)
		return
	}
	ids := make([]int64, len(fs))
	for i := range fs {
		ids[i] = fs[i].ID
	}
	states, err := s.st.ReviewStates(r.Context(), ids)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	v := &findingsView{Q: q, Codes: conversation.Codes(), Reviews: store.ReviewFilters()}
	for sv := conversation.SeverityInfo; sv <= conversation.SeverityCritical; sv++ {
		v.Severities = append(v.Severities, sv.String())
	}
	for _, f := range fs {
		v.Rows = append(v.Rows, findingRow{Finding: f, When: s.fmtTime(f.At), Review: states[f.ID]})
	}
	if len(fs) == f.Limit {
		nq := url.Values{}
		for k, vs := range q {
			nq[k] = vs
		}
		nq.Set("cursor", strconv.FormatInt(fs[len(fs)-1].ID, 10))
		v.Next = nq.Encode()
	}
	s.audit(r, "findings.view", r.URL.RawQuery, strconv.Itoa(len(fs))+" findings")
	s.render(w, r, http.StatusOK, "findings", "findings", v)
}
