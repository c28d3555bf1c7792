package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fullqa/internal/conversation"
)

// Finding sources.
const (
	SourceMessage    = "message"    // a per-message check, run as the message arrived
	SourceInspection = "inspection" // the full inspection of the conversation
)

// Result is a conversation's latest full inspection.
type Result struct {
	Hash        string // the content inspected
	Score       int
	Fatal       bool
	Doc         []byte // the scan output line (DESIGN.md "Scan output")
	InspectedAt time.Time
}

// Finding is one stored finding with what the API filters on.
type Finding struct {
	ID             int64
	ConversationID string
	Source         string
	Code           string
	Severity       string
	Messages       []int
	Evidence       string
	Detail         string
	Data           conversation.Data
	Vendor, Shop   string
	Agent          string    // the agent it counts for ("" when none)
	At             time.Time // its first message's time, else the conversation's start, else when found
	CreatedAt      time.Time
}

// NewFindings converts a conversation's findings to stored ones. A finding
// counts for the agent of the first agent message among its evidence, else
// for the agent who wrote most of the conversation's agent messages, as
// the reports count it.
func NewFindings(c *conversation.Conversation, fs []conversation.Finding, source string, now time.Time) []Finding {
	if len(fs) == 0 {
		return nil
	}
	main := mainAgent(c)
	start, _ := span(c)
	out := make([]Finding, len(fs))
	for i, f := range fs {
		sf := Finding{ConversationID: c.ID, Source: source, Code: f.Code, Severity: f.Severity.String(),
			Messages: f.Messages, Evidence: f.Evidence, Detail: f.Detail, Data: f.Data,
			Vendor: c.Vendor, Shop: c.Shop, Agent: main, At: start, CreatedAt: now}
		for _, n := range f.Messages {
			if n >= 0 && n < len(c.Messages) && c.Messages[n].Role == conversation.RoleAgent && c.Messages[n].Agent != "" {
				sf.Agent = c.Messages[n].Agent
				break
			}
		}
		if len(f.Messages) > 0 && f.Messages[0] >= 0 && f.Messages[0] < len(c.Messages) && !c.Messages[f.Messages[0]].At.IsZero() {
			sf.At = c.Messages[f.Messages[0]].At
		}
		if sf.At.IsZero() {
			sf.At = now
		}
		out[i] = sf
	}
	return out
}

// mainAgent is the agent with the most agent messages (the first such on a
// tie), "" when none is named.
func mainAgent(c *conversation.Conversation) string {
	counts := map[string]int{}
	best := ""
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.Role != conversation.RoleAgent || m.Agent == "" {
			continue
		}
		counts[m.Agent]++
		if best == "" || counts[m.Agent] > counts[best] {
			best = m.Agent
		}
	}
	return best
}

func (w *convWriter) addFindingRow(ctx context.Context, f *Finding) error {
	msgs, _ := json.Marshal(f.Messages)
	if f.Messages == nil {
		msgs = []byte("[]")
	}
	var data sql.NullString
	if len(f.Data) > 0 {
		b, err := json.Marshal(f.Data)
		if err != nil {
			return fmt.Errorf("store: finding data: %w", err)
		}
		data = sql.NullString{String: string(b), Valid: true}
	}
	var first sql.NullInt64
	if len(f.Messages) > 0 {
		first = sql.NullInt64{Int64: int64(f.Messages[0]), Valid: true}
	}
	res, err := w.addFinding.ExecContext(ctx, f.ConversationID, f.Source, f.Code, f.Severity, first, msgs, f.Evidence,
		f.Detail, data, f.Vendor, f.Shop, f.Agent, f.At.UnixMilli(), f.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: add finding: %w", err)
	}
	if id, err := res.LastInsertId(); err == nil {
		f.ID = id
	}
	return nil
}

// GetResult returns a conversation's latest full inspection, ErrNotFound
// before the first.
func (s *Store) GetResult(ctx context.Context, id string) (*Result, error) {
	var r Result
	var doc string
	var at int64
	err := s.r.QueryRowContext(ctx, s.d.q(`SELECT content_hash, score, fatal, doc, inspected_at FROM results WHERE conversation_id = ?`), id).
		Scan(&r.Hash, &r.Score, &r.Fatal, &doc, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("result %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get result %q: %w", id, err)
	}
	r.Doc, r.InspectedAt = []byte(doc), time.UnixMilli(at).UTC()
	return &r, nil
}

// FindingFilter selects findings. Empty fields do not filter; Before is
// the cursor: only findings with a smaller id (older) are returned.
type FindingFilter struct {
	Scope          string // the caller's vendor; "" for all
	Code           string // exact code, or a family prefix ending in "." ("promise.")
	Vendor, Shop   string
	Agent          string
	ConversationID string
	Since, Until   time.Time // on At: Since <= At < Until
	Before         int64
	Limit          int
	// ID selects one finding; Severity an exact severity; Review a review
	// state (see reviewClause): the dashboard's filters.
	ID       int64
	Severity string
	Review   string
}

