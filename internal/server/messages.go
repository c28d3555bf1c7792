package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"fullqa/internal/conversation"
	"fullqa/internal/detect"
	"fullqa/internal/ingest"
	"fullqa/internal/store"
)

// messageEvent is one record of POST /api/v1/messages.
type messageEvent struct {
	MessageID      *string  `json:"message_id"`
	ConversationID *string  `json:"conversation_id"`
	Event          string   `json:"event"`
	Role           *string  `json:"role"`
	Text           *string  `json:"text"`
	At             string   `json:"at"`
	Agent          string   `json:"agent"`
	Kind           string   `json:"kind"`
	Channel        string   `json:"channel"`
	Customer       string   `json:"customer"`
	Shop           string   `json:"shop"`
	Vendor         string   `json:"vendor"`
	OrderIDs       []string `json:"order_ids"`
	SKUs           []string `json:"skus"`
}

// messagesAnswer is the answer of POST /api/v1/messages. Findings are the
// per-message checks' findings about the messages just accepted.
type messagesAnswer struct {
	Accepted  int           `json:"accepted"`
	Duplicate int           `json:"duplicate"`
	Closed    int           `json:"closed"`
	Rejected  []rejected    `json:"rejected"`
	Findings  []findingJSON `json:"findings"`
}

// parseEvent validates one line; the error names the field.
func (s *Server) parseEvent(line []byte, scope string) (store.Event, *rejected) {
	var me messageEvent
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&me); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return store.Event{}, &rejected{Field: te.Field, Error: fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)}
		}
		return store.Event{}, &rejected{Error: "bad JSON: " + err.Error()}
	}
	if me.ConversationID == nil || strings.TrimSpace(*me.ConversationID) == "" {
		return store.Event{}, &rejected{Field: "conversation_id", Error: "missing"}
	}
	ev := store.Event{ConversationID: *me.ConversationID}
	switch me.Event {
	case "close":
		ev.Close = true
		return ev, nil
	case "", "message":
	default:
		return ev, &rejected{Field: "event", Error: fmt.Sprintf("unknown event %q (want close, or none for a message)", me.Event)}
	}
	if me.MessageID == nil || strings.TrimSpace(*me.MessageID) == "" {
		return ev, &rejected{Field: "message_id", Error: "missing"}
	}
	if me.Role == nil {
		return ev, &rejected{Field: "role", Error: "missing"}
	}
	role, ok := conversation.ParseRole(*me.Role)
	if !ok {
		return ev, &rejected{Field: "role", Error: fmt.Sprintf("unknown role %q (want customer, agent, bot or system)", *me.Role)}
	}
	if me.Text == nil {
		return ev, &rejected{Field: "text", Error: "missing"}
	}
	if scope != "" && me.Vendor != "" && me.Vendor != scope {
		return ev, &rejected{Field: "vendor", Error: fmt.Sprintf("%q is not your vendor %q", me.Vendor, scope)}
	}
	ev.MessageID = *me.MessageID
	ev.Message = conversation.Message{Role: role, Text: *me.Text, Agent: me.Agent, Kind: me.Kind}
	if me.At != "" {
		t, err := ingest.ParseTime(me.At, "", s.o.Scan.Location)
		if err != nil {
			return ev, &rejected{Field: "at", Error: err.Error()}
		}
		ev.Message.At = t
	}
	ev.Channel, ev.Customer, ev.Shop, ev.Vendor = me.Channel, me.Customer, me.Shop, me.Vendor
	if scope != "" {
		ev.Vendor = scope
	}
	ev.OrderIDs, ev.SKUs = me.OrderIDs, me.SKUs
	return ev, nil
}

// postMessages takes streamed message events (JSON Lines or an array):
// each new message is appended to its conversation and checked at once by
// the per-message detectors; a close event (or close_after of silence)
// queues the conversation for its full inspection.
func (s *Server) postMessages(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	scope := u.Scope()
	if s.pending.Load() >= int64(s.o.Serve.Queue) {
		s.throttle(w)
		return
	}
	lines, err := s.bodyLines(w, r)
	if err != nil {
		bodyError(w, err)
		return
	}
	ans := messagesAnswer{Rejected: []rejected{}, Findings: []findingJSON{}}
	var evs []store.Event
	var lineOf []int
	br := bufio.NewReaderSize(lines, 64<<10)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br, s.o.Serve.MaxRecordBytes)
		if err == io.EOF && line == nil {
			break
		}
		if err != nil && err != io.EOF {
			bodyError(w, err)
			return
		}
		if len(evs)+len(ans.Rejected) >= s.o.Serve.MaxRecords {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("more than %d records (serve.max_records): split the request", s.o.Serve.MaxRecords))
			return
		}
		if tooLong {
			ans.Rejected = append(ans.Rejected, rejected{Line: n, Error: fmt.Sprintf("record over %d bytes (serve.max_record_bytes)", s.o.Serve.MaxRecordBytes)})
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		ev, rj := s.parseEvent(line, scope)
		if rj != nil {
			rj.Line = n
			ans.Rejected = append(ans.Rejected, *rj)
			continue
		}
		evs = append(evs, ev)
		lineOf = append(lineOf, n)
	}
	now := s.now()
	var scratch detect.Scratch
	audit := &store.AuditEntry{At: now, User: u.Name, Action: "messages.ingest", Object: strconv.Itoa(len(evs)) + " events"}
	outs, found, err := s.st.AppendEvents(r.Context(), scope, evs, now, func(c *conversation.Conversation, n int) []conversation.Finding {
		return s.liveCheck(c, n, &scratch)
	}, audit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for i, o := range outs {
		switch o {
		case store.MessageAccepted:
			ans.Accepted++
		case store.MessageDuplicate, store.AlreadyClosed:
			ans.Duplicate++
		case store.ConversationClosed:
			ans.Closed++
		case store.EventHidden, store.UnknownConversation:
			ans.Rejected = append(ans.Rejected, rejected{Line: lineOf[i], Field: "conversation_id", Error: "no such conversation"})
		}
	}
	for i := range found {
		ans.Findings = append(ans.Findings, newFindingJSON(&found[i], s.o.Scan.Location))
	}
	s.metrics.msgAccepted.Add(int64(ans.Accepted))
	s.metrics.msgDuplicate.Add(int64(ans.Duplicate))
	s.metrics.msgRejected.Add(int64(len(ans.Rejected)))
	if ans.Closed > 0 {
		s.wakeInspector()
	}
	s.sink(r.Context(), found, true)
	sortRejected(ans.Rejected)
	writeJSON(w, http.StatusOK, ans)
}

// liveCheck runs the per-message detectors over the conversation so far
// and keeps the findings about message n. A panic is recovered: the
// message is kept, its live check is lost, the full inspection still runs.
func (s *Server) liveCheck(c *conversation.Conversation, n int, scratch *detect.Scratch) (fs []conversation.Finding) {
	if s.o.Live == nil {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("per-message check panicked", "conversation", c.ID, "message", n, "panic", fmt.Sprint(p))
			*scratch = detect.Scratch{}
			fs = nil
		}
	}()
	_, out := s.o.Live.Inspect(c, scratch)
	for _, f := range out.Findings {
		if len(f.Messages) > 0 && f.Messages[0] == n {
			fs = append(fs, f)
		}
	}
	return fs
}

// readLine reads one line of at most max bytes; a longer one is skipped
// to its end and reported as tooLong.
func readLine(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > max+1 {
			tooLong = true
		} else {
			line = append(line, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if tooLong {
			line = []byte{}
		}
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil, false, io.EOF
		}
		return line, tooLong, err
	}
}
