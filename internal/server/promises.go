package server

import (
	"net/http"
	"strconv"
	"time"

	"fullqa/internal/store"
)

// promiseJSON is one due-tracked promise in API answers.
type promiseJSON struct {
	ConversationID string `json:"conversation_id"`
	Message        int    `json:"message"`
	Made           string `json:"made"`
	Due            string `json:"due"`
	Event          string `json:"event"`
	Text           string `json:"text"`
	Agent          string `json:"agent"`
	Vendor         string `json:"vendor"`
	Shop           string `json:"shop"`
	Customer       string `json:"customer"`
	UnkeptBy       string `json:"unkept_by,omitempty"`
}

// dueCount is how many promises one agent or vendor has due, and how many
// of them a later contact showed unkept.
type dueCount struct {
	Due    int `json:"due"`
	Unkept int `json:"unkept"`
}

// getPromises is GET /api/v1/promises?due_after=&due_before=&vendor=&agent=&shop=:
// the due-tracked time promises falling due in the range (default: today
// in the configured time zone; a day as due_before means its end), with
// counts per agent and per vendor — "promises due today". Vendor tokens
// see their own.
func (s *Server) getPromises(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.PromiseFilter{Scope: userOf(r).Scope(), Vendor: q.Get("vendor"), Agent: q.Get("agent"), Shop: q.Get("shop"), Limit: maxPage}
	var err error
	if f.DueAfter, err = s.parseTime(q.Get("due_after"), false); err != nil {
		writeError(w, http.StatusBadRequest, "due_after: "+err.Error())
		return
	}
	if f.DueBefore, err = s.parseTime(q.Get("due_before"), true); err != nil {
		writeError(w, http.StatusBadRequest, "due_before: "+err.Error())
		return
	}
	if f.DueAfter.IsZero() && f.DueBefore.IsZero() {
		now := s.now().In(s.o.Scan.Location)
		f.DueAfter = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
		f.DueBefore = f.DueAfter.AddDate(0, 0, 1)
	}
	ps, err := s.st.ListPromises(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ans := struct {
		Promises []promiseJSON       `json:"promises"`
		ByAgent  map[string]dueCount `json:"by_agent"`
		ByVendor map[string]dueCount `json:"by_vendor"`
	}{Promises: make([]promiseJSON, len(ps)), ByAgent: map[string]dueCount{}, ByVendor: map[string]dueCount{}}
	loc := s.o.Scan.Location
	for i, p := range ps {
		ans.Promises[i] = promiseJSON{ConversationID: p.ConversationID, Message: p.Message, Made: p.Made.In(loc).Format(timeLayout),
			Due: p.Due.In(loc).Format(timeLayout), Event: p.Event, Text: p.Text, Agent: p.Agent, Vendor: p.Vendor, Shop: p.Shop,
			Customer: p.Customer, UnkeptBy: p.UnkeptBy}
		for _, m := range []struct {
			by  map[string]dueCount
			key string
		}{{ans.ByAgent, p.Agent}, {ans.ByVendor, p.Vendor}} {
			c := m.by[m.key]
			c.Due++
			if p.UnkeptBy != "" {
				c.Unkept++
			}
			m.by[m.key] = c
		}
	}
	s.audit(r, "promises.read", r.URL.RawQuery, strconv.Itoa(len(ps))+" promises")
	writeJSON(w, http.StatusOK, ans)
}