// ListFindings returns findings newest first (by id, the order they were
// stored in).
func (s *Store) ListFindings(ctx context.Context, f FindingFilter) ([]Finding, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Scope != "" {
		add("vendor = ?", f.Scope)
	}
	if strings.HasSuffix(f.Code, ".") {
		add("code LIKE ?", strings.ReplaceAll(f.Code, "_", `\_`)+"%")
		where[len(where)-1] += ` ESCAPE '\'`
	} else if f.Code != "" {
		add("code = ?", f.Code)
	}
	if f.Vendor != "" {
		add("vendor = ?", f.Vendor)
	}
	if f.Shop != "" {
		add("shop = ?", f.Shop)
	}
	if f.Agent != "" {
		add("agent = ?", f.Agent)
	}
	if f.ConversationID != "" {
		add("conversation_id = ?", f.ConversationID)
	}
	if !f.Since.IsZero() {
		add("at >= ?", f.Since.UnixMilli())
	}
	if !f.Until.IsZero() {
		add("at < ?", f.Until.UnixMilli())
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	if f.ID > 0 {
		add("id = ?", f.ID)
	}
	if f.Severity != "" {
		add("severity = ?", f.Severity)
	}
	if f.Review != "" {
		c, ok := reviewClause(f.Review)
		if !ok {
			return nil, fmt.Errorf("review state %q: %w", f.Review, ErrBadFilter)
		}
		where = append(where, c)
	}
	q := `SELECT id, conversation_id, source, code, severity, messages, evidence, detail, data, vendor, shop, agent, at, created_at FROM findings`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list findings: %w", err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var fd Finding
		var msgs string
		var data sql.NullString
		var at, created int64
		if err := rows.Scan(&fd.ID, &fd.ConversationID, &fd.Source, &fd.Code, &fd.Severity, &msgs, &fd.Evidence,
			&fd.Detail, &data, &fd.Vendor, &fd.Shop, &fd.Agent, &at, &created); err != nil {
			return nil, fmt.Errorf("store: list findings: %w", err)
		}
		if err := json.Unmarshal([]byte(msgs), &fd.Messages); err != nil {
			return nil, fmt.Errorf("store: finding %d messages: %w", fd.ID, err)
		}
		if data.Valid {
			if err := json.Unmarshal([]byte(data.String), &fd.Data); err != nil {
				return nil, fmt.Errorf("store: finding %d data: %w", fd.ID, err)
			}
		}
		fd.At, fd.CreatedAt = time.UnixMilli(at).UTC(), time.UnixMilli(created).UTC()
		out = append(out, fd)
	}
	return out, rows.Err()
}

// FindingCounts counts stored findings by code, within scope.
func (s *Store) FindingCounts(ctx context.Context, scope string) (map[string]int, error) {
	q, args := `SELECT code, COUNT(*) FROM findings GROUP BY code`, []any{}
	if scope != "" {
		q, args = `SELECT code, COUNT(*) FROM findings WHERE vendor = ? GROUP BY code`, []any{scope}
	}
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: count findings: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return nil, fmt.Errorf("store: count findings: %w", err)
		}
		out[code] = n
	}
	return out, rows.Err()
}

// ResultFilter selects conversations with results for a report. Empty
// fields do not filter; From and To bound the first message's time
// (From <= started < To); conversations without timestamps are left out
// when either is set.
type ResultFilter struct {
	Scope, Vendor, Shop string
	From, To            time.Time
}

// EachResult calls fn with every closed conversation whose current
// content is inspected, and its result, in start order. It streams: a
// report over millions of conversations holds one at a time.
func (s *Store) EachResult(ctx context.Context, f ResultFilter, fn func(c *Conversation, r *Result) error) error {
	q := `SELECT c.id, c.channel, c.shop, c.vendor, c.customer, c.started_at, c.last_at, c.n_messages, c.doc,
		c.content_hash, c.state, c.received_at, c.created_at, c.updated_at, c.inspected_hash, c.inspections,
		r.score, r.fatal, r.doc, r.inspected_at
		FROM conversations c JOIN results r ON r.conversation_id = c.id AND r.content_hash = c.content_hash WHERE c.state = 'closed'`
	var args []any
	for _, p := range []struct {
		cond string
		v    string
	}{{"c.vendor = ?", f.Scope}, {"c.vendor = ?", f.Vendor}, {"c.shop = ?", f.Shop}} {
		if p.v != "" {
			q += " AND " + p.cond
			args = append(args, p.v)
		}
	}
	if !f.From.IsZero() {
		q += " AND c.started_at >= ?"
		args = append(args, f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		q += " AND c.started_at < ?"
		args = append(args, f.To.UnixMilli())
	}
	q += " ORDER BY c.started_at, c.id"
	rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
	if err != nil {
		return fmt.Errorf("store: results: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Conversation
		var r Result
		var started, last, received, created, updated sql.NullInt64
		var doc, rdoc string
		var at int64
		if err := rows.Scan(&c.ID, &c.Channel, &c.Shop, &c.Vendor, &c.Customer, &started, &last, &c.Messages, &doc,
			&c.Hash, &c.State, &received, &created, &updated, &c.InspectedHash, &c.Inspections,
			&r.Score, &r.Fatal, &rdoc, &at); err != nil {
			return fmt.Errorf("store: results: %w", err)
		}
		c.Doc, r.Doc = []byte(doc), []byte(rdoc)
		c.StartedAt, c.LastAt, c.ReceivedAt = fromMS(started), fromMS(last), fromMS(received)
		c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
		r.Hash, r.InspectedAt = c.Hash, time.UnixMilli(at).UTC()
		if err := fn(&c, &r); err != nil {
			return err
		}
	}
	return rows.Err()
}
