package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"fullqa/internal/conversation"
	"fullqa/internal/store"
)

// findingJSON is one finding in API answers.
type findingJSON struct {
	ID             int64             `json:"id"`
	ConversationID string            `json:"conversation_id"`
	Code           string            `json:"code"`
	Severity       string            `json:"severity"`
	Messages       []int             `json:"messages"`
	Evidence       string            `json:"evidence"`
	Detail         string            `json:"detail,omitempty"`
	Data           conversation.Data `json:"data,omitempty"`
	Source         string            `json:"source"`
	Vendor         string            `json:"vendor"`
	Shop           string            `json:"shop"`
	Agent          string            `json:"agent"`
	At             string            `json:"at"`
	FoundAt        string            `json:"found_at"`
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

func newFindingJSON(f *store.Finding, loc *time.Location) findingJSON {
	msgs := f.Messages
	if msgs == nil {
		msgs = []int{}
	}
	return findingJSON{ID: f.ID, ConversationID: f.ConversationID, Code: f.Code, Severity: f.Severity, Messages: msgs,
		Evidence: f.Evidence, Detail: f.Detail, Data: f.Data, Source: f.Source, Vendor: f.Vendor, Shop: f.Shop,
		Agent: f.Agent, At: f.At.In(loc).Format(timeLayout), FoundAt: f.CreatedAt.In(loc).Format(timeLayout)}
}

// findingsAnswer is GET /api/v1/findings: a page of findings, newest
// first, and the cursor of the next page ("" on the last).
type findingsAnswer struct {
	Findings   []findingJSON `json:"findings"`
	NextCursor string        `json:"next_cursor"`
}

// maxPage caps limit=.
const maxPage = 1000

func (s *Server) getFindings(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	q := r.URL.Query()
	f := store.FindingFilter{Scope: u.Scope(), Code: q.Get("code"), Vendor: q.Get("vendor"), Shop: q.Get("shop"),
		Agent: q.Get("agent"), ConversationID: q.Get("conversation"), Limit: 100}
	var err error
	if f.Since, err = s.parseTime(q.Get("since"), false); err != nil {
		writeError(w, http.StatusBadRequest, "since: "+err.Error())
		return
	}
	if f.Until, err = s.parseTime(q.Get("until"), true); err != nil {
		writeError(w, http.StatusBadRequest, "until: "+err.Error())
		return
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > maxPage {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit: want 1 to %d", maxPage))
			return
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			writeError(w, http.StatusBadRequest, "cursor: not a cursor this API gave")
			return
		}
		f.Before = n
	}
	fs, err := s.st.ListFindings(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ans := findingsAnswer{Findings: make([]findingJSON, len(fs))}
	for i := range fs {
		ans.Findings[i] = newFindingJSON(&fs[i], s.o.Scan.Location)
	}
	if len(fs) == f.Limit {
		ans.NextCursor = strconv.FormatInt(fs[len(fs)-1].ID, 10)
	}
	s.audit(r, "findings.read", r.URL.RawQuery, strconv.Itoa(len(fs))+" findings")
	writeJSON(w, http.StatusOK, ans)
}

// parseTime reads an RFC 3339 time or a day (2006-01-02) in the configured
// time zone; a day as an upper bound means the end of that day.
func (s *Server) parseTime(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, s.o.Scan.Location)
	if err != nil {
		return time.Time{}, fmt.Errorf("want RFC 3339 or YYYY-MM-DD, got %q", v)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}
