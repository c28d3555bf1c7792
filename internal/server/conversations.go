package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"fullqa/internal/conversation"
	"fullqa/internal/ingest"
	"fullqa/internal/store"
)

// ingestAnswer is the answer of POST /api/v1/conversations.
type ingestAnswer struct {
	Accepted  int        `json:"accepted"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Rejected  []rejected `json:"rejected"`
}

// postConversations ingests complete conversations: parse (the CLI's
// parser and errors), skip those stored with the same content, inspect the
// rest in parallel, and store all in one transaction. A 2xx answer means
// every accepted and updated conversation is committed with its result.
func (s *Server) postConversations(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	scope := u.Scope()
	lines, err := s.bodyLines(w, r)
	if err != nil {
		bodyError(w, err)
		return
	}
	rd, err := ingest.Open("body", lines, ingest.Options{Format: ingest.FormatJSONL, Location: s.o.Scan.Location, MaxLine: s.o.Serve.MaxRecordBytes,
		SortByTime: s.o.Config.Ingest.SortByTime})
	if err != nil {
		bodyError(w, err)
		return
	}
	ans := ingestAnswer{Rejected: []rejected{}}
	var convs []*conversation.Conversation
	var lineOf []int
	for n := 0; ; n++ {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if n >= s.o.Serve.MaxRecords {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("more than %d records (serve.max_records): split the request", s.o.Serve.MaxRecords))
			return
		}
		if rj, ok := rejectOf(err); ok {
			ans.Rejected = append(ans.Rejected, rj)
			continue
		}
		if err != nil {
			bodyError(w, err)
			return
		}
		line := lineNumber(c.Source)
		if scope != "" && c.Vendor == "" {
			c.Vendor = scope
		}
		if scope != "" && c.Vendor != scope {
			ans.Rejected = append(ans.Rejected, rejected{Line: line, Field: "vendor", Error: fmt.Sprintf("%q is not your vendor %q", c.Vendor, scope)})
			continue
		}
		c.Source = ""
		convs = append(convs, c)
		lineOf = append(lineOf, line)
	}
	if err := s.ingestConversations(r.Context(), u.Name, scope, convs, lineOf, &ans); err != nil {
		if errors.Is(err, errQueueFull) {
			s.throttle(w)
			return
		}
		s.fail(w, r, err)
		return
	}
	sortRejected(ans.Rejected)
	writeJSON(w, http.StatusOK, ans)
}

// errQueueFull says the inspection queue has no room for a request's
// conversations (the handler answers 429).
var errQueueFull = errors.New("inspection queue full")

// ingestConversations stores complete conversations: skip those stored
// with the same content, inspect the rest in parallel, store all in one
// transaction, and fill ans (lineOf gives each conversation's record
// number for rejects). The ingestion API and the watched folder share it.
func (s *Server) ingestConversations(ctx context.Context, user, scope string, convs []*conversation.Conversation, lineOf []int, ans *ingestAnswer) error {
	var err error
	// Encode and hash; inspect only what the store does not hold already.
	ids := make([]string, len(convs))
	docs := make([][]byte, len(convs))
	hashes := make([]string, len(convs))
	for i, c := range convs {
		ids[i] = c.ID
		if docs[i], err = store.EncodeConversation(c); err != nil {
			return err
		}
		hashes[i] = store.ContentHash(docs[i])
	}
	known, err := s.st.KnownConversations(ctx, ids)
	if err != nil {
		return err
	}
	var todo []int
	for i, c := range convs {
		k, ok := known[c.ID]
		switch {
		case ok && scope != "" && k.Vendor != scope:
			ans.Rejected = append(ans.Rejected, rejected{Line: lineOf[i], Field: "id", Error: "not accepted for your vendor"})
		case ok && k.Hash == hashes[i]:
			ans.Unchanged++
		default:
			todo = append(todo, i)
		}
	}
	if !s.queue.reserve(len(todo)) {
		return errQueueFull
	}
	defer s.queue.release(len(todo))
	tc := make([]*conversation.Conversation, len(todo))
	th := make([]string, len(todo))
	for j, i := range todo {
		tc[j], th[j] = convs[i], hashes[i]
	}
	results := s.inspectAll(ctx, tc, th)
	puts := make([]store.Put, 0, len(todo))
	var putLine []int
	for j, i := range todo {
		if results[j].err != nil {
			ans.Rejected = append(ans.Rejected, rejected{Line: lineOf[i], Error: results[j].err.Error()})
			continue
		}
		puts = append(puts, store.Put{Conv: convs[i], Doc: docs[i], Hash: hashes[i], Result: results[j].result, Findings: results[j].findings,
			Across: results[j].across})
		putLine = append(putLine, lineOf[i])
	}
	now := s.now()
	audit := &store.AuditEntry{At: now, User: user, Action: "conversations.ingest", Object: strconv.Itoa(len(puts)) + " conversations"}
	outs, err := s.st.PutConversations(ctx, scope, puts, now, audit)
	if err != nil {
		return err
	}
	var found []store.Finding
	for k, o := range outs {
		switch o {
		case store.Accepted:
			ans.Accepted++
		case store.Updated:
			ans.Updated++
		case store.Unchanged:
			ans.Unchanged++
			continue
		case store.Hidden:
			ans.Rejected = append(ans.Rejected, rejected{Line: putLine[k], Field: "id", Error: "not accepted for your vendor"})
			continue
		}
		found = append(found, puts[k].Findings...)
	}
	s.metrics.convAccepted.Add(int64(ans.Accepted))
	s.metrics.convUpdated.Add(int64(ans.Updated))
	s.metrics.convUnchanged.Add(int64(ans.Unchanged))
	s.metrics.convRejected.Add(int64(len(ans.Rejected)))
	s.checkBursts(ctx, puts)
	s.sink(ctx, found, false)
	return nil
}

// lineNumber reads the line from a conversation's Source ("body:12").
func lineNumber(src string) int {
	for i := len(src) - 1; i >= 0; i-- {
		if src[i] == ':' {
			n, _ := strconv.Atoi(src[i+1:])
			return n
		}
	}
	return 0
}

// throttle answers 429: the inspection queue is full.
func (s *Server) throttle(w http.ResponseWriter) {
	s.metrics.throttled.Add(1)
	w.Header().Set("Retry-After", "1")
	writeError(w, http.StatusTooManyRequests, "the inspection queue is full (serve.queue): retry after the Retry-After seconds")
}

// conversationAnswer is GET /api/v1/conversations/{id}: the conversation
// in the canonical format and its latest result in the scan output format
// (null before the first inspection).
type conversationAnswer struct {
	Conversation json.RawMessage `json:"conversation"`
	State        string          `json:"state"`
	Inspections  int             `json:"inspections"`
	Inspected    bool            `json:"inspected"` // the result is of the current content
	ReceivedAt   string          `json:"received_at"`
	Result       json.RawMessage `json:"result"`
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	id := r.PathValue("id")
	c, err := s.st.GetConversation(r.Context(), u.Scope(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such conversation")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ans := conversationAnswer{Conversation: c.Doc, State: c.State, Inspections: c.Inspections,
		Inspected: c.InspectedHash == c.Hash, ReceivedAt: c.ReceivedAt.Format("2006-01-02T15:04:05.000Z07:00"), Result: json.RawMessage("null")}
	res, err := s.st.GetResult(r.Context(), id)
	switch {
	case err == nil:
		ans.Result = res.Doc
	case !errors.Is(err, store.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	s.audit(r, "conversation.read", id, "")
	writeJSON(w, http.StatusOK, ans)
}
