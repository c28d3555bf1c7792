package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// burstJSON is one burst in API answers, the shape of the cross section
// of fullqa.kpi/v1.
type burstJSON struct {
	Topic         topicJSON `json:"topic"`
	WindowStart   string    `json:"window_start"`
	WindowEnd     string    `json:"window_end"`
	Count         int       `json:"count"`
	Expected      float64   `json:"expected"`
	Conversations []string  `json:"conversations"`
}

type topicJSON struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// getBursts is GET /api/v1/bursts?since=&limit=: the bursts (burst.topic)
// whose window ends after since (default: the last 24 hours), latest
// first. Bursts count every vendor's conversations, so a vendor's token
// may not read them.
func (s *Server) getBursts(w http.ResponseWriter, r *http.Request) {
	if userOf(r).Scope() != "" {
		writeError(w, http.StatusForbidden, "bursts count every vendor's conversations: not readable with a vendor token")
		return
	}
	q := r.URL.Query()
	since, err := s.parseTime(q.Get("since"), false)
	if err != nil {
		writeError(w, http.StatusBadRequest, "since: "+err.Error())
		return
	}
	if since.IsZero() {
		since = s.now().Add(-24 * time.Hour)
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit <= 0 || limit > maxPage {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit: want 1 to %d", maxPage))
			return
		}
	}
	bs, err := s.st.ListBursts(r.Context(), since, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ans := struct {
		Bursts []burstJSON `json:"bursts"`
	}{Bursts: make([]burstJSON, len(bs))}
	for i, b := range bs {
		ans.Bursts[i] = burstJSON{Topic: topicJSON{b.Topic.Kind, b.Topic.Value},
			WindowStart: b.WindowStart.In(s.o.Scan.Location).Format(timeLayout), WindowEnd: b.WindowEnd.In(s.o.Scan.Location).Format(timeLayout),
			Count: b.Count, Expected: b.Expected, Conversations: b.Conversations}
	}
	s.audit(r, "bursts.read", r.URL.RawQuery, strconv.Itoa(len(bs))+" bursts")
	writeJSON(w, http.StatusOK, ans)
}
